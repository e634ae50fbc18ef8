"""Exports: CSV and XLSX that read back exactly as the table (diacritics, dates, numbers), formula
injection neutralised, atomic writes with a clear message for a folder that cannot be written,
the access log (one EXPORT row per family), who may export, the Ofsted Annex A list 2 window and
the Supporting Families extract's respect for consent to national evaluation."""

from __future__ import annotations

import csv
import datetime as dt
import os
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from hubapp.data.db import Database
from hubapp.data.models import (
    AccessLog, Assessment, ConsentRecord, Episode, EpisodeChild, Need, NeedPerson, Person, PersonIdentifier, Team,
    Worker, WorkerHub, WorkerRole,
)
from hubapp.data.uow import UnitOfWork
from hubapp.domain.errors import PermissionDenied, ValidationError
from hubapp.domain.report_dto import Column, ReportFilter, Table
from hubapp.services import exports, families

from ._world import World, child, household, parent

T = dt.date(2026, 6, 15)
FLT = ReportFilter.rolling_12_months(T)
FORMULAS = ("=1+2", "+44 7700 900123", "-5 days", "@SUM(A1)", "\tTabbed", "\rReturn")


class ExportWorld(World):
    """North: the Ní Bhriain and Smith families; Cora Coordinator may export, Amira (hub worker) may not."""

    def __init__(self, db: Database) -> None:
        super().__init__(db)
        self.siobhan = families.create_family(self.uow(), household(
            self.north, parent("Zoë", "Ní Bhriain"), child("Siobhán", "Ní Bhriain", ethnicity="WIRI"))).id
        self.smith = families.create_family(self.uow(), household(self.north, parent(), child())).id
        self.south_family = families.create_family(self.uow(), household(
            self.south, parent("Sara", "Southall"), child("Sami", "Southall"))).id
        with UnitOfWork(db) as uow:
            s = uow.session
            team = Team(hub_id=self.north, name="Family Support Team 2")
            cora = Worker(username="cora.coord", display_name="Cora Coordinator")
            s.add_all([team, cora])
            uow.flush()
            cora.team_id = team.id
            s.add_all([WorkerHub(worker_id=cora.id, hub_id=self.north), WorkerRole(worker_id=cora.id, role="coordinator")])
            uow.commit()
            self.cora, self.team = cora.id, team.id

    def coordinator(self) -> UnitOfWork:
        return UnitOfWork(self.db, self.cora)

    def table(self, rows: int = 3) -> Table:
        base = [
            ("Ní Bhriain family", "Siobhán Ní Bhriain", dt.date(2016, 3, 4), 9, 87.5, True,
             dt.datetime(2026, 6, 1, 9, 30, tzinfo=dt.UTC), None),
            ("Smith family", "Ella Smith", dt.date(2019, 12, 31), 6, 12.25, False, None, "Jürgen's note"),
            ("Smith family", "=HYPERLINK(\"http://x\")", None, -3, 0.0, None, None, "+cmd"),
        ]
        return Table("Families: a list / with [odd] chars?", (
            Column("family", "Family"), Column("child", "Child"), Column("dob", "Date of birth", "date"),
            Column("age", "Age", "int"), Column("pct", "Attendance", "percent"), Column("flag", "Open", "bool"),
            Column("at", "Logged", "datetime"), Column("note", "Note")),
            tuple(base[:rows]), (self.siobhan, self.smith, self.smith)[:rows])

    def exports_logged(self) -> list[tuple[object, ...]]:
        """(family, entity, entity id, worker, detail) of every EXPORT row, by family."""
        with UnitOfWork(self.db) as uow:
            return [tuple(r) for r in uow.session.execute(
                select(AccessLog.family_id, AccessLog.entity, AccessLog.entity_id, AccessLog.worker_id,
                       AccessLog.detail).where(AccessLog.action == "EXPORT").order_by(AccessLog.family_id))]


@pytest.fixture
def w(db: Database) -> ExportWorld:
    return ExportWorld(db)


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """A folder of its own for the exports (the SQLite database sits in ``tmp_path``)."""
    folder = tmp_path / "exports"
    folder.mkdir()
    return folder


def read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel needs for UTF-8
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def test_csv_reads_back_exactly(w: ExportWorld, out: Path) -> None:
    table = w.table()
    result = exports.export_table(w.coordinator(), table, out / "list.csv")
    assert (result.rows, result.format, result.path) == (3, "csv", str(out / "list.csv"))
    rows = read_csv(out / "list.csv")
    assert rows[0] == [c.label for c in table.columns]
    local = dt.datetime(2026, 6, 1, 9, 30, tzinfo=dt.UTC).astimezone()
    assert rows[1] == ["Ní Bhriain family", "Siobhán Ní Bhriain", "04/03/2016", "9", "87.5", "Yes",
                       f"{local:%d/%m/%Y %H:%M}", ""]
    assert rows[2] == ["Smith family", "Ella Smith", "31/12/2019", "6", "12.25", "No", "", "Jürgen's note"]
    # Text that would start a formula is neutralised; numbers stay numbers.
    assert rows[3] == ["Smith family", "'=HYPERLINK(\"http://x\")", "", "-3", "0.0", "", "", "'+cmd"]
    assert [p.name for p in out.iterdir()] == ["list.csv"]  # no temporary file left


def test_xlsx_reads_back_exactly_with_types_and_layout(w: ExportWorld, out: Path) -> None:
    table = w.table()
    exports.export_table(w.coordinator(), table, out / "list.xlsx")
    wb = load_workbook(out / "list.xlsx")
    ws = wb.active
    assert ws.title == "Families  a list   with  odd  c"  # no : / [ ] ?, at most 31 characters
    header = [c.value for c in ws[1]]
    assert header == [c.label for c in table.columns] and all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:H4"
    values = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    local = dt.datetime(2026, 6, 1, 9, 30, tzinfo=dt.UTC).astimezone().replace(tzinfo=None)
    assert values[0] == ["Ní Bhriain family", "Siobhán Ní Bhriain", dt.datetime(2016, 3, 4), 9, 87.5, True, local, None]
    assert values[1] == ["Smith family", "Ella Smith", dt.datetime(2019, 12, 31), 6, 12.25, False, None, "Jürgen's note"]
    assert values[2] == ["Smith family", "=HYPERLINK(\"http://x\")", None, -3, 0, None, None, "+cmd"]
    assert ws["C2"].number_format == "DD/MM/YYYY" and ws["C2"].is_date
    assert ws["B4"].data_type == "s"  # shown as text, never calculated
    assert ws["E2"].number_format == '0.0"%"' and ws["D2"].data_type == "n"
    assert ws.column_dimensions["B"].width >= len("Siobhán Ní Bhriain")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_formula_injection_is_neutralised(w: ExportWorld, out: Path, fmt: str) -> None:
    table = Table("Formulas", (Column("v", "Value"),), tuple((f,) for f in FORMULAS), (w.smith,) * len(FORMULAS))
    path = out / f"f.{fmt}"
    exports.export_table(w.coordinator(), table, path)
    if fmt == "csv":
        assert [r[0] for r in read_csv(path)[1:]] == ["'" + f for f in FORMULAS]
    else:
        cells = [row[0] for row in load_workbook(path).active.iter_rows(min_row=2)]
        assert all(c.data_type == "s" for c in cells)
        # XML reads a carriage return back as a line feed; the text is otherwise unchanged.
        assert [c.value for c in cells] == [f.replace("\r", "\n") for f in FORMULAS]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_empty_table_exports_headers_only(w: ExportWorld, out: Path, fmt: str) -> None:
    table = Table("Nothing", (Column("a", "Family"), Column("b", "Due", "date")), (), (), "Nothing to show")
    path = out / f"empty.{fmt}"
    assert exports.export_table(w.coordinator(), table, path).rows == 0
    if fmt == "csv":
        assert read_csv(path) == [["Family", "Due"]]
    else:
        ws = load_workbook(path).active
        assert [[c.value for c in r] for r in ws.iter_rows()] == [["Family", "Due"]]
    assert w.exports_logged() == []


def test_every_export_is_logged_once_per_family(w: ExportWorld, out: Path) -> None:
    exports.export_table(w.coordinator(), w.table(), out / "list.xlsx")
    logged = w.exports_logged()
    assert [r[:4] for r in logged] == [
        (w.siobhan, "family", w.siobhan, w.cora), (w.smith, "family", w.smith, w.cora)]
    assert logged[0][4] == "Exported 'Families: a list / with [odd] chars?' (3 rows, XLSX) to list.xlsx"


def _assert_nothing_written(w: ExportWorld, folder: Path) -> None:
    assert w.exports_logged() == []
    if folder.is_dir():
        assert [p.name for p in folder.iterdir() if p.name != "file.txt"] == []


def test_a_missing_folder_gives_a_clear_message_and_no_file(w: ExportWorld, out: Path) -> None:
    with pytest.raises(ValidationError) as err:
        exports.export_table(w.coordinator(), w.table(), out / "missing" / "out.csv")
    (e,) = err.value.errors
    assert e.field == "path" and e.message == f"The folder {out / 'missing'} does not exist. Choose another folder."
    _assert_nothing_written(w, out)


def test_a_file_in_the_way_gives_a_clear_message(w: ExportWorld, out: Path) -> None:
    (out / "file.txt").write_text("not a folder")
    with pytest.raises(ValidationError) as err:
        exports.export_table(w.coordinator(), w.table(), out / "file.txt" / "out.xlsx")
    assert err.value.errors[0].field == "path"
    assert err.value.errors[0].message == f"{out / 'file.txt'} is not a folder. Choose another folder."
    _assert_nothing_written(w, out)


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes to read-only folders")
def test_a_read_only_folder_gives_a_clear_message(w: ExportWorld, out: Path) -> None:
    folder = out / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(ValidationError) as err:
            exports.export_table(w.coordinator(), w.table(), folder / "out.csv")
        assert err.value.errors[0].message == f"You cannot save files in {folder}. Choose a folder you may write to."
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o700)
    assert w.exports_logged() == []


def test_a_failed_write_leaves_neither_file_nor_log(w: ExportWorld, out: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    def disk_full(*_a: object, **_k: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(exports, "_write_csv", disk_full)
    with pytest.raises(ValidationError) as err:
        exports.export_table(w.coordinator(), w.table(), out / "out.csv")
    assert "no space left" in err.value.errors[0].message
    assert list(out.iterdir()) == []
    assert w.exports_logged() == []


def test_a_folder_name_or_unknown_format_is_refused(w: ExportWorld, out: Path) -> None:
    with pytest.raises(ValidationError) as err:
        exports.export_table(w.coordinator(), w.table(), out / "out.pdf")
    assert err.value.errors[0].field == "path" and err.value.errors[0].rule == "format"
    (out / "dir.csv").mkdir()
    with pytest.raises(ValidationError):
        exports.export_table(w.coordinator(), w.table(), out / "dir.csv")
    assert exports.export_table(w.coordinator(), w.table(), out / "named", fmt="xlsx").format == "xlsx"


def test_a_worker_without_an_oversight_role_is_refused(w: ExportWorld, out: Path) -> None:
    with pytest.raises(PermissionDenied):
        exports.export_table(w.uow(), w.table(), out / "out.csv")  # Amira is a hub worker
    with pytest.raises(PermissionDenied):
        exports.export_table(UnitOfWork(w.db), w.table(), out / "out.csv")  # nobody signed in
    assert list(out.iterdir()) == [] and w.exports_logged() == []


def test_a_list_with_a_family_that_is_gone_is_refused(w: ExportWorld, out: Path) -> None:
    table = Table("x", (Column("a", "A"),), (("a",),), (999_999,))
    with pytest.raises(PermissionDenied):
        exports.export_table(w.coordinator(), table, out / "out.csv")
    assert list(out.iterdir()) == []


# ---- Annex A list 2 ---------------------------------------------------------------------------


def _episode(w: ExportWorld, family: int, start: dt.date, end: dt.date | None, hub: int | None = None,
             assessments: tuple[tuple[dt.date, dt.date | None], ...] = ()) -> int:
    with UnitOfWork(w.db) as uow:
        s = uow.session
        e = Episode(family_id=family, hub_id=hub or w.north, status="CLOSED" if end else "PLAN_ACTIVE",
                    start_date=start, end_date=end, lead_worker_id=w.cora,
                    accepted_at=dt.datetime.combine(start, dt.time(9), tzinfo=dt.UTC))
        s.add(e)
        uow.flush()
        for pid in s.scalars(select(Person.id).where(Person.id.in_(families.family_people(s, family)),
                                                     Person.date_of_birth > dt.date(2005, 1, 1))):
            s.add(EpisodeChild(episode_id=e.id, person_id=pid))
        for started, completed in assessments:
            s.add(Assessment(episode_id=e.id, status="AUTHORISED" if completed else "IN_PROGRESS",
                             started_on=started, completed_on=completed, completed_by_id=w.cora))
        uow.commit()
        return e.id


def _child(w: ExportWorld, family: int) -> int:
    with UnitOfWork(w.db) as uow:
        s = uow.session
        return s.scalars(select(Person.id).where(Person.id.in_(families.family_people(s, family)),
                                                 Person.date_of_birth > dt.date(2005, 1, 1))).one()


def test_annex_a_list2_window_and_fields(w: ExportWorld) -> None:
    # Inspection on 15/06/2026: the window opens on 15/12/2025.
    _episode(w, w.siobhan, dt.date(2025, 12, 1), dt.date(2026, 3, 1),
             assessments=((dt.date(2025, 12, 15), dt.date(2025, 12, 15)),))  # exactly six months before: in
    _episode(w, w.smith, dt.date(2025, 11, 1), dt.date(2026, 1, 31),
             assessments=((dt.date(2025, 12, 14), None),))  # a day earlier, never completed, closed: out
    _episode(w, w.south_family, dt.date(2026, 5, 1), None, hub=w.south)  # current, no assessment yet
    with UnitOfWork(w.db) as uow:
        uow.session.add(PersonIdentifier(person_id=_child(w, w.siobhan), id_type="LA_CMS", value="LA-000123"))
        uow.commit()
    table = exports.annex_a_list2(w.coordinator(), FLT, inspection_date=T)
    assert [c.label for c in table.columns] == [
        "Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)", "Assessment start date",
        "Assessment completion date", "Organisation completing assessment"]
    assert table.rows == (
        ("LA-000123", "Female", "WIRI", dt.date(2016, 3, 4), 10, dt.date(2025, 12, 15), dt.date(2025, 12, 15),
         "North Hub – Family Support Team 2"),
        (str(_child(w, w.south_family)), "Female", "", dt.date(2016, 3, 4), 10, None, None, "South Hub"),
    )
    assert table.family_ids == (w.siobhan, w.south_family)
    north = exports.annex_a_list2(w.coordinator(), ReportFilter(FLT.period_start, T, hub_id=w.north),
                                  inspection_date=T)
    assert north.family_ids == (w.siobhan,)
    # A day later the window opens on 16/12/2025: the assessment of 15/12/2025 drops out.
    later = exports.annex_a_list2(w.coordinator(), FLT, inspection_date=T + dt.timedelta(days=1))
    assert later.family_ids == (w.south_family,)


def test_annex_a_list2_gives_one_row_per_child_with_the_latest_assessment(w: ExportWorld) -> None:
    _episode(w, w.smith, dt.date(2026, 1, 1), None,
             assessments=((dt.date(2026, 1, 5), dt.date(2026, 1, 20)), (dt.date(2026, 5, 1), None)))
    table = exports.annex_a_list2(w.coordinator(), FLT, inspection_date=T)
    assert [(r[5], r[6]) for r in table.rows] == [(dt.date(2026, 5, 1), None)]


# ---- Supporting Families progress extract -----------------------------------------------------


def test_sf_extract_respects_consent_to_national_evaluation(w: ExportWorld) -> None:
    e1 = _episode(w, w.siobhan, dt.date(2026, 1, 1), None)
    e2 = _episode(w, w.smith, dt.date(2026, 2, 1), None)
    with UnitOfWork(w.db) as uow:
        s = uow.session
        s.add(ConsentRecord(family_id=w.siobhan, episode_id=e1, giver_name="Zoë", capacity="PARENTAL_RESPONSIBILITY",
                            agreed=True, scope_national_evaluation=True, method="SIGNED", given_on=dt.date(2026, 1, 1)))
        s.add(ConsentRecord(family_id=w.smith, episode_id=e2, giver_name="Joanne", capacity="PARENTAL_RESPONSIBILITY",
                            agreed=True, scope_national_evaluation=False, method="SIGNED", given_on=dt.date(2026, 2, 1)))
        for episode, family, code in ((e1, w.siobhan, "SF01"), (e2, w.smith, "SF09")):
            n = Need(episode_id=episode, description="need", sf_outcome=code, descriptor="Persistent absence",
                     identified_on=dt.date(2026, 2, 10), status="OPEN")
            s.add(n)
            uow.flush()
            s.add(NeedPerson(need_id=n.id, person_id=_child(w, family)))
        s.add(Need(episode_id=e1, description="family need", sf_outcome="SF10", identified_on=dt.date(2026, 2, 11),
                   status="MET", outcome_evidence="Debt cleared", sustained_from=dt.date(2026, 5, 1)))
        s.add(Need(episode_id=e1, description="dropped", sf_outcome="SF04", identified_on=dt.date(2026, 2, 11),
                   status="WITHDRAWN"))
        uow.commit()
    table = exports.sf_progress_extract(w.coordinator(), FLT, today=T)
    labels = [c.label for c in table.columns]
    rows = [dict(zip(labels, r, strict=True)) for r in table.rows]
    assert table.family_ids == (w.siobhan, w.siobhan, w.smith)
    named, whole, withheld = rows
    assert (named["Headline outcome (criterion met)"], named["Forenames"], named["Surname"], named["Date of birth"],
            named["Relation in the family"], named["Postcode"], named["Consent to national evaluation"]) == (
        "Getting a good education", "Siobhán", "Ní Bhriain", dt.date(2016, 3, 4), "Index child (self)", "B11 1AA", True)
    assert (whole["Relation in the family"], whole["Forenames"], whole["Positive outcome evidenced"],
            whole["Sustained from"]) == ("Whole family", "", True, dt.date(2026, 5, 1))
    assert (withheld["Forenames"], withheld["Surname"], withheld["Date of birth"], withheld["Postcode"],
            withheld["Consent to national evaluation"], withheld["Relation in the family"],
            withheld["Headline outcome (criterion met)"]) == ("", "", None, "", False, "Index child (self)", "Secure housing")
    assert named["Family unit ID"] == w.siobhan and named["Keyworker"] == "Cora Coordinator"
    assert named["Support started"] == dt.date(2026, 1, 1) and named["Date screened"] == dt.date(2026, 2, 10)


def test_exports_of_the_builders_write(w: ExportWorld, out: Path) -> None:
    _episode(w, w.siobhan, dt.date(2026, 1, 1), None, assessments=((dt.date(2026, 1, 5), None),))
    table = exports.annex_a_list2(w.coordinator(), FLT, inspection_date=T)
    exports.export_table(w.coordinator(), table, out / "annex-a.csv")
    assert read_csv(out / "annex-a.csv")[1][:6] == [
        str(_child(w, w.siobhan)), "Female", "WIRI", "04/03/2016", "10", "05/01/2026"]
    with UnitOfWork(w.db) as uow:
        assert uow.session.scalar(select(func.count()).select_from(AccessLog).where(
            AccessLog.action == "EXPORT", AccessLog.family_id == w.siobhan)) == 1


# ---- Under row-level security, with real login roles (PostgreSQL) ------------------------------


@pytest.mark.postgres
def test_exports_under_row_security_with_login_roles(pg_url: str, tmp_path: Path) -> None:
    import uuid

    from sqlalchemy.engine import make_url

    from hubapp.services import admin
    from hubapp.services.session import Backend
    from tests.conftest import ROLE_PREFIX

    db = Database(pg_url)
    owner = lambda: UnitOfWork(db)  # noqa: E731 - the database owner, as an administrator is
    admin.add_hub(owner(), "NORTH", "North Hub")
    admin.add_hub(owner(), "SOUTH", "South Hub")
    suffix, password = uuid.uuid4().hex[:6], "correct horse battery"
    carol, fred = f"{ROLE_PREFIX}carol_{suffix}", f"{ROLE_PREFIX}fred_{suffix}"
    admin.add_user(owner(), carol, "Carol Coordinator", ["coordinator"], ["NORTH"], password)
    admin.add_user(owner(), fred, "Fred Support", ["family_support_worker"], ["NORTH"], password)
    with UnitOfWork(db) as uow:
        from hubapp.data.models import Hub

        hubs = {h.code: h.id for h in uow.session.scalars(select(Hub))}
    north = families.create_family(owner(), household(hubs["NORTH"], parent("Nadia", "Northfield"),
                                                      child("Noah", "Northfield"))).id
    south = families.create_family(owner(), household(hubs["SOUTH"], parent("Sara", "Southall"),
                                                      child("Sami", "Southall"))).id

    def backend(user: str) -> Backend:
        b = Backend(make_url(pg_url).set(username=user, password=password).render_as_string(hide_password=False))
        b.prepare()
        b.sign_in()
        return b

    cols = (Column("family", "Family"),)
    carol_b = backend(carol)
    try:
        mixed = Table("Mixed", cols, (("Northfield",), ("Southall",)), (north, south))
        with pytest.raises(PermissionDenied):
            exports.export_table(carol_b.uow(), mixed, tmp_path / "mixed.csv")
        assert not (tmp_path / "mixed.csv").exists()
        own = Table("Own", cols, (("Northfield",),), (north,))
        exports.export_table(carol_b.uow(), own, tmp_path / "own.xlsx")
        assert (tmp_path / "own.xlsx").exists()
    finally:
        carol_b.close()
    fred_b = backend(fred)
    try:
        with pytest.raises(PermissionDenied):
            exports.export_table(fred_b.uow(), own, tmp_path / "fred.csv")
    finally:
        fred_b.close()
    with UnitOfWork(db) as uow:
        logged = uow.session.execute(select(AccessLog.family_id, AccessLog.db_user)
                                     .where(AccessLog.action == "EXPORT")).all()
    assert [tuple(r) for r in logged] == [(north, carol)]
    db.dispose()


def test_openpyxl_is_loaded_only_when_a_spreadsheet_is_written() -> None:
    # Every coordinator's main window builds the dashboard page at start-up; openpyxl (about 50 ms
    # to import) must not come with it.
    import os
    import subprocess
    import sys

    code = "import sys, ui.pages.dashboard.area; print('openpyxl' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert out.stdout.strip() == "False", out.stderr

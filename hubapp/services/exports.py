"""Exports (issue #9): any list to CSV or XLSX, the Ofsted inspection early help list (ILACS
Annex A, list 2) and the Supporting Families progress extract.

An export is a disclosure. :func:`export_table` therefore

- lets only coordinators, managers and administrators export (:data:`EXPORT_ROLES`, the roles
  that oversee a hub's work; hub workers and family support workers are refused), and refuses a
  list holding a family the person may not see (on PostgreSQL row-level security decides what
  "see" means, so a list built by another login cannot leak through someone else's export);
- writes one EXPORT row per family in the list to the access log, bulk-inserted in the same
  transaction that decides the export may go ahead; the file appears only after that commit;
- writes the file atomically: a temporary file in the target folder, flushed to disk, then
  renamed over the target (``os.replace``), so a failed export never leaves half a file;
- neutralises spreadsheet formulas: text starting with ``=``, ``+``, ``-``, ``@``, a tab or a
  carriage return gets a leading apostrophe in CSV and is written as a text cell in XLSX.

CSV is UTF-8 with a byte-order mark (so Excel reads names with diacritics correctly), dates as
dd/mm/yyyy, times in local time, yes/no for true/false. XLSX has a bold, frozen header row with an
autofilter, dates as real dates shown dd/mm/yyyy, numbers as numbers (a ``percent`` column holds
the figure shown, e.g. 87.5, formatted with a % sign), column widths fitted to the text, and the
sheet named after the table.
"""

from __future__ import annotations

import csv
import datetime as dt
import errno
import os
import re
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, Literal

from sqlalchemy import exists, func, insert, or_, select, text
from sqlalchemy.orm import aliased

from hubapp.data.models import (
    AccessLog, Address, Assessment, ConsentRecord, Episode, EpisodeChild, Family, FamilyMembership, Hub, Need,
    Person, PersonIdentifier, Team, Worker, WorkerRole,
)
from hubapp.data.uow import UnitOfWork
from hubapp.domain import codes
from hubapp.domain.errors import PermissionDenied, ValidationError
from hubapp.domain.report_dto import Column, ExportResult, ReportFilter, Table
from hubapp.domain.validation import age_on

from .context import local_username
from .recording_quality import apply_filter, months_before
from .sf_readiness import read_facts

Format = Literal["csv", "xlsx"]

#: Roles that may export (the people who oversee a hub's work).
EXPORT_ROLES = frozenset({"coordinator", "manager", "hub_admin"})
#: First characters a spreadsheet reads as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_CHUNK = 1000
_BAD_SHEET_CHARS = re.compile(r"[\\*?:/\[\]]")


# ---- Cells ------------------------------------------------------------------------------------


def neutralise(value: str) -> str:
    """Text as a spreadsheet must show it: a leading apostrophe stops a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _local(moment: dt.datetime) -> dt.datetime:
    """An aware timestamp in the PC's local time, without the zone (spreadsheets hold none)."""
    return moment.astimezone().replace(tzinfo=None) if moment.tzinfo else moment


def csv_text(value: object) -> str:
    """One value as a CSV field."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        return f"{_local(value):%d/%m/%Y %H:%M}"
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, (int, float)):
        return str(value)
    return neutralise(str(value))


def _write_csv(table: Table, out: IO[str]) -> None:
    writer = csv.writer(out)
    writer.writerow([neutralise(c.label) for c in table.columns])
    for row in table.rows:
        writer.writerow([csv_text(v) for v in row])


#: Characters a spreadsheet cell cannot hold (the same set as openpyxl's ILLEGAL_CHARACTERS_RE;
#: kept here so that openpyxl, 50 ms to import, is loaded only when an XLSX is written, not when
#: the dashboard page is built at start-up).
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


def sheet_title(title: str) -> str:
    """A worksheet name from a table title: no ``\\ * ? : / [ ]``, at most 31 characters."""
    cleaned = _BAD_SHEET_CHARS.sub(" ", ILLEGAL_CHARACTERS_RE.sub("", title)).strip().strip("'")
    return (cleaned[:31].strip() or "Export")


def _xlsx_cell(ws: Any, value: object, kind: str) -> object:
    from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415 - see ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if not value.startswith("="):
            return value  # openpyxl writes any other text as text
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"  # text stays text: "=1+2" is shown, never calculated
        return cell
    if isinstance(value, dt.datetime):
        cell = WriteOnlyCell(ws, value=_local(value))
        cell.number_format = "DD/MM/YYYY HH:MM"
        return cell
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = "DD/MM/YYYY"
        return cell
    if kind == "percent" and isinstance(value, (int, float)) and not isinstance(value, bool):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = '0.0"%"'
        return cell
    return value


def _width(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 10
    if isinstance(value, bool):
        return 5
    return max((len(line) for line in str(value).splitlines()), default=0)


def _write_xlsx(table: Table, out: IO[bytes]) -> None:
    from openpyxl import Workbook  # noqa: PLC0415 - see ILLEGAL_CHARACTERS_RE
    from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415
    from openpyxl.styles import Font  # noqa: PLC0415
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title(table.title))
    n_cols = len(table.columns)
    widths = [len(c.label) for c in table.columns]
    for row in table.rows:
        for i, value in enumerate(row[:n_cols]):
            widths[i] = max(widths[i], _width(value))
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = min(60, max(8, width + 2))
    ws.freeze_panes = "A2"
    if n_cols:
        ws.auto_filter.ref = f"A1:{get_column_letter(n_cols)}{len(table.rows) + 1}"
    bold = Font(bold=True)
    header = []
    for c in table.columns:
        cell = WriteOnlyCell(ws, value=ILLEGAL_CHARACTERS_RE.sub("", c.label))
        cell.data_type, cell.font = "s", bold
        header.append(cell)
    ws.append(header)
    kinds = [c.kind for c in table.columns]
    for row in table.rows:
        ws.append([_xlsx_cell(ws, v, k) for v, k in zip(row, kinds, strict=False)])
    wb.save(out)


# ---- Files ------------------------------------------------------------------------------------


def _format_of(path: Path, fmt: str | None) -> Format:
    chosen = (fmt or path.suffix.lstrip(".")).lower()
    if chosen not in ("csv", "xlsx"):
        raise ValidationError.single("path", "format", "Save the export as a .csv or an .xlsx file.")
    return chosen  # type: ignore[return-value]


def _folder_error(path: Path, exc: OSError) -> ValidationError:
    folder = path.parent
    code = exc.errno
    if code == errno.ENOENT:
        message = f"The folder {folder} does not exist. Choose another folder."
    elif code == errno.ENOTDIR:
        message = f"{folder} is not a folder. Choose another folder."
    elif code in (errno.EACCES, errno.EPERM, errno.EROFS):
        message = f"You cannot save files in {folder}. Choose a folder you may write to."
    elif code in (errno.ENOSPC, errno.EDQUOT):
        message = f"There is no space left to save the export in {folder}. Free some space or choose another place."
    elif code == errno.EISDIR:
        message = f"{path} is a folder. Give the export a file name."
    else:
        message = f"The export could not be saved in {folder}: {exc.strerror or exc}."
    return ValidationError.single("path", "writable", message)


def _write_temp(table: Table, path: Path, fmt: Format) -> Path:
    """Write the export next to ``path`` under a temporary name; the caller renames it."""
    if path.is_dir():
        raise _folder_error(path, IsADirectoryError(errno.EISDIR, "is a folder"))
    try:
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise _folder_error(path, exc) from exc
    temp = Path(name)
    try:
        if fmt == "csv":
            with os.fdopen(handle, "w", encoding="utf-8-sig", newline="") as out:
                _write_csv(table, out)
                out.flush()
                os.fsync(out.fileno())
        else:
            with os.fdopen(handle, "wb") as raw:
                _write_xlsx(table, raw)
                raw.flush()
                os.fsync(raw.fileno())
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise _folder_error(path, exc) from exc
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


# ---- Permission and the access log ------------------------------------------------------------


def _check_may_export(uow: UnitOfWork, family_ids: list[int]) -> None:
    s = uow.session
    if uow.actor_id is None:
        raise PermissionDenied("Exports are made by a signed-in coordinator, manager or administrator.")
    roles = set(s.scalars(select(WorkerRole.role).where(WorkerRole.worker_id == uow.actor_id)))
    if not roles & EXPORT_ROLES:
        raise PermissionDenied("Only coordinators, managers and administrators may export lists. "
                               "Ask your coordinator for this export.")
    visible: set[int] = set()
    for i in range(0, len(family_ids), _CHUNK):
        chunk = family_ids[i:i + _CHUNK]
        visible.update(s.scalars(select(Family.id).where(Family.id.in_(chunk))))
    hidden = len(set(family_ids) - visible)
    if hidden:
        raise PermissionDenied(f"This list holds {hidden} famil{'y' if hidden == 1 else 'ies'} you may not "
                               "see, so it cannot be exported. Refresh the list and try again.")


def _log_export(uow: UnitOfWork, family_ids: list[int], detail: str) -> None:
    s = uow.session
    db_user = (s.execute(text("SELECT current_user")).scalar_one() if uow.dialect == "postgresql"
               else local_username())
    now = dt.datetime.now(dt.UTC)
    rows = [{"at": now, "worker_id": uow.actor_id, "db_user": db_user, "action": "EXPORT", "entity": "family",
             "entity_id": family_id, "family_id": family_id, "detail": detail} for family_id in family_ids]
    for i in range(0, len(rows), _CHUNK):
        s.execute(insert(AccessLog), rows[i:i + _CHUNK])


def export_table(uow: UnitOfWork, table: Table, path: str | Path, *, fmt: Format | None = None) -> ExportResult:
    """Write ``table`` to ``path`` as CSV or XLSX (``fmt``, else the file's suffix) and record the
    export in the access log, one EXPORT row per family in the list.

    Raises:
        ValidationError: field ``path``: not a .csv or .xlsx name, or a folder that cannot be
            written (missing, read-only, a file in the way, full disk); no file is left behind.
        PermissionDenied: the person's role may not export, or the list holds a family they may
            not see.
    """
    target = Path(path).expanduser()
    chosen = _format_of(target, fmt)
    family_ids = sorted({f for f in table.family_ids if f is not None})
    with uow:
        _check_may_export(uow, family_ids)
        temp = _write_temp(table, target, chosen)
        try:
            detail = f"Exported '{table.title}' ({len(table.rows)} rows, {chosen.upper()}) to {target.name}"
            _log_export(uow, family_ids, detail[:200])
            uow.commit()
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
    try:
        os.replace(temp, target)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise _folder_error(target, exc) from exc
    return ExportResult(str(target), len(table.rows), chosen)


# ---- Ofsted ILACS Annex A, list 2 --------------------------------------------------------------

ANNEX_A_LIST2_COLUMNS = (
    Column("child_id", "Child Unique ID"),
    Column("gender", "Gender"),
    Column("ethnicity", "Ethnicity"),
    Column("dob", "Date of Birth", "date"),
    Column("age", "Age of Child (Years)", "int"),
    Column("started", "Assessment start date", "date"),
    Column("completed", "Assessment completion date", "date"),
    Column("organisation", "Organisation completing assessment"),
)
_GENDER = {"M": "Male", "F": "Female", "U": "Not known"}
#: Assessments that are early help assessments (not a Supporting Families eligibility check).
_EH_ASSESSMENTS = ("EHA", "REASSESSMENT")


def annex_a_list2(uow: UnitOfWork, flt: ReportFilter, *, inspection_date: dt.date | None = None) -> Table:
    """Ofsted ILACS Annex A list 2: every early help assessment started or completed in the six
    months before the inspection (from the same day six months earlier, inclusive, to the
    inspection date), and every early help intervention current on the inspection date, one row
    per child (the most recent assessment when a child has several), for the filter's hub, team
    and lead practitioner.

    The columns, worded as the Annex A template words them [verify against the current template],
    and what each is taken from:

    - Child Unique ID: the child's local authority case management (LA_CMS) identifier where one
      is held, otherwise hubapp's own person number;
    - Gender: the person's recorded sex (CIN census N00783) as Male, Female or Not known;
    - Ethnicity: the DfE CBDS ethnicity code (e.g. WBRI), blank when not recorded;
    - Date of Birth and Age of Child (Years): the date of birth and the age in whole years on the
      inspection date (blank for an unborn child);
    - Assessment start date and Assessment completion date: the assessment's start and completion
      dates (the authorisation date when no completion date was recorded); blank for a current
      intervention that has no assessment yet;
    - Organisation completing assessment: the hub, with the team of the worker who completed
      the assessment (else the episode's team).

    Current interventions are open episodes of any service but statutory social care (the hubs
    coordinate every episode recorded here).
    """
    on = inspection_date or dt.date.today()
    start = months_before(on, 6)
    with uow:
        s = uow.session
        completer = aliased(Worker, name="completer")
        team = aliased(Team, name="team")
        completed = Assessment.completed_on
        in_window = or_(Assessment.started_on.between(start, on), completed.between(start, on))
        current = (Episode.start_date <= on) & or_(Episode.end_date.is_(None), Episode.end_date > on) \
            & (Episode.service != "CSC")
        stmt = (select(EpisodeChild.person_id, Episode.id.label("episode_id"), Episode.family_id, Hub.name,
                       Assessment.id.label("assessment_id"), Assessment.started_on, completed,
                       Assessment.authorised_at, team.name.label("team"), in_window.label("in_window"))
                .join(EpisodeChild, EpisodeChild.episode_id == Episode.id).join(Hub, Hub.id == Episode.hub_id)
                .outerjoin(Assessment, (Assessment.episode_id == Episode.id) & Assessment.kind.in_(_EH_ASSESSMENTS)
                           & (Assessment.status != "ABANDONED"))
                .outerjoin(completer, completer.id == Assessment.completed_by_id)
                .outerjoin(team, team.id == func.coalesce(completer.team_id, Episode.team_id))
                .where(or_(in_window, current)))
        stmt = apply_filter(stmt, flt, Episode.hub_id, Episode.team_id, Episode.lead_worker_id)
        chosen: dict[int, Any] = {}
        for r in s.execute(stmt):
            rank = (bool(r.in_window), r.started_on or dt.date.min, r.assessment_id or 0)
            held = chosen.get(r.person_id)
            if held is None or rank > held[0]:
                chosen[r.person_id] = (rank, r)
        people = _people(s, list(chosen))
        rows, families = [], []
        for person_id, (_, r) in sorted(chosen.items(), key=lambda kv: (people[kv[0]].family_name,
                                                                        people[kv[0]].given_name, kv[0])):
            p = people[person_id]
            unborn = p.dob_is_expected or (p.date_of_birth is not None and p.date_of_birth > on)
            age = age_on(p.date_of_birth, on) if p.date_of_birth and not unborn else None
            finished = r.completed_on or (r.authorised_at.date() if r.authorised_at else None)
            organisation = f"{r.name} – {r.team}" if r.team else r.name
            rows.append((p.child_id, _GENDER.get(p.sex, "Not known"), p.ethnicity or "", p.date_of_birth, age,
                         r.started_on, finished, organisation))
            families.append(r.family_id)
    return Table(f"Annex A list 2 – early help ({on:%d/%m/%Y})", ANNEX_A_LIST2_COLUMNS, tuple(rows),
                 tuple(families), "" if rows else "No early help assessments in the six months before "
                 f"{on:%d/%m/%Y} and no current early help interventions.", flt)


class _PersonFacts:
    __slots__ = ("child_id", "date_of_birth", "dob_is_expected", "ethnicity", "family_name", "given_name", "sex")

    def __init__(self, row: Any, child_id: str) -> None:
        self.given_name, self.family_name = row.given_name, row.family_name
        self.date_of_birth, self.dob_is_expected = row.date_of_birth, row.dob_is_expected
        self.sex, self.ethnicity, self.child_id = row.sex, row.ethnicity, child_id


def _people(s: Any, ids: list[int]) -> dict[int, _PersonFacts]:
    out: dict[int, _PersonFacts] = {}
    for chunk in _chunked(ids):
        la_ids = dict(s.execute(select(PersonIdentifier.person_id, PersonIdentifier.value).where(
            PersonIdentifier.person_id.in_(chunk), PersonIdentifier.id_type == "LA_CMS",
            PersonIdentifier.valid_to.is_(None))).all())
        for row in s.execute(select(Person.id, Person.given_name, Person.family_name, Person.date_of_birth,
                                    Person.dob_is_expected, Person.sex, Person.ethnicity)
                             .where(Person.id.in_(chunk))):
            out[row.id] = _PersonFacts(row, la_ids.get(row.id) or str(row.id))
    return out


def _chunked(ids: list[int]) -> Iterator[list[int]]:
    for i in range(0, len(ids), _CHUNK):
        yield ids[i:i + _CHUNK]


# ---- Supporting Families progress extract -----------------------------------------------------

SF_EXTRACT_COLUMNS = (
    Column("family_unit", "Family unit ID", "int"), Column("keyworker", "Keyworker"),
    Column("screened", "Date screened", "date"), Column("support_started", "Support started", "date"),
    Column("support_ended", "Support ended", "date"), Column("intensity", "Intensity"),
    Column("outcome", "Headline outcome (criterion met)"), Column("descriptor", "Descriptor"),
    Column("identified", "Need identified", "date"), Column("need_status", "Need status"),
    Column("outcome_met", "Positive outcome evidenced", "bool"), Column("sustained_from", "Sustained from", "date"),
    Column("consent", "Consent to national evaluation", "bool"),
    Column("forenames", "Forenames"), Column("surname", "Surname"), Column("dob", "Date of birth", "date"),
    Column("gender", "Gender"), Column("postcode", "Postcode"), Column("relation", "Relation in the family"),
    Column("upn", "UPN"), Column("urn", "School URN"), Column("ni", "NI number"), Column("pnc", "PNC number"),
    Column("nhs", "NHS number"),
)
_IDENTIFIERS = ("UPN", "URN", "NI", "PNC", "NHS")


def sf_progress_extract(uow: UnitOfWork, flt: ReportFilter, *, today: dt.date | None = None) -> Table:
    """The Supporting Families progress extract (DOMAIN §4, "what a Supporting Families family
    record holds"): one row per family and need, for each episode of the filter open at some time
    in its period with a need mapped to a headline outcome (not withdrawn); a need about particular
    people gives one row per person, a need about the whole family one row without a person.

    The family unit ID is hubapp's family number; the keyworker is the episode's lead
    practitioner; the date screened is the first authorisation of the episode's assessment (else
    the day its first need was identified); support starts and ends with the episode; intensity is
    the service and level of need.

    Consent: a person's name, date of birth, gender, postcode and identifiers (UPN, school URN, NI,
    PNC and NHS numbers) are given only when the family holds a current consent, agreed and not
    withdrawn on ``today``, whose scope includes national evaluation; otherwise those columns are
    left blank and "Consent to national evaluation" says no.
    """
    on = today or dt.date.today()
    with uow:
        s = uow.session
        stmt = (select(Episode.id).where(
            Episode.start_date <= flt.period_end,
            or_(Episode.end_date.is_(None), Episode.end_date >= flt.period_start),
            exists().where(Need.episode_id == Episode.id, Need.sf_outcome.is_not(None), Need.status != "WITHDRAWN")
        ).order_by(Episode.family_id, Episode.start_date, Episode.id))
        ids = list(s.scalars(apply_filter(stmt, flt, Episode.hub_id, Episode.team_id, Episode.lead_worker_id)))
        f = read_facts(s, ids)
        family_ids = sorted({e.family_id for e in f.episodes.values()})
        consented = _national_evaluation_consent(s, family_ids, on)
        people = _member_details(s, [p for ps in f.need_people.values() for p in ps], family_ids)
        rows: list[tuple[object, ...]] = []
        families: list[int] = []
        for episode_id in ids:
            e = f.episodes[episode_id]
            screened = next((a.authorised_at.date() for a in f.authorised.get(episode_id, []) if a.authorised_at),
                            None) or min((n.identified_on for n in f.needs[episode_id]), default=None)
            service = codes.label_of(codes.SERVICE, e.service, e.service)
            intensity = f"{service}, level of need {e.level_of_need}" if e.level_of_need else service
            head = (e.family_id, e.lead or "", screened, e.start_date, e.end_date, intensity)
            agreed = e.family_id in consented
            for need in f.needs[episode_id]:
                need_cols = (codes.label_of(codes.SF_OUTCOME, need.sf_outcome, need.sf_outcome),
                             need.descriptor or "", need.identified_on,
                             codes.label_of(codes.NEED_STATUS, need.status, need.status),
                             need.status == "MET" and bool((need.outcome_evidence or "").strip()),
                             need.sustained_from, agreed)
                persons = sorted(f.need_people.get(need.id, ()))
                for person_id in persons or [None]:
                    rows.append((*head, *need_cols, *_person_cols(people, e.family_id, person_id, agreed)))
                    families.append(e.family_id)
    return Table("Supporting Families progress extract", SF_EXTRACT_COLUMNS, tuple(rows), tuple(families),
                 "" if rows else "No episode in this period has a need mapped to a Supporting Families "
                                  "headline outcome.", flt)


def _national_evaluation_consent(s: Any, family_ids: list[int], on: dt.date) -> set[int]:
    found: set[int] = set()
    for chunk in _chunked(family_ids):
        found.update(s.scalars(select(ConsentRecord.family_id).where(
            ConsentRecord.family_id.in_(chunk), ConsentRecord.agreed.is_(True),
            ConsentRecord.scope_national_evaluation.is_(True), ConsentRecord.given_on <= on,
            or_(ConsentRecord.withdrawn_on.is_(None), ConsentRecord.withdrawn_on > on))))
    return found


def _member_details(s: Any, person_ids: Iterable[int], family_ids: list[int]) -> dict[str, Any]:
    ids = sorted(set(person_ids))
    details: dict[int, dict[str, Any]] = {}
    idents: dict[int, dict[str, str]] = defaultdict(dict)
    relation: dict[tuple[int, int], str] = {}
    postcode: dict[int, str] = {}
    for chunk in _chunked(ids):
        for row in s.execute(select(Person.id, Person.given_name, Person.family_name, Person.date_of_birth,
                                    Person.sex, Person.nhs_number, Person.upn).where(Person.id.in_(chunk))):
            details[row.id] = row._asdict()
        for pid, kind, value in s.execute(select(PersonIdentifier.person_id, PersonIdentifier.id_type,
                                                 PersonIdentifier.value).where(
            PersonIdentifier.person_id.in_(chunk), PersonIdentifier.id_type.in_(_IDENTIFIERS),
            PersonIdentifier.valid_to.is_(None))):
            idents[pid][kind] = value
        for fid, pid, rel in s.execute(select(FamilyMembership.family_id, FamilyMembership.person_id,
                                              FamilyMembership.relation).where(FamilyMembership.person_id.in_(chunk))):
            relation[(fid, pid)] = rel
    for chunk in _chunked(family_ids):
        for fid, code in s.execute(select(Address.family_id, Address.postcode).where(
                Address.family_id.in_(chunk), Address.valid_to.is_(None))):
            postcode[fid] = code or ""
    return {"details": details, "idents": idents, "relation": relation, "postcode": postcode}


def _person_cols(people: dict[str, Any], family_id: int, person_id: int | None, agreed: bool) -> tuple[object, ...]:
    if person_id is None:
        return ("", "", None, "", people["postcode"].get(family_id, "") if agreed else "", "Whole family",
                "", "", "", "", "")
    rel = people["relation"].get((family_id, person_id), "")
    relation = codes.label_of(codes.RELATIONSHIP, rel, rel) if rel else ""
    if not agreed:
        return ("", "", None, "", "", relation, "", "", "", "", "")
    p = people["details"][person_id]
    ids = people["idents"].get(person_id, {})
    return (p["given_name"], p["family_name"], p["date_of_birth"], _GENDER.get(p["sex"], "Not known"),
            people["postcode"].get(family_id, ""), relation, ids.get("UPN") or p["upn"] or "", ids.get("URN", ""),
            ids.get("NI", ""), ids.get("PNC", ""), ids.get("NHS") or p["nhs_number"] or "")


__all__ = [
    "ANNEX_A_LIST2_COLUMNS", "EXPORT_ROLES", "FORMULA_STARTS", "SF_EXTRACT_COLUMNS", "annex_a_list2", "csv_text",
    "export_table", "neutralise", "sf_progress_extract", "sheet_title",
]

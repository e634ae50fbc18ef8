"""Every item model passes qtmodeltester; the referrals model pages lazily and sorts in SQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QModelIndex, Qt

from hubapp.domain.dto import EpisodeRow, HistoryItem, MemberRow, Page, PersonHit, RequestFilter, RequestRow
from ui.models.base import FAMILY_ID_ROLE, KEY_ROLE, RAG_ROLE, ROW_ROLE
from ui.models.family_models import EpisodesModel, HistoryModel, MembersModel
from ui.models.person_hits_model import PersonHitsModel
from ui.models.requests_model import RequestsModel

UTC = dt.UTC


def _hit(n: int, family: int | None = 1) -> PersonHit:
    return PersonHit(
        person_id=n, given_name=f"Given{n}", family_name="Smith", date_of_birth=dt.date(2015, 4, 3),
        nhs_number="9434765919", family_id=family, family_name_display="Smith family" if family else None,
        postcode="AB1 2CD", hub_name="North hub", score=80.0, reasons=("Name matches", "Lives at AB1 2CD"),
        open_episode=n % 2 == 0,
    )


def _request(n: int, rag: str = "green") -> RequestRow:
    return RequestRow(
        id=n, received_at=dt.datetime(2025, 3, 4, 9, 30, tzinfo=UTC), family_id=100 + n, family_name=f"F{n} family",
        children="Jack Smith", source="POLICE", source_label="Police", referrer="PC Jones", level_of_need=2,
        status="SUBMITTED", outcome=None, hub_name="North hub", age_wd=n, rag=rag, version=1,
    )


def test_person_hits_model(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = PersonHitsModel()
    model.set_rows([_hit(1), _hit(2), _hit(3, family=None)])
    qtmodeltester.check(model)
    assert model.index(0, PersonHitsModel.NHS).data() == "943 476 5919"
    assert model.index(0, PersonHitsModel.DOB).data() == "03/04/2015"
    assert model.index(0, PersonHitsModel.WHY).data() == "Name matches; Lives at AB1 2CD"
    assert model.index(1, PersonHitsModel.OPEN).data() == "Open"
    assert model.index(2, PersonHitsModel.FAMILY).data() == "Not in a family"
    assert model.index(2, 0).data(FAMILY_ID_ROLE) is None
    assert model.index(0, 0).data(KEY_ROLE) == 1
    assert isinstance(model.index(0, 0).data(ROW_ROLE), PersonHit)


def test_person_hits_model_empty(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = PersonHitsModel()
    qtmodeltester.check(model)
    assert model.rowCount() == 0


def test_members_model(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    rows = [
        MemberRow(1, "Sarah", "Smith", dt.date(1988, 6, 1), False, 36, "F", "MOTHER", "Mother", True, True,
                  "9434765919", None, False),
        MemberRow(2, "Jack", "Smith", dt.date(2015, 4, 3), False, 9, "M", "SELF", "Index child (self)", False,
                  True, None, None, True),
        MemberRow(3, "Baby", "Smith", dt.date(2030, 1, 1), True, None, "U", "SIBLING", "Sibling", False,
                  True, None, None, False),
    ]
    model = MembersModel()
    model.set_rows(rows)
    qtmodeltester.check(model)
    assert [model.index(0, c).data() for c in range(model.columnCount())] == [
        "Sarah Smith", "Mother", "36", "01/06/1988", "Yes", "Yes", "943 476 5919",
    ]
    assert model.index(1, 0).data(Qt.ItemDataRole.FontRole).bold()
    assert model.index(2, 2).data().startswith("Unborn")


def test_episodes_model(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = EpisodesModel()
    model.set_rows([
        EpisodeRow(1, "PLAN_ACTIVE", "North hub", dt.date(2024, 1, 2), None, "Jo Bloggs", None),
        EpisodeRow(2, "CLOSED", "North hub", dt.date(2022, 1, 2), dt.date(2022, 6, 1), None, "NEEDS_MET"),
    ])
    qtmodeltester.check(model)
    assert model.index(0, 0).data() == "Plan active"
    assert model.index(1, 4).data() == "Not allocated"


def test_history_model(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = HistoryModel()
    model.set_rows([
        HistoryItem(dt.datetime(2025, 1, 2, 10, tzinfo=UTC), "decision", "Decision: No further action",
                    "Met by universal services", "NFA", 3),
        HistoryItem(dt.datetime(2025, 1, 1, 10, tzinfo=UTC), "request", "Request for support",
                    "From PC Jones (Police)", "SUBMITTED", 3),
    ])
    qtmodeltester.check(model)
    assert model.index(0, 3).data() == "Decided"
    assert model.index(1, 3).data() == "Submitted"
    assert model.index(1, 0).data() == "01/01/2025"


class FakeLoader:
    """Serves pages of ``count`` requests at once, like the service would (after a worker)."""

    def __init__(self, count: int) -> None:
        self.rows = [_request(n, ("red", "amber", "green")[n % 3]) for n in range(count)]
        self.calls: list[RequestFilter] = []
        self.hold = False
        self.held: list[Callable[[], None]] = []

    def __call__(self, f: RequestFilter, on_done: Callable[[Page[RequestRow]], None],
                 on_error: Callable[[Exception], None]) -> None:
        self.calls.append(f)
        page = Page(tuple(self.rows[f.offset:f.offset + f.limit]), len(self.rows), f.offset)
        if self.hold:
            self.held.append(lambda: on_done(page))
        else:
            on_done(page)


def test_requests_model(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = RequestsModel(FakeLoader(25), page_size=10)
    model.set_filter(RequestFilter())
    qtmodeltester.check(model)
    assert 10 <= model.rowCount() <= 25  # the tester exercises fetchMore too
    assert model.index(0, RequestsModel.RAG).data() == "Red"
    assert model.index(0, RequestsModel.RAG).data(RAG_ROLE) == "red"
    assert model.index(1, RequestsModel.RAG).data() == "Amber"
    assert model.index(0, RequestsModel.RECEIVED).data().endswith(":30")
    assert model.index(0, 0).data(FAMILY_ID_ROLE) == 100


def test_requests_model_fetches_pages_lazily() -> None:
    loader = FakeLoader(25)
    model = RequestsModel(loader, page_size=10)
    model.set_filter(RequestFilter(statuses=("SUBMITTED",)))
    assert (model.rowCount(), model.total) == (10, 25)
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 25
    assert not model.canFetchMore(QModelIndex())
    assert [f.offset for f in loader.calls] == [0, 10, 20]
    assert all(f.statuses == ("SUBMITTED",) and f.limit == 10 for f in loader.calls)


def test_requests_model_fetch_more_only_starts_a_load() -> None:
    loader = FakeLoader(25)
    model = RequestsModel(loader, page_size=10)
    model.set_filter(RequestFilter())
    loader.hold = True
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 10 and model.is_loading
    assert not model.canFetchMore(QModelIndex())  # one page at a time
    loader.held.pop()()
    assert model.rowCount() == 20 and not model.is_loading


def test_requests_model_drops_pages_of_an_older_filter() -> None:
    loader = FakeLoader(25)
    model = RequestsModel(loader, page_size=10)
    loader.hold = True
    model.set_filter(RequestFilter(text="old"))
    model.set_filter(RequestFilter(text="new"))
    second, first = loader.held.pop(), loader.held.pop()
    second()
    first()  # arrives late: ignored
    assert model.rowCount() == 10
    assert model.filter.text == "new"


def test_requests_model_sorts_in_sql() -> None:
    loader = FakeLoader(5)
    model = RequestsModel(loader)
    model.set_filter(RequestFilter())
    assert model.sort_by_column(RequestsModel.FAMILY, Qt.SortOrder.AscendingOrder)
    assert (loader.calls[-1].order_by, loader.calls[-1].descending) == ("family_name", False)
    # Age grows as the received date gets older: oldest first is received_at ascending.
    assert model.sort_by_column(RequestsModel.AGE, Qt.SortOrder.DescendingOrder)
    assert (loader.calls[-1].order_by, loader.calls[-1].descending) == ("received_at", False)
    calls = len(loader.calls)
    assert not model.sort_by_column(RequestsModel.CHILDREN, Qt.SortOrder.AscendingOrder)
    assert len(loader.calls) == calls


def test_requests_model_reports_failures() -> None:
    def failing(f, on_done, on_error):  # type: ignore[no-untyped-def]
        on_error(RuntimeError("down"))

    model = RequestsModel(failing)
    failures: list[object] = []
    model.sig_load_failed.connect(failures.append)
    model.set_filter(replace(RequestFilter(), text="x"))
    assert len(failures) == 1 and not model.is_loading

"""The referrals inbox model holds its cells in Qt's own items: the same answers as the Python
``data()`` it replaced, for every role of every cell, and the same paging, without a reset for a
further page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QAbstractItemModel, QItemSelectionModel, QModelIndex, Qt
from PySide6.QtGui import QStandardItemModel
from pytestqt.qtbot import QtBot

from hubapp.domain.dto import Page, RequestFilter, RequestRow
from ui.models.base import ACCESSIBLE_TEXT, RAG_ROLE, ROW_ROLE, RowTableModel
from ui.models.requests_model import RequestsModel
from ui.widgets.table import make_table

UTC = dt.UTC

#: Every role a view or the page may ask: Qt's own and the first custom ones. ``EditRole`` aside: a
#: ``QStandardItem`` answers it with the cell's text, and nothing asks it of a read-only table.
ROLES = [r for r in range(40) if r != Qt.ItemDataRole.EditRole] + [
    int(Qt.ItemDataRole.UserRole) + i for i in range(32)
]


def _row(n: int, **changes: Any) -> RequestRow:
    values: dict[str, Any] = {
        "id": n, "received_at": dt.datetime(2025, 3, 4, 9, 30, tzinfo=UTC) - dt.timedelta(hours=5 * n),
        "family_id": 100 + n, "family_name": f"F{n} family", "children": "Jack Smith, Amy Smith",
        "source": "POLICE", "source_label": "Police", "referrer": "PC Jones, Thames Valley Police",
        "level_of_need": 2, "status": "SUBMITTED", "outcome": None, "hub_name": "North hub", "age_wd": n,
        "rag": ("red", "amber", "green")[n % 3], "version": 1,
    }
    values.update(changes)
    return RequestRow(**values)


#: Rows that take every branch of the columns: no level, decided and closed ones, no RAG, empty
#: texts (no tooltip), words outside ASCII.
ROWS = [
    _row(1),
    _row(2, level_of_need=None, rag="amber"),
    _row(3, status="DECIDED", outcome="NFA", level_of_need=4),
    _row(4, status="CLOSED", outcome="ACCEPT_EH", level_of_need=1),
    _row(5, status="AWAITING_INFO", children="", referrer="", rag=""),
    _row(6, status="SCREENING", family_name="Łukasik–O'Brien family", children="Zoë Łukasik"),
    _row(7, family_id=None),  # not in the DTO's type, but the model must not care
]


class PythonRequestsModel(RowTableModel[RequestRow]):
    """The inbox model as it was: every role of every cell answered by ``data()`` in Python."""

    columns = RequestsModel.columns

    def key(self, row: RequestRow) -> object:
        return row.id

    def family_id(self, row: RequestRow) -> int | None:
        return row.family_id

    def extra_data(self, row: RequestRow, column: int, role: int) -> Any:
        if role == RAG_ROLE:
            return row.rag
        if role == ACCESSIBLE_TEXT and column == RequestsModel.RAG:
            return f"{row.rag.capitalize() if row.rag else ''} against the timescale"
        return None


class Loader:
    """Serves pages of the given rows at once, or holds them until told (like a worker would)."""

    def __init__(self, rows: list[RequestRow]) -> None:
        self.rows = rows
        self.hold = False
        self.held: list[Callable[[], None]] = []

    def __call__(self, f: RequestFilter, on_done: Callable[[Page[RequestRow]], None],
                 on_error: Callable[[Exception], None]) -> None:
        page = Page(tuple(self.rows[f.offset:f.offset + f.limit]), len(self.rows), f.offset)
        if self.hold:
            self.held.append(lambda: on_done(page))
        else:
            on_done(page)


def _answers(model: QAbstractItemModel) -> dict[tuple[int, int, int], Any]:
    return {
        (r, c, role): model.index(r, c).data(role)
        for r in range(model.rowCount()) for c in range(model.columnCount()) for role in ROLES
    }


def _loaded(rows: list[RequestRow], page_size: int = 100) -> RequestsModel:
    model = RequestsModel(Loader(rows), page_size=page_size)
    model.set_filter(RequestFilter())
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    return model


def test_every_role_of_every_cell_is_what_the_python_model_said() -> None:
    old = PythonRequestsModel()
    old.set_rows(ROWS)
    new = _loaded(ROWS, page_size=3)  # three pages: the first replaces, the others are inserted
    assert (new.rowCount(), new.columnCount()) == (old.rowCount(), old.columnCount()) == (len(ROWS), 10)
    expected, got = _answers(old), _answers(new)
    assert {k: v for k, v in got.items() if v != expected[k]} == {}
    for r, row in enumerate(ROWS):  # the DTO itself, not a copy
        assert all(new.index(r, c).data(ROW_ROLE) is row for c in range(new.columnCount()))
        assert [new.index(r, c).flags() for c in range(10)] == [old.index(r, c).flags() for c in range(10)]
    assert new.rows() == tuple(ROWS) and new.row_at(2) is ROWS[2] and new.row_at(len(ROWS)) is None
    assert new.row_index_of(4) == 3 and new.row_index_of(99) == -1


def test_the_answers_follow_the_column_definitions() -> None:
    model = _loaded(ROWS)
    for r, row in enumerate(ROWS):
        for c, column in enumerate(model.columns):
            index = model.index(r, c)
            assert index.data() == column.text(row)
            tip = (column.tooltip(row) or None) if column.tooltip else None
            assert index.data(Qt.ItemDataRole.ToolTipRole) == tip
            assert index.data(Qt.ItemDataRole.TextAlignmentRole) == int(column.align.value)
            assert index.data(RAG_ROLE) == row.rag
    assert model.index(0, RequestsModel.RAG).data(Qt.ItemDataRole.AccessibleTextRole) == "Amber against the timescale"
    assert model.index(0, RequestsModel.FAMILY).data(Qt.ItemDataRole.AccessibleTextRole) is None
    assert model.index(1, RequestsModel.LEVEL).data() == "–"
    assert model.index(1, RequestsModel.LEVEL).data(Qt.ItemDataRole.ToolTipRole) == "Not set"
    assert model.index(4, RequestsModel.CHILDREN).data(Qt.ItemDataRole.ToolTipRole) is None  # no children named


def test_headers_and_structure_are_what_the_python_model_said() -> None:
    old, new = PythonRequestsModel(), _loaded(ROWS)
    old.set_rows(ROWS)
    for orientation in (Qt.Orientation.Horizontal, Qt.Orientation.Vertical):
        for section in range(-1, 12):
            for role in ROLES + [int(Qt.ItemDataRole.EditRole)]:
                assert new.headerData(section, orientation, role) == old.headerData(section, orientation, role), \
                    (orientation, section, role)
    assert new.headerData(RequestsModel.AGE, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole).startswith("Age")
    assert new.flags(QModelIndex()) == old.flags(QModelIndex())
    parent = new.index(0, 0)
    assert (new.rowCount(parent), new.columnCount(parent)) == (0, 0)
    assert not new.index(0, 0, parent).isValid()
    empty = RequestsModel(Loader([]))
    assert (empty.rowCount(), empty.columnCount()) == (0, 10)


def test_painting_calls_no_python() -> None:
    # What a view asks per cell at each paint is Qt's own code; a Python override would undo the gain.
    for name in ("data", "multiData", "flags", "index", "parent", "rowCount", "columnCount", "sibling",
                 "hasChildren"):
        assert getattr(RequestsModel, name) is getattr(QStandardItemModel, name), name


def test_a_further_page_is_inserted_and_the_view_keeps_its_place(qtbot: QtBot) -> None:
    loader = Loader([_row(n) for n in range(1, 61)])
    model = RequestsModel(loader, page_size=30)
    model.set_filter(RequestFilter())
    table = make_table(model)
    qtbot.addWidget(table)
    table.resize(500, 300)
    table.show()
    loader.hold = True
    table.setCurrentIndex(model.index(12, 3))
    table.selectionModel().select(model.index(12, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                                  | QItemSelectionModel.SelectionFlag.Rows)
    table.scrollTo(model.index(20, 0))
    scrolled = table.verticalScrollBar().value()
    events: list[str] = []
    model.modelAboutToBeReset.connect(lambda: events.append("reset"))
    model.rowsInserted.connect(lambda parent, first, last: events.append(f"inserted {first}-{last}"))
    model.fetchMore(QModelIndex())
    assert len(loader.held) == 1
    loader.held.pop()()
    assert "reset" not in events and events and events[0] == "inserted 30-30" and events[-1] == "inserted 59-59"
    assert model.rowCount() == 60 and model.index(59, RequestsModel.FAMILY).data() == "F60 family"
    assert table.currentIndex().row() == 12 and table.currentIndex().column() == 3
    assert [i.row() for i in table.selectionModel().selectedRows()] == [12]
    assert table.verticalScrollBar().value() == scrolled
    # A new query's first page replaces every row, as one reset.
    events.clear()
    model.reload()
    loader.held.pop()()
    assert events == ["reset"] and model.rowCount() == 30


def test_pages_under_the_model_tester(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    loader = Loader([_row(n) for n in range(1, 26)])
    model = RequestsModel(loader, page_size=10)
    model.set_filter(RequestFilter())
    loader.hold = True
    qtmodeltester.check(model)  # it asks for more rows: the page comes after
    # The tester stays connected: it checks each insertion and reset that follows.
    model.fetchMore(QModelIndex())
    while loader.held:
        loader.held.pop(0)()
        model.fetchMore(QModelIndex())
    assert model.rowCount() == 25
    model.set_filter(RequestFilter(text="F1"))
    loader.held.pop()()
    assert model.rowCount() == 10
    model.set_rows(ROWS)
    assert model.rows() == tuple(ROWS) and model.rowCount() == len(ROWS)


def test_latest_page_wins_and_late_pages_change_nothing() -> None:
    loader = Loader([_row(n) for n in range(1, 26)])
    model = RequestsModel(loader, page_size=10)
    loader.hold = True
    model.set_filter(RequestFilter(text="old"))
    model.set_filter(RequestFilter(text="new"))
    newer, older = loader.held.pop(), loader.held.pop()
    newer()
    model.fetchMore(QModelIndex())
    further = loader.held.pop()
    model.reload()  # the further page of the previous generation comes after a reload: dropped
    first = loader.held.pop()
    further()
    older()
    assert model.rowCount() == 10 and model.is_loading
    first()
    assert model.rowCount() == 10 and not model.is_loading and model.total == 25
    assert [model.index(r, 0).data(ROW_ROLE).id for r in range(10)] == list(range(1, 11))


@pytest.mark.parametrize("order", [Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder])
def test_qt_sort_leaves_the_loaded_order_alone(order: Qt.SortOrder) -> None:
    # Sorting is SQL's (sort_by_column); an in-memory sort would part the cells from rows().
    model = _loaded(ROWS)
    model.sort(RequestsModel.FAMILY, order)
    assert [model.index(r, 0).data(ROW_ROLE) for r in range(model.rowCount())] == ROWS == list(model.rows())

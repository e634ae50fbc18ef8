"""The referrals inbox on a real database: listing, filters, server-side sorting, opening a family."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtWidgets import QHeaderView
from pytestqt.qtbot import QtBot

from tests.unit.ui.seed import Seeded
from ui.main_window import MainWindow
from ui.models.base import KEY_ROLE
from ui.models.requests_model import RequestsModel
from ui.widgets.table import make_table


def _families(window: MainWindow) -> list[str]:
    model = window.referrals_page.model
    return [model.index(r, RequestsModel.FAMILY).data() for r in range(model.rowCount())]


def test_lists_undecided_requests_newest_first(main_window: MainWindow) -> None:
    page = main_window.referrals_page
    assert page.model.total == 3
    assert _families(main_window) == ["Smith family", "Khan family", "Nowak family"]
    assert page.model.index(0, RequestsModel.STATUS).data() == "Submitted"
    assert page.model.index(0, RequestsModel.RAG).data() in ("Red", "Amber", "Green")
    assert page.summary.text().startswith("3 requests")


def test_filters_by_status(main_window: MainWindow, qtbot: QtBot) -> None:
    page = main_window.referrals_page
    with qtbot.waitSignal(page.sig_requests_loaded, timeout=10_000) as blocker:
        page.set_status_filter("All statuses")
    assert blocker.args == [4]
    with qtbot.waitSignal(page.sig_requests_loaded, timeout=10_000) as blocker:
        page.set_status_filter("Decided")
    assert blocker.args == [1]
    assert page.model.index(0, RequestsModel.STATUS).data() == "No further action"


def test_filters_by_source_typed_with_the_keyboard(main_window: MainWindow, qtbot: QtBot) -> None:
    page = main_window.referrals_page
    index = page.filters.source.findText("Police")
    assert index > 0
    with qtbot.waitSignal(page.sig_requests_loaded, timeout=10_000) as blocker:
        page.filters.source.setCurrentIndex(index)
    assert blocker.args == [1]
    assert _families(main_window) == ["Khan family"]


def test_filter_with_no_match_says_so(main_window: MainWindow, qtbot: QtBot) -> None:
    page = main_window.referrals_page
    with qtbot.waitSignal(page.sig_requests_loaded, timeout=10_000):
        page.filters.family_text.setText("nobody-by-this-name")
    assert page.results.is_empty_shown
    assert "No requests match" in page.results.label.text()
    with qtbot.waitSignal(page.sig_requests_loaded, timeout=10_000):
        page.filters.clear_button.click()
    assert page.model.total == 3 and not page.results.is_empty_shown


def test_clicking_a_header_sorts_in_the_database(main_window: MainWindow, qtbot: QtBot) -> None:
    page = main_window.referrals_page
    header = page.table.horizontalHeader()
    with qtbot.waitSignal(page.sig_requests_loaded, timeout=10_000):
        header.setSortIndicator(RequestsModel.FAMILY, Qt.SortOrder.AscendingOrder)
    assert page.model.filter.order_by == "family_name" and not page.model.filter.descending
    assert _families(main_window) == ["Khan family", "Nowak family", "Smith family"]
    # A column that cannot sort leaves the order (and the indicator) alone.
    header.setSortIndicator(RequestsModel.CHILDREN, Qt.SortOrder.AscendingOrder)
    assert header.sortIndicatorSection() == RequestsModel.FAMILY
    assert page.model.filter.order_by == "family_name"


def _click_header(qtbot: QtBot, header: QHeaderView, section: int) -> None:
    x = header.sectionViewportPosition(section) + header.sectionSize(section) // 2
    assert 0 < x < header.viewport().width()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))


def test_a_mouse_click_on_a_header_sorts_and_again_reverses(main_window: MainWindow, qtbot: QtBot) -> None:
    page = main_window.referrals_page
    header = page.table.horizontalHeader()
    with qtbot.waitSignal(page.sig_requests_loaded, timeout=10_000):
        _click_header(qtbot, header, RequestsModel.FAMILY)
    assert _families(main_window) == ["Khan family", "Nowak family", "Smith family"]
    assert header.sortIndicatorSection() == RequestsModel.FAMILY
    with qtbot.waitSignal(page.sig_requests_loaded, timeout=10_000):
        _click_header(qtbot, header, RequestsModel.FAMILY)
    assert _families(main_window) == ["Smith family", "Nowak family", "Khan family"]
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    # Each row's cells still belong together after the rows came back in another order.
    model = page.model
    for r, row in enumerate(model.rows()):
        assert model.index(r, RequestsModel.FAMILY).data() == row.family_name
        assert model.index(r, RequestsModel.HUB).data(KEY_ROLE) == row.id
    _click_header(qtbot, header, RequestsModel.CHILDREN)  # cannot sort: nothing changes
    assert header.sortIndicatorSection() == RequestsModel.FAMILY and model.filter.descending


def test_enter_on_a_request_opens_its_family(main_window: MainWindow, seeded: Seeded, qtbot: QtBot) -> None:
    page = main_window.referrals_page
    page.focus_table()
    page.table.setCurrentIndex(page.model.index(1, 0))
    with qtbot.waitSignal(main_window.family_page.sig_family_loaded, timeout=10_000) as blocker:
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert blocker.args[0].id == seeded.family_ids["Khan"]
    assert main_window.current_page() == "family"


def test_scrolling_loads_further_pages_from_the_database(main_window: MainWindow, qtbot: QtBot) -> None:
    page = main_window.referrals_page
    model = RequestsModel(page._load_page, page, page_size=1)  # the page's own loader, tiny pages
    with qtbot.waitSignal(model.sig_page_loaded, timeout=10_000):
        model.set_filter(replace(page.model.filter, statuses=()))
    assert (model.rowCount(), model.total) == (1, 4)
    table = make_table(model)
    qtbot.addWidget(table)
    table.resize(600, 400)
    table.show()
    # The view asks for more rows while there is room to show them; each page arrives from a worker.
    qtbot.waitUntil(lambda: model.rowCount() == 4, timeout=10_000)
    assert not model.canFetchMore(QModelIndex())
    ids = [model.index(r, 0).data(KEY_ROLE) for r in range(4)]
    assert len(set(ids)) == 4


def test_rag_chips_and_badge_paint(main_window: MainWindow) -> None:
    # Rendering runs the RAG and badge delegates' paint code (a fault there would only show on screen).
    assert not main_window.referrals_page.table.viewport().grab().isNull()
    assert not main_window.nav.viewport().grab().isNull()
    assert not main_window.grab().isNull()

"""The episode page end to end on a real (temporary) SQLite database: allocation, assessment, the
plan edited by keyboard and agreed, a new version and what changed, two reviews, and printing.
Modal dialogs are replaced: each one is filled in and its OK pressed, and the test waits for the
save to go through, as a person would."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from hubapp.domain.validation import format_uk_date
from hubapp.drafts import DraftJournal
from hubapp.services import episodes as episode_service
from hubapp.services.session import Backend
from tests.unit.ui.episode_seed import accepted_episode, running_plan
from tests.unit.ui.seed import Seeded
from ui.dialogs import prompts
from ui.main_window import MainWindow
from ui.pages.episode import print_dialog
from ui.pages.episode.dialogs import AgreeDialog, AllocateDialog, NeedDialog, ServiceDialog
from ui.pages.episode.episode_page import EpisodePage
from ui.pages.episode.meeting_dialog import DRAFT_KIND as MEETING_DRAFT
from ui.pages.episode.meeting_dialog import MeetingDialog
from ui.pages.episode.plan_model import WHAT, WHEN, WHO

TODAY = dt.date.today()


def answer(monkeypatch: pytest.MonkeyPatch, qtbot: QtBot, cls: type[ServiceDialog],
           fill: Callable[[Any], None]) -> list[Any]:
    """Replace ``cls.exec``: fill the form, press OK, wait for the save; returns the dialogs seen."""
    seen: list[Any] = []

    def exec_(dialog: Any) -> int:
        seen.append(dialog)
        fill(dialog)
        dialog._on_buttons_accepted()
        qtbot.waitUntil(lambda: dialog.result_value is not None or bool(dialog.summary.text())
                        or any(label.isVisibleTo(dialog) for label in dialog.findChildren(type(dialog.summary))),
                        timeout=10_000)
        return 1 if dialog.result_value is not None else 0

    monkeypatch.setattr(cls, "exec", exec_)
    return seen


def open_episode(window: MainWindow, qtbot: QtBot, episode_id: int) -> EpisodePage:
    page = window.episode_page
    with qtbot.waitSignal(page.sig_episode_loaded, timeout=10_000):
        window.open_episode(episode_id)
    assert window.current_page() == "episode"
    return page


def reloaded(page: EpisodePage, qtbot: QtBot, action: Callable[[], None]) -> None:
    with qtbot.waitSignal(page.sig_episode_loaded, timeout=10_000):
        action()


def editor_of(grid: QWidget) -> QWidget:
    """The cell editor open in a table."""
    editors = [w for w in grid.viewport().findChildren(QWidget)
               if isinstance(w, (QLineEdit, QComboBox)) and w.parent() is grid.viewport() and w.isVisible()]
    assert len(editors) == 1, editors
    return editors[0]


def type_cell(qtbot: QtBot, page: EpisodePage, row: int, column: int, text: str) -> None:
    """Select a grid cell, press F2, type, and press Enter (as a person at the keyboard)."""
    grid = page.plan_tab.grid
    grid.setCurrentIndex(grid.model().index(row, column))
    qtbot.keyClick(grid, Qt.Key.Key_F2)
    editor = editor_of(grid)
    if isinstance(editor, QComboBox) and editor.isEditable():
        line = editor.lineEdit()
        assert line is not None
        line.selectAll()
        qtbot.keyClicks(line, text)
        qtbot.keyClick(line, Qt.Key.Key_Return)
    else:
        assert isinstance(editor, QLineEdit)
        editor.selectAll()
        qtbot.keyClicks(editor, text)
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not [w for w in grid.viewport().findChildren(QWidget)
                                 if isinstance(w, (QLineEdit, QComboBox)) and w.parent() is grid.viewport()
                                 and w.isVisible()], timeout=5_000)


def test_allocate_assess_and_agree_the_first_plan(
    main_window: MainWindow, backend: Backend, seeded: Seeded, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    episode_id = accepted_episode(backend, seeded)
    page = open_episode(main_window, qtbot, episode_id)
    assert page.detail is not None and page.detail.status == "AWAITING_ALLOCATION"

    answer(monkeypatch, qtbot, AllocateDialog, lambda d: d.workers.setCurrentRow(0))
    reloaded(page, qtbot, page.allocate_button.click)
    assert page.detail.status == "ALLOCATED" and page.detail.lead_worker
    reloaded(page, qtbot, page.action_buttons["start_assessment"].click)
    assert page.detail.status == "ASSESSING"

    tab = page.assessment_tab
    qtbot.keyClicks(tab.boxes["strengths"], "Sarah is warm and asks for help.")
    qtbot.keyClicks(tab.boxes["needs_child_development"], "Jack misses Mondays.")
    qtbot.keyClicks(tab.boxes["child_voice"], "Jack: I like football.")
    qtbot.keyClicks(tab.boxes["analysis"], "Routines and attendance.")
    reloaded(page, qtbot, tab.save_button.click)
    reloaded(page, qtbot, tab.submit_button.click)
    reloaded(page, qtbot, tab.authorise_button.click)
    assert page.detail.assessment is not None and page.detail.assessment.status == "AUTHORISED"

    def need(d: NeedDialog) -> None:
        d.description.setPlainText("Jack's attendance is 85%.")
        d.outcome.setCurrentIndex(d.outcome.findData("SF01"))

    answer(monkeypatch, qtbot, NeedDialog, need)
    reloaded(page, qtbot, page.plan_tab.needs.add_button.click)
    assert [n.sf_outcome for n in page.detail.needs] == ["SF01"]

    plan_tab = page.plan_tab
    reloaded(page, qtbot, plan_tab.start_button.click)
    qtbot.waitUntil(lambda: plan_tab.plan is not None and plan_tab.model.rowCount() == 1, timeout=10_000)
    assert plan_tab.model.editable
    plan_tab.grid.setCurrentIndex(plan_tab.model.index(0, WHAT))
    qtbot.keyClick(plan_tab.grid, Qt.Key.Key_Insert)  # a new action under the goal, its editor open
    assert plan_tab.model.rowCount() == 2
    qtbot.keyClick(editor_of(plan_tab.grid), Qt.Key.Key_Escape)
    type_cell(qtbot, page, 1, WHAT, "Walk Jack to school on Mondays")
    type_cell(qtbot, page, 1, WHEN, "31/02/2026")

    plan_tab.save()  # no owner, and a date that does not exist: refused, typing kept
    qtbot.waitUntil(lambda: bool(plan_tab.grid_errors.text()), timeout=10_000)
    assert "31/02/2026 does not exist" in plan_tab.grid_errors.text()
    assert plan_tab.model.index(1, WHAT).data() == "Walk Jack to school on Mondays"
    type_cell(qtbot, page, 1, WHEN, format_uk_date(TODAY + dt.timedelta(days=14)))
    plan_tab.save()
    qtbot.waitUntil(lambda: "needs an owner" in plan_tab.grid_errors.text(), timeout=10_000)
    type_cell(qtbot, page, 1, WHO, "Sarah Smith")
    assert plan_tab.model.goals[0].actions[0].who_kind == "person"
    reloaded(page, qtbot, plan_tab.save)
    assert not plan_tab.grid_errors.text()

    answer(monkeypatch, qtbot, AgreeDialog, lambda d: d.agreed_by.setCurrentText("Sarah Smith"))
    reloaded(page, qtbot, plan_tab.agree_button.click)
    assert plan_tab.plan is not None and plan_tab.plan.status == "AGREED"
    reloaded(page, qtbot, page.action_buttons["activate_plan"].click)
    assert page.detail.status == "PLAN_ACTIVE"
    qtbot.waitUntil(lambda: plan_tab.plan is not None and plan_tab.plan.status == "ACTIVE", timeout=10_000)
    assert not plan_tab.model.editable and plan_tab.new_version_button.isVisible() is plan_tab.isVisible()


def test_new_version_shows_what_changed_and_prints(
    main_window: MainWindow, backend: Backend, seeded: Seeded, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    page = open_episode(main_window, qtbot, running_plan(backend, seeded))
    plan_tab = page.plan_tab
    page.tabs.setCurrentWidget(plan_tab)
    qtbot.waitUntil(lambda: plan_tab.plan is not None, timeout=10_000)
    v1 = plan_tab.plan
    reloaded(page, qtbot, plan_tab.new_version_button.click)
    qtbot.waitUntil(lambda: plan_tab.plan is not None and plan_tab.plan.version_no == 2, timeout=10_000)
    assert plan_tab.model.editable
    type_cell(qtbot, page, 1, WHAT, "Morning routine chart on the fridge")
    plan_tab.interval.setValue(8)
    reloaded(page, qtbot, plan_tab.save)
    answer(monkeypatch, qtbot, AgreeDialog, lambda d: None)
    reloaded(page, qtbot, plan_tab.agree_button.click)
    assert page.detail is not None and page.detail.current_plan_id != v1.id
    assert [p.status for p in page.detail.plans] == ["ACTIVE", "SUPERSEDED"]

    versions = page.versions_tab
    qtbot.waitUntil(lambda: bool(versions.diff_lines()), timeout=10_000)
    wheres = {(d.kind, d.where) for d in versions.diff_lines()}
    assert ("changed", "Review interval (days)") in wheres and ("added", "Goal 1") in wheres

    saved = tmp_path / "plan.pdf"
    monkeypatch.setattr(print_dialog, "ask_save_path", lambda *a: str(saved))
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    monkeypatch.setattr(print_dialog, "ask_printer", lambda *a: printer)
    plan_tab.print_button.click()
    dialog = page.print_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.printout is not None and dialog.pdf.pageCount() > 0, timeout=10_000)
    assert dialog.printout.copy == "PROFESSIONAL" and dialog.printout.version_no == 2
    dialog.save_pdf_button.click()
    qtbot.waitUntil(lambda: saved.exists(), timeout=10_000)
    assert saved.read_bytes().startswith(b"%PDF")
    dialog.copy_group.buttons()[1].setChecked(True)
    qtbot.waitUntil(lambda: dialog.printout is not None and dialog.printout.copy == "FAMILY"
                    and dialog.print_button.isEnabled(), timeout=10_000)
    dialog.print_button.click()
    qtbot.waitUntil(lambda: len(dialog.records) == 2, timeout=10_000)
    qtbot.waitUntil(lambda: (tmp_path / "printed.pdf").exists(), timeout=10_000)
    assert dialog.status.text() == "Sent to the printer"
    dialog.close()


def test_two_reviews_and_the_overdue_flag(
    main_window: MainWindow, backend: Backend, seeded: Seeded, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    episode_id = running_plan(backend, seeded)
    page = open_episode(main_window, qtbot, episode_id)

    def review(decision: str, score: str) -> Callable[[MeetingDialog], None]:
        def fill(d: MeetingDialog) -> None:
            d.kind.setCurrentIndex(d.kind.findData("TAF_REVIEW"))
            d.decision.setCurrentIndex(d.decision.findData(decision))
            for row in range(d.progress.rowCount()):
                combo = d.progress.cellWidget(row, 1)
                assert isinstance(combo, QComboBox)
                combo.setCurrentIndex(combo.findData("IMPROVED"))
                item = d.progress.item(row, 2)
                assert item is not None
                item.setText(score)
        return fill

    seen = answer(monkeypatch, qtbot, MeetingDialog, review("CONTINUE", "11"))
    page.meetings_tab.record_button.click()  # a score of 11 is refused beside the table
    qtbot.waitUntil(lambda: len(seen) == 1 and bool(seen[0].progress_errors.text()), timeout=10_000)
    assert "from 0 to 10, not 11" in seen[0].progress_errors.text()
    assert page.detail is not None and page.detail.meetings == ()
    # The refused record is kept as a draft (its dialog closed without a save): the next "Record a
    # meeting" offers it, and the person takes it up to put the score right.
    [refused] = DraftJournal().drafts(MEETING_DRAFT)
    offered: list[str] = []
    monkeypatch.setattr(prompts, "ask_restore", lambda _p, d, _n=0: offered.append(d.id) or prompts.RESTORE)

    for decision, score in (("CONTINUE", "4"), ("CONTINUE", "6")):
        answer(monkeypatch, qtbot, MeetingDialog, review(decision, score))
        reloaded(page, qtbot, page.meetings_tab.record_button.click)
    assert offered == [refused.id]  # once: the record saved dropped it
    assert DraftJournal().drafts(MEETING_DRAFT) == []
    assert [m.kind for m in page.detail.meetings] == ["TAF_REVIEW", "TAF_REVIEW"]
    assert page.detail.next_review_due == TODAY + dt.timedelta(days=42)
    assert "Next review due" in page.meetings_tab.next_due.text()

    monkeypatch.setattr("hubapp.services._plan_read.today", lambda: TODAY + dt.timedelta(days=60))
    main_window.go_to("caseload")
    with qtbot.waitSignal(main_window.caseload_page.sig_loaded, timeout=10_000) as blocker:
        main_window.caseload_page.refresh()
    assert blocker.args == [1, 1]
    assert main_window.caseload_page.model.index(0, 5).data() == "Overdue 18 days"
    assert main_window.nav.badge("caseload") == 1
    assert episode_service.caseload(backend.uow())[0].review_overdue

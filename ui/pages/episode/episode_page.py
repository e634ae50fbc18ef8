"""The episode page: one family's early help episode, from allocation to closure.

Header: the family, the episode's status and flags (review overdue), lead practitioner, hub, dates
and the next review. Below it the actions the status allows (allocate, start the assessment,
start the plan, hold, close…) and five tabs: the assessment, the plan editor, versions and what
changed, TAF meetings and reviews, and outcome measurements. Preview and print open from the
plan, the versions and the meetings.

Closing the episode keeps what is typed as a draft (kind ``"episode_close"``), as the assessment's
return for changes does (``"assessment_return"``), a need, a meeting record and the plan's edits:
offered back when the same form is next opened on the same episode, and after a restart
(:meth:`EpisodePage.restore`, from the front door), on the right tab. A dialog whose save lost a race
and whose person chose "Reload and re-apply" comes back the same way: the episode is reloaded, then
the dialog opens again over it with what was typed. Every dialog is deleted once it has closed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget,
)

from hubapp.domain import codes
from hubapp.domain.dto import Changes
from hubapp.domain.errors import DomainError, NotFound
from hubapp.domain.meeting_dto import COPY_FAMILY, COPY_MEETING, COPY_PROFESSIONAL
from hubapp.domain.plan_dto import AllocationInput, EpisodeActionInput, EpisodeDetail, Owner
from hubapp.drafts import Draft, DraftJournal
from hubapp.services import episodes
from hubapp.services.session import Backend
from ui import formatting as fmt
from ui import tasks
from ui.app_events import app_events
from ui.pages.episode.assessment_tab import AssessmentTab
from ui.pages.episode.dialogs import (
    AllocateDialog, CloseDialog, Kept, ServiceDialog, TextDialog, read_date, run_modal,
)
from ui.pages.episode.field_errors import ErrorLabel
from ui.pages.episode.kept_drafts import CLOSE_KIND, KINDS, MEETING_KIND, NEED_KIND, PLAN_KIND, RETURN_KIND
from ui.pages.episode.meetings_tab import MeetingsTab
from ui.pages.episode.outcomes_tab import OutcomesTab
from ui.pages.episode.plan_tab import PlanTab
from ui.pages.episode.print_dialog import PrintDialog
from ui.pages.episode.versions_tab import VersionsTab
from ui.resources import icon
from ui.widgets.chips import ChipRow

ACTION_LABELS = {
    "start_assessment": "Start the assessment", "activate_plan": "Start the plan", "start_review": "Start a review",
    "put_on_hold": "Put on hold…", "resume": "Resume", "start_closure": "Start closing",
    "cancel_closure": "Cancel closing", "close": "Close the episode…",
}
STATUS_KIND = {"AWAITING_ALLOCATION": "amber", "CLOSED": "neutral", "ON_HOLD": "amber", "CLOSING": "amber",
               "PAUSED_STEPPED_UP": "amber"}
ASSESSMENT, PLAN, VERSIONS, MEETINGS, OUTCOMES = range(5)
#: The tab a kept draft of each kind is typed on (a closure: the tab shown stays).
_TAB_OF = {RETURN_KIND: ASSESSMENT, NEED_KIND: PLAN, PLAN_KIND: PLAN, MEETING_KIND: MEETINGS}


class EpisodePage(QWidget):
    """One episode at a time.

    Signals:
        sig_back_requested(): go back to where the episode was opened from.
        sig_episode_loaded(object): the ``EpisodeDetail`` now shown.
        sig_open_family_requested(int): open this family.
        sig_message(str): a short message for the status bar.

    Args:
        backend: the open database.
        parent: the parent widget.
    """

    # ---- Signals
    sig_back_requested = Signal()
    sig_episode_loaded = Signal(object)
    sig_open_family_requested = Signal(int)
    sig_message = Signal(str)

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("EpisodePage")
        # The tabs lay out comfortably from about 1000 pixels; below that they are clipped rather
        # than forcing the whole window wider than a small screen.
        self.setMinimumSize(480, 320)
        self._backend = backend
        self._latest = tasks.LatestOnly()
        self._episode_id: int | None = None
        self.detail: EpisodeDetail | None = None
        self.print_dialog: PrintDialog | None = None
        self._kept: tuple[Draft, DraftJournal | None] | None = None  # a kept draft to open once the episode loads

        self.back_button = QPushButton(icon("back.svg"), "Back", self)
        self.back_button.setToolTip("Back to the previous page (Alt+Left)")
        self.back_button.clicked.connect(self.sig_back_requested)
        self.family_button = QPushButton("Family record", self)
        self.family_button.clicked.connect(self._on_family_button_clicked)
        self.refresh_button = QPushButton(icon("refresh.svg"), "Refresh", self)
        self.refresh_button.setToolTip("Load this episode again (F5)")
        self.refresh_button.clicked.connect(self.refresh)
        self.title = QLabel(self)
        self.title.setProperty("role", "title")
        self.chips = ChipRow(self)
        self.facts: dict[str, QLabel] = {}
        self.allocate_button = QPushButton("Allocate…", self)
        self.allocate_button.clicked.connect(self._allocate)
        self.action_buttons: dict[str, QPushButton] = {}
        for action, label in ACTION_LABELS.items():
            button = QPushButton(label, self)
            button.clicked.connect(lambda _checked=False, a=action: self._do_action(a))
            button.hide()
            self.action_buttons[action] = button
        self.message = ErrorLabel(self)

        self.assessment_tab = AssessmentTab(backend, self)
        self.plan_tab = PlanTab(backend, self)
        self.versions_tab = VersionsTab(backend, self)
        self.meetings_tab = MeetingsTab(backend, self)
        self.outcomes_tab = OutcomesTab(backend, self)
        self.tabs = QTabWidget(self)
        for widget, text in ((self.assessment_tab, "Assessment"), (self.plan_tab, "Plan"),
                             (self.versions_tab, "Versions"), (self.meetings_tab, "Meetings and reviews"),
                             (self.outcomes_tab, "Outcomes")):
            self.tabs.addTab(widget, text)
        for tab in (self.assessment_tab, self.plan_tab, self.meetings_tab, self.outcomes_tab):
            tab.sig_changed.connect(self._on_tab_changed)
        for tab in (self.assessment_tab, self.plan_tab, self.meetings_tab):
            tab.sig_message.connect(self.sig_message)
            tab.sig_reload_requested.connect(self._on_tab_reload_requested)
        self.plan_tab.sig_print_requested.connect(self.print_plan)
        self.versions_tab.sig_print_requested.connect(self.print_plan)
        self.meetings_tab.sig_print_requested.connect(self.print_meeting)
        self._build()

    # ---- Public

    @property
    def episode_id(self) -> int | None:
        """The episode shown (or being loaded)."""
        return self._episode_id

    def show_episode(self, episode_id: int, tab: int | None = None) -> None:
        """Load and show an episode (on ``tab`` if given)."""
        if episode_id != self._episode_id:
            self.title.setText(f"Loading episode {episode_id}…")
            self.detail = None
            self.tabs.setCurrentIndex(PLAN if tab is None else tab)
        elif tab is not None:
            self.tabs.setCurrentIndex(tab)
        self._episode_id = episode_id
        self._load()

    def restore(self, draft: Draft, journal: DraftJournal | None = None) -> None:
        """Open a kept draft again (after a restart), on its episode as it is now, where it was typed.

        The episode is loaded first, on the draft's tab; if it has moved on so that what was typed no
        longer applies, the dialog says so and keeps the text to copy; it cannot be saved.

        Args:
            draft: the kept draft (one of the kinds of :data:`ui.pages.episode.kept_drafts.KINDS`).
            journal: the journal it came from (default: the user's data directory).
        """
        episode_id = draft.data.get("episode_id")
        if not isinstance(episode_id, int) or draft.kind not in KINDS:
            self.sig_message.emit(f"{draft.title}: this draft cannot be opened again.")
            return
        self._kept = (draft, journal)
        self.show_episode(episode_id, _TAB_OF.get(draft.kind))

    def refresh(self) -> None:
        """Load the episode again."""
        if self._episode_id is not None:
            self._load()

    def maybe_refresh(self, changes: Changes, source: object = None) -> None:
        """Reload when a change may concern the episode shown (not our own: we reload ourselves)."""
        if self._episode_id is not None and source is not self and (changes.episodes or changes.plans):
            self._load()

    def focus_first(self) -> None:
        """Put the keyboard focus on the current tab."""
        self.tabs.setFocus(Qt.FocusReason.OtherFocusReason)

    def print_plan(self, plan_id: int) -> None:
        """Preview a plan version, with its two copies, to print or save."""
        from hubapp.services import printouts  # ReportLab loads at the first print, not at start-up

        backend = self._backend
        self._open_print(lambda copy: printouts.render_plan(backend.uow(), plan_id, copy),
                         (COPY_PROFESSIONAL, COPY_FAMILY))

    def print_meeting(self, meeting_id: int) -> None:
        """Preview the record of a meeting, to print or save."""
        from hubapp.services import printouts  # ReportLab loads at the first print, not at start-up

        backend = self._backend
        self._open_print(lambda _copy: printouts.render_meeting(backend.uow(), meeting_id), (COPY_MEETING,))

    # ---- Building

    def _build(self) -> None:
        header = QFrame(self)
        header.setObjectName("PageHeader")
        top = QHBoxLayout()
        top.setSpacing(12)
        top.addWidget(self.back_button)
        top.addWidget(self.title)
        top.addWidget(self.chips, 1)
        top.addWidget(self.family_button)
        top.addWidget(self.refresh_button)
        facts = QGridLayout()
        facts.setHorizontalSpacing(18)
        facts.setVerticalSpacing(2)
        for column, caption in enumerate(("Lead practitioner", "Hub", "Started", "Plan", "Next review due",
                                          "Level of need")):
            label = QLabel(caption, self)
            label.setProperty("role", "muted")
            value = QLabel(self)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.facts[caption] = value
            facts.addWidget(label, 0, column)
            facts.addWidget(value, 1, column)
        facts.setColumnStretch(5, 1)
        actions = QHBoxLayout()
        actions.setSpacing(8)
        actions.addWidget(self.allocate_button)
        for button in self.action_buttons.values():
            actions.addWidget(button)
        actions.addStretch(1)
        head = QVBoxLayout(header)
        head.setContentsMargins(20, 12, 20, 10)
        head.setSpacing(8)
        head.addLayout(top)
        head.addLayout(facts)
        head.addLayout(actions)
        head.addWidget(self.message)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(header)
        body = QVBoxLayout()
        body.setContentsMargins(16, 10, 16, 12)
        body.addWidget(self.tabs, 1)
        layout.addLayout(body, 1)

    # ---- Loading

    def _load(self) -> None:
        backend, episode_id = self._backend, self._episode_id
        assert episode_id is not None

        def load() -> tuple[EpisodeDetail, tuple[Owner, ...]]:
            return episodes.get_episode(backend.uow(), episode_id), episodes.owners(backend.uow(), episode_id)

        self._latest.start(self, load, self._on_loaded, self._on_load_failed)

    def _on_loaded(self, result: tuple[EpisodeDetail, tuple[Owner, ...]]) -> None:
        detail, owners = result
        if detail.id != self._episode_id:
            return
        self.detail = detail
        self.title.setText(detail.family_name)
        chips = [(fmt.status_words(detail.status), STATUS_KIND.get(detail.status, "accent"))]
        if detail.review_overdue:
            chips.append(("Review overdue", "red"))
        if detail.draft_plan_id:
            chips.append(("Draft plan in progress", "neutral"))
        self.chips.set_chips(chips)
        current = next((p for p in detail.plans if p.id == detail.current_plan_id), None)
        values = {
            "Lead practitioner": detail.lead_worker or "Not allocated",
            "Hub": detail.hub_name,
            "Started": fmt.uk_date(detail.start_date),
            "Plan": (f"Version {current.version_no} ({fmt.status_words(current.status).lower()})"
                     if current else "None yet"),
            "Next review due": (fmt.uk_date(detail.next_review_due) or "—")
            + (" (overdue)" if detail.review_overdue else ""),
            "Level of need": fmt.level_text(detail.level_of_need),
        }
        for key, value in values.items():
            self.facts[key].setText(value)
        open_episode = detail.status != "CLOSED"
        self.allocate_button.setVisible(open_episode)
        self.allocate_button.setText("Allocate…" if detail.lead_worker_id is None else "Change lead practitioner…")
        if detail.status == "AWAITING_ALLOCATION":
            self.allocate_button.setProperty("role", "primary")
        for action, button in self.action_buttons.items():
            button.setVisible(action in detail.allowed_actions)
        if detail.status == "CLOSED":
            reason = codes.label_of(codes.EPISODE_CLOSURE_REASON, detail.end_reason or "", detail.end_reason or "")
            self.message.show_message(f"Closed on {fmt.uk_date(detail.end_date)}: {reason}.")
        self.tabs.setTabText(PLAN, "Plan" + (" (draft)" if detail.draft_plan_id else ""))
        self.tabs.setTabText(MEETINGS, "Meetings and reviews" + (" – overdue" if detail.review_overdue else ""))
        self.tabs.setTabText(VERSIONS, f"Versions ({len(detail.plans)})")
        self.tabs.setTabText(OUTCOMES, f"Outcomes ({len(detail.measurements)})")
        self.assessment_tab.show_episode(detail)
        self.plan_tab.show_episode(detail, owners)
        self.versions_tab.show_episode(detail)
        self.meetings_tab.show_episode(detail)
        self.outcomes_tab.show_episode(detail)
        self.sig_episode_loaded.emit(detail)
        kept, self._kept = self._kept, None
        if kept is not None and kept[0].data.get("episode_id") == detail.id:
            self._reopen(detail, *kept)

    def _reopen(self, detail: EpisodeDetail, draft: Draft, journal: DraftJournal | None) -> None:
        if draft.kind in _TAB_OF:
            self.tabs.setCurrentIndex(_TAB_OF[draft.kind])
        if draft.kind == CLOSE_KIND:
            self._close(detail, draft, journal)
        elif draft.kind == RETURN_KIND:
            self.assessment_tab.return_for_changes(draft, journal)
        elif draft.kind == NEED_KIND:
            self.plan_tab.needs.restore(draft, journal)
        elif draft.kind == PLAN_KIND:
            self.plan_tab.restore(draft)
        elif draft.kind == MEETING_KIND:
            self.meetings_tab.restore(draft, journal)

    def _on_load_failed(self, exc: Exception) -> None:
        self.detail = None
        kept, self._kept = self._kept, None
        if kept is not None:
            self.sig_message.emit(f"{kept[0].title}: the episode could not be loaded. What you typed is still kept "
                                  "on this PC and is offered again next time.")
        if isinstance(exc, NotFound):
            self.title.setText("Episode not found")
        else:
            self.title.setText("The episode could not be loaded")
            self.message.show_message(str(exc) if isinstance(exc, DomainError) else "")

    # ---- Actions

    def _on_family_button_clicked(self) -> None:
        if self.detail is not None:
            self.sig_open_family_requested.emit(self.detail.family_id)

    def _on_tab_changed(self, changes: Changes) -> None:
        app_events().publish(changes, self)
        self._load()

    def _on_tab_reload_requested(self, kept: Kept | None) -> None:
        """A tab's dialog was refused as stale: load the episode again (and open the dialog again over it)."""
        self._reload(kept)

    def _reload(self, kept: Kept | None) -> None:
        if kept is not None:
            self._kept = kept
        self._load()

    def _run(self, fn: Callable[[], Any], message: str) -> None:
        self.message.show_message("")

        def done(detail: EpisodeDetail) -> None:
            self.sig_message.emit(message)
            app_events().publish(detail.changes, self)
            self._load()

        def failed(exc: Exception) -> None:
            self.message.show_message(str(exc) if isinstance(exc, DomainError) else "That did not work.")

        tasks.run_write(self, fn, done, failed)

    def _allocate(self) -> None:
        e = self.detail
        if e is None:
            return
        backend = self._backend
        tasks.run_read(self, lambda: episodes.lead_practitioners(backend.uow(), e.hub_id),
                       lambda workers: self._choose_lead(e, workers))

    def _choose_lead(self, e: EpisodeDetail, workers: tuple[Owner, ...]) -> None:
        backend = self._backend

        def run(worker_id: int) -> Callable[[], Any]:
            return lambda: episodes.allocate(backend.uow(), AllocationInput(e.id, e.version, worker_id))

        def saved(detail: EpisodeDetail) -> None:
            self.sig_message.emit(f"{detail.lead_worker} is the lead practitioner.")
            app_events().publish(detail.changes, self)
            self._load()

        run_modal(AllocateDialog(workers, e.lead_worker_id, run, self), saved, self._reload)

    def _do_action(self, action: str) -> None:
        e = self.detail
        if e is None:
            return
        backend = self._backend

        def call(**kw: Any) -> Callable[[], Any]:
            data = EpisodeActionInput(e.id, e.version, action, **kw)
            return lambda: episodes.episode_action(backend.uow(), data)

        if action == "put_on_hold":
            def hold(text: str) -> Callable[[], Any]:
                until, error = read_date(text, "on_hold_until", "On hold until")
                if error is not None:
                    raise error
                return call(on_hold_until=until)

            dialog = TextDialog("Put the episode on hold", "On hold until", "on_hold_until",
                                _guarded(hold), self, "dd/mm/yyyy", multiline=False)
        elif action == "close":
            self._close(e)
            return
        else:
            self._run(call(), f"{ACTION_LABELS[action].rstrip('…')}: done.")
            return
        self._exec(dialog)

    def _close(self, e: EpisodeDetail, draft: Draft | None = None, journal: DraftJournal | None = None) -> None:
        """Ask why the episode closes, keeping what is typed as a draft (carrying on with a kept one)."""
        backend = self._backend

        def run(reason: str, destination: str, narrative: str) -> Callable[[], Any]:
            data = EpisodeActionInput(e.id, e.version, "close", reason=reason, destination=destination,
                                      narrative=narrative)
            return lambda: episodes.episode_action(backend.uow(), data)

        dialog = CloseDialog(run, self)
        title = f"Closing the episode — {e.family_name}"
        dialog.keep_drafts(CLOSE_KIND, backend.display_name, lambda: (title, {"episode_id": e.id}), "this closure",
                           journal, draft)
        if "close" not in e.allowed_actions:
            why = ("This episode has been closed since you typed this, so this closure cannot be saved."
                   if e.status == "CLOSED" else f"This episode is {fmt.status_words(e.status).lower()} now, so it "
                   "cannot be closed and this closure cannot be saved.")
            dialog.set_no_longer_applies(f"{why} What you typed is kept below: copy what you need, then close this "
                                         "(Esc).")
        self._exec(dialog)

    def _exec(self, dialog: ServiceDialog) -> None:
        def saved(detail: EpisodeDetail) -> None:
            app_events().publish(detail.changes, self)
            self._load()

        run_modal(dialog, saved, self._reload)

    def _open_print(self, render: Callable[[str], Any], copies: tuple[str, ...]) -> None:
        if self.print_dialog is not None:
            self.print_dialog.close()
            self.print_dialog.deleteLater()
        self.print_dialog = PrintDialog(self._backend, render, copies, self)
        self.print_dialog.sig_recorded.connect(lambda _record: self.sig_message.emit("Printout recorded."))
        self.print_dialog.open()


def _guarded(make: Callable[[str], Callable[[], Any]]) -> Callable[[str], Callable[[], Any]]:
    """Turn a form-side ``ValidationError`` into a call that raises it in the worker, so the
    dialog shows it beside the field like any other."""

    def wrapped(text: str) -> Callable[[], Any]:
        try:
            return make(text)
        except DomainError as exc:
            error = exc

            def fail() -> Any:
                raise error

            return fail

    return wrapped

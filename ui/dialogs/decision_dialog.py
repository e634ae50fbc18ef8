"""The front-door decision on a request (DOMAIN.md §8.2): outcome, rationale, who decided and when.

``Accepted for early help`` opens an episode awaiting allocation at the hub chosen (and needs
recorded agreement); ``Passed to children's social care`` needs the social care reference;
``Already supported by an existing plan`` links one of the family's plans. How the referrer was
told is recorded with the decision. Ctrl+S decides; Esc cancels. If someone else decided or
changed the request meanwhile, the dialog says so, reloads the request, and keeps what was typed.

What is typed is kept as a draft on this PC (:class:`FormDraft`, kind ``"decision"``, about the
request) until the decision is recorded or the typing discarded (Esc asks). After a restart the
front door offers it back; opening the same request's decision offers it too. A kept decision on a
request decided meanwhile opens with a plain statement of that, its text there to copy.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget

from hubapp.domain import codes, states
from hubapp.domain.dto import Actor, DecisionInput, HubRow, RequestDetail
from hubapp.domain.errors import (
    ConcurrencyConflict, DatabaseUnavailable, DomainError, FieldError, IllegalTransition, ValidationError,
)
from hubapp.domain.front_door import RequestView
from hubapp.drafts import Draft, DraftJournal
from hubapp.services import intake, reference, referrals
from hubapp.services.session import Backend
from ui import formatting as fmt
from ui.app_events import app_events
from ui.dialogs.form_dialog import FormDialog
from ui.dialogs.intake_sections import code_items, new_grid, place
from ui.dialogs.request_html import summary_html
from ui.tasks import LatestOnly, run_read, run_write
from ui.widgets.banner import Banner
from ui.widgets.code_combo import CodeCombo
from ui.widgets.date_edit import TimeEdit, UkDateEdit
from ui.widgets.form_draft import FormDraft
from ui.widgets.form_errors import FormErrors

#: The draft journal's kind for a decision.
KIND = "decision"
NOT_YET = ""


class DecisionDialog(FormDialog):
    """Decide one request.

    Signals:
        sig_decided(object): the decided request's ``RequestDetail``.
        sig_loaded(object): the ``RequestView`` being decided (loaded or reloaded).
        sig_decide_finished(bool): a decision attempt ended (whether it was recorded).

    Args:
        backend: the open database.
        actor: who is deciding.
        request_id: the request.
        parent: the parent widget.
        journal: where the draft is kept (default: the user's data directory).
        draft: a kept draft of this decision to carry on with.
    """

    # ---- Signals
    sig_decided = Signal(object)
    sig_loaded = Signal(object)
    sig_decide_finished = Signal(bool)

    def __init__(self, backend: Backend, actor: Actor, request_id: int, parent: QWidget | None = None,
                 journal: DraftJournal | None = None, draft: Draft | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("DecisionDialog")
        self.setWindowTitle(f"Decide request {request_id}")
        self._backend = backend
        self.request_id = request_id
        self.view: RequestView | None = None
        self._saving = False
        self._conflict = False
        self._latest = LatestOnly()
        self.errors = FormErrors(self)
        self.banner = Banner(self)
        self.banner.sig_action_triggered.connect(self.decide)
        self.summary = QLabel("Loading the request…", self)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(True)
        self.outcome = CodeCombo(self, "type, e.g. accept, advice, social care", width_chars=16)
        self.outcome.set_items(code_items(codes.REQUEST_OUTCOME))
        self.hub = CodeCombo(self, "type to choose", width_chars=10)
        self.csc_reference = QLineEdit(self)
        self.csc_reference.setMaxLength(60)
        self.plan = CodeCombo(self, "choose the family's plan", width_chars=16)
        self.rationale = QPlainTextEdit(self)
        self.rationale.setTabChangesFocus(True)
        self.rationale.setPlaceholderText("Why this decision (Tab moves on)")
        self.rationale.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 14)
        self.decided_date, self.decided_time = UkDateEdit(self), TimeEdit(self)
        self.decided_by = QLabel(actor.display_name, self)
        self.feedback_method = CodeCombo(self, width_chars=10)
        self.feedback_method.set_items([("Not told yet", NOT_YET), *code_items(codes.REQUEST_CHANNEL)])
        self.feedback_note = QLineEdit(self)
        self.feedback_note.setPlaceholderText("what the referrer was told")
        self.decide_button = self.make_button("Decide (Ctrl+S)", primary=True)
        self.cancel_button = self.make_button("Cancel (Esc)")
        self._build_layout()
        self._connect()
        now = dt.datetime.now().astimezone()
        self.decided_date.set_date(now.date())
        self.decided_time.set_time(now.time())
        self.feedback_method.set_code(NOT_YET)
        # Watched once the defaults are in, so that a kept draft's values win over them.
        self.drafts = FormDraft(self, journal or DraftJournal(), KIND, backend.display_name, self._about, draft,
                                "this decision")
        for name, widget, label in (
            ("outcome", self.outcome, "Decision"), ("hub_id", self.hub, "Hub for the episode"),
            ("csc_reference", self.csc_reference, "Social care reference"), ("linked_plan_id", self.plan, "Plan"),
            ("rationale", self.rationale, "Rationale"), ("decided_at", self.decided_date, "Decided on"),
            ("decided_time", self.decided_time, "At"), ("feedback_method", self.feedback_method, "Referrer told by"),
            ("feedback_note", self.feedback_note, "What they were told"),
        ):
            self.drafts.watch(name, widget, label)
        self.drafts.sig_restored.connect(self._on_drafts_restored)
        if draft is not None:
            self._on_drafts_restored(draft)
        self._enable()
        self.resize(860, 520)
        run_read(self, lambda: reference.hubs(backend.uow()), self._on_hubs_loaded, lambda exc: None)
        self.reload()
        self.outcome.setFocus(Qt.FocusReason.OtherFocusReason)

    # ---- Public

    @property
    def is_dirty(self) -> bool:
        """Whether something was typed (or a draft taken up) and not recorded."""
        return self.drafts.dirty

    def reload(self) -> None:
        """Load the request (again); what was typed is kept."""
        backend, request_id = self._backend, self.request_id
        self._latest.start(self, lambda: intake.get_request_view(backend.uow(), request_id), self._on_loaded,
                           lambda exc: self.banner.show_message(str(exc), "error"))

    def build(self) -> tuple[DecisionInput | None, list[FieldError]]:
        """The decision as typed (``None`` until the request has loaded), and the errors found on the way."""
        if self.view is None:
            return None, []
        errors: list[FieldError] = []
        decided_at = None
        try:
            day = self.decided_date.date("decided_at", "Decision date")
            at = self.decided_time.time("decided_time", "Decision time")
            if day is not None:
                decided_at = dt.datetime.combine(day, at).astimezone().astimezone(dt.UTC)
        except ValidationError as exc:
            errors.extend(exc.errors)
        except (OverflowError, ValueError):
            errors.append(FieldError("decided_at", "date_invalid", "Decision date is out of range."))
        outcome = self.outcome.code()
        if outcome is None:
            errors.append(FieldError("outcome", "required", "Decision is required: choose it from the list."))
        hub = self.hub.code() if outcome == states.RequestOutcome.ACCEPT_EH else None
        plan = self.plan.code() if outcome == states.RequestOutcome.EXISTING_PLAN else None
        feedback = self.feedback_method.code()
        return DecisionInput(
            request_id=self.view.id, expected_version=self.view.version, outcome=str(outcome or ""),
            rationale=self.rationale.toPlainText(), decided_at=decided_at, hub_id=int(hub) if hub else None,
            csc_reference=self.csc_reference.text() if outcome == states.RequestOutcome.PASS_TO_CSC else "",
            linked_plan_id=int(plan) if plan else None, feedback_method=str(feedback or ""),
            feedback_note=self.feedback_note.text() if feedback else "",
        ), errors

    @Slot()
    def decide(self) -> None:
        """Record the decision (Ctrl+S)."""
        if self._saving or self.view is None or not self.decide_button.isEnabled():
            return
        self.commit_pick_lists()
        data, local = self.build()
        assert data is not None
        self.banner.hide()
        if local:
            self._show_errors(local)
            return
        self._saving = True
        self.decide_button.setEnabled(False)
        backend = self._backend
        run_write(self, lambda: referrals.decide_request(backend.uow(), data), self._on_decided, self._on_failed)

    # ---- Building

    def _about(self) -> tuple[str, dict[str, object]]:
        family = f" — {self.view.family_name}" if self.view is not None and self.view.family_name else ""
        return f"Decision on request #{self.request_id}{family}", {"request_id": self.request_id}

    def _build_layout(self) -> None:
        form = QWidget(self)
        grid = new_grid(form)
        place(grid, 0, 0, "&Decision", self.outcome, self.errors, "outcome", span=2)
        place(grid, 0, 2, "H&ub for the episode", self.hub, self.errors, "hub_id", span=2)
        place(grid, 1, 0, "Social care &reference", self.csc_reference, self.errors, "csc_reference", span=2)
        place(grid, 1, 2, "Existing &plan", self.plan, self.errors, "linked_plan_id", span=2)
        place(grid, 2, 0, "R&ationale", self.rationale, self.errors, "rationale", span=4)
        pair = QWidget(form)
        row = QHBoxLayout(pair)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.decided_date)
        row.addWidget(self.decided_time)
        row.addWidget(QLabel("by", pair))
        row.addWidget(self.decided_by)
        row.addStretch(1)
        label = place(grid, 3, 0, "Decided &on", self.decided_date, self.errors, "decided_at", span=4, shown=pair)
        self.errors.add_field("decided_time", self.decided_time, label)
        place(grid, 4, 0, "Referrer &told by", self.feedback_method, self.errors, "feedback_method", span=2)
        place(grid, 4, 2, "&What they were told", self.feedback_note, self.errors, "feedback_note", span=2)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.decide_button)
        column = QVBoxLayout(self)
        column.addWidget(self.banner)
        column.addWidget(self.summary)
        column.addWidget(form)
        column.addStretch(1)
        column.addLayout(buttons)

    def _connect(self) -> None:
        self.outcome.sig_edited.connect(self._on_outcome_edited)
        self.feedback_method.sig_edited.connect(self._on_edited)
        for combo in (self.hub, self.plan):
            combo.sig_edited.connect(self._on_edited)
        for edit in (self.csc_reference, self.decided_date, self.decided_time, self.feedback_note):
            edit.textEdited.connect(self._on_edited)
        self.rationale.textChanged.connect(self._on_edited)
        self.decide_button.clicked.connect(self.decide)
        self.cancel_button.clicked.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+S"), self).activated.connect(self.decide)
        chain = [self.outcome, self.hub, self.csc_reference, self.plan, self.rationale, self.decided_date,
                 self.decided_time, self.feedback_method, self.feedback_note, self.decide_button, self.cancel_button]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def _enable(self) -> None:
        outcome = self.outcome.code()
        self.hub.setEnabled(outcome == states.RequestOutcome.ACCEPT_EH)
        self.csc_reference.setEnabled(outcome == states.RequestOutcome.PASS_TO_CSC)
        self.plan.setEnabled(outcome == states.RequestOutcome.EXISTING_PLAN)
        self.feedback_note.setEnabled(bool(self.feedback_method.code()))

    def _show_errors(self, errors: list[FieldError] | tuple[FieldError, ...]) -> None:
        leftovers = self.errors.show(errors)
        text = "The decision was not recorded: put right what is shown beside each field."
        if leftovers:
            text += " " + " ".join(e.message for e in leftovers)
        self.banner.show_message(text, "error")
        self.errors.focus_first()
        self.sig_decide_finished.emit(False)

    # ---- Slots

    @Slot()
    def _on_edited(self) -> None:
        self._enable()  # the draft hears of the edit itself

    @Slot(object)
    def _on_drafts_restored(self, draft: Draft) -> None:
        self._enable()
        self.banner.show_message(f"Your unsaved decision from {fmt.uk_datetime(draft.saved_at)} is back. Check it, "
                                 "then record it with Ctrl+S.", "info")

    @Slot()
    def _on_outcome_edited(self) -> None:
        self._on_edited()

    def _on_hubs_loaded(self, hubs: tuple[HubRow, ...]) -> None:
        chosen = self.hub.code()
        self.hub.set_items((h.name, h.id) for h in hubs)
        if chosen is not None:
            self.hub.set_code(chosen)
        elif self.view is not None:
            self.hub.set_code(self.view.hub_id)
        self.drafts.settle()  # a kept hub, now that the hubs are here

    def _on_loaded(self, view: RequestView) -> None:
        self.view = view
        self.setWindowTitle(f"Decide request {view.id} · {view.family_name}")
        self.summary.setText(summary_html(view))
        if self.hub.code() is None:
            self.hub.set_code(view.hub_id)
        self.plan.set_items((p.label, p.id) for p in view.plans)
        self.drafts.settle()  # a kept hub or plan, now that the choices are here
        if not self.feedback_note.text() and view.channel and not self.drafts.dirty:
            self.feedback_method.set_code(NOT_YET)
        undecided = view.status in states.REQUEST_UNDECIDED_STATES
        self.decide_button.setEnabled(undecided and not self._saving)
        if not undecided:
            decided = (f"{fmt.request_status(view.status, view.outcome)}, by {view.decided_by or 'someone'} at "
                       f"{fmt.uk_datetime(view.decided_at)}") if view.outcome else fmt.request_status(view.status, None)
            text = f"This request is no longer waiting for a decision: {decided}."
            if self._conflict:
                text = (f"Someone else changed this request while you were deciding, so your decision was not "
                        f"recorded. {text} What you typed is kept below.")
            elif self.drafts.restored_from is not None:
                kept = fmt.uk_datetime(self.drafts.restored_from.saved_at)
                text = (f"{text} Your unsaved decision from {kept} cannot be recorded now; what you typed is kept "
                        "below so you can copy it. Esc closes this (you can keep or discard the draft).")
            self.banner.show_message(text, "warning")
        self._conflict = False
        self._enable()
        self.sig_loaded.emit(view)

    def _on_decided(self, detail: RequestDetail) -> None:
        self._saving = False
        self.drafts.discard()
        app_events().publish(detail.changes, self)
        self.sig_decided.emit(detail)
        self.sig_decide_finished.emit(True)
        self.accept()

    def _on_failed(self, exc: Exception) -> None:
        self._saving = False
        self.decide_button.setEnabled(True)
        self.drafts.keep()
        if isinstance(exc, ValidationError):
            self._show_errors(exc.errors)
            return
        if isinstance(exc, (ConcurrencyConflict, IllegalTransition)):
            self._conflict = True
            who = getattr(exc, "changed_by", None) or "Someone else"
            at = getattr(exc, "changed_at", None)
            when = f" at {fmt.uk_datetime(at)}" if at is not None else ""
            # Reload is done at once (what they did shows above); re-apply is "Decide again" with what is typed.
            self.banner.show_message(
                f"{who} changed this request{when} while you were deciding (perhaps it was decided on another "
                "PC), so your decision was not recorded. The request has been reloaded above; what you typed is "
                "kept. Check it, then decide again if it still needs a decision.", "warning",
                "Decide again (Ctrl+S)")
            self.reload()
        elif isinstance(exc, DatabaseUnavailable):
            self.banner.show_message("The database cannot be reached, so the decision was not recorded. What you "
                                     "typed is kept. Try again when the connection is back.", "error",
                                     "Try again (Ctrl+S)")
        else:
            self.banner.show_message(str(exc) if isinstance(exc, DomainError) else "The decision was not recorded.",
                                     "error")
        self.sig_decide_finished.emit(False)

    # ---- Qt overrides

    def reject(self) -> None:  # noqa: D102 - Qt override
        if self._saving:
            return
        if not self.drafts.ask_to_leave():
            return
        super().reject()

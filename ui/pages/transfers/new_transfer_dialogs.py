"""Starting a transfer: a step-up drafted from a family's open episode, and a step-down recorded as
it arrives from social care (the family found by the same search as the toolbar's).

What is typed is kept as a draft until the request is saved or discarded: kind ``"step_up"``
(about the episode) and ``"step_down"`` (about the family it was opened for, if any).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QListWidget, QListWidgetItem, QPlainTextEdit, QWidget

from hubapp.domain import codes
from hubapp.domain.dto import HubRow, PersonHit
from hubapp.domain.errors import FieldError
from hubapp.domain.transfer_dto import NewStepDown, NewStepUp
from hubapp.drafts import Draft, DraftJournal
from hubapp.services import search, transfers
from hubapp.services.session import Backend
from ui.pages.transfers.service_dialog import ServiceDialog
from ui.tasks import LatestOnly

#: The draft journal's kinds for a new step-up and a new step-down.
STEP_UP_KIND, STEP_DOWN_KIND = "step_up", "step_down"
SEARCH_DELAY_MS = 250
NAME_ROLE = Qt.ItemDataRole.UserRole + 1
STAGES = (("SUBMITTED_TO_EH", "Submitted to early help (the usual case)"),
          ("CONSENT_OBTAINED", "Family consent obtained, not yet submitted"),
          ("PROPOSED_AT_CIN_REVIEW", "Proposed at a CIN review (early warning)"))


def _text_box(parent: QWidget, lines: int = 3) -> QPlainTextEdit:
    box = QPlainTextEdit(parent)
    box.setTabChangesFocus(True)
    box.setFixedHeight(box.fontMetrics().height() * lines + 14)
    return box


class NewStepUpDialog(ServiceDialog):
    """Draft a step-up from an open episode (a manager endorses it, then it is sent).

    Args:
        backend: the open database.
        episode_id: the episode stepped up.
        family_name: shown in the title.
        parent: the parent widget.
        journal: where the draft is kept (default: the user's data directory).
        draft: a kept draft of this step-up to carry on with.
    """

    def __init__(self, backend: Backend, episode_id: int, family_name: str, parent: QWidget | None = None,
                 journal: DraftJournal | None = None, draft: Draft | None = None) -> None:
        super().__init__(f"Step up to social care: {family_name}",
                         "The request starts as a draft. A manager endorses it (E on the Step-ups page), then it is "
                         "sent (S). The episode stays open, paused, until social care decides. For an urgent "
                         "safeguarding concern, phone the front door now: never wait for this request.", parent)
        self.setObjectName("NewStepUpDialog")
        self._backend = backend
        self._episode_id = episode_id
        self.family_name = family_name
        drafts = self.keep_drafts(STEP_UP_KIND, backend.display_name,
                                  lambda: (f"Step-up request — {family_name}", {"episode_id": episode_id}),
                                  "this step-up request", journal, draft)
        drafts.watch_value("family", lambda: family_name, lambda _kept: True, lambda: family_name, None, "Family")
        self.reason = self.field("Why a step-up is needed *", "reason", _text_box(self, 4))
        self.risk = self.field("Risk summary", "risk_summary", _text_box(self))
        self.needs = self.field("Outstanding needs", "outstanding_needs", _text_box(self))
        self.reason.setFocus()

    def call(self) -> Callable[[], Any] | None:  # noqa: D102 - see ServiceDialog
        backend = self._backend
        data = NewStepUp(self._episode_id, self.reason.toPlainText(), self.risk.toPlainText(),
                         self.needs.toPlainText())
        return lambda: transfers.create_step_up(backend.uow(), data)


class NewStepDownDialog(ServiceDialog):
    """Record a step-down from social care: the family, the receiving hub, the reference and why.

    Args:
        backend: the open database.
        hubs: the hubs to choose from (the first is the default).
        family: ``(id, name)`` when opened from a family's record; otherwise the family is searched for.
        parent: the parent widget.
        journal: where the draft is kept (default: the user's data directory).
        draft: a kept draft of this step-down to carry on with.
    """

    def __init__(self, backend: Backend, hubs: tuple[HubRow, ...], family: tuple[int, str] | None = None,
                 parent: QWidget | None = None, journal: DraftJournal | None = None,
                 draft: Draft | None = None) -> None:
        super().__init__("Record a step-down from social care",
                         "Record it as soon as social care sends it: it joins the coordinator's queue at once.", parent)
        self.setObjectName("NewStepDownDialog")
        self.setMinimumWidth(600)
        self._backend = backend
        self._family_id = family[0] if family else None
        self._family_name = family[1] if family else ""
        self._fixed_family_id = self._family_id  # opened for one family: its drafts are about that family
        self._latest = LatestOnly()
        drafts = self.keep_drafts(STEP_DOWN_KIND, backend.display_name, self._about, "this step-down", journal,
                                  draft)
        if family is None:
            self.family_search = QLineEdit(self)
            self.family_search.setPlaceholderText("Name, date of birth, NHS number or postcode")
            self.hits = QListWidget(self)
            self.hits.setObjectName("FamilyHits")
            self.hits.setMaximumHeight(self.fontMetrics().height() * 6)
            self.field("Find the family *", "family_id", self.family_search, keep=False)
            self.form.addRow("", self.hits)
            self._timer = QTimer(self)
            self._timer.setSingleShot(True)
            self._timer.setInterval(SEARCH_DELAY_MS)
            self._timer.timeout.connect(self._search)
            self.family_search.textEdited.connect(lambda _t: self._timer.start())
            self.hits.currentItemChanged.connect(self._on_hits_current_item_changed)
            drafts.watch_value("family", self._chosen_family, self._choose_family, lambda: self._family_name,
                               self.hits.currentItemChanged, "Family")
        else:
            self.form.addRow("Family", QLabel(family[1], self))
            drafts.watch_value("family", self._chosen_family, lambda _kept: True, lambda: self._family_name, None,
                               "Family")
        self.hub = QComboBox(self)
        for hub in hubs:
            self.hub.addItem(hub.name, hub.id)
        self.field("Receiving hub *", "hub_id", self.hub)
        self.social_worker = self.field("Social worker *", "requested_by_name", QLineEdit(self))
        self.reference = self.field("Social care reference *", "csc_reference", QLineEdit(self))
        self.stage = QComboBox(self)
        for code, label in STAGES:
            self.stage.addItem(label, code)
        self.field("Where it has got to", "stage", self.stage)
        self.service = QComboBox(self)
        for code in codes.codes_of(codes.SERVICE):
            if code != "CSC":
                self.service.addItem(codes.label_of(codes.SERVICE, code), code)
        self.field("Stepping down to", "to_service", self.service)
        self.reason = self.field("Why, and what remains *", "reason", _text_box(self, 3))
        self.risk = self.field("Risk summary", "risk_summary", _text_box(self, 2))
        self.needs = self.field("Outstanding needs", "outstanding_needs", _text_box(self, 2))
        (self.family_search if family is None else self.social_worker).setFocus()

    @property
    def family_id(self) -> int | None:
        """The family chosen."""
        return self._family_id

    def _about(self) -> tuple[str, dict[str, object]]:
        family = self._family_name or "family not chosen yet"
        return f"Step-down from social care — {family}", {"family_id": self._fixed_family_id}

    def _chosen_family(self) -> dict[str, object] | None:
        return {"id": self._family_id, "name": self._family_name} if self._family_id is not None else None

    def _choose_family(self, kept: object) -> bool:
        """Put a kept family choice back as the one hit in the list."""
        if not isinstance(kept, dict) or kept.get("id") is None:
            return True
        self.hits.clear()
        item = QListWidgetItem(str(kept.get("name") or "Family"))
        item.setData(Qt.ItemDataRole.UserRole, int(kept["id"]))
        item.setData(NAME_ROLE, str(kept.get("name") or ""))
        self.hits.addItem(item)
        self.hits.setCurrentRow(0)
        return True

    def _search(self) -> None:
        text, backend = self.family_search.text().strip(), self._backend
        if len(text) < 2:
            self.hits.clear()
            return
        self._latest.start(self, lambda: search.quick_search(backend.uow(), text, limit=20), self._on_found,
                           lambda exc: self.show_problems([FieldError("family_id", "search", str(exc))]))

    def _on_found(self, hits: tuple[PersonHit, ...]) -> None:
        self.hits.clear()
        seen: set[int] = set()
        for hit in hits:
            if hit.family_id is None or hit.family_id in seen:
                continue
            seen.add(hit.family_id)
            born = f", born {hit.date_of_birth:%d/%m/%Y}" if hit.date_of_birth else ""
            item = QListWidgetItem(f"{hit.family_name_display or 'Family'}: {hit.given_name} {hit.family_name}{born}"
                                   + (f" · {hit.postcode}" if hit.postcode else ""))
            item.setData(Qt.ItemDataRole.UserRole, hit.family_id)
            item.setData(NAME_ROLE, hit.family_name_display or f"{hit.family_name} family")
            self.hits.addItem(item)
        if self.hits.count() == 1:
            self.hits.setCurrentRow(0)

    def _on_hits_current_item_changed(self, current: QListWidgetItem | None, _previous: object) -> None:
        self._family_id = int(current.data(Qt.ItemDataRole.UserRole)) if current is not None else None
        self._family_name = str(current.data(NAME_ROLE) or "") if current is not None else ""

    def call(self) -> Callable[[], Any] | None:  # noqa: D102 - see ServiceDialog
        if self._family_id is None:
            self.show_problems([FieldError("family_id", "required", "Find the family and choose it in the list.")])
            return None
        backend = self._backend
        data = NewStepDown(
            family_id=self._family_id, hub_id=int(self.hub.currentData() or 0),
            reason=self.reason.toPlainText(),
            csc_reference=self.reference.text(),
            requested_by_name=self.social_worker.text(),
            risk_summary=self.risk.toPlainText(), outstanding_needs=self.needs.toPlainText(),
            stage=str(self.stage.currentData()), to_service=str(self.service.currentData()),
        )
        return lambda: transfers.create_step_down(backend.uow(), data)

"""Who the request is about: a new household typed in, or a known family linked instead.

While the household is typed, the duplicate check runs ~300 ms after the last change, off the
GUI thread, latest wins (an older check's result is dropped). The panel beside the form shows
what it found; choosing a candidate links that family (its members are loaded, the children
who matched are ticked) and hides the household editor, keeping what was typed in case the
person unlinks again.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from hubapp.domain.dto import FamilyDetail, NewFamily
from hubapp.domain.errors import DomainError, FieldError
from hubapp.domain.front_door import DuplicateCandidate, DuplicateQuery, Involvement
from hubapp.domain.validation import normalise_postcode
from hubapp.services import duplicates, families
from hubapp.services.session import Backend
from ui.dialogs.duplicates_panel import DuplicatesPanel
from ui.dialogs.linked_family import LinkedFamilyView
from ui.tasks import LatestOnly
from ui.widgets.form_errors import FormErrors
from ui.widgets.household_editor import HouseholdEditor

DEBOUNCE_MS = 300


def _postcode_ok(text: str) -> bool:
    try:
        normalise_postcode(text)
    except DomainError:
        return False
    return True


class FamilyArea(QWidget):
    """The household editor or the linked family, and the duplicate check between them.

    Signals:
        sig_edited(): something was changed (typing, linking, ticking).
        sig_layout_changed(): inputs were added or removed (re-chain the tab order).
        sig_linked(): a family was linked (its members have loaded).
        sig_checked(int): a duplicate check finished with this many candidates.

    Args:
        backend: the open database.
        errors: the form's error registry.
        parent: the parent widget.
    """

    # ---- Signals
    sig_edited = Signal()
    sig_layout_changed = Signal()
    sig_linked = Signal()
    sig_checked = Signal(int)

    def __init__(self, backend: Backend, errors: FormErrors, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._backend = backend
        self._latest = LatestOnly()
        self._link_load = LatestOnly()
        self._involvement: Involvement | None = None
        self.editor = HouseholdEditor(errors, "new_family.", self)
        self.linked = LinkedFamilyView(errors, self)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.editor)
        self.stack.addWidget(self.linked)
        self.panel = DuplicatesPanel("Link this family", None)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.stack)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self._on_debounce_timeout)
        self.editor.sig_edited.connect(self.sig_edited)
        self.editor.sig_probe_changed.connect(self._debounce.start)
        self.editor.sig_layout_changed.connect(self.sig_layout_changed)
        self.linked.sig_edited.connect(self.sig_edited)
        self.linked.sig_unlink_requested.connect(self.unlink)
        self.panel.sig_candidate_chosen.connect(self.link)
        errors.add_field("family_id", self.linked.title, self.linked.error)

    # ---- Public

    @property
    def is_linked(self) -> bool:
        """Whether an existing family is linked."""
        return self.stack.currentWidget() is self.linked

    def check_now(self) -> None:
        """Run the duplicate check at once (e.g. after a draft is restored)."""
        self._debounce.stop()
        self._on_debounce_timeout()

    @Slot(object)
    def link(self, candidate: DuplicateCandidate) -> None:
        """Use a known family instead of the household typed."""
        # For each person typed, tick the one who matched best (the worker can change it).
        best: dict[str, tuple[float, int]] = {}
        for p in candidate.people:
            if p.score > best.get(p.probe_key, (-1.0, 0))[0]:
                best[p.probe_key] = (p.score, p.person_id)
        ticked = {person_id for _, person_id in best.values()}
        self._involvement = candidate.involvement
        self.link_family(candidate.family_id, candidate.family_name, ticked)
        self.panel.set_candidates(tuple(self.panel.candidates()), linked=candidate.family_id)

    def link_family(self, family_id: int, name: str = "", ticked: set[int] | None = None,
                    exact: bool = False) -> None:
        """Link a family by id: show it while its members load in a worker.

        Args:
            family_id: the family.
            name: its name, shown while it loads.
            ticked: people to tick: the children among them (default every child), or exactly
                these when ``exact``.
            exact: tick exactly ``ticked`` (a restored draft).
        """
        self.linked.show_loading(family_id, name)
        self.stack.setCurrentWidget(self.linked)
        self._debounce.stop()
        self._latest.cancel()
        if self.panel.list.count() == 0:
            self.panel.set_idle(f"Linked to {name or 'the family'}: the request will be logged for it. "
                                "Ctrl+U unlinks, to type a new household instead.")
        backend = self._backend
        self._link_load.start(self, lambda: families.get_family(backend.uow(), family_id),
                              lambda detail: self._on_family_loaded(detail, ticked, exact), self._on_family_failed)
        self.sig_layout_changed.emit()
        self.sig_edited.emit()

    @Slot()
    def unlink(self) -> None:
        """Back to the household as typed."""
        self._link_load.cancel()
        self.linked.family_id = None
        self._involvement = None
        self.stack.setCurrentWidget(self.editor)
        self.sig_layout_changed.emit()
        self.sig_edited.emit()
        self.editor.first_input().setFocus()
        self.check_now()

    def values(self, hub_id: int) -> tuple[int | None, tuple[int, ...], NewFamily | None, list[FieldError]]:
        """``(family_id, subject_person_ids, new_family, errors)`` for the request."""
        if self.is_linked and self.linked.family_id is not None:
            return self.linked.family_id, self.linked.subject_ids(), None, []
        family, errors = self.editor.to_family(hub_id)
        return None, (), family, errors

    def consent_giver(self) -> tuple[str, str] | None:
        """Who probably gives consent: the first adult with parental responsibility."""
        return self.linked.consent_giver() if self.is_linked else self.editor.consent_giver()

    def focus_widgets(self) -> list[QWidget]:
        """Inputs in tab order."""
        return self.linked.focus_widgets() if self.is_linked else self.editor.focus_widgets()

    def title(self) -> str:
        """A few words for a draft's title."""
        return self.linked.family_name if self.is_linked else self.editor.title()

    def state(self) -> dict[str, Any]:
        """The area as JSON values (drafts): the household typed, and the link if any."""
        return {"household": self.editor.state(), "linked": self.linked.state() if self.is_linked else None}

    def restore(self, state: dict[str, Any]) -> None:
        """Put a saved area back (re-linking the family if one was linked)."""
        household = state.get("household")
        if isinstance(household, dict):
            self.editor.restore(household)
        linked = state.get("linked")
        if isinstance(linked, dict) and isinstance(linked.get("family_id"), int):
            subjects = {int(p) for p in linked.get("subjects") or () if isinstance(p, int)}
            self.link_family(linked["family_id"], str(linked.get("family_name", "")), subjects, exact=True)
        else:
            self.check_now()

    def reset(self) -> None:
        """An empty household, nothing linked."""
        self._latest.cancel()
        self._link_load.cancel()
        self.editor.restore({})
        self.linked.family_id = None
        self.stack.setCurrentWidget(self.editor)
        self.panel.set_idle()
        self.sig_layout_changed.emit()

    # ---- Slots

    @Slot()
    def _on_debounce_timeout(self) -> None:
        if self.is_linked:
            return
        probes = self.editor.probes()
        postcode = self.editor.postcode()
        useful = [p for p in probes if len(p.family_name) >= 2 or len(p.given_name) >= 2 or p.date_of_birth
                  or len(p.nhs_number.replace(" ", "")) == 10]
        if not useful and not _postcode_ok(postcode):
            self._latest.cancel()
            self.panel.set_idle()
            return
        query = DuplicateQuery(people=tuple(useful), postcode=postcode)
        backend = self._backend
        self.panel.set_checking()
        self._latest.start(self, lambda: duplicates.check_duplicates(backend.uow(), query),
                           self._on_checked, self._on_check_failed)

    def _on_checked(self, candidates: tuple[DuplicateCandidate, ...]) -> None:
        if self.is_linked:
            return
        self.panel.set_candidates(candidates)
        self.sig_checked.emit(len(candidates))

    def _on_check_failed(self, exc: Exception) -> None:
        self.panel.set_idle(f"The check could not run: {exc}")
        self.sig_checked.emit(0)

    def _on_family_loaded(self, detail: FamilyDetail, ticked: set[int] | None, exact: bool) -> None:
        self.linked.set_family(detail, self._involvement, ticked)
        if exact and ticked is not None:
            self.linked.set_ticked(ticked)
        self.sig_layout_changed.emit()
        self.sig_linked.emit()

    def _on_family_failed(self, exc: Exception) -> None:
        self.linked.facts.setText(f"The family could not be loaded: {exc}")

"""The family page: who is in the household, where they live, and what has happened to them.

Header: the family's name, hub, lead practitioner, current address and flags as chips. Below: the
members table, then tabs with the history and the early help episodes. Everything comes from one
``FamilyDetail``, loaded in a worker; a newer ``show_family`` wins over an older one.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget,
)

from hubapp.domain.dto import Changes, FamilyDetail
from hubapp.domain.errors import DomainError, NotFound
from hubapp.services import families
from hubapp.services.session import Backend
from ui import settings
from ui.models.family_models import EpisodesModel, HistoryModel, MembersModel
from ui.resources import icon
from ui.pages.family_tabs import FamilyTabs
from ui.pages.transfers.family_actions import FamilyTransferActions
from ui.tasks import LatestOnly
from ui.widgets.chips import FLAG_KINDS, ChipRow
from ui.widgets.table import ColumnFitter, EmptyStateStack, make_table, set_column_widths


class FamilyPage(QWidget):
    """One family at a time.

    Signals:
        sig_back_requested(): go back to where the family was opened from.
        sig_family_loaded(object): the ``FamilyDetail`` now shown.
        sig_family_failed(object): the family could not be shown (the error, e.g. ``NotFound``).
        sig_open_episode_requested(int): open this early help episode (Enter on the Episodes tab).

    Args:
        backend: the open database.
        parent: the parent widget.
    """

    # ---- Signals
    sig_back_requested = Signal()
    sig_family_loaded = Signal(object)
    sig_family_failed = Signal(object)
    sig_open_episode_requested = Signal(int)

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("FamilyPage")
        self._backend = backend
        self._latest = LatestOnly()
        self._family_id: int | None = None
        self.detail: FamilyDetail | None = None

        self.back_button = QPushButton(icon("back.svg"), "Back", self)
        self.back_button.setToolTip("Back to the previous page (Alt+Left)")
        self.back_button.clicked.connect(self.sig_back_requested)
        self.refresh_button = QPushButton(icon("refresh.svg"), "Refresh", self)
        self.refresh_button.setToolTip("Load this family again (F5)")
        self.refresh_button.clicked.connect(self.refresh)
        self.transfer_actions = FamilyTransferActions(backend, self)  # step up, step down, close (issue 5)
        self.sig_family_loaded.connect(self.transfer_actions.set_family)
        self.title = QLabel(self)
        self.title.setProperty("role", "title")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.chips = ChipRow(self)
        self.hub_value = self._value_label()
        self.lead_value = self._value_label()
        self.address_value = self._value_label()

        self.members_model = MembersModel(self)
        self.members = make_table(self.members_model, self, "Members")
        self.members.setAccessibleName("Family members")
        self.history_model = HistoryModel(self)
        self.history = make_table(self.history_model, self, "History")
        self.history.setAccessibleName("History")
        self.history_stack = EmptyStateStack(self.history, self)
        self.episodes_model = EpisodesModel(self)
        self.episodes = make_table(self.episodes_model, self, "Episodes")
        self.episodes.setAccessibleName("Early help episodes")
        self.episodes.setToolTip("Enter or double-click opens the episode")
        self.episodes.activated.connect(
            lambda index: self.sig_open_episode_requested.emit(int(self.episodes_model.rows()[index.row()].id)))
        self.episodes_stack = EmptyStateStack(self.episodes, self)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(False)
        self.tabs.addTab(self.history_stack, "History")
        self.tabs.addTab(self.episodes_stack, "Episodes")
        self.family_tabs = FamilyTabs(backend, self.tabs, self.sig_family_loaded)  # chronology, access (issue 6)
        self.members_heading = QLabel("Members", self)
        self.members_heading.setProperty("role", "heading")
        self.members_heading.setBuddy(self.members)

        self._build_layout()
        self._set_widths()

    # ---- Public

    @property
    def family_id(self) -> int | None:
        """The family shown (or being loaded)."""
        return self._family_id

    def show_family(self, family_id: int) -> None:
        """Load and show a family; the page says so while it loads."""
        if family_id != self._family_id:
            self._clear(f"Loading family {family_id}…")
        self._family_id = family_id
        self._load()

    def refresh(self) -> None:
        """Load the family shown again."""
        if self._family_id is not None:
            self._load()

    def maybe_refresh(self, changes: Changes) -> None:
        """Reload when a change may concern the family shown."""
        if self._family_id is not None and (changes.families or changes.requests or changes.episodes
                                             or changes.transfers):
            self._load()

    def focus_members(self) -> None:
        """Put the keyboard focus on the members table."""
        self.members.setFocus(Qt.FocusReason.OtherFocusReason)
        if not self.members.currentIndex().isValid() and self.members_model.rowCount():
            self.members.setCurrentIndex(self.members_model.index(0, 0))

    def save_state(self) -> None:
        """Remember column widths."""
        for view, name in ((self.members, "family_members"), (self.episodes, "family_episodes")):
            settings.save_header(view.horizontalHeader(), name)

    # ---- Internals

    def _value_label(self) -> QLabel:
        label = QLabel(self)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def _build_layout(self) -> None:
        header = QFrame(self)
        header.setObjectName("PageHeader")
        top = QHBoxLayout()
        top.setSpacing(12)
        top.addWidget(self.back_button)
        top.addSpacing(4)
        top.addWidget(self.title)
        top.addSpacing(8)
        top.addWidget(self.chips, 1)
        top.addWidget(self.transfer_actions)
        top.addWidget(self.refresh_button)
        facts = QGridLayout()
        facts.setHorizontalSpacing(10)
        facts.setVerticalSpacing(4)
        for column, (caption, value) in enumerate(
            (("Hub", self.hub_value), ("Lead practitioner", self.lead_value),
             ("Current address", self.address_value))
        ):
            label = QLabel(caption, self)
            label.setProperty("role", "muted")
            facts.addWidget(label, 0, column)
            facts.addWidget(value, 1, column)
        facts.setColumnStretch(2, 1)
        facts.setColumnMinimumWidth(0, 180)
        facts.setColumnMinimumWidth(1, 200)
        head = QVBoxLayout(header)
        head.setContentsMargins(20, 12, 20, 12)
        head.setSpacing(10)
        head.addLayout(top)
        head.addLayout(facts)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(header)
        body = QVBoxLayout()
        body.setContentsMargins(20, 12, 20, 16)
        body.setSpacing(8)
        body.addWidget(self.members_heading)
        body.addWidget(self.members)
        body.addSpacing(6)
        body.addWidget(self.tabs, 1)
        layout.addLayout(body, 1)

    def _set_widths(self) -> None:
        if not settings.restore_header(self.members.horizontalHeader(), "family_members"):
            set_column_widths(self.members, {0: 26, 1: 20, 2: 8, 3: 14, 4: 5, 5: 17})
        set_column_widths(self.history, {0: 11})
        self._history_fitter = ColumnFitter(self.history, {1: (1.0, 24), 2: (2.0, 24), 3: (0.8, 14)})
        if not settings.restore_header(self.episodes.horizontalHeader(), "family_episodes"):
            set_column_widths(self.episodes, {0: 20, 1: 18, 2: 12, 3: 12, 4: 22})

    def _load(self) -> None:
        backend, family_id = self._backend, self._family_id
        assert family_id is not None
        self._latest.start(self, lambda: families.get_family(backend.uow(), family_id),
                           self._on_family_loaded, self._on_family_failed)

    def _clear(self, title: str) -> None:
        self.detail = None
        self.title.setText(title)
        self.chips.set_chips(())
        for label in (self.hub_value, self.lead_value, self.address_value):
            label.setText("")
        for model in (self.members_model, self.history_model, self.episodes_model):
            model.set_rows(())

    def _fit_members_height(self) -> None:
        # The household is short: show every member without a scroll bar, up to ten rows.
        rows = max(1, min(self.members_model.rowCount(), 10))
        height = (self.members.horizontalHeader().sizeHint().height()
                  + rows * self.members.verticalHeader().defaultSectionSize() + 6)
        self.members.setFixedHeight(height)

    def _on_family_loaded(self, detail: FamilyDetail) -> None:
        if detail.id != self._family_id:
            return
        self.detail = detail
        self.title.setText(detail.name)
        self.chips.set_chips((flag, FLAG_KINDS.get(flag, "neutral")) for flag in detail.flags)
        self.hub_value.setText(detail.hub_name)
        self.lead_value.setText(detail.lead_worker or "Not allocated")
        address = detail.address.one_line() if detail.address else "No current address recorded"
        if detail.previous_addresses:
            count = len(detail.previous_addresses)
            address += f"  ({count} previous address{'es' if count > 1 else ''})"
        self.address_value.setText(address)
        self.members_model.set_rows(detail.members)
        self._fit_members_height()
        self.history_model.set_rows(detail.history)
        self.episodes_model.set_rows(detail.episodes)
        self.tabs.setTabText(0, f"History ({len(detail.history)})")
        self.tabs.setTabText(1, f"Episodes ({len(detail.episodes)})")
        for stack, rows, empty in (
            (self.history_stack, detail.history, "Nothing has been recorded for this family yet."),
            (self.episodes_stack, detail.episodes, "This family has had no early help episode."),
        ):
            if rows:
                stack.show_table()
            else:
                stack.show_empty(empty)
        self.sig_family_loaded.emit(detail)

    def _on_family_failed(self, exc: Exception) -> None:
        if isinstance(exc, NotFound):
            self._clear("Family not found")
            self.address_value.setText("It may have been merged or removed, or you may not have access to it.")
        else:
            self._clear("The family could not be loaded")
            self.address_value.setText(str(exc) if isinstance(exc, DomainError) else "")
        self.sig_family_failed.emit(exc)


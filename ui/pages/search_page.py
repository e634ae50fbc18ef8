"""The Search page: who is known? Results of the global search box, best match first.

The text comes from the toolbar's search box. As the person types, a search starts ~250 ms after
the last key (latest wins: an older search's result is dropped); Enter searches at once. Enter or
a double-click on a result opens the person's family.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from hubapp.domain.dto import PersonHit
from hubapp.domain.errors import DomainError, ValidationError
from hubapp.services import search
from hubapp.services.session import Backend
from ui.models.base import FAMILY_ID_ROLE, ROW_ROLE
from ui.models.person_hits_model import PersonHitsModel
from ui.tasks import LatestOnly
from ui.widgets.table import ColumnFitter, EmptyStateStack, make_table, set_column_widths

DEBOUNCE_MS = 250
MIN_CHARS = 2
RESULT_LIMIT = 50

HELP_TEXT = (
    "Type a name, a date of birth (dd/mm/yyyy), an NHS number or a postcode in the search box "
    "above (Ctrl+K), then press Enter.\n\n"
    "You can combine a name and a date of birth, for example “Smith 03/04/2015”. "
    "Names are matched by sound and spelling, so “Mohammed” also finds “Muhammad”."
)


class SearchPage(QWidget):
    """Search results with an empty state that says what to type.

    Signals:
        sig_open_family_requested(int): open this family.
        sig_results_loaded(int): a search finished with this many results.
        sig_message_requested(str): show this short message in the status bar.
        sig_new_family_requested(): add a new family (nobody was found).

    Args:
        backend: the open database.
        parent: the parent widget.
    """

    # ---- Signals
    sig_open_family_requested = Signal(int)
    sig_results_loaded = Signal(int)
    sig_message_requested = Signal(str)
    sig_new_family_requested = Signal()

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SearchPage")
        self._backend = backend
        self._latest = LatestOnly()
        self._text = ""
        self._shown_text = ""
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self._on_debounce_timeout)

        self.model = PersonHitsModel(self)
        self.table = make_table(self.model, self, "SearchResults")
        self.table.setAccessibleName("Search results")
        self.table.activated.connect(self._on_table_activated)
        self.results = EmptyStateStack(self.table, self)
        self.title = QLabel("Search", self)
        self.title.setProperty("role", "title")
        self.summary = QLabel(self)
        self.summary.setProperty("role", "muted")

        header = QFrame(self)
        header.setObjectName("PageHeader")
        row = QHBoxLayout(header)
        row.setContentsMargins(20, 14, 20, 12)
        row.addWidget(self.title)
        row.addSpacing(16)
        row.addWidget(self.summary, 1, Qt.AlignmentFlag.AlignBottom)
        self.new_family_button = QPushButton("Add a new family (Ctrl+Shift+N)", self)
        self.new_family_button.setAutoDefault(False)
        self.new_family_button.clicked.connect(self.sig_new_family_requested)
        self.new_family_button.hide()
        row.addWidget(self.new_family_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(header)
        body = QVBoxLayout()
        body.setContentsMargins(20, 14, 20, 16)
        body.addWidget(self.results)
        layout.addLayout(body, 1)

        # Fixed columns for the short facts; names and reasons share what is left of the width.
        set_column_widths(self.table, {1: 11, 2: 12, 4: 9, 5: 11, 6: 10})
        self._fitter = ColumnFitter(self.table, {
            PersonHitsModel.NAME: (1.0, 14), PersonHitsModel.FAMILY: (0.8, 12), PersonHitsModel.WHY: (1.4, 16),
        })
        self._show_help()

    # ---- Public

    @property
    def text(self) -> str:
        """The text being searched for."""
        return self._text

    def search_later(self, text: str) -> None:
        """Search for ``text`` once typing pauses (the search box's text changed)."""
        self._text = text.strip()
        if len(self._text) < MIN_CHARS:
            self._debounce.stop()
            self._latest.cancel()
            self._show_help()
            return
        self._debounce.start()

    def search_now(self, text: str) -> None:
        """Search for ``text`` at once (Enter)."""
        self._debounce.stop()
        self._text = text.strip()
        if len(self._text) < MIN_CHARS:
            self._latest.cancel()
            self._show_help()
            return
        self._start(self._text)

    def focus_results(self) -> bool:
        """Move the keyboard focus to the results, selecting the first; returns whether there were any."""
        if self.model.rowCount() == 0:
            return False
        self.results.show_table()
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if not self.table.currentIndex().isValid():
            self.table.setCurrentIndex(self.model.index(0, 0))
        return True

    def refresh(self) -> None:
        """Run the current search again (after a change)."""
        if len(self._text) >= MIN_CHARS:
            self._start(self._text)

    def save_state(self) -> None:
        """Nothing to remember: the columns fit the window each time."""

    # ---- Internals

    def _start(self, text: str) -> None:
        backend = self._backend
        self.summary.setText(f"Searching for “{text}”…")
        self._latest.start(
            self, lambda: search.quick_search(backend.uow(), text, limit=RESULT_LIMIT),
            lambda hits: self._on_search_done(text, hits), self._on_search_failed,
        )

    def _on_search_done(self, text: str, hits: tuple[PersonHit, ...]) -> None:
        self._shown_text = text
        self.model.set_rows(hits)
        self.new_family_button.hide()
        if hits:
            self.results.show_table()
            self.table.setCurrentIndex(self.model.index(0, 0))
            more = " (the best 50; add a date of birth to narrow it down)" if len(hits) >= RESULT_LIMIT else ""
            people = "person" if len(hits) == 1 else "people"
            self.summary.setText(f"{len(hits)} {people} found for “{text}”{more} · Enter opens the family")
        else:
            self.summary.setText(f"No one found for “{text}”")
            self.new_family_button.show()
            self.results.show_empty(
                f"No one found for “{text}”.\n\nCheck the spelling, or try the date of birth "
                "(dd/mm/yyyy), the NHS number or the postcode. If the family is new to the hub, "
                "add it now (Ctrl+Shift+N) or when the request is logged (Ctrl+N)."
            )
        self.sig_results_loaded.emit(len(hits))

    def _on_search_failed(self, exc: Exception) -> None:
        self.model.set_rows(())
        if isinstance(exc, ValidationError):
            message = " ".join(e.message for e in exc.errors) or str(exc)
        else:
            message = str(exc) if isinstance(exc, DomainError) else "The search failed."
        self.summary.setText("")
        self.results.show_empty(message)
        self.sig_results_loaded.emit(0)

    def _show_help(self) -> None:
        self.new_family_button.hide()
        self.model.set_rows(())
        self.summary.setText("")
        self.results.show_empty(HELP_TEXT)

    @Slot()
    def _on_debounce_timeout(self) -> None:
        self._start(self._text)

    @Slot(QModelIndex)
    def _on_table_activated(self, index: QModelIndex) -> None:
        family_id = index.data(FAMILY_ID_ROLE)
        if family_id is not None:
            self.sig_open_family_requested.emit(int(family_id))
            return
        hit = index.data(ROW_ROLE)
        if isinstance(hit, PersonHit):
            self.sig_message_requested.emit(f"{hit.given_name} {hit.family_name} is not linked to a family.")

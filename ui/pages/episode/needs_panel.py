"""The family's needs, each mapped to one of the ten Supporting Families headline outcomes, with
buttons to add or change one (the plan's goals answer these needs). A need typed and kept as a draft
opens again here after a restart, or after "Reload and re-apply" (:meth:`NeedsPanel.restore`)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from hubapp.domain import states
from hubapp.domain.dto import Changes
from hubapp.domain.plan_dto import EpisodeDetail, NeedRow
from hubapp.drafts import Draft, DraftJournal
from hubapp.services.session import Backend
from ui import formatting as fmt
from ui.models.base import Column, RowTableModel
from ui.pages.episode.dialogs import NeedDialog, run_modal
from ui.widgets.table import ColumnFitter, make_table, set_column_widths


class NeedsModel(RowTableModel[NeedRow]):
    """The family's needs and the headline outcome each maps to."""

    columns = (
        Column("Need", lambda n: " ".join(n.description.split()), tooltip=lambda n: n.description),
        Column("Headline outcome", lambda n: n.sf_label),
        Column("Who it affects", lambda n: n.people),
        Column("Status", lambda n: fmt.status_words(n.status)),
    )

    def key(self, row: NeedRow) -> object:
        """The need's id."""
        return row.id


class NeedsPanel(QWidget):
    """Needs of one episode; Enter or "Change need…" edits the one chosen.

    Signals:
        sig_changed(object): a need was added or changed (the ``Changes``).
        sig_reload_requested(object): a need's save was refused as stale: reload the episode, then open
            this kept draft again over it (a ``(Draft, DraftJournal)``, or ``None``).
    """

    # ---- Signals
    sig_changed = Signal(object)
    sig_reload_requested = Signal(object)

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._backend = backend
        self.episode: EpisodeDetail | None = None
        self.model = NeedsModel(self)
        self.table = make_table(self.model, self, "Needs")
        self.table.setAccessibleName("Needs")
        self.table.setFixedHeight(130)
        self.table.activated.connect(lambda index: self.edit(self.model.row_at(index.row())))
        set_column_widths(self.table, {1: 30, 2: 24, 3: 10})
        self._fitter = ColumnFitter(self.table, {0: (1.0, 30)})
        self.add_button = QPushButton("Add a need…", self)
        self.edit_button = QPushButton("Change need…", self)
        self.add_button.clicked.connect(lambda: self.edit(None))
        self.edit_button.clicked.connect(lambda: self.edit(self.model.row_at(self.table.currentIndex().row())))
        head = QHBoxLayout()
        heading = QLabel("Needs (mapped to the Supporting Families headline outcomes)", self)
        heading.setProperty("role", "heading")
        heading.setBuddy(self.table)
        head.addWidget(heading)
        head.addStretch(1)
        head.addWidget(self.add_button)
        head.addWidget(self.edit_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(head)
        layout.addWidget(self.table)

    def show_episode(self, episode: EpisodeDetail) -> None:
        """Show the episode's needs."""
        self.episode = episode
        self.model.set_rows(episode.needs)
        self.add_button.setEnabled(episode.status in states.EPISODE_OPEN_STATES)

    def edit(self, need: NeedRow | None) -> None:
        """Add a need (``None``) or change one, in a dialog."""
        e = self.episode
        if e is None:
            return
        self._run(NeedDialog(self._backend, e.id, e.members, need, self))

    def restore(self, draft: Draft, journal: DraftJournal | None = None) -> None:
        """Open a kept draft of a need again, over the episode as it is now, with what was typed.

        If the episode has closed since, or the need it changes is no longer on it, the dialog says so
        and keeps the text to copy; it cannot be saved.

        Args:
            draft: the kept draft (kind ``"need"``) about the episode shown.
            journal: the journal it came from (default: the user's data directory).
        """
        e = self.episode
        if e is None:
            return
        need_id = draft.data.get("need_id")
        need = next((n for n in e.needs if n.id == need_id), None) if need_id is not None else None
        dialog = NeedDialog(self._backend, e.id, e.members, need, self, journal, draft)
        why = ""
        if e.status not in states.EPISODE_OPEN_STATES:
            why = "This episode has been closed since you typed this, so this need cannot be saved."
        elif need_id is not None and need is None:
            why = "This need is no longer on the episode, so this change cannot be saved."
        if why:
            dialog.set_no_longer_applies(f"{why} What you typed is kept below: copy what you need, then close "
                                         "this (Esc).")
        self._run(dialog)

    def _run(self, dialog: NeedDialog) -> None:
        def saved(rows: Any) -> None:
            self.model.set_rows(rows)
            self.sig_changed.emit(Changes(episodes=True))

        run_modal(dialog, saved, self.sig_reload_requested.emit)

"""Item models of the transfer pages: the step-down queue (a tree grouped by age band or state, or
flat), the step-up list and a transfer's history. Thin adapters over ``TransferRow`` DTOs (STYLE R14).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, Qt
from PySide6.QtGui import QFont

from hubapp.domain import transfer_rules as rules
from hubapp.domain.transfer_dto import TransferEventRow, TransferRow
from ui import formatting as fmt
from ui.models.base import CENTRE, FAMILY_ID_ROLE, KEY_ROLE, RAG_ROLE, ROW_ROLE, Column, Index, RowTableModel

#: A group row's label (``None`` on item rows).
GROUP_ROLE = Qt.ItemDataRole.UserRole + 20

GROUP_NONE, GROUP_BAND, GROUP_STATE = "none", "band", "state"
_SHORT_FLAGS = {"re_referral": "Re-referral", "many_episodes": "3+ episodes", "step_up_after": "Stepped up soon"}


def flags_text(r: TransferRow) -> str:
    """The revolving-door flags, short, for a table cell."""
    return " · ".join(_SHORT_FLAGS.get(f.code, f.text) for f in r.flags)


def flags_tip(r: TransferRow) -> str:
    """The flags in full, with what each is based on."""
    return "\n".join(f"{f.text}: {f.detail}" for f in r.flags)


def status_text(r: TransferRow) -> str:
    """The state, and whether information was asked for."""
    return r.status_label + (" · info requested" if r.info_requested else "")


def _rag_word(r: TransferRow) -> str:
    return r.rag.capitalize() if r.rag else "–"


def _age_tip(r: TransferRow) -> str:
    since = fmt.uk_datetime(r.state_changed_at)
    limit = f"; the timescale here is {r.timescale_wd} working days" if r.timescale_wd is not None else \
        "; no hub timescale runs in this state"
    return f"{r.age_wd} working days in '{r.status_label}' since {since}{limit}"


QUEUE_COLUMNS: tuple[Column[TransferRow], ...] = (
    Column("RAG", _rag_word, header_tip="Red, amber or green against the timescale of the current state"),
    Column("Age (WD)", lambda r: str(r.age_wd), tooltip=_age_tip, align=CENTRE,
           header_tip="Working days in the current state"),
    Column("State", status_text, tooltip=status_text),
    Column("Family", lambda r: r.family_name),
    Column("Children", lambda r: r.children, tooltip=lambda r: r.children),
    Column("Flags", flags_text, tooltip=flags_tip, header_tip="Revolving door: re-referral, repeat episodes, "
                                                              "stepped up soon after a step-down or closure"),
    Column("Lead practitioner", lambda r: r.receiving_worker or "–"),
    Column("CSC ref", lambda r: r.csc_reference or ""),
    Column("Hub", lambda r: r.hub_name),
    Column("Social worker", lambda r: r.requested_by, tooltip=lambda r: r.reason),
)
RAG_COL, AGE_COL, STATE_COL, FAMILY_COL, CHILDREN_COL, FLAGS_COL = range(6)


class QueueModel(QAbstractItemModel):
    """The step-down queue: item rows, optionally under one group row per age band or state.

    Group rows span the table and say how many items they hold; item rows carry the DTO
    (``ROW_ROLE``), its id (``KEY_ROLE``), its family (``FAMILY_ID_ROLE``) and RAG (``RAG_ROLE``).

    Args:
        parent: the owning object.
    """

    columns = QUEUE_COLUMNS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[TransferRow] = []
        self._grouping = GROUP_BAND
        self._groups: list[tuple[str, list[TransferRow]]] = []

    # ---- Public

    @property
    def grouping(self) -> str:
        """``none``, ``band`` or ``state``."""
        return self._grouping

    def set_rows(self, rows: Sequence[TransferRow]) -> None:
        """Replace every item (the service's order is kept within each group)."""
        self.beginResetModel()
        self._rows = list(rows)
        self._regroup()
        self.endResetModel()

    def set_grouping(self, grouping: str) -> None:
        """Group by ``band`` or ``state``, or not at all (``none``)."""
        self.beginResetModel()
        self._grouping = grouping
        self._regroup()
        self.endResetModel()

    def rows(self) -> tuple[TransferRow, ...]:
        """Every item, in the service's order."""
        return tuple(self._rows)

    def replace_row(self, row: TransferRow) -> bool:
        """Show a newer version of an item at once (after one's own step, before the reload)."""
        at = next((i for i, r in enumerate(self._rows) if r.id == row.id), -1)
        if at < 0:
            return False
        rows = list(self._rows)
        rows[at] = row
        self.set_rows(rows)
        return True

    def groups(self) -> list[tuple[str, int]]:
        """Each group's label and how many items it holds."""
        return [(label, len(items)) for label, items in self._groups]

    def index_of(self, transfer_id: int) -> QModelIndex:
        """The index (column 0) of an item, or an invalid index."""
        if self._grouping == GROUP_NONE:
            row = next((i for i, r in enumerate(self._rows) if r.id == transfer_id), -1)
            return self.index(row, 0) if row >= 0 else QModelIndex()
        for g, (_, items) in enumerate(self._groups):
            for i, r in enumerate(items):
                if r.id == transfer_id:
                    return self.index(i, 0, self.index(g, 0))
        return QModelIndex()

    def row_for(self, index: Index) -> TransferRow | None:
        """The item at ``index`` (``None`` for a group row)."""
        if not index.isValid():
            return None
        group = index.internalId()
        if self._grouping == GROUP_NONE:
            return self._rows[index.row()] if group == 0 and index.row() < len(self._rows) else None
        if group == 0:
            return None
        items = self._groups[group - 1][1]
        return items[index.row()] if index.row() < len(items) else None

    # ---- Internals

    def _regroup(self) -> None:
        if self._grouping == GROUP_NONE:
            self._groups = []
            return
        keyed: dict[str, list[TransferRow]] = {}
        for r in self._rows:
            keyed.setdefault(r.band if self._grouping == GROUP_BAND else r.status_label, []).append(r)
        if self._grouping == GROUP_BAND:  # oldest band first: that is where the work is
            order = sorted(keyed, key=rules.band_order, reverse=True)
        else:
            states = [rules.state_label(s) for s in rules.machine("STEP_DOWN").states]
            order = sorted(keyed, key=lambda label: states.index(label) if label in states else 99)
        self._groups = [(label, keyed[label]) for label in order]

    # ---- Qt overrides

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008, D102
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0)
        if self._grouping != GROUP_NONE and parent.internalId() == 0:
            return self.createIndex(row, column, parent.row() + 1)
        return QModelIndex()

    def parent(self, child: Index | None = None) -> Any:  # noqa: D102 - Qt override (and QObject.parent)
        if child is None:
            return QObject.parent(self)
        if not child.isValid() or child.internalId() == 0:
            return QModelIndex()
        return self.createIndex(child.internalId() - 1, 0, 0)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, D102
        if not parent.isValid():
            return len(self._rows) if self._grouping == GROUP_NONE else len(self._groups)
        if parent.column() != 0 or self._grouping == GROUP_NONE or parent.internalId() != 0:
            return 0
        return len(self._groups[parent.row()][1]) if parent.row() < len(self._groups) else 0

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, D102
        return len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: D102
        if not index.isValid():
            return None
        row = self.row_for(index)
        if row is None:
            return self._group_data(index, role)
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return (column.tooltip(row) or None) if column.tooltip is not None else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(column.align.value)
        if role == ROW_ROLE:
            return row
        if role == KEY_ROLE:
            return row.id
        if role == FAMILY_ID_ROLE:
            return row.family_id
        if role == RAG_ROLE:
            return row.rag
        if role == Qt.ItemDataRole.AccessibleTextRole and index.column() == RAG_COL:
            return f"{_rag_word(row)} against the timescale" if row.rag else "No timescale"
        return None

    def _group_data(self, index: Index, role: int) -> Any:
        if index.row() >= len(self._groups):
            return None
        label, items = self._groups[index.row()]
        if role == Qt.ItemDataRole.DisplayRole and index.column() == 0:
            return f"{label} ({len(items)})"
        if role == GROUP_ROLE:
            return label
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: D102
        if orientation != Qt.Orientation.Horizontal or not (0 <= section < len(self.columns)):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.columns[section].header_tip or None
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:  # noqa: D102
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if self.row_for(index) is None:
            return Qt.ItemFlag.ItemIsEnabled
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren


def _outcome(r: TransferRow) -> str:
    return r.outcome_label or ("Waiting" if r.status != "CLOSED" else "Withdrawn")


class StepUpsModel(RowTableModel[TransferRow]):
    """The step-up requests the hubs sent, with state, age and social care's outcome."""

    columns = (
        Column("RAG", _rag_word, header_tip="Red, amber or green against the timescale of the current state"),
        Column("Age (WD)", lambda r: str(r.age_wd), tooltip=_age_tip, align=CENTRE,
               header_tip="Working days in the current state"),
        Column("State", status_text, tooltip=status_text),
        Column("Family", lambda r: r.family_name),
        Column("Sent by", lambda r: r.requested_by),
        Column("Requested", lambda r: fmt.uk_date(r.requested_at)),
        Column("Outcome", _outcome, tooltip=lambda r: r.decided_by or "", header_tip="Outcome from social care"),
        Column("CSC ref", lambda r: r.csc_reference or ""),
        Column("Episode", lambda r: fmt.status_words(r.episode_status) if r.episode_status else "–"),
        Column("Flags", flags_text, tooltip=flags_tip),
        Column("Hub", lambda r: r.hub_name),
    )
    RAG = 0

    def key(self, row: TransferRow) -> object:
        """The transfer's id."""
        return row.id

    def family_id(self, row: TransferRow) -> int | None:
        """The family stepped up."""
        return row.family_id

    def extra_data(self, row: TransferRow, column: int, role: int) -> Any:
        """The RAG colour key for the chip delegate."""
        if role == RAG_ROLE:
            return row.rag
        return None

    def index_of(self, transfer_id: int) -> QModelIndex:
        """The index (column 0) of a transfer, or an invalid index."""
        row = next((i for i, r in enumerate(self._rows) if r.id == transfer_id), -1)
        return self.index(row, 0) if row >= 0 else QModelIndex()

    def replace_row(self, row: TransferRow) -> bool:
        """Show a newer version of a step-up at once (after one's own step, before the reload)."""
        at = next((i for i, r in enumerate(self._rows) if r.id == row.id), -1)
        if at < 0:
            return False
        self._rows[at] = row
        self.dataChanged.emit(self.index(at, 0), self.index(at, self.columnCount() - 1))
        return True


def _step(e: TransferEventRow) -> str:
    if e.from_status is None or e.from_status == e.to_status:
        return rules.state_label(e.to_status)
    return f"{rules.state_label(e.from_status)} → {rules.state_label(e.to_status)}"


class TransferEventsModel(RowTableModel[TransferEventRow]):
    """A transfer's history, oldest first."""

    columns: tuple[Column[TransferEventRow], ...] = (
        Column("When", lambda e: fmt.uk_datetime(e.at)),
        Column("What", lambda e: e.action_label),
        Column("State", _step),
        Column("By", lambda e: e.by or "Social care"),
        Column("Note", lambda e: " ".join((e.note or "").split()), tooltip=lambda e: e.note or ""),
    )


__all__: list[str] = [
    "GROUP_BAND", "GROUP_NONE", "GROUP_ROLE", "GROUP_STATE", "QueueModel", "StepUpsModel", "TransferEventsModel",
    "flags_text",
]

"""Item models of the transfer pages: the step-down queue (a tree grouped by age band or state, or
flat), the step-up list and a transfer's history. Thin adapters over ``TransferRow`` DTOs (STYLE R14).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, Qt, Signal
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


class _Group:
    """One group row: its label, a key that never changes while it lives (its items' internal id)
    and the items loaded so far, in the service's order."""

    __slots__ = ("items", "key", "label")

    def __init__(self, key: int, label: str) -> None:
        self.key = key
        self.label = label
        self.items: list[TransferRow] = []


class QueueModel(QAbstractItemModel):
    """The step-down queue: item rows, optionally under one group row per age band or state.

    Group rows span the table and say how many items they hold (all of them, loaded or not, when
    the counts are known); item rows carry the DTO (``ROW_ROLE``), its id (``KEY_ROLE``), its family
    (``FAMILY_ID_ROLE``) and RAG (``RAG_ROLE``).

    The queue comes a page at a time: :meth:`set_rows` shows the first page (a reset) and
    :meth:`append_rows` adds the next one with row insertions only, so the view keeps its scroll
    position, selection, current item and open groups. While more rows follow, :meth:`canFetchMore`
    is true on the root and :meth:`fetchMore` asks for them through ``sig_fetch_more_requested``
    (once: no second request until the page arrives, a reload, or :meth:`stop_fetching`).

    A view asks ``canFetchMore`` when it is scrolled to the end and also whenever its last top-level
    row is in sight. Grouped, that row is the last group's label, which may be in sight with a whole
    page of its items below it; :meth:`set_fetch_gate` lets the view say whether its end is really in
    sight, so one group does not pull in the whole queue. :meth:`fetchMore` called directly skips it.

    An item's internal id is the key of its group (0 on top-level rows), not the group's position,
    so a group inserted in the middle leaves every existing index valid.

    Signals:
        sig_fetch_more_requested(): the view wants the next page; answer with :meth:`append_rows`.

    Args:
        parent: the owning object.
    """

    # ---- Signals
    sig_fetch_more_requested = Signal()

    columns = QUEUE_COLUMNS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[TransferRow] = []
        self._grouping = GROUP_BAND
        self._groups: list[_Group] = []
        self._by_key: dict[int, _Group] = {}
        self._next_key = 1
        self._counts: dict[str, dict[str, int]] = {GROUP_BAND: {}, GROUP_STATE: {}}
        self._more = False
        self._fetching = False
        self._fetch_gate: Callable[[], bool] | None = None

    # ---- Public

    @property
    def grouping(self) -> str:
        """``none``, ``band`` or ``state``."""
        return self._grouping

    @property
    def more(self) -> bool:
        """Whether rows follow the ones loaded."""
        return self._more

    @property
    def fetching(self) -> bool:
        """Whether the next page was asked for and has not arrived."""
        return self._fetching

    def set_rows(self, rows: Sequence[TransferRow], *, more: bool = False,
                 band_counts: Iterable[tuple[str, int]] = (), state_counts: Iterable[tuple[str, int]] = ()) -> None:
        """Replace every item (the service's order is kept within each group).

        Args:
            rows: the first page (or every item).
            more: whether rows follow (then the view may :meth:`fetchMore`).
            band_counts: every matching item's count by age band label, loaded or not.
            state_counts: the same by state label.
        """
        self.beginResetModel()
        self._rows = list(rows)
        self._more = more
        self._fetching = False
        self._counts = {GROUP_BAND: dict(band_counts), GROUP_STATE: dict(state_counts)}
        self._regroup()
        self.endResetModel()

    def append_rows(self, rows: Sequence[TransferRow], *, more: bool = False) -> None:
        """Add the next page after the items loaded, without a reset.

        Each row goes to the end of its group (the service's order continues); a group seen for the
        first time is inserted where its band or state sorts, which may be between existing ones.
        """
        self._fetching = False
        self._more = more
        if not rows:
            return
        if self._grouping == GROUP_NONE:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()
            return
        self._rows.extend(rows)
        by_label: dict[str, list[TransferRow]] = {}
        for r in rows:
            by_label.setdefault(self._label_of(r), []).append(r)
        existing = {g.label: g for g in self._groups}
        for label, items in by_label.items():
            group = existing.get(label)
            if group is None:
                at = next((i for i, g in enumerate(self._groups)
                           if self._sort_key(g.label) > self._sort_key(label)), len(self._groups))
                self.beginInsertRows(QModelIndex(), at, at)  # with its items: the view opens it at once
                group = self._new_group(label)
                group.items.extend(items)
                self._groups.insert(at, group)
                self.endInsertRows()
            else:
                at = self._groups.index(group)
                parent = self.createIndex(at, 0, 0)
                first = len(group.items)
                self.beginInsertRows(parent, first, first + len(items) - 1)
                group.items.extend(items)
                self.endInsertRows()
                if not self._counts[self._grouping]:  # the label shows the loaded count
                    self.dataChanged.emit(parent, parent, [Qt.ItemDataRole.DisplayRole])

    def set_fetch_gate(self, gate: Callable[[], bool] | None) -> None:
        """Install what :meth:`canFetchMore` also asks: whether the end of the list is in sight."""
        self._fetch_gate = gate

    def pause_fetching(self) -> None:
        """Ask for no page until the next :meth:`set_rows` or :meth:`stop_fetching` (a reload is
        on its way)."""
        self._fetching = True

    def stop_fetching(self, more: bool = False) -> None:
        """The page asked for will not come (it failed, or a reload dropped it); ``more`` says
        whether the view may ask again."""
        self._fetching = False
        self._more = more

    def set_grouping(self, grouping: str) -> None:
        """Group by ``band`` or ``state``, or not at all (``none``)."""
        self.beginResetModel()
        self._grouping = grouping
        self._regroup()
        self.endResetModel()

    def rows(self) -> tuple[TransferRow, ...]:
        """Every item loaded, in the service's order."""
        return tuple(self._rows)

    def replace_row(self, row: TransferRow) -> bool:
        """Show a newer version of an item at once (after one's own step, before the reload).

        The group counts follow the item if it moved to another band or state.
        """
        at = next((i for i, r in enumerate(self._rows) if r.id == row.id), -1)
        if at < 0:
            return False
        old = self._rows[at]
        for grouping, counts in self._counts.items():
            before, after = self._label_of(old, grouping), self._label_of(row, grouping)
            if counts and before != after:
                counts[before] = max(0, counts.get(before, 0) - 1)
                counts[after] = counts.get(after, 0) + 1
        self.beginResetModel()  # it may move to another group; a page being fetched still comes
        self._rows[at] = row
        self._regroup()
        self.endResetModel()
        return True

    def groups(self) -> list[tuple[str, int]]:
        """Each group's label and how many items it holds: every matching one when the counts are
        known (as its row says), else the ones loaded."""
        return [(g.label, self._group_count(g)) for g in self._groups]

    def loaded_groups(self) -> list[tuple[str, int]]:
        """Each group's label and how many of its items are loaded."""
        return [(g.label, len(g.items)) for g in self._groups]

    def index_of(self, transfer_id: int) -> QModelIndex:
        """The index (column 0) of an item, or an invalid index."""
        if self._grouping == GROUP_NONE:
            row = next((i for i, r in enumerate(self._rows) if r.id == transfer_id), -1)
            return self.index(row, 0) if row >= 0 else QModelIndex()
        for group in self._groups:
            for i, r in enumerate(group.items):
                if r.id == transfer_id:
                    return self.createIndex(i, 0, group.key)
        return QModelIndex()

    def row_for(self, index: Index) -> TransferRow | None:
        """The item at ``index`` (``None`` for a group row)."""
        if not index.isValid():
            return None
        key = index.internalId()
        if self._grouping == GROUP_NONE:
            return self._rows[index.row()] if key == 0 and index.row() < len(self._rows) else None
        group = self._by_key.get(key) if key else None
        if group is None:
            return None
        return group.items[index.row()] if index.row() < len(group.items) else None

    # ---- Internals

    def _can_fetch(self, parent: Index) -> bool:
        return not parent.isValid() and self._more and not self._fetching

    def _label_of(self, r: TransferRow, grouping: str | None = None) -> str:
        return r.band if (grouping or self._grouping) == GROUP_BAND else r.status_label

    def _sort_key(self, label: str) -> int:
        if self._grouping == GROUP_BAND:  # oldest band first: that is where the work is
            return -rules.band_order(label)
        states = [rules.state_label(s) for s in rules.machine("STEP_DOWN").states]
        return states.index(label) if label in states else 99

    def _new_group(self, label: str) -> _Group:
        group = _Group(self._next_key, label)
        self._next_key += 1
        self._by_key[group.key] = group
        return group

    def _group_count(self, group: _Group) -> int:
        counts = self._counts.get(self._grouping) or {}
        return max(counts.get(group.label, 0), len(group.items)) if counts else len(group.items)

    def _regroup(self) -> None:
        self._groups = []
        self._by_key = {}
        if self._grouping == GROUP_NONE:
            return
        keyed: dict[str, _Group] = {}
        for r in self._rows:
            label = self._label_of(r)
            group = keyed.get(label)
            if group is None:
                group = keyed[label] = self._new_group(label)
            group.items.append(r)
        self._groups = sorted(keyed.values(), key=lambda g: self._sort_key(g.label))

    # ---- Qt overrides

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008, D102
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0)
        if self._grouping != GROUP_NONE and parent.internalId() == 0 and parent.row() < len(self._groups):
            return self.createIndex(row, column, self._groups[parent.row()].key)
        return QModelIndex()

    def parent(self, child: Index | None = None) -> Any:  # noqa: D102 - Qt override (and QObject.parent)
        if child is None:
            return QObject.parent(self)
        if not child.isValid() or child.internalId() == 0:
            return QModelIndex()
        group = self._by_key.get(child.internalId())
        if group is None or self._grouping == GROUP_NONE:
            return QModelIndex()
        return self.createIndex(self._groups.index(group), 0, 0)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, D102
        if not parent.isValid():
            return len(self._rows) if self._grouping == GROUP_NONE else len(self._groups)
        if parent.column() != 0 or self._grouping == GROUP_NONE or parent.internalId() != 0:
            return 0
        return len(self._groups[parent.row()].items) if parent.row() < len(self._groups) else 0

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, D102
        return len(self.columns)

    def canFetchMore(self, parent: Index) -> bool:  # noqa: D102 - Qt override
        return self._can_fetch(parent) and (self._fetch_gate is None or self._fetch_gate())

    def fetchMore(self, parent: Index) -> None:  # noqa: D102 - Qt override
        if not self._can_fetch(parent):
            return
        self._fetching = True
        self.sig_fetch_more_requested.emit()

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
        group = self._groups[index.row()]
        if role == Qt.ItemDataRole.DisplayRole and index.column() == 0:
            return f"{group.label} ({self._group_count(group)})"
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 0:
            count, loaded = self._group_count(group), len(group.items)
            return f"{loaded} of {count} loaded; the rest come as you scroll down" if loaded < count else None
        if role == GROUP_ROLE:
            return group.label
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

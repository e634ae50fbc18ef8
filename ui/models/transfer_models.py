"""Item models of the transfer pages: the step-down queue (a tree grouped by age band or state, or
flat), the step-up list and a transfer's history. Thin adapters over ``TransferRow`` DTOs (STYLE R14).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QFont, QStandardItem, QStandardItemModel

from hubapp.domain import transfer_rules as rules
from hubapp.domain.transfer_dto import TransferEventRow, TransferRow
from ui import formatting as fmt
from ui.models.base import CENTRE, FAMILY_ID_ROLE, KEY_ROLE, LEFT, RAG_ROLE, ROW_ROLE, Column, Index, RowTableModel

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
    """One group row: its label, its row's first cell, and the items loaded so far, in the service's
    order."""

    __slots__ = ("cell", "items", "label")

    def __init__(self, label: str, cell: QStandardItem) -> None:
        self.label = label
        self.cell = cell
        self.items: list[TransferRow] = []


#: Item cells: enabled, selectable, never a parent; group rows only enabled (not editable either way).
_ITEM_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
_GROUP_FLAGS = Qt.ItemFlag.ItemIsEnabled
_ACCESSIBLE = Qt.ItemDataRole.AccessibleTextRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_ALIGN = Qt.ItemDataRole.TextAlignmentRole


class QueueModel(QStandardItemModel):
    """The step-down queue: item rows, optionally under one group row per age band or state.

    Group rows span the table and say how many items they hold (all of them, loaded or not, when
    the counts are known); item rows carry the DTO (``ROW_ROLE``), its id (``KEY_ROLE``), its family
    (``FAMILY_ID_ROLE``) and RAG (``RAG_ROLE``) in every cell.

    The cells are Qt's own items (``QStandardItem``), filled once when rows arrive, so painting the
    tree asks no Python code for any cell: a view over a Python ``data()`` spent two thirds of each
    repaint calling into Python (city scale: 17 ms a repaint of the queue against 5.5 ms so).

    The queue comes a page at a time: :meth:`set_rows` shows the first page (a reset) and
    :meth:`append_rows` adds the next one with row insertions only, so the view keeps its scroll
    position, selection, current item and open groups. While more rows follow, :meth:`canFetchMore`
    is true on the root and :meth:`fetchMore` asks for them through ``sig_fetch_more_requested``
    (once: no second request until the page arrives, a reload, or :meth:`stop_fetching`).

    A view asks ``canFetchMore`` when it is scrolled to the end and also whenever its last top-level
    row is in sight. Grouped, that row is the last group's label, which may be in sight with a whole
    page of its items below it; :meth:`set_fetch_gate` lets the view say whether its end is really in
    sight, so one group does not pull in the whole queue. :meth:`fetchMore` called directly skips it.

    Signals:
        sig_fetch_more_requested(): the view wants the next page; answer with :meth:`append_rows`.

    Args:
        parent: the owning object.
    """

    # ---- Signals
    sig_fetch_more_requested = Signal()

    columns = QUEUE_COLUMNS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(0, len(self.columns), parent)
        for section, column in enumerate(self.columns):
            self.setHeaderData(section, Qt.Orientation.Horizontal, column.title)
            if column.header_tip:
                self.setHeaderData(section, Qt.Orientation.Horizontal, column.header_tip, _TOOLTIP)
        self._rows: list[TransferRow] = []
        self._grouping = GROUP_BAND
        self._groups: list[_Group] = []
        self._counts: dict[str, dict[str, int]] = {GROUP_BAND: {}, GROUP_STATE: {}}
        self._more = False
        self._fetching = False
        self._fetch_gate: Callable[[], bool] | None = None
        self._bold = QFont()
        self._bold.setBold(True)

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
        self._rows = list(rows)
        self._more = more
        self._fetching = False
        self._counts = {GROUP_BAND: dict(band_counts), GROUP_STATE: dict(state_counts)}
        self._rebuild()

    def append_rows(self, rows: Sequence[TransferRow], *, more: bool = False) -> None:
        """Add the next page after the items loaded, without a reset.

        Each row goes to the end of its group (the service's order continues); a group seen for the
        first time is inserted where its band or state sorts, which may be between existing ones.
        """
        self._fetching = False
        self._more = more
        if not rows:
            return
        self._rows.extend(rows)
        if self._grouping == GROUP_NONE:
            root = self.invisibleRootItem()
            for r in rows:
                root.appendRow(self._item_cells(r))
            return
        by_label: dict[str, list[TransferRow]] = {}
        for r in rows:
            by_label.setdefault(self._label_of(r), []).append(r)
        existing = {g.label: g for g in self._groups}
        for label, items in by_label.items():
            group = existing.get(label)
            if group is None:
                at = next((i for i, g in enumerate(self._groups)
                           if self._sort_key(g.label) > self._sort_key(label)), len(self._groups))
                group = _Group(label, self._group_cell(label))
                group.items.extend(items)
                for r in items:  # with its items: the view opens it at once
                    group.cell.appendRow(self._item_cells(r))
                self._groups.insert(at, group)
                self._label_group(group)
                self.invisibleRootItem().insertRow(at, group.cell)
            else:
                group.items.extend(items)
                for r in items:
                    group.cell.appendRow(self._item_cells(r))
                self._label_group(group)  # without counts, the label shows how many are loaded

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
        self._grouping = grouping
        self._rebuild()

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
        self._rows[at] = row
        self._rebuild()  # it may move to another group; a page being fetched still comes
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
        for g, group in enumerate(self._groups):
            for i, r in enumerate(group.items):
                if r.id == transfer_id:
                    return self.index(i, 0, self.index(g, 0))
        return QModelIndex()

    def row_for(self, index: Index) -> TransferRow | None:
        """The item at ``index`` (``None`` for a group row)."""
        if not index.isValid():
            return None
        row = index.data(ROW_ROLE)
        return row if isinstance(row, TransferRow) else None

    # ---- Internals

    def _rebuild(self) -> None:
        """Every cell again from ``_rows``, as one reset (the view sees no row come or go)."""
        self.beginResetModel()
        blocked = self.blockSignals(True)  # the reset says it all; no insertion signals inside it
        try:
            self.removeRows(0, self.rowCount())
            self._groups = []
            root = self.invisibleRootItem()
            if self._grouping == GROUP_NONE:
                for r in self._rows:
                    root.appendRow(self._item_cells(r))
            else:
                keyed: dict[str, _Group] = {}
                for r in self._rows:
                    label = self._label_of(r)
                    group = keyed.get(label)
                    if group is None:
                        group = keyed[label] = _Group(label, self._group_cell(label))
                    group.items.append(r)
                self._groups = sorted(keyed.values(), key=lambda g: self._sort_key(g.label))
                for group in self._groups:
                    for r in group.items:
                        group.cell.appendRow(self._item_cells(r))
                    self._label_group(group)
                    root.appendRow(group.cell)
        finally:
            self.blockSignals(blocked)
            self.endResetModel()

    def _item_cells(self, r: TransferRow) -> list[QStandardItem]:
        """One item's row of cells; every cell carries the item's roles (a view may ask any cell)."""
        proto = QStandardItem()
        proto.setFlags(_ITEM_FLAGS)
        proto.setData(r, ROW_ROLE)
        proto.setData(r.id, KEY_ROLE)
        proto.setData(r.family_id, FAMILY_ID_ROLE)
        proto.setData(r.rag, RAG_ROLE)
        cells = []
        for column in self.columns:
            cell = proto.clone()
            cell.setText(column.text(r))
            if column.tooltip is not None:
                tip = column.tooltip(r)
                if tip:
                    cell.setToolTip(tip)
            if column.align is not LEFT:
                cell.setData(int(column.align.value), _ALIGN)
            cells.append(cell)
        cells[RAG_COL].setData(f"{_rag_word(r)} against the timescale" if r.rag else "No timescale", _ACCESSIBLE)
        return cells

    def _group_cell(self, label: str) -> QStandardItem:
        cell = QStandardItem()
        cell.setFlags(_GROUP_FLAGS)
        cell.setFont(self._bold)
        cell.setData(label, GROUP_ROLE)
        return cell

    def _label_group(self, group: _Group) -> None:
        """The group row's words: its label and count, and a tooltip while items are still to come."""
        count, loaded = self._group_count(group), len(group.items)
        text = f"{group.label} ({count})"
        if group.cell.text() != text:
            group.cell.setText(text)
        tip = f"{loaded} of {count} loaded; the rest come as you scroll down" if loaded < count else None
        if group.cell.data(_TOOLTIP) != tip:
            group.cell.setData(tip, _TOOLTIP)

    def _can_fetch(self, parent: Index) -> bool:
        return not parent.isValid() and self._more and not self._fetching

    def _label_of(self, r: TransferRow, grouping: str | None = None) -> str:
        return r.band if (grouping or self._grouping) == GROUP_BAND else r.status_label

    def _sort_key(self, label: str) -> int:
        if self._grouping == GROUP_BAND:  # oldest band first: that is where the work is
            return -rules.band_order(label)
        states = [rules.state_label(s) for s in rules.machine("STEP_DOWN").states]
        return states.index(label) if label in states else 99

    def _group_count(self, group: _Group) -> int:
        counts = self._counts.get(self._grouping) or {}
        return max(counts.get(group.label, 0), len(group.items)) if counts else len(group.items)

    # ---- Qt overrides (not asked per cell: a view asks them when it reaches the end of the list)

    def canFetchMore(self, parent: Index) -> bool:  # noqa: D102 - Qt override
        return self._can_fetch(parent) and (self._fetch_gate is None or self._fetch_gate())

    def fetchMore(self, parent: Index) -> None:  # noqa: D102 - Qt override
        if not self._can_fetch(parent):
            return
        self._fetching = True
        self.sig_fetch_more_requested.emit()


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

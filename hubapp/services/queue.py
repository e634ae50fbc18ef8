"""The coordinator's step-down queue, the hubs' step-up tracking list, their counts, and bulk
allocation (DOMAIN §3, §8.6, §9 KPI 8).

The queue holds every step-down that is not complete, closed or failed, each with its age in working
days in its current state, red/amber/green against that state's timescale, its age band and the
family's revolving-door flags. It is bounded by the work in hand (not the city's history), so the
state, hub and text filters run in SQL and the derived ones (RAG, band, flags) on the rows. It comes
a page at a time (:data:`PAGE_SIZE` rows, then the rows after a cursor): the counts come from a
light read of the whole queue, the names and flags only for the rows of the page.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from functools import cache
from typing import Any, cast

from sqlalchemy import CompoundSelect, Select, Table, func, literal_column, null, or_, select, union_all, update

from hubapp.data.models import Family, TransferRequest
from hubapp.data.uow import UnitOfWork
from hubapp.domain import transfer_rules as rules
from hubapp.domain.dto import Changes
from hubapp.domain.errors import IllegalTransition, ValidationError
from hubapp.domain.states import (
    STEP_DOWN_QUEUE_STATES, STEP_UP_AWAITING_DECISION_STATES, STEP_UP_OPEN_STATES, StepDownAction, StepDownState,
    StepUpState, TransferDirection,
)
from hubapp.domain.transfer_dto import (
    BulkAllocateInput, BulkAllocateResult, QueueCounts, QueueCursor, QueueFilter, QueueResult, StepUpFilter,
    TransferActionInput, TransferRow,
)
from hubapp.domain.validation import check_text
from hubapp.domain.workdays import WorkingCalendar

from . import _transfer_read as read
from . import _transfer_steps as steps
from . import transfers
from .reference import Timescales, load_calendar, load_timescales
from .revolving import one_of

UP, DOWN = TransferDirection.STEP_UP, TransferDirection.STEP_DOWN
_QUEUE = tuple(STEP_DOWN_QUEUE_STATES)
_STEP_UP_COUNTED = tuple(sorted(STEP_UP_OPEN_STATES | STEP_UP_AWAITING_DECISION_STATES))
#: The transfers' table: the queue's reads feed DTOs and counts, so they select plain columns.
_TRANSFERS = cast(Table, TransferRequest.__table__)


#: Rows in one page of the queue when the caller gives no limit (the page asks for more as the list
#: scrolls); a page is what a screen shows several times over.
PAGE_SIZE = 50


def step_down_queue(uow: UnitOfWork, f: QueueFilter, *, limit: int | None = PAGE_SIZE,
                    after: QueueCursor | None = None) -> QueueResult:
    """One page of the step-down queue, oldest in its state first, with counts by RAG before the RAG
    filter.

    The queue's light columns (state and when it entered it) are read whole, which is enough for the
    counts, ages, RAG and bands; the rows themselves (names, flags, history) are read only for the
    page: ``limit`` rows after ``after`` (the ``cursor`` of the page before), or every row with
    ``limit=None``. "Flagged only" works the flags out a page's worth at a time until the page is full.

    Raises:
        ValidationError: filter text holding a character no database can take (NUL, a control
            character), or a limit below 1.
    """
    check_text(f.text, "text", "Search text")
    if limit is not None and limit < 1:
        raise ValidationError.single("limit", "range", "Ask for at least one row.")
    with uow:
        s = uow.session
        t = _TRANSFERS
        postgresql = uow.dialect == "postgresql"
        params: dict[str, object] = {
            "states": [str(st) for st in _QUEUE if not f.states or st in f.states], "hubs": list(f.hub_ids)}
        if f.text.strip():
            needle = f.text.strip()
            family = cast(Table, Family.__table__)
            stmt = _light_read(postgresql, bool(f.hub_ids)).join(family, family.c.id == t.c.family_id).where(or_(
                family.c.name.icontains(needle, autoescape=True),
                t.c.csc_reference.icontains(needle, autoescape=True)))
        else:
            stmt = _light_read(postgresql, bool(f.hub_ids))
        light = s.execute(stmt, params).all()
        reader = read.RowReader(uow)
        judge = _Judge(reader.calendar, reader.timescales, reader.on)
        counts: Counter[str] = Counter()
        candidates = []
        for transfer_id, status, changed_at in light:
            rag, band = judge(status, changed_at)
            counts[rag] += 1
            if (f.rags and rag not in f.rags) or (f.bands and band not in f.bands):
                continue
            if after is not None and (changed_at, transfer_id) <= after:
                continue
            candidates.append((transfer_id, status, band))
        total = len(light)
        if f.flagged_only:
            rows, more = _flagged_page(reader, [c[0] for c in candidates], limit)
            return QueueResult(tuple(rows), total, counts["red"], counts["amber"], counts["green"], more=more,
                               cursor=(rows[-1].state_changed_at, rows[-1].id) if rows else after)
        page = candidates if limit is None else candidates[:limit]
        rows = reader.rows_of([c[0] for c in page])
        matched = len(candidates) if after is None else None
        band_counts = Counter(band for _, _, band in candidates) if after is None else Counter()
        state_counts = Counter(rules.state_label(st) for _, st, _ in candidates) if after is None else Counter()
        return QueueResult(tuple(rows), total, counts["red"], counts["amber"], counts["green"], matched=matched,
                           more=len(page) < len(candidates),
                           cursor=(rows[-1].state_changed_at, rows[-1].id) if rows else after,
                           band_counts=tuple(band_counts.items()), state_counts=tuple(state_counts.items()))


@cache
def _light_read(postgresql: bool, by_hub: bool) -> Select[Any]:
    """The queue's light columns: its items in ``:states`` (and, ``by_hub``, in ``:hubs``), in the
    queue's order; built once per dialect and shape (the text filter is added to it)."""
    t = _TRANSFERS
    stmt = select(t.c.id, t.c.status, t.c.state_changed_at).where(
        t.c.direction == DOWN, one_of(t.c.status, "states", postgresql))
    if by_hub:
        stmt = stmt.where(one_of(t.c.hub_id, "hubs", postgresql))
    return stmt.order_by(t.c.state_changed_at, t.c.id)


@cache
def _counts_read(postgresql: bool, by_hub: bool) -> CompoundSelect[Any]:
    """What :func:`counts` reads, built once per dialect and shape: the queue's items (``:queue_states``),
    then the step-ups in ``:step_up_states`` counted by state (``by_hub``: of the ``:hubs``)."""
    t = _TRANSFERS
    hubs = [one_of(t.c.hub_id, "hubs", postgresql)] if by_hub else []
    return union_all(
        select(t.c.direction, t.c.status, t.c.state_changed_at, literal_column("1").label("n"))
        .where(t.c.direction == DOWN, one_of(t.c.status, "queue_states", postgresql), *hubs),
        select(t.c.direction, t.c.status, null(), func.count(t.c.id))
        .where(t.c.direction == UP, one_of(t.c.status, "step_up_states", postgresql), *hubs)
        .group_by(t.c.direction, t.c.status),
    )


class _Judge:
    """A queue item's red/amber/green and age band from its state and when it entered it: the age
    worked out once per calendar day, the verdict once per state and age (many items share them)."""

    def __init__(self, calendar: WorkingCalendar, timescales: Timescales, on: dt.date) -> None:
        self._calendar, self._timescales, self._on = calendar, timescales, on
        self._ages: dict[dt.date, int] = {}
        self._verdicts: dict[tuple[str, int], tuple[str, str]] = {}

    def __call__(self, status: str, changed_at: dt.datetime) -> tuple[str, str]:
        day = changed_at.date()
        age = self._ages.get(day)
        if age is None:
            age = self._ages[day] = max(0, self._calendar.working_days_between(day, self._on))
        verdict = self._verdicts.get((status, age))
        if verdict is None:
            verdict = self._verdicts[status, age] = (
                rules.rag(age, rules.timescale_wd(DOWN, status, self._timescales)), rules.age_band(age))
        return verdict


def _flagged_page(reader: read.RowReader, ids: list[int], limit: int | None) -> tuple[list[TransferRow], bool]:
    """Rows with revolving-door flags from ``ids`` (in order) until ``limit`` are found, and whether
    any of ``ids`` were left unread (there may be more)."""
    out: list[TransferRow] = []
    step = max(limit or PAGE_SIZE, 50)
    for i in range(0, len(ids), step):
        out += [r for r in reader.rows_of(ids[i:i + step]) if r.flags]
        if limit is not None and len(out) >= limit:
            # The rest of this chunk was read too; hand back exactly ``limit`` and continue after.
            return out[:limit], True
    return out, False


def step_ups(uow: UnitOfWork, f: StepUpFilter) -> tuple[TransferRow, ...]:
    """The step-up requests the hubs sent: open ones first, oldest in their state first."""
    check_text(f.text, "text", "Search text")
    with uow:
        s = uow.session
        stmt = select(TransferRequest).join(Family, Family.id == TransferRequest.family_id).where(
            TransferRequest.direction == UP)
        if f.open_only:
            stmt = stmt.where(TransferRequest.status.in_(tuple(STEP_UP_OPEN_STATES)))
        if f.hub_ids:
            stmt = stmt.where(TransferRequest.hub_id.in_(f.hub_ids))
        if f.text.strip():
            stmt = stmt.where(Family.name.icontains(f.text.strip(), autoescape=True))
        found = s.scalars(stmt.order_by(TransferRequest.requested_at.desc()).limit(1000)).all()
        rows = read.RowReader(uow).rows(found)
        rows.sort(key=lambda r: (r.status == StepUpState.CLOSED, -r.age_wd if r.rag else 0, -r.id))
        return tuple(rows)


def counts(uow: UnitOfWork, hub_ids: tuple[int, ...] = ()) -> QueueCounts:
    """Counts for the navigation: the step-down queue (and how many are red), step-ups open and waiting.

    One read: the queue's items (state and when it entered it, for red), then the open step-ups
    counted by state.
    """
    with uow:
        s = uow.session
        found = s.execute(_counts_read(uow.dialect == "postgresql", bool(hub_ids)), {
            "queue_states": [str(st) for st in _QUEUE], "step_up_states": [str(st) for st in _STEP_UP_COUNTED],
            "hubs": list(hub_ids)}).all()
        judge = _Judge(load_calendar(uow), load_timescales(uow), read.today())
        queue = red = 0
        step_ups: dict[str, int] = {}
        for direction, status, changed_at, n in found:
            if direction == DOWN:
                queue += 1
                red += judge(status, changed_at)[0] == "red"
            else:
                step_ups[status] = n
        awaiting = sum(step_ups.get(st, 0) for st in STEP_UP_AWAITING_DECISION_STATES)
        return QueueCounts(step_down_queue=queue, step_down_red=red,
                           step_up_open=sum(step_ups.get(st, 0) for st in STEP_UP_OPEN_STATES),
                           step_up_awaiting_decision=awaiting)


def bulk_allocate(uow: UnitOfWork, data: BulkAllocateInput) -> BulkAllocateResult:
    """Allocate several accepted step-downs to one lead practitioner in one transaction.

    On PostgreSQL the items are locked with ``FOR UPDATE SKIP LOCKED``: an item another coordinator
    is changing at this moment is skipped (and reported), never waited for or taken twice. Each
    locked item must still be at the version the coordinator saw and in ACCEPTED; the others are
    reported with the reason. The worker is checked once, before anything is written.

    Raises:
        ValidationError: no items, or the worker is not an active worker of every item's hub.
    """
    if not data.items:
        raise ValidationError.single("items", "required", "Choose the step-downs to allocate.")
    with uow:
        s = uow.session
        ids = sorted({i for i, _ in data.items})
        expected = dict(data.items)
        table = cast(Table, TransferRequest.__table__)
        if uow.dialect == "postgresql":
            locked = s.scalars(select(TransferRequest).where(TransferRequest.id.in_(ids))
                               .with_for_update(skip_locked=True)
                               .execution_options(populate_existing=True)).all()
        else:
            s.execute(update(table).where(table.c.id.in_(ids)).values(version=table.c.version))
            locked = s.scalars(select(TransferRequest).where(TransferRequest.id.in_(ids))
                               .execution_options(populate_existing=True)).all()
        by_id = {t.id: t for t in locked}
        refused: list[tuple[int, str]] = []
        ready = []
        for transfer_id in ids:
            t = by_id.get(transfer_id)
            if t is None:
                refused.append((transfer_id, "Someone else is changing it at this moment; it was left alone."))
            elif t.version != expected[transfer_id]:
                refused.append((transfer_id, str(transfers.conflict(s, t, StepDownAction.ALLOCATE, uow.actor_id))))
            elif t.status != StepDownState.ACCEPTED:
                refused.append((transfer_id, str(IllegalTransition(
                    rules.ENTITY[t.direction], t.status, StepDownAction.ALLOCATE,
                    rules.allowed_actions(t.direction, t.status)))))
            else:
                ready.append(t)
        for t in ready:
            checks = steps.check_step(s, t, TransferActionInput(t.id, t.version, StepDownAction.ALLOCATE,
                                                                 worker_id=data.worker_id),
                                      StepDownAction.ALLOCATE, read.today())
            checks.raise_if_any()
        at = transfers.now()
        for t in ready:
            before = t.status
            t.status = rules.machine(DOWN).apply(before, StepDownAction.ALLOCATE)
            t.state_changed_at = at
            steps.allocate_worker(s, t, data.worker_id, at)
            transfers.record_event(s, t.id, StepDownAction.ALLOCATE, before, t.status, at, uow.actor_id, None)
        uow.flush()
        changes = Changes(transfers=True, episodes=True, families=True) if ready else Changes()
        result = BulkAllocateResult(tuple(t.id for t in ready), tuple(refused), changes)
        uow.commit()
        return result


__all__ = ["PAGE_SIZE", "bulk_allocate", "counts", "step_down_queue", "step_ups"]

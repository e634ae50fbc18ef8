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
from typing import cast

from sqlalchemy import Table, func, or_, select, update
from sqlalchemy.orm import Session

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

from . import _transfer_read as read
from . import _transfer_steps as steps
from . import transfers
from .reference import load_calendar, load_timescales
from .revolving import id_in

UP, DOWN = TransferDirection.STEP_UP, TransferDirection.STEP_DOWN
_QUEUE = tuple(STEP_DOWN_QUEUE_STATES)


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
        t = TransferRequest
        stmt = select(t.id, t.status, t.state_changed_at).where(
            t.direction == DOWN, t.status.in_(tuple(st for st in _QUEUE if not f.states or st in f.states)))
        if f.hub_ids:
            stmt = stmt.where(t.hub_id.in_(f.hub_ids))
        if f.text.strip():
            needle = f.text.strip()
            stmt = stmt.join(Family, Family.id == t.family_id).where(
                or_(Family.name.icontains(needle, autoescape=True), t.csc_reference.icontains(needle, autoescape=True)))
        light = s.execute(stmt.order_by(t.state_changed_at, t.id)).all()
        reader = read.RowReader(uow)
        ages = _Ages(reader)
        counts: Counter[str] = Counter()
        candidates = []
        for transfer_id, status, changed_at in light:
            age = ages.of(changed_at)
            rag = rules.rag(age, rules.timescale_wd(DOWN, status, reader.timescales))
            counts[rag] += 1
            band = rules.age_band(age)
            if (f.rags and rag not in f.rags) or (f.bands and band not in f.bands):
                continue
            if after is not None and (changed_at, transfer_id) <= after:
                continue
            candidates.append((transfer_id, status, band))
        total = len(light)
        if f.flagged_only:
            rows, more = _flagged_page(s, reader, [c[0] for c in candidates], limit)
            return QueueResult(tuple(rows), total, counts["red"], counts["amber"], counts["green"], more=more,
                               cursor=(rows[-1].state_changed_at, rows[-1].id) if rows else after)
        page = candidates if limit is None else candidates[:limit]
        rows = _read_rows(s, reader, [c[0] for c in page])
        matched = len(candidates) if after is None else None
        band_counts = Counter(band for _, _, band in candidates) if after is None else Counter()
        state_counts = Counter(rules.state_label(st) for _, st, _ in candidates) if after is None else Counter()
        return QueueResult(tuple(rows), total, counts["red"], counts["amber"], counts["green"], matched=matched,
                           more=len(page) < len(candidates),
                           cursor=(rows[-1].state_changed_at, rows[-1].id) if rows else after,
                           band_counts=tuple(band_counts.items()), state_counts=tuple(state_counts.items()))


class _Ages:
    """Working days in the current state, worked out once per calendar day (many rows share one)."""

    def __init__(self, reader: read.RowReader) -> None:
        self._reader = reader
        self._by_day: dict[object, int] = {}

    def of(self, changed_at: dt.datetime) -> int:
        day = changed_at.date()
        age = self._by_day.get(day)
        if age is None:
            age = self._by_day[day] = max(0, self._reader.calendar.working_days_between(day, self._reader.on))
        return age


def _read_rows(s: Session, reader: read.RowReader, ids: list[int]) -> list[TransferRow]:
    """The full rows of ``ids``, in that order."""
    if not ids:
        return []
    found = s.execute(select(TransferRequest, Family.name).join(Family, Family.id == TransferRequest.family_id)
                      .where(id_in(s, TransferRequest.id, ids))).all()
    by_id = {t.id: t for t, _ in found}
    ordered = [by_id[i] for i in ids if i in by_id]
    return reader.rows(ordered, family_names={t.family_id: name for t, name in found})


def _flagged_page(s: Session, reader: read.RowReader, ids: list[int],
                  limit: int | None) -> tuple[list[TransferRow], bool]:
    """Rows with revolving-door flags from ``ids`` (in order) until ``limit`` are found, and whether
    any of ``ids`` were left unread (there may be more)."""
    out: list[TransferRow] = []
    step = max(limit or PAGE_SIZE, 50)
    for i in range(0, len(ids), step):
        out += [r for r in _read_rows(s, reader, ids[i:i + step]) if r.flags]
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
    """Counts for the navigation: the step-down queue (and how many are red), step-ups open and waiting."""
    with uow:
        s = uow.session
        hub_filter = [TransferRequest.hub_id.in_(hub_ids)] if hub_ids else []
        queue = s.execute(select(TransferRequest.status, TransferRequest.state_changed_at).where(
            TransferRequest.direction == DOWN, TransferRequest.status.in_(_QUEUE), *hub_filter)).all()
        step_ups: dict[str, int] = {status: n for status, n in s.execute(
            select(TransferRequest.status, func.count(TransferRequest.id))
            .where(TransferRequest.direction == UP,
                   TransferRequest.status.in_(sorted(STEP_UP_OPEN_STATES | STEP_UP_AWAITING_DECISION_STATES)),
                   *hub_filter)
            .group_by(TransferRequest.status))}
        calendar, timescales, on = load_calendar(uow), load_timescales(uow), read.today()
        red = sum(1 for status, changed_at in queue if rules.rag(
            max(0, calendar.working_days_between(changed_at.date(), on)),
            rules.timescale_wd(DOWN, status, timescales)) == "red")
        awaiting = sum(step_ups.get(st, 0) for st in STEP_UP_AWAITING_DECISION_STATES)
        return QueueCounts(step_down_queue=len(queue), step_down_red=red,
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

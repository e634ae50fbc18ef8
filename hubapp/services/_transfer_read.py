"""Reading transfers into rows for the queue, the step-up list and the transfer detail: names, age
in working days in the current state, red/amber/green, age band and revolving-door flags, for many
transfers in a handful of queries.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any, cast

from sqlalchemy import Select, Table, select
from sqlalchemy.orm import Session

from hubapp.data.models import Episode, Family, FamilyMembership, Hub, Person, TransferEvent, TransferRequest, Worker
from hubapp.data.uow import UnitOfWork
from hubapp.domain import codes, transfer_rules as rules
from hubapp.domain.states import TransferDirection
from hubapp.domain.transfer_dto import RevolvingFlag, TransferEventRow, TransferRow
from hubapp.domain.workdays import WorkingCalendar

from . import revolving
from .reference import Timescales, load_calendar, load_timescales
from .revolving import CHILD_RELATIONS, chunks, id_in


def today() -> dt.date:
    """Today's date (a function, so tests can patch it)."""
    return dt.date.today()


class RowReader:
    """Turns transfers into ``TransferRow`` DTOs inside an open unit of work."""

    def __init__(self, uow: UnitOfWork, on: dt.date | None = None) -> None:
        self.s: Session = uow.session
        self.calendar: WorkingCalendar = load_calendar(uow)
        self.timescales: Timescales = load_timescales(uow)
        self.on = on or today()

    def rows(self, transfers: Sequence[TransferRequest], with_flags: bool = True) -> list[TransferRow]:
        """The rows of ``transfers`` (ORM objects), in the same order.

        With flags, the current children come from the facts the flags are worked out from (one
        read of the family members, not two).
        """
        if not transfers:
            return []
        s = self.s
        family_ids = {t.family_id for t in transfers}
        families = dict(s.execute(select(Family.id, Family.name).where(id_in(s, Family.id, family_ids))).all())
        hubs = dict(s.execute(select(Hub.id, Hub.name).where(Hub.id.in_({t.hub_id for t in transfers}))).all())
        worker_ids = {w for t in transfers for w in (t.requested_by_id, t.receiving_worker_id, t.decided_by_id) if w}
        workers = worker_names(s, worker_ids)
        episode_ids = {t.episode_id for t in transfers if t.episode_id}
        episodes = dict(s.execute(select(Episode.id, Episode.status).where(id_in(s, Episode.id, episode_ids))).all()) \
            if episode_ids else {}
        asked = info_requested(s, [t.id for t in transfers])
        if with_flags:
            children, flags = self._children_and_flags(transfers, family_ids)
        else:
            children, flags = children_names(s, family_ids), {}
        return [self._row(
            t, families.get(t.family_id, ""), hubs.get(t.hub_id, ""),
            t.requested_by_name or workers.get(t.requested_by_id or 0, ""), workers.get(t.receiving_worker_id or 0),
            t.decided_by_name or workers.get(t.decided_by_id or 0), episodes.get(t.episode_id or 0), t.id in asked,
            children, flags,
        ) for t in transfers]

    def rows_of(self, ids: Sequence[int]) -> list[TransferRow]:
        """The rows of the transfers ``ids`` (those this login may see), in that order, with flags.

        One read gives each transfer with its family's, hub's and workers' names, its episode's state
        and whether information was asked for and not yet received; the flags take four more
        (:func:`revolving.family_facts`), which give the children too.
        """
        if not ids:
            return []
        found = {r.id: r for r in self.s.execute(_page_read(revolving.is_postgresql(self.s)), {"ids": list(ids)})}
        ordered = [found[i] for i in ids if i in found]
        if not ordered:
            return []
        children, flags = self._children_and_flags(ordered, {r.family_id for r in ordered})
        return [self._row(
            r, r.family_name, r.hub_name or "", r.requested_by_name or r.requester or "", r.receiver,
            r.decided_by_name or r.decider, r.episode_status, r.info_action == rules.REQUEST_INFO, children, flags,
        ) for r in ordered]

    def _children_and_flags(self, transfers: Sequence[Any], family_ids: set[int]
                            ) -> tuple[dict[int, str], dict[int, tuple[RevolvingFlag, ...]]]:
        """The current children of each family (one line) and the flags of each transfer."""
        facts = revolving.family_facts(self.s, family_ids)
        children = {f: ", ".join(fact.children.values()) for f, fact in facts.items() if fact.children}
        downs = [(t.id, t.family_id, t.requested_at) for t in transfers
                 if t.direction == TransferDirection.STEP_DOWN]
        flags = revolving.flags_for_step_downs(self.s, downs, self.on, facts)
        ups = [t for t in transfers if t.direction == TransferDirection.STEP_UP]
        if ups:
            by_family = revolving.flags_for_families(self.s, {t.family_id for t in ups}, self.on, facts)
            flags.update({t.id: by_family.get(t.family_id, ()) for t in ups})
        return children, flags

    def _row(self, t: Any, family_name: str, hub_name: str, requested_by: str, receiving_worker: str | None,
             decided_by: str | None, episode_status: str | None, asked: bool, children: dict[int, str],
             flags: dict[int, tuple[RevolvingFlag, ...]]) -> TransferRow:
        """One row, from a transfer (an ORM object or a row with its columns) and its names."""
        age = max(0, self.calendar.working_days_between(t.state_changed_at.date(), self.on))
        limit = rules.timescale_wd(t.direction, t.status, self.timescales)
        outcome = t.decision_outcome
        if outcome and t.direction == TransferDirection.STEP_UP:
            outcome_label = codes.label_of(codes.TRANSFER_OUTCOME, outcome, outcome)
        else:
            outcome_label = rules.state_label(outcome) if outcome else ""
        return TransferRow(
            id=t.id, version=t.version, direction=t.direction, family_id=t.family_id,
            family_name=family_name, children=children.get(t.family_id, ""), hub_id=t.hub_id,
            hub_name=hub_name, status=t.status, status_label=rules.state_label(t.status),
            state_changed_at=t.state_changed_at, age_wd=age, timescale_wd=limit, rag=rules.rag(age, limit),
            band=rules.age_band(age), requested_at=t.requested_at, requested_by=requested_by, reason=t.reason,
            csc_reference=t.csc_reference, receiving_worker=receiving_worker, episode_id=t.episode_id,
            episode_status=episode_status, outcome=outcome, outcome_label=outcome_label, decided_at=t.decided_at,
            decided_by=decided_by, info_requested=asked, flags=flags.get(t.id, ()),
            allowed_actions=rules.allowed_actions(t.direction, t.status),
        )


@cache
def _page_read(postgresql: bool) -> Select[Any]:
    """The read behind :meth:`RowReader.rows_of`, built once per dialect: the transfers ``:ids`` (on
    PostgreSQL one array parameter, see :func:`revolving.one_of`) with the names a row shows. Each name,
    the episode's state and the latest information step come from a subquery per transfer, which looks
    one row up by its key (a join would read the whole worker table for a page)."""
    t, f, h, e, ev, w = (cast(Table, m.__table__)
                         for m in (TransferRequest, Family, Hub, Episode, TransferEvent, Worker))

    def one(column: Any, key: Any, table: Table) -> Any:
        return select(column).where(table.c.id == key).scalar_subquery()

    info = (select(ev.c.action)
            .where(ev.c.transfer_id == t.c.id, ev.c.action.in_((rules.REQUEST_INFO, rules.INFO_RECEIVED)))
            .order_by(ev.c.at.desc(), ev.c.id.desc()).limit(1).scalar_subquery())
    return (
        select(t.c.id, t.c.version, t.c.direction, t.c.family_id, t.c.hub_id, t.c.status, t.c.state_changed_at,
               t.c.requested_at, t.c.requested_by_name, t.c.reason, t.c.csc_reference, t.c.episode_id,
               t.c.decision_outcome, t.c.decided_at, t.c.decided_by_name, f.c.name.label("family_name"),
               one(h.c.name, t.c.hub_id, h).label("hub_name"),
               one(w.c.display_name, t.c.requested_by_id, w).label("requester"),
               one(w.c.display_name, t.c.receiving_worker_id, w).label("receiver"),
               one(w.c.display_name, t.c.decided_by_id, w).label("decider"),
               one(e.c.status, t.c.episode_id, e).label("episode_status"), info.label("info_action"))
        .join_from(t, f, f.c.id == t.c.family_id)
        .where(revolving.one_of(t.c.id, "ids", postgresql))
    )


def worker_names(s: Session, ids: Iterable[int | None]) -> dict[int, str]:
    """Display names of workers by id."""
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return dict(s.execute(select(Worker.id, Worker.display_name).where(id_in(s, Worker.id, wanted))).all())


def children_names(s: Session, family_ids: Iterable[int]) -> dict[int, str]:
    """The current children of each family, youngest last, as one line."""
    names: dict[int, list[str]] = defaultdict(list)
    for chunk in chunks(s, sorted(set(family_ids))):
        for family_id, given, family_name in s.execute(
            select(FamilyMembership.family_id, Person.given_name, Person.family_name)
            .join(Person, Person.id == FamilyMembership.person_id)
            .where(id_in(s, FamilyMembership.family_id, chunk), FamilyMembership.end_date.is_(None),
                   FamilyMembership.relation.in_(CHILD_RELATIONS))
            .order_by(Person.date_of_birth)
        ):
            names[family_id].append(f"{given} {family_name}")
    return {k: ", ".join(v) for k, v in names.items()}


def info_requested(s: Session, transfer_ids: list[int]) -> set[int]:
    """Transfers whose latest information step is a request not yet answered."""
    latest: dict[int, str] = {}
    for chunk in chunks(s, transfer_ids):
        for transfer_id, action in s.execute(
            select(TransferEvent.transfer_id, TransferEvent.action)
            .where(id_in(s, TransferEvent.transfer_id, chunk),
                   TransferEvent.action.in_((rules.REQUEST_INFO, rules.INFO_RECEIVED)))
            .order_by(TransferEvent.at, TransferEvent.id)
        ):
            latest[transfer_id] = action
    return {t for t, action in latest.items() if action == rules.REQUEST_INFO}


def events(s: Session, transfer_id: int) -> tuple[TransferEventRow, ...]:
    """A transfer's history, oldest first."""
    rows = s.execute(
        select(TransferEvent, Worker.display_name).outerjoin(Worker, Worker.id == TransferEvent.by_id)
        .where(TransferEvent.transfer_id == transfer_id).order_by(TransferEvent.at, TransferEvent.id)
    ).all()
    return tuple(
        TransferEventRow(at=e.at, action=e.action, action_label=rules.action_label(e.action),
                         from_status=e.from_status, to_status=e.to_status, by=by, note=e.note)
        for e, by in rows
    )


def last_event(s: Session, transfer_id: int) -> TransferEventRow | None:
    """The most recent step of a transfer."""
    found = events(s, transfer_id)
    return found[-1] if found else None

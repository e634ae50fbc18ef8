"""Revolving-door flags for families (DOMAIN.md §9): gathers the dates the rules in
:mod:`hubapp.domain.revolving` need, for many families in a few queries (no N+1).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from functools import cache
from typing import Any, NamedTuple, cast

from sqlalchemy import ColumnElement, Select, Table, Text, any_, bindparam, literal, select
from sqlalchemy import cast as sql_cast
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import InstrumentedAttribute, Session

from hubapp.data.models import (
    Episode, EpisodeChild, FamilyMembership, Person, RequestForSupport, RequestPerson, TransferRequest,
)
from hubapp.domain import revolving as rules
from hubapp.domain.states import (
    STEP_UP_ACCEPTED_OUTCOMES, EpisodeState, RequestOutcome, RequestState, StepDownState, StepUpState,
    TransferDirection,
)
from hubapp.domain.transfer_dto import RevolvingFlag

CHILD_RELATIONS = ("SELF", "SIBLING", "HALF_SIBLING", "OTHER_CHILD")
_CHUNK = 500
#: Step-down states that mean early help took the case on.
_STEP_DOWN_TAKEN = frozenset({StepDownState.ACCEPTED, StepDownState.ALLOCATED, StepDownState.HANDOVER_MEETING_HELD,
                              StepDownState.CSC_CLOSED, StepDownState.COMPLETE})
#: Step-up states that mean the request reached social care.
_STEP_UP_SENT = frozenset({StepUpState.SENT, StepUpState.RECEIVED_BY_FRONT_DOOR, StepUpState.DECIDED})


class FamilyFacts:
    """Everything the rules need about one family, added a record at a time (``add_*``), in the
    order the rules read them: episodes, then requests, then transfers."""

    def __init__(self) -> None:
        self.children: dict[int, str] = {}
        self.episodes: list[rules.EhEpisode] = []
        self.referrals: list[rules.Referral] = []
        self.csc_events: list[rules.CscEvent] = []
        self.step_ups: list[dt.date] = []
        self.step_downs: list[dt.date] = []
        self.outcomes_met: list[dt.date] = []

    def add_episode(self, e: Any, child_ids: Iterable[int]) -> None:
        """An early help episode: a row with ``start_date``, ``end_date``, ``end_reason`` and
        ``status``, and the ids of its children."""
        end = e.end_date if e.status == EpisodeState.CLOSED else None
        self.episodes.append(rules.EhEpisode(e.start_date, end, e.end_reason, frozenset(child_ids)))
        if end is not None and e.end_reason == "OUTCOMES_MET":
            self.outcomes_met.append(end)

    def add_request(self, r: Any, subject_ids: Iterable[int]) -> None:
        """A request for support that is not a draft: a row with ``received_at``, ``outcome`` and
        ``decided_at``, and the ids of the people it is about."""
        self.referrals.append(rules.Referral(r.received_at.date(), frozenset(subject_ids), "request"))
        if r.outcome == RequestOutcome.PASS_TO_CSC and r.decided_at is not None:
            self.csc_events.append(rules.CscEvent(r.decided_at.date(), "start"))
            self.step_ups.append(r.decided_at.date())

    def add_transfer(self, t: Any) -> None:
        """A transfer: a row with ``direction``, ``status``, ``requested_at``, ``decided_at`` and
        ``decision_outcome``."""
        _add_transfer(self, t)

    def flags(self, on: dt.date) -> tuple[RevolvingFlag, ...]:
        """The family's flags as of ``on`` (the family view's)."""
        return _flags(self, on, None)


def is_postgresql(s: Session) -> bool:
    """Whether the session's database is PostgreSQL."""
    return s.get_bind().dialect.name == "postgresql"


def id_in(s: Session, column: InstrumentedAttribute[int] | InstrumentedAttribute[int | None],
          ids: Collection[int]) -> ColumnElement[bool]:
    """``column IN ids``; on PostgreSQL ``column = ANY(:ids)``, one array parameter however many
    ids, so the statement's text (and the server's plan) does not change with the count."""
    if is_postgresql(s):
        # Sent as the text of an array: psycopg dumps a list of thousands of ints element by element
        # in Python (about 2 ms per thousand), a string at once.
        array = "{" + ",".join(str(int(i)) for i in ids) + "}"
        return column == any_(sql_cast(literal(array, Text), ARRAY(column.type)))
    return column.in_(list(ids))


def one_of(column: Any, name: str, postgresql: bool) -> ColumnElement[bool]:
    """``column IN :name``, the values given when the statement runs; on PostgreSQL
    ``column = ANY(:name)``, one array parameter (as :func:`id_in`). For statements built once."""
    if postgresql:
        return column == any_(bindparam(name, type_=ARRAY(column.type)))
    return column.in_(bindparam(name, expanding=True))


def chunks(s: Session, ids: Sequence[int]) -> Iterator[list[int]]:
    """``ids`` in slices small enough for an ``IN`` list (all at once on PostgreSQL, see :func:`id_in`)."""
    size = max(len(ids), 1) if is_postgresql(s) else _CHUNK
    for i in range(0, len(ids), size):
        yield list(ids[i:i + size])


def family_facts(s: Session, family_ids: Iterable[int]) -> dict[int, FamilyFacts]:
    """What the flag rules need about each family; ``children`` (person id to name) in date of birth
    order, so callers can show the current children from it without reading them again.

    Four reads a chunk: the children; the episodes with their children; the requests with the
    people they are about; the transfers.
    """
    ids = sorted(set(family_ids))
    facts: dict[int, FamilyFacts] = {f: FamilyFacts() for f in ids}
    q = _fact_reads(is_postgresql(s))
    for chunk in chunks(s, ids):
        params = {"ids": chunk}
        for family_id, person_id, given, family_name in s.execute(q.children, params):
            facts[family_id].children[person_id] = f"{given} {family_name}"
        episodes, kids = grouped(s.execute(q.episodes, params), "child_id")
        for e in episodes:
            facts[e.family_id].add_episode(e, kids[e.id])
        requests, subjects = grouped(s.execute(q.requests, params), "subject_id")
        for r in requests:
            facts[r.family_id].add_request(r, subjects[r.id])
        for t in s.execute(q.transfers, params):
            facts[t.family_id].add_transfer(t)
    return facts


class _FactReads(NamedTuple):
    children: Select[Any]
    episodes: Select[Any]
    requests: Select[Any]
    transfers: Select[Any]


@cache
def _fact_reads(postgresql: bool) -> _FactReads:
    """The reads of :func:`family_facts`, built once per dialect (plain columns: the rows only feed
    the facts), for the families ``:ids`` (see :func:`one_of`)."""
    m, p, e, ec, r, rp, t = (cast(Table, model.__table__) for model in (
        FamilyMembership, Person, Episode, EpisodeChild, RequestForSupport, RequestPerson, TransferRequest))
    return _FactReads(
        children=select(m.c.family_id, p.c.id, p.c.given_name, p.c.family_name)
        .join_from(m, p, p.c.id == m.c.person_id)
        .where(one_of(m.c.family_id, "ids", postgresql), m.c.end_date.is_(None), m.c.relation.in_(CHILD_RELATIONS))
        .order_by(p.c.date_of_birth),
        episodes=select(e.c.id, e.c.family_id, e.c.start_date, e.c.end_date, e.c.end_reason, e.c.status,
                        ec.c.person_id.label("child_id"))
        .outerjoin_from(e, ec, ec.c.episode_id == e.c.id)
        .where(one_of(e.c.family_id, "ids", postgresql)),
        requests=select(r.c.id, r.c.family_id, r.c.received_at, r.c.outcome, r.c.decided_at,
                        rp.c.person_id.label("subject_id"))
        .outerjoin_from(r, rp, rp.c.request_id == r.c.id)
        .where(one_of(r.c.family_id, "ids", postgresql), r.c.status != RequestState.DRAFT),
        transfers=select(t.c.family_id, t.c.direction, t.c.status, t.c.requested_at, t.c.decided_at,
                         t.c.decision_outcome)
        .where(one_of(t.c.family_id, "ids", postgresql)),
    )


#: The name the dashboard's queries build facts with.
_FamilyFacts = FamilyFacts


def _add_transfer(f: FamilyFacts, t: Any) -> None:
    """Add one transfer (a result row with the columns selected above) to a family's facts."""
    direction, status = t.direction, t.status
    requested: dt.date = t.requested_at.date()
    decided: dt.datetime | None = t.decided_at
    outcome = t.decision_outcome
    if direction == TransferDirection.STEP_DOWN:
        f.referrals.append(rules.Referral(requested, frozenset(), "step-down"))
        f.csc_events.append(rules.CscEvent(requested, "end"))
        if status in _STEP_DOWN_TAKEN:
            f.step_downs.append(decided.date() if decided else requested)
        return
    sent = status in _STEP_UP_SENT or (status == StepUpState.CLOSED and outcome is not None)
    if sent:
        f.step_ups.append(requested)
    if outcome in STEP_UP_ACCEPTED_OUTCOMES and decided is not None:
        f.csc_events.append(rules.CscEvent(decided.date(), "start"))


def grouped(rows: Iterable[Any], linked: str) -> tuple[list[Any], dict[int, set[int]]]:
    """Rows of a record outer-joined to its linked people: each record once (first seen first), and
    the ids in column ``linked`` by record id."""
    records: dict[int, Any] = {}
    people: dict[int, set[int]] = defaultdict(set)
    for row in rows:
        records.setdefault(row.id, row)
        person_id = getattr(row, linked)
        if person_id is not None:
            people[row.id].add(person_id)
    return list(records.values()), people


def _flags(f: FamilyFacts, on: dt.date, only: rules.Referral | None) -> tuple[RevolvingFlag, ...]:
    found = [
        rules.re_referral_flag(f.referrals, f.episodes, on, only),
        rules.many_episodes_flag(f.children, f.episodes, rules.csc_episode_starts(f.csc_events)),
        rules.step_up_after_flag(f.step_ups, f.step_downs, f.outcomes_met),
    ]
    return tuple(flag for flag in found if flag is not None)


def flags_for_families(s: Session, family_ids: Iterable[int], on: dt.date,
                       facts: dict[int, FamilyFacts] | None = None) -> dict[int, tuple[RevolvingFlag, ...]]:
    """The revolving-door flags of each family, as of ``on`` (inside an open session); ``facts``
    from :func:`family_facts` covering those families, if already read."""
    ids = set(family_ids)
    if facts is None:
        facts = family_facts(s, ids)
    return {family_id: _flags(facts[family_id], on, None) for family_id in sorted(ids)}


def flags_for_step_downs(
    s: Session, items: Iterable[tuple[int, int, dt.datetime]], on: dt.date,
    facts: dict[int, FamilyFacts] | None = None,
) -> dict[int, tuple[RevolvingFlag, ...]]:
    """The flags of step-down queue items, ``(transfer_id, family_id, requested_at)`` each; ``facts``
    from :func:`family_facts` covering their families, if already read.

    The re-referral flag asks whether *this* step-down came within 12 months of an early help
    episode closing; the other two are the family's.
    """
    items = list(items)
    if facts is None:
        facts = family_facts(s, (family_id for _, family_id, _ in items))
    return {
        transfer_id: _flags(facts[family_id], on, rules.Referral(requested_at.date(), frozenset(), "step-down"))
        for transfer_id, family_id, requested_at in items
    }


def family_flag_texts(s: Session, family_id: int, on: dt.date) -> tuple[str, ...]:
    """The flag texts for one family's record (the family view's chips)."""
    return tuple(flag.text for flag in flags_for_families(s, (family_id,), on).get(family_id, ()))


__all__ = ["FamilyFacts", "chunks", "family_facts", "family_flag_texts", "flags_for_families",
           "flags_for_step_downs", "grouped", "id_in", "is_postgresql", "one_of"]

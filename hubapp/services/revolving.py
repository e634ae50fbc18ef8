"""Revolving-door flags for families (DOMAIN.md §9): gathers the dates the rules in
:mod:`hubapp.domain.revolving` need, for many families in a few queries (no N+1).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import ColumnElement, any_, literal, select
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


class _FamilyFacts:
    """Everything the rules need about one family."""

    def __init__(self) -> None:
        self.children: dict[int, str] = {}
        self.episodes: list[rules.EhEpisode] = []
        self.referrals: list[rules.Referral] = []
        self.csc_events: list[rules.CscEvent] = []
        self.step_ups: list[dt.date] = []
        self.step_downs: list[dt.date] = []
        self.outcomes_met: list[dt.date] = []


def is_postgresql(s: Session) -> bool:
    """Whether the session's database is PostgreSQL."""
    return s.get_bind().dialect.name == "postgresql"


def id_in(s: Session, column: InstrumentedAttribute[int] | InstrumentedAttribute[int | None],
          ids: Collection[int]) -> ColumnElement[bool]:
    """``column IN ids``; on PostgreSQL ``column = ANY(:ids)``, one array parameter however many
    ids, so the statement's text (and the server's plan) does not change with the count."""
    if is_postgresql(s):
        return column == any_(literal(list(ids), ARRAY(column.type)))
    return column.in_(list(ids))


def chunks(s: Session, ids: Sequence[int]) -> Iterator[list[int]]:
    """``ids`` in slices small enough for an ``IN`` list (all at once on PostgreSQL, see :func:`id_in`)."""
    size = max(len(ids), 1) if is_postgresql(s) else _CHUNK
    for i in range(0, len(ids), size):
        yield list(ids[i:i + size])


def family_facts(s: Session, family_ids: Iterable[int]) -> dict[int, _FamilyFacts]:
    """What the flag rules need about each family; ``children`` (person id to name) in date of birth
    order, so callers can show the current children from it without reading them again."""
    ids = sorted(set(family_ids))
    facts: dict[int, _FamilyFacts] = {f: _FamilyFacts() for f in ids}
    for chunk in chunks(s, ids):
        for family_id, person_id, given, family_name in s.execute(
            select(FamilyMembership.family_id, Person.id, Person.given_name, Person.family_name)
            .join(Person, Person.id == FamilyMembership.person_id)
            .where(id_in(s, FamilyMembership.family_id, chunk), FamilyMembership.end_date.is_(None),
                   FamilyMembership.relation.in_(CHILD_RELATIONS))
            .order_by(Person.date_of_birth)
        ):
            facts[family_id].children[person_id] = f"{given} {family_name}"
        episodes = s.execute(
            select(Episode.id, Episode.family_id, Episode.start_date, Episode.end_date, Episode.end_reason,
                   Episode.status).where(id_in(s, Episode.family_id, chunk))
        ).all()
        kids: dict[int, set[int]] = defaultdict(set)
        for episode_id, person_id in s.execute(
            select(EpisodeChild.episode_id, EpisodeChild.person_id)
            .where(id_in(s, EpisodeChild.episode_id, [e.id for e in episodes] or [0]))
        ):
            kids[episode_id].add(person_id)
        for e in episodes:
            end = e.end_date if e.status == EpisodeState.CLOSED else None
            facts[e.family_id].episodes.append(rules.EhEpisode(e.start_date, end, e.end_reason,
                                                               frozenset(kids[e.id])))
            if end is not None and e.end_reason == "OUTCOMES_MET":
                facts[e.family_id].outcomes_met.append(end)
        requests = s.execute(
            select(RequestForSupport.id, RequestForSupport.family_id, RequestForSupport.received_at,
                   RequestForSupport.outcome, RequestForSupport.decided_at)
            .where(id_in(s, RequestForSupport.family_id, chunk), RequestForSupport.status != RequestState.DRAFT)
        ).all()
        subjects: dict[int, set[int]] = defaultdict(set)
        for request_id, person_id in s.execute(
            select(RequestPerson.request_id, RequestPerson.person_id)
            .where(id_in(s, RequestPerson.request_id, [r.id for r in requests] or [0]))
        ):
            subjects[request_id].add(person_id)
        for r in requests:
            f = facts[r.family_id]
            f.referrals.append(rules.Referral(r.received_at.date(), frozenset(subjects[r.id]), "request"))
            if r.outcome == RequestOutcome.PASS_TO_CSC and r.decided_at is not None:
                f.csc_events.append(rules.CscEvent(r.decided_at.date(), "start"))
                f.step_ups.append(r.decided_at.date())
        for t in s.execute(
            select(TransferRequest.family_id, TransferRequest.direction, TransferRequest.status,
                   TransferRequest.requested_at, TransferRequest.decided_at, TransferRequest.decision_outcome)
            .where(id_in(s, TransferRequest.family_id, chunk))
        ):
            _add_transfer(facts[t.family_id], t)
    return facts


def _add_transfer(f: _FamilyFacts, t: Any) -> None:
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


def _flags(f: _FamilyFacts, on: dt.date, only: rules.Referral | None) -> tuple[RevolvingFlag, ...]:
    found = [
        rules.re_referral_flag(f.referrals, f.episodes, on, only),
        rules.many_episodes_flag(f.children, f.episodes, rules.csc_episode_starts(f.csc_events)),
        rules.step_up_after_flag(f.step_ups, f.step_downs, f.outcomes_met),
    ]
    return tuple(flag for flag in found if flag is not None)


def flags_for_families(s: Session, family_ids: Iterable[int], on: dt.date,
                       facts: dict[int, _FamilyFacts] | None = None) -> dict[int, tuple[RevolvingFlag, ...]]:
    """The revolving-door flags of each family, as of ``on`` (inside an open session); ``facts``
    from :func:`family_facts` covering those families, if already read."""
    ids = set(family_ids)
    if facts is None:
        facts = family_facts(s, ids)
    return {family_id: _flags(facts[family_id], on, None) for family_id in sorted(ids)}


def flags_for_step_downs(
    s: Session, items: Iterable[tuple[int, int, dt.datetime]], on: dt.date,
    facts: dict[int, _FamilyFacts] | None = None,
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


__all__ = ["chunks", "family_facts", "family_flag_texts", "flags_for_families", "flags_for_step_downs", "id_in",
           "is_postgresql"]

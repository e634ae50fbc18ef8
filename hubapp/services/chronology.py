"""A family's chronology, built from what happened, and who has looked at the record.

The chronology is not typed by anyone: it is read from the records themselves (requests and
decisions, consent, episodes and allocation, assessments, plans agreed, reviews held, transfers
and each of their steps, closures, case notes), in date order, filterable by kind and period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from hubapp.data.models import (
    AccessLog, Assessment, CaseNote, Closure, ConsentRecord, Episode, Family, Meeting, Plan, RequestForSupport,
    TransferEvent, TransferRequest, Worker,
)
from hubapp.data.uow import UnitOfWork
from hubapp.domain import codes
from hubapp.domain.errors import NotFound

from .access import record_access

KINDS = ("request", "decision", "consent", "episode", "assessment", "plan", "review", "transfer",
         "closure", "note")


@dataclass(frozen=True, slots=True)
class ChronologyEntry:
    """One dated event in a family's chronology."""

    at: dt.datetime
    kind: str
    title: str
    detail: str
    by: str | None


@dataclass(frozen=True, slots=True)
class AccessRow:
    """One look at, print of or export of a family's record."""

    at: dt.datetime
    action: str
    who: str
    detail: str | None


def family_exists(s: Session, family_id: int) -> bool:
    """Whether the family exists and this login may see it (row security applies)."""
    return s.scalar(select(Family.id).where(Family.id == family_id)) is not None


def _noon(d: dt.date) -> dt.datetime:
    return dt.datetime.combine(d, dt.time(12), tzinfo=dt.UTC)


def family_chronology(
    uow: UnitOfWork,
    family_id: int,
    kinds: Iterable[str] = (),
    since: dt.date | None = None,
    until: dt.date | None = None,
    *,
    include_confidential: bool = True,
) -> tuple[ChronologyEntry, ...]:
    """The family's chronology, oldest first, optionally only some kinds and a period.

    Raises:
        NotFound: no such family (or not visible to this person).
    """
    wanted = set(kinds) or set(KINDS)
    with uow:
        s = uow.session
        if not family_exists(s, family_id):
            raise NotFound("family", family_id)
        names = dict(s.execute(select(Worker.id, Worker.display_name)).all())
        entries = [e for e in _entries(s, family_id, names, include_confidential) if e.kind in wanted]
        if since is not None:
            entries = [e for e in entries if e.at.date() >= since]
        if until is not None:
            entries = [e for e in entries if e.at.date() <= until]
        entries.sort(key=lambda e: e.at)
        return tuple(entries)


def _entries(s: Session, family_id: int, names: dict[int, str], confidential: bool) -> list[ChronologyEntry]:
    def who(worker_id: int | None) -> str | None:
        return names.get(worker_id) if worker_id is not None else None

    out: list[ChronologyEntry] = []
    for r in s.scalars(select(RequestForSupport).where(RequestForSupport.family_id == family_id)):
        source = codes.label_of(codes.REFERRAL_SOURCE, r.source, r.source)
        out.append(ChronologyEntry(r.received_at, "request", "Request for support received",
                                   f"From {r.referrer_name or 'unknown'} ({source}). {r.summary or ''}".strip(),
                                   who(r.created_by_id)))
        if r.decided_at and r.outcome:
            outcome = codes.label_of(codes.REQUEST_OUTCOME, r.outcome, r.outcome)
            out.append(ChronologyEntry(r.decided_at, "decision", f"Front-door decision: {outcome}",
                                       r.decision_rationale or "", who(r.decided_by_id)))
    for c in s.scalars(select(ConsentRecord).where(ConsentRecord.family_id == family_id)):
        verb = "given" if c.agreed else "refused"
        out.append(ChronologyEntry(c.recorded_at, "consent", f"Agreement to early help {verb}",
                                   f"By {c.giver_name} ({c.method.lower()}, {c.given_on:%d/%m/%Y})",
                                   who(c.recorded_by_id)))
        if c.withdrawn_on:
            out.append(ChronologyEntry(_noon(c.withdrawn_on), "consent", "Agreement withdrawn",
                                       f"By {c.giver_name}", None))
    episodes = s.scalars(select(Episode).where(Episode.family_id == family_id)).all()
    episode_ids = [e.id for e in episodes]
    for e in episodes:
        out.append(ChronologyEntry(e.accepted_at, "episode", "Early help episode opened",
                                   f"Level of need {e.level_of_need or 'not set'}", None))
        if e.allocated_at:
            out.append(ChronologyEntry(e.allocated_at, "episode", "Lead practitioner allocated",
                                       who(e.lead_worker_id) or "", None))
    if episode_ids:
        for a in s.scalars(select(Assessment).where(Assessment.episode_id.in_(episode_ids))):
            if a.completed_on:
                out.append(ChronologyEntry(_noon(a.completed_on), "assessment", "Assessment completed",
                                           a.kind, who(a.completed_by_id)))
            if a.authorised_at:
                out.append(ChronologyEntry(a.authorised_at, "assessment", "Assessment authorised",
                                           "", who(a.authorised_by_id)))
        for p in s.scalars(select(Plan).where(Plan.episode_id.in_(episode_ids))):
            if p.agreed_on:
                out.append(ChronologyEntry(_noon(p.agreed_on), "plan", f"Plan version {p.version_no} agreed",
                                           f"Agreed by {p.agreed_by}" if p.agreed_by else "", who(p.created_by_id)))
        for m in s.scalars(select(Meeting).where(Meeting.episode_id.in_(episode_ids), Meeting.held_on.is_not(None))):
            assert m.held_on is not None
            kind = codes.label_of(codes.MEETING_TYPE, m.kind, m.kind)
            decision = codes.label_of(codes.REVIEW_DECISION, m.decision, m.decision) if m.decision else ""
            out.append(ChronologyEntry(_noon(m.held_on), "review", f"{kind} held",
                                       f"Decision: {decision}" if decision else "", None))
        for c, _e in s.execute(select(Closure, Episode).join(Episode, Episode.id == Closure.episode_id)
                                .where(Episode.id.in_(episode_ids))):
            reason = codes.label_of(codes.EPISODE_CLOSURE_REASON, c.reason, c.reason)
            out.append(ChronologyEntry(_noon(c.closed_on), "closure", f"Episode closed: {reason}",
                                       c.narrative or "", who(c.authorised_by_id)))
    transfers = {t.id: t for t in s.scalars(select(TransferRequest).where(TransferRequest.family_id == family_id))}
    if transfers:
        for ev in s.scalars(select(TransferEvent).where(TransferEvent.transfer_id.in_(list(transfers)))):
            t = transfers[ev.transfer_id]
            direction = "Step-up" if t.direction == "STEP_UP" else "Step-down"
            state = ev.to_status.replace("_", " ").lower()
            out.append(ChronologyEntry(ev.at, "transfer", f"{direction}: {state}", ev.note or "", who(ev.by_id)))
    notes = select(CaseNote).where(CaseNote.family_id == family_id)
    if not confidential:
        notes = notes.where(CaseNote.confidential.is_(False))
    for n in s.scalars(notes):
        kind = codes.label_of(codes.CASE_NOTE_KIND, n.kind, n.kind)
        title = f"{kind}: {n.subject}" if n.subject else kind
        out.append(ChronologyEntry(n.written_at, "note", title, n.text[:500], who(n.author_id)))
    return out


def access_history(uow: UnitOfWork, family_id: int, limit: int = 200) -> tuple[AccessRow, ...]:
    """Who has looked at, printed or exported this family's record, newest first.

    Reading it is itself a look, so it is logged too.
    """
    with uow:
        s = uow.session
        if not family_exists(s, family_id):
            raise NotFound("family", family_id)
        rows = s.execute(
            select(AccessLog.at, AccessLog.action, AccessLog.db_user, Worker.display_name, AccessLog.detail)
            .outerjoin(Worker, Worker.id == AccessLog.worker_id)
            .where(AccessLog.family_id == family_id)
            .order_by(AccessLog.at.desc(), AccessLog.id.desc())
            .limit(limit)
        ).all()
        record_access(uow, "VIEW", "access_log", family_id, family_id)
        uow.commit()
        return tuple(AccessRow(at, action, name or db_user, detail) for at, action, db_user, name, detail in rows)

"""Supporting Families readiness (DOMAIN §4, issue #9): families with three or more needs mapped to
the ten headline outcomes, whether each need has evidenced progress, every claim condition checked
and shown, the date sustainment is reached, whether the family is claimable in a chosen claim
period, and an evidence list per family that an auditor can follow.

Which families: for each family, its latest episode (open or closed) with at least three needs
mapped to a headline outcome and not withdrawn, among episodes of the filter's hub, team and lead
practitioner that were open at some time between the sustainment window before the earliest of
the period and claim period, and the latest of their ends. Everything is read with a handful of
queries bounded by those episodes; nothing of the city's history is loaded beyond them.

Evidence of a need (:class:`~hubapp.domain.report_dto.NeedEvidence`):

- a **positive outcome** (``outcome_met``, the claim condition): the need is MET and what shows it
  is recorded (its outcome evidence), sustained from the date it was met;
- **progress** (``evidenced``): a positive outcome, or the latest review rating of a plan goal tied
  to the need is "improved", or an outcome score of a person the need is about (the whole family's
  scores for a need about no one in particular) rose from the first to the latest measurement.

Sustainment is reached a configurable number of days after the episode closed (the setting
``timescale.sf_sustainment_days``, 182 days by default: Hertfordshire's reading of "sustained for
six months after closure", DOMAIN §4, shared with the dashboard's pipeline figure). A family is
claimable in the claim period when every condition holds, sustainment is reached by the end of
the period, and no claim for the episode has been submitted already.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_, select, text
from sqlalchemy.orm import Session, aliased

from hubapp.data.models import (
    Assessment, AuditEvent, Closure, Episode, Family, FamilyMembership, GoalProgress, Hub, Meeting, Need, NeedPerson,
    OutcomeMeasurement, Person, Plan, PlanGoal, SFClaim, Worker,
)
from hubapp.data.uow import UnitOfWork
from hubapp.domain import codes
from hubapp.domain.errors import NotFound
from hubapp.domain.report_dto import Column, FamilyReadiness, NeedEvidence, ReportFilter, Table
from hubapp.domain.states import AssessmentState, ProgressRating, ReviewState
from hubapp.domain.validation import age_on

from .recording_quality import apply_filter
from .reference import load_timescales
from .revolving import CHILD_RELATIONS

#: The claim conditions, in the order shown (DOMAIN §4).
DEPENDENT_CHILD = "Dependent child or expectant parent"
THREE_NEEDS = "At least three needs"
ASSESSMENT = "Whole-family assessment authorised"
LEAD = "Single lead practitioner"
PLAN_COVERS = "Plan covers every need"
SUPPORT = "Support received"
OUTCOMES = "Positive outcome evidenced for every need"
SUSTAINED = "Sustained after closure"
CONDITIONS = (DEPENDENT_CHILD, THREE_NEEDS, ASSESSMENT, LEAD, PLAN_COVERS, SUPPORT, OUTCOMES, SUSTAINED)

#: Claim statuses that mean the episode has been claimed already (not claimable again).
CLAIMED_STATUSES = frozenset({"SUBMITTED", "APPROVED", "PAID"})
#: A dependent child is 0–15, or 16–18 in education or training or unemployed (DOMAIN §4).
DEPENDENT_MAX_AGE = 18

_WITHDRAWN = "WITHDRAWN"
_CHUNK = 2000


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    for i in range(0, len(ids), _CHUNK):
        yield list(ids[i:i + _CHUNK])


def _d(day: dt.date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else ""


def sustainment_days(uow: UnitOfWork) -> int:
    """The days after closure an outcome must be sustained (setting ``timescale.sf_sustainment_days``)."""
    return load_timescales(uow).sf_sustainment_days


def _sf_need_count(episode_id: Any) -> Any:
    return (select(func.count(Need.id)).where(Need.episode_id == episode_id, Need.sf_outcome.is_not(None),
                                              Need.status != _WITHDRAWN).scalar_subquery())


def candidate_episodes(uow: UnitOfWork, flt: ReportFilter, start: dt.date, end: dt.date) -> list[int]:
    """Per family, the latest episode of the filter with three or more live headline needs that
    was open at some time from ``start`` to ``end`` (one SQL query)."""
    ranked = (select(Episode.id.label("id"), func.row_number().over(
        partition_by=Episode.family_id, order_by=(Episode.start_date.desc(), Episode.id.desc())).label("rn"))
        .where(Episode.start_date <= end, or_(Episode.end_date.is_(None), Episode.end_date >= start),
               _sf_need_count(Episode.id) >= 3))
    ranked = apply_filter(ranked, flt, Episode.hub_id, Episode.team_id, Episode.lead_worker_id).subquery()
    return list(uow.session.scalars(select(ranked.c.id).where(ranked.c.rn == 1).order_by(ranked.c.id)))


# ---- Reading what the evidence rests on -------------------------------------------------------


@dataclass
class _Facts:
    """Everything about a set of episodes the readiness checks need, read in a few queries."""

    episodes: dict[int, Any] = field(default_factory=dict)
    closed_on: dict[int, dt.date] = field(default_factory=dict)
    needs: dict[int, list[Any]] = field(default_factory=lambda: defaultdict(list))
    need_people: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    authorised: dict[int, list[Any]] = field(default_factory=lambda: defaultdict(list))
    plans: dict[int, list[Any]] = field(default_factory=lambda: defaultdict(list))
    goals: dict[int, list[Any]] = field(default_factory=lambda: defaultdict(list))
    ratings: dict[int, list[Any]] = field(default_factory=lambda: defaultdict(list))
    scores: dict[int, list[Any]] = field(default_factory=lambda: defaultdict(list))
    members: dict[int, list[Any]] = field(default_factory=lambda: defaultdict(list))
    claims: dict[int, list[Any]] = field(default_factory=lambda: defaultdict(list))


def read_facts(s: Session, episode_ids: Sequence[int], *, all_needs: bool = False) -> _Facts:
    """Read the episodes, needs, assessments, plans, goals, review ratings, scores, members and
    claims of ``episode_ids`` (withdrawn and unmapped needs too when ``all_needs``)."""
    f = _Facts()
    lead = aliased(Worker, name="lead")
    for ids in _chunks(episode_ids):
        for row in s.execute(
            select(Episode.id, Episode.family_id, Episode.status, Episode.start_date, Episode.end_date,
                   Episode.lead_worker_id, Episode.service, Episode.level_of_need, Family.name.label("family"),
                   Hub.name.label("hub"), lead.display_name.label("lead"))
            .join(Family, Family.id == Episode.family_id).join(Hub, Hub.id == Episode.hub_id)
            .outerjoin(lead, lead.id == Episode.lead_worker_id).where(Episode.id.in_(ids))
        ):
            f.episodes[row.id] = row
        for episode_id, closed_on in s.execute(select(Closure.episode_id, Closure.closed_on)
                                               .where(Closure.episode_id.in_(ids))):
            f.closed_on[episode_id] = closed_on
        need_stmt = select(Need).where(Need.episode_id.in_(ids)).order_by(Need.identified_on, Need.id)
        if not all_needs:
            need_stmt = need_stmt.where(Need.sf_outcome.is_not(None), Need.status != _WITHDRAWN)
        for need in s.scalars(need_stmt):
            f.needs[need.episode_id].append(need)
        for need_id, person_id in s.execute(
            select(NeedPerson.need_id, NeedPerson.person_id).join(Need, Need.id == NeedPerson.need_id)
            .where(Need.episode_id.in_(ids))
        ):
            f.need_people[need_id].add(person_id)
        for row in s.execute(
            select(Assessment.episode_id, Assessment.kind, Assessment.authorised_at, Worker.display_name.label("by"))
            .outerjoin(Worker, Worker.id == Assessment.authorised_by_id)
            .where(Assessment.episode_id.in_(ids), Assessment.status == AssessmentState.AUTHORISED)
            .order_by(Assessment.authorised_at)
        ):
            f.authorised[row.episode_id].append(row)
        for row in s.execute(
            select(Plan.id, Plan.episode_id, Plan.version_no, Plan.status, Plan.agreed_on, Plan.agreed_by,
                   Plan.started_on).where(Plan.episode_id.in_(ids)).order_by(Plan.version_no)
        ):
            f.plans[row.episode_id].append(row)
        for row in s.execute(
            select(PlanGoal.id, PlanGoal.plan_id, PlanGoal.need_id, PlanGoal.sf_outcome, PlanGoal.description)
            .join(Plan, Plan.id == PlanGoal.plan_id).where(Plan.episode_id.in_(ids))
        ):
            f.goals[row.plan_id].append(row)
        for row in s.execute(
            select(Meeting.episode_id, Meeting.id.label("meeting_id"), Meeting.kind, Meeting.held_on,
                   PlanGoal.need_id, PlanGoal.sf_outcome, GoalProgress.id.label("progress_id"), GoalProgress.rating,
                   GoalProgress.scaling_score, GoalProgress.comment)
            .join(GoalProgress, GoalProgress.meeting_id == Meeting.id).join(PlanGoal, PlanGoal.id == GoalProgress.goal_id)
            .where(Meeting.episode_id.in_(ids), Meeting.status == ReviewState.HELD)
            .order_by(Meeting.held_on, Meeting.id)
        ):
            f.ratings[row.episode_id].append(row)
        for row in s.execute(
            select(OutcomeMeasurement.episode_id, OutcomeMeasurement.person_id, OutcomeMeasurement.tool,
                   OutcomeMeasurement.area, OutcomeMeasurement.score, OutcomeMeasurement.scale_min,
                   OutcomeMeasurement.scale_max, OutcomeMeasurement.measured_on, Worker.display_name.label("by"))
            .outerjoin(Worker, Worker.id == OutcomeMeasurement.completed_by_id)
            .where(OutcomeMeasurement.episode_id.in_(ids))
            .order_by(OutcomeMeasurement.measured_on, OutcomeMeasurement.id)
        ):
            f.scores[row.episode_id].append(row)
    family_ids = sorted({e.family_id for e in f.episodes.values()})
    for ids in _chunks(family_ids):
        for row in s.execute(
            select(FamilyMembership.family_id, FamilyMembership.relation, Person.id, Person.given_name,
                   Person.family_name, Person.date_of_birth, Person.dob_is_expected)
            .join(Person, Person.id == FamilyMembership.person_id)
            .where(FamilyMembership.family_id.in_(ids), FamilyMembership.end_date.is_(None))
            .order_by(Person.date_of_birth)
        ):
            f.members[row.family_id].append(row)
        for row in s.execute(select(SFClaim.episode_id, SFClaim.family_id, SFClaim.status, SFClaim.claim_period,
                                    SFClaim.audit_status, SFClaim.submitted_on)
                             .where(SFClaim.family_id.in_(ids)).order_by(SFClaim.id)):
            f.claims[row.family_id].append(row)
    return f


# ---- The evidence of one need -----------------------------------------------------------------


def _outcome_met(need: Need) -> bool:
    return need.status == "MET" and bool((need.outcome_evidence or "").strip())


def _goal_ratings(f: _Facts, episode_id: int, need: Need) -> list[Any]:
    """Review ratings of goals tied to the need (by the need itself, else by its headline outcome
    when no goal of the episode names the need)."""
    rows = f.ratings.get(episode_id, [])
    linked = [r for r in rows if r.need_id == need.id]
    if linked or any(r.need_id == need.id for plan in f.plans.get(episode_id, []) for r in f.goals.get(plan.id, [])):
        return linked
    return [r for r in rows if r.need_id is None and r.sf_outcome == need.sf_outcome]


def _score_changes(f: _Facts, episode_id: int, need: Need) -> list[tuple[Any, Any]]:
    """First and latest score of each (person, tool, area) the need is about, with two or more scores."""
    people = f.need_people.get(need.id, set())
    series: dict[tuple[Any, str, str], list[Any]] = defaultdict(list)
    for row in f.scores.get(episode_id, []):
        if (row.person_id in people) if people else row.person_id is None:
            series[(row.person_id, row.tool, row.area)].append(row)
    return [(rows[0], rows[-1]) for rows in series.values() if len(rows) >= 2]


def need_evidence(f: _Facts, episode_id: int, need: Need) -> NeedEvidence:
    """What evidences progress on one need."""
    met = _outcome_met(need)
    parts: list[str] = []
    if met:
        parts.append(f"Met (sustained from {_d(need.sustained_from)}): {need.outcome_evidence.strip()}"
                     if need.sustained_from else f"Met: {need.outcome_evidence.strip()}")
    ratings = _goal_ratings(f, episode_id, need)
    improving = bool(ratings) and ratings[-1].rating == ProgressRating.IMPROVED
    if ratings:
        last = ratings[-1]
        label = codes.label_of(codes.PROGRESS_RATING, last.rating, last.rating)
        score = f", score {last.scaling_score}/10" if last.scaling_score is not None else ""
        parts.append(f"Latest review {_d(last.held_on)}: {label.lower()}{score}")
    rising = False
    for first, latest in _score_changes(f, episode_id, need):
        if latest.score > first.score:
            rising = True
            parts.append(f"{latest.tool} – {latest.area}: {first.score} to {latest.score} "
                         f"({_d(first.measured_on)} to {_d(latest.measured_on)})")
    return NeedEvidence(
        need_id=need.id, outcome_code=need.sf_outcome or "",
        outcome_label=codes.label_of(codes.SF_OUTCOME, need.sf_outcome, need.sf_outcome) if need.sf_outcome else "",
        description=need.description, status=need.status, identified_on=need.identified_on,
        evidenced=met or improving or rising, evidence="; ".join(parts) or "No evidence recorded",
        sustained_from=need.sustained_from, outcome_met=met,
    )


# ---- The claim conditions ---------------------------------------------------------------------


def _latest_agreed_plan(f: _Facts, episode_id: int) -> Any | None:
    agreed = [p for p in f.plans.get(episode_id, []) if p.agreed_on is not None]
    return agreed[-1] if agreed else None


def _dependent(f: _Facts, family_id: int, on: dt.date) -> tuple[bool, str]:
    expected = [m for m in f.members.get(family_id, []) if m.dob_is_expected]
    if expected:
        return True, f"Expectant parent: baby due {_d(expected[0].date_of_birth)}"
    ages = [(age_on(m.date_of_birth, on), m.given_name) for m in f.members.get(family_id, [])
            if m.relation in CHILD_RELATIONS and m.date_of_birth is not None and m.date_of_birth <= on]
    dependants = sorted(a for a in ages if a[0] <= DEPENDENT_MAX_AGE)
    if not dependants:
        return False, "No child aged 18 or under and no expected baby in the family"
    youngest_age, name = dependants[0]
    note = "" if youngest_age <= 15 else " (16–18: dependent only if in education, training or unemployed)"
    return True, f"{name}, aged {youngest_age}{note}"


def conditions_for(f: _Facts, episode_id: int, evidence: Sequence[NeedEvidence], needs: Sequence[Need],
                   sustainment_date: dt.date | None, sustain_by: dt.date, ages_on: dt.date,
                   days: int) -> tuple[tuple[str, bool, str], ...]:
    """Each claim condition of DOMAIN §4 with whether it holds and why: sustainment must be reached
    by ``sustain_by`` (the end of the claim period); children's ages are taken on ``ages_on``."""
    e = f.episodes[episode_id]
    out = [(DEPENDENT_CHILD, *_dependent(f, e.family_id, ages_on))]
    outcomes = {n.sf_outcome for n in needs}
    out.append((THREE_NEEDS, len(needs) >= 3,
                f"{len(needs)} need{'s' if len(needs) != 1 else ''} across {len(outcomes)} headline outcome"
                f"{'s' if len(outcomes) != 1 else ''}"))
    authorised = f.authorised.get(episode_id, [])
    if authorised:
        a = authorised[-1]
        when = a.authorised_at.date() if a.authorised_at else None
        out.append((ASSESSMENT, True, f"Authorised {_d(when)}" + (f" by {a.by}" if a.by else "")))
    else:
        out.append((ASSESSMENT, False, "No authorised assessment in this episode"))
    out.append((LEAD, e.lead_worker_id is not None, e.lead or "No lead practitioner allocated"))
    plan = _latest_agreed_plan(f, episode_id)
    if plan is None:
        out.append((PLAN_COVERS, False, "No agreed plan"))
    else:
        goals = f.goals.get(plan.id, [])
        linked = {g.need_id for g in goals if g.need_id is not None}
        by_outcome = {g.sf_outcome for g in goals if g.need_id is None}
        missing = [n for n in needs if n.id not in linked and n.sf_outcome not in by_outcome]
        detail = (f"Plan version {plan.version_no} covers all {len(needs)} needs" if not missing else
                  f"Plan version {plan.version_no} does not cover: " + "; ".join(n.description for n in missing))
        out.append((PLAN_COVERS, not missing, detail))
    started = [p.started_on for p in f.plans.get(episode_id, []) if p.started_on is not None]
    out.append((SUPPORT, bool(started), f"Plan in place from {_d(min(started))}" if started
                else "The plan never went live"))
    met = sum(1 for ev in evidence if ev.outcome_met)
    out.append((OUTCOMES, bool(evidence) and met == len(evidence), f"{met} of {len(evidence)} needs met with evidence"))
    closed = f.closed_on.get(episode_id) or e.end_date
    if closed is None:
        out.append((SUSTAINED, False, f"Episode still open (sustained means {days} days after closure)"))
    else:
        reached = sustainment_date is not None and sustainment_date <= sustain_by
        out.append((SUSTAINED, reached, f"Closed {_d(closed)}; sustained from {_d(sustainment_date)}"))
    return tuple(out)


def _claim_status(claims: Iterable[Any], episode_id: int) -> str | None:
    mine = [c for c in claims if c.episode_id in (episode_id, None)]
    if not mine:
        return None
    c = mine[-1]
    text_ = f"{c.status.capitalize()} ({c.claim_period})"
    if c.audit_status:
        text_ += f", audit {c.audit_status.lower()}"
    return text_


def _readiness_of(f: _Facts, episode_id: int, sustain_by: dt.date, ages_on: dt.date, days: int) -> FamilyReadiness:
    e = f.episodes[episode_id]
    needs = f.needs.get(episode_id, [])
    evidence = tuple(need_evidence(f, episode_id, n) for n in needs)
    closed = f.closed_on.get(episode_id) or e.end_date
    sustainment = closed + dt.timedelta(days=days) if closed else None
    conditions = conditions_for(f, episode_id, evidence, needs, sustainment, sustain_by, ages_on, days)
    claims = f.claims.get(e.family_id, [])
    claimed = any(c.episode_id in (episode_id, None) and c.status in CLAIMED_STATUSES for c in claims)
    claimable = all(ok for _, ok, _ in conditions) and not claimed
    return FamilyReadiness(
        family_id=e.family_id, family_name=e.family, episode_id=episode_id, hub_label=e.hub,
        lead_worker=e.lead or "", needs=evidence, conditions=conditions, sustainment_date=sustainment,
        claimable_in_period=claimable, claim_status=_claim_status(claims, episode_id),
    )


# ---- Public -------------------------------------------------------------------------------------


def readiness(uow: UnitOfWork, flt: ReportFilter, *, claim_start: dt.date | None = None,
              claim_end: dt.date | None = None, today: dt.date | None = None) -> tuple[FamilyReadiness, ...]:
    """Each family's readiness for a Supporting Families claim, claimable ones first.

    Args:
        claim_start, claim_end: the claim period (default the filter's period).
        today: children's ages are taken on the earlier of today and the end of the claim period.
    """
    claim_start = claim_start or flt.period_start
    claim_end = claim_end or flt.period_end
    on = today or dt.date.today()
    with uow:
        days = sustainment_days(uow)
        start = min(flt.period_start, claim_start) - dt.timedelta(days=days)
        ids = candidate_episodes(uow, flt, start, max(flt.period_end, claim_end))
        f = read_facts(uow.session, ids)
        out = [_readiness_of(f, i, claim_end, min(on, claim_end), days) for i in ids]
    out.sort(key=lambda r: (not r.claimable_in_period, r.sustainment_date or dt.date.max, r.family_name, r.family_id))
    return tuple(out)


READINESS_COLUMNS = (
    # What a coordinator scans for first (claimable, when, any claim) comes before the conditions.
    Column("family", "Family"), Column("hub", "Hub"), Column("lead", "Lead practitioner"),
    Column("claimable", "Claimable in period", "bool"), Column("sustained_on", "Sustainment reached", "date"),
    Column("claim", "Claim"),
    Column("needs", "Needs", "int"), Column("progress", "Needs with evidenced progress", "int"),
    Column("met", "Needs met with evidence", "int"),
    *(Column(f"c{i}", label, "bool") for i, label in enumerate(CONDITIONS, 1)),
)


def readiness_table(uow: UnitOfWork, flt: ReportFilter, *, claim_start: dt.date | None = None,
                    claim_end: dt.date | None = None, today: dt.date | None = None) -> Table:
    """:func:`readiness` as a list to show and export: one row per family, a column per condition."""
    found = readiness(uow, flt, claim_start=claim_start, claim_end=claim_end, today=today)
    rows = tuple(
        (r.family_name, r.hub_label, r.lead_worker, r.claimable_in_period, r.sustainment_date,
         r.claim_status or "", len(r.needs), sum(n.evidenced for n in r.needs),
         sum(n.outcome_met for n in r.needs), *(ok for _, ok, _ in r.conditions))
        for r in found
    )
    return Table("Supporting Families readiness", READINESS_COLUMNS, rows, tuple(r.family_id for r in found),
                 "" if rows else "No family in this selection has three or more needs mapped to the "
                                  "Supporting Families headline outcomes.", flt)


EVIDENCE_COLUMNS = (
    Column("episode", "Episode started", "date"), Column("need", "Need"), Column("outcome", "Headline outcome"),
    Column("status", "Need status"), Column("kind", "Evidence"), Column("detail", "What it shows"),
    Column("on", "Date", "date"), Column("by", "Recorded by"),
)


def evidence_table(uow: UnitOfWork, family_id: int, *, today: dt.date | None = None) -> Table:
    """Everything an auditor follows for one family: for each episode with headline needs, the
    assessment, the agreed plan, each need with its evidence (identification, outcome evidence,
    review ratings, outcome scores) with dates and who recorded them, the closure and any claim.

    Raises:
        NotFound: no such family (or not one this person may see).
    """
    with uow:
        s = uow.session
        name = s.scalar(select(Family.name).where(Family.id == family_id))
        if name is None:
            raise NotFound("family", family_id)
        ids = list(s.scalars(select(Episode.id).where(
            Episode.family_id == family_id,
            Episode.id.in_(select(Need.episode_id).where(Need.sf_outcome.is_not(None))))
            .order_by(Episode.start_date.desc(), Episode.id.desc())))
        f = read_facts(s, ids, all_needs=True)
        authors = _Authors(uow, [n.id for ns in f.needs.values() for n in ns],
                           [r.progress_id for rs in f.ratings.values() for r in rs])
        rows: list[tuple[object, ...]] = []
        for episode_id in ids:
            rows += _episode_evidence(f, episode_id, authors, s)
    return Table(f"Supporting Families evidence – {name}", EVIDENCE_COLUMNS, tuple(rows),
                 tuple(family_id for _ in rows),
                 "" if rows else "This family has no needs mapped to the Supporting Families headline outcomes.")


def _episode_evidence(f: _Facts, episode_id: int, authors: _Authors, s: Session) -> list[tuple[object, ...]]:
    e = f.episodes[episode_id]
    start = e.start_date
    rows: list[tuple[object, ...]] = []
    for a in f.authorised.get(episode_id, []):
        rows.append((start, "Whole family", "", "", "Assessment authorised",
                     codes.label_of(codes.ASSESSMENT_KIND, a.kind, a.kind),
                     a.authorised_at.date() if a.authorised_at else None, a.by or ""))
    plan = _latest_agreed_plan(f, episode_id)
    if plan is not None:
        rows.append((start, "Whole family", "", "", "Plan agreed",
                     f"Version {plan.version_no}, agreed by {plan.agreed_by or 'the family'}", plan.agreed_on, ""))
    for need in f.needs.get(episode_id, []):
        outcome = codes.label_of(codes.SF_OUTCOME, need.sf_outcome, need.sf_outcome) if need.sf_outcome else ""
        status = codes.label_of(codes.NEED_STATUS, need.status, need.status)
        head = (start, need.description, outcome, status)
        source = f" (source: {need.evidence_source})" if need.evidence_source else ""
        rows.append((*head, "Need identified", (need.descriptor or need.description) + source, need.identified_on,
                     authors.inserted("need", need.id)))
        if (need.outcome_evidence or "").strip():
            rows.append((*head, "Outcome evidence", need.outcome_evidence.strip(), need.sustained_from,
                         authors.changed("need", need.id, "outcome_evidence")))
        for r in _goal_ratings(f, episode_id, need):
            label = codes.label_of(codes.PROGRESS_RATING, r.rating, r.rating)
            score = f", score {r.scaling_score}/10" if r.scaling_score is not None else ""
            comment = f": {r.comment}" if r.comment else ""
            meeting = codes.label_of(codes.MEETING_TYPE, r.kind, r.kind)
            rows.append((*head, "Review progress", f"{label}{score} at the {meeting.lower()}{comment}", r.held_on,
                         authors.inserted("goal_progress", r.progress_id)))
        for first, latest in _score_changes(f, episode_id, need):
            rows.append((*head, "Outcome score", f"{latest.tool} – {latest.area}: {first.score} on "
                         f"{_d(first.measured_on)}, {latest.score} on {_d(latest.measured_on)} "
                         f"(scale {latest.scale_min}–{latest.scale_max})", latest.measured_on, latest.by or ""))
    closed = f.closed_on.get(episode_id)
    if closed is not None:
        reason, by = s.execute(select(Closure.reason, Worker.display_name)
                               .outerjoin(Worker, Worker.id == Closure.authorised_by_id)
                               .where(Closure.episode_id == episode_id)).one()
        rows.append((start, "Whole family", "", "", "Episode closed",
                     codes.label_of(codes.EPISODE_CLOSURE_REASON, reason, reason), closed, by or ""))
    for c in f.claims.get(e.family_id, []):
        if c.episode_id == episode_id:
            audit = f", audit {c.audit_status.lower()}" if c.audit_status else ""
            rows.append((start, "Whole family", "", "", "Claim",
                         f"{c.status.capitalize()} for {c.claim_period}{audit}", c.submitted_on, ""))
    return rows


class _Authors:
    """Who recorded a row, from the audit trail (PostgreSQL triggers; the program on SQLite).

    A login that may not read the audit (on PostgreSQL only coordinators, managers and
    administrators may) sees "not shown" rather than an error.
    """

    HIDDEN = "Not shown (audit access needed)"

    def __init__(self, uow: UnitOfWork, need_ids: list[int], progress_ids: list[int]) -> None:
        s = uow.session
        self.events: dict[tuple[str, str], list[Any]] = defaultdict(list)
        self.allowed = uow.dialect != "postgresql" or bool(
            s.scalar(text("SELECT has_table_privilege('audit_event', 'SELECT')")))
        self.names: dict[str, str] = {}
        if not self.allowed:
            return
        for table, ids in (("need", need_ids), ("goal_progress", progress_ids)):
            for chunk in _chunks([str(i) for i in ids]):
                for ev in s.execute(
                    select(AuditEvent.table_name, AuditEvent.row_key, AuditEvent.action, AuditEvent.db_user,
                           AuditEvent.old_data, AuditEvent.new_data)
                    .where(AuditEvent.table_name == table, AuditEvent.row_key.in_(chunk))
                    .order_by(AuditEvent.at, AuditEvent.id)
                ):
                    self.events[(ev.table_name, ev.row_key)].append(ev)
        users = {ev.db_user for evs in self.events.values() for ev in evs}
        if users:
            self.names = dict(s.execute(select(Worker.username, Worker.display_name)
                                        .where(Worker.username.in_(users))).all())

    def _name(self, user: str) -> str:
        return self.names.get(user, user)

    def inserted(self, table: str, row_id: int) -> str:
        """Who created the row."""
        if not self.allowed:
            return self.HIDDEN
        found = [ev for ev in self.events.get((table, str(row_id)), []) if ev.action == "INSERT"]
        return self._name(found[0].db_user) if found else ""

    def changed(self, table: str, row_id: int, column: str) -> str:
        """Who last set ``column`` to a different value (its creator if it never changed)."""
        if not self.allowed:
            return self.HIDDEN
        for ev in reversed(self.events.get((table, str(row_id)), [])):
            new = (ev.new_data or {}).get(column)
            old = (ev.old_data or {}).get(column) if ev.action != "INSERT" else None
            if new and new != old:
                return self._name(ev.db_user)
        return ""


__all__ = [
    "ASSESSMENT", "CLAIMED_STATUSES", "CONDITIONS", "DEPENDENT_CHILD", "LEAD", "OUTCOMES", "PLAN_COVERS",
    "SUPPORT", "SUSTAINED", "THREE_NEEDS", "candidate_episodes", "evidence_table", "need_evidence", "read_facts",
    "readiness", "readiness_table", "sustainment_days",
]

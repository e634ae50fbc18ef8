"""The front door: log a request for support, decide it, and list the referrals inbox."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from hubapp.data.models import (
    ConsentRecord, Episode, EpisodeChild, Family, FamilyMembership, Hub, InformationShare, Person, Plan,
    RequestForSupport, RequestNeed, RequestPerson, TransferRequest, Worker,
)
from hubapp.data.uow import UnitOfWork
from hubapp.domain import codes, states
from hubapp.domain.dto import Changes, DecisionInput, NewRequest, Page, RequestDetail, RequestFilter, RequestRow
from hubapp.domain.errors import ConcurrencyConflict, NotFound
from hubapp.domain.states import RequestAction, RequestOutcome, RequestState
from hubapp.domain.validation import check_date_sequence, check_length, check_text, require

from . import families, intake_rules
from ._checks import Checks
from .reference import load_calendar, load_timescales

R = RequestState
CHILD_RELATIONS = families.CHILD_RELATIONS


def now() -> dt.datetime:
    """The current time, aware UTC (a function, so tests can patch it)."""
    return dt.datetime.now(dt.UTC)


# ---- Log ---------------------------------------------------------------------------------------


def check_request(s: Session, data: NewRequest, on: dt.datetime) -> Checks:
    """Every broken rule of a new request, by field (nothing is written)."""
    checks = Checks()
    if s.get(Hub, data.hub_id) is None:
        checks.add("hub_id", "exists", "Hub must be chosen from the list.")
    if data.received_at.tzinfo is None:
        checks.add("received_at", "timezone", "Received time must include a time zone.")
    elif data.received_at > on + dt.timedelta(minutes=5):
        checks.add("received_at", "not_future", "Received date and time cannot be in the future.")
    if not codes.is_valid(codes.REFERRAL_SOURCE, data.source):
        checks.add("source", "code", "Referral source must be chosen from the list.")
    checks.run(require, data.referrer_name, "referrer_name", "Referrer's name")
    for field_name, label in (("referrer_name", "Referrer's name"), ("referrer_organisation", "Referrer's organisation"),
                              ("referrer_role", "Referrer's role"), ("referrer_contact", "Referrer's contact details")):
        checks.run(check_length, getattr(data, field_name), field_name, label, 200)
    checks.run(check_length, data.summary, "summary", "Summary", 20000)
    if not codes.is_valid(codes.REQUEST_CHANNEL, data.channel):
        checks.add("channel", "code", "How the request arrived must be chosen from the list.")
    if not codes.is_valid(codes.URGENCY, data.urgency):
        checks.add("urgency", "code", "Urgency must be chosen from the list.")
    if data.level_of_need is not None and data.level_of_need not in (1, 2, 3, 4):
        checks.add("level_of_need", "range", "Level of need must be 1, 2, 3 or 4.")
    for need in data.presenting_needs:
        if not codes.is_valid(codes.REASON_FOR_INVOLVEMENT, need):
            checks.add("presenting_needs", "code", f"Presenting need {need!r} is not in the list.")
    if (data.family_id is None) == (data.new_family is None):
        checks.add("family", "required", "Choose an existing family or enter a new household (one of the two).")
    if data.family_id is not None:
        if s.get(Family, data.family_id) is None:
            checks.add("family", "exists", f"Family {data.family_id} does not exist.")
        else:
            members = families.family_people(s, data.family_id)
            outside = [p for p in data.subject_person_ids if p not in members]
            if outside:
                checks.add("subject_person_ids", "member", "Every child the request is about must be in the chosen family.")
    if data.new_family is not None:
        families.check_new_family(s, checks, data.new_family, on.date(), prefix="new_family.")
    intake_rules.check_request_extras(s, checks, data, families.today())
    return checks


def log_request(uow: UnitOfWork, data: NewRequest) -> RequestDetail:
    """Log a request for support (and, if asked, the new household) in one transaction.

    The existing-involvement check (open episode, pending transfer, recent closures) is stored
    with the request as it stood when the request was logged.

    Raises:
        ValidationError: every broken rule, by field; nothing is written.
    """
    with uow:
        s = uow.session
        at = now()
        checks = check_request(s, data, at)
        checks.raise_if_any()
        if data.new_family is not None:
            family = families.add_family(s, data.new_family, uow.actor_id, at.date())
            family_id = family.id
            subjects = _children_of(s, family_id)
        else:
            assert data.family_id is not None
            family_id = data.family_id
            subjects = list(data.subject_person_ids) or _children_of(s, family_id)
        source_cin = codes.maps_to(codes.REFERRAL_SOURCE, data.source)
        request = RequestForSupport(
            family_id=family_id, hub_id=data.hub_id,
            status=R.SUBMITTED if data.submit else R.DRAFT,
            received_at=data.received_at, channel=data.channel,
            referrer_name=data.referrer_name.strip(),
            referrer_organisation=data.referrer_organisation.strip() or None,
            referrer_role=data.referrer_role.strip() or None,
            referrer_contact=data.referrer_contact.strip() or None,
            source=data.source, cin_source=source_cin, urgency=data.urgency,
            level_of_need=data.level_of_need, summary=data.summary.strip() or None,
            involvement_check=involvement(s, family_id, at.date()),
            created_by_id=uow.actor_id,
        )
        s.add(request)
        s.flush()
        for person_id in dict.fromkeys(subjects):
            s.add(RequestPerson(request_id=request.id, person_id=person_id, role="child"))
        for need in dict.fromkeys(data.presenting_needs):
            s.add(RequestNeed(request_id=request.id, need_code=need))
        if data.consent is not None:
            c = data.consent
            s.add(ConsentRecord(
                family_id=family_id, request_id=request.id, giver_name=c.giver_name.strip(),
                giver_relationship=c.giver_relationship, capacity=c.capacity, agreed=c.agreed,
                scope_engagement=c.scope_engagement, scope_sharing=c.scope_sharing,
                scope_national_evaluation=c.scope_national_evaluation, method=c.method,
                given_on=c.given_on, restrictions=c.restrictions.strip() or None,
                capacity_note=c.capacity_note.strip() or None, scope_agencies=c.scope_agencies.strip() or None,
                recorded_by_id=uow.actor_id,
            ))
        if data.share is not None:
            sh = data.share
            s.add(InformationShare(
                family_id=family_id, request_id=request.id, what=sh.what.strip(), with_whom=sh.with_whom.strip(),
                purpose=sh.purpose.strip(), lawful_basis=sh.lawful_basis, with_agreement=sh.with_agreement,
                without_agreement_reason=None if sh.with_agreement else sh.without_agreement_reason,
                without_agreement_note=sh.without_agreement_note.strip() or None,
                decided_by_id=uow.actor_id,
            ))
        s.flush()
        detail = _detail(s, request.id, Changes(families=data.new_family is not None, requests=True))
        uow.commit()
        return detail


def _children_of(s: Session, family_id: int) -> list[int]:
    return list(s.scalars(
        select(FamilyMembership.person_id).where(
            FamilyMembership.family_id == family_id, FamilyMembership.end_date.is_(None),
            FamilyMembership.relation.in_(tuple(CHILD_RELATIONS)),
        )
    ))


def involvement(s: Session, family_id: int, on: dt.date) -> dict[str, object]:
    """What the hub already knows of a family: open episode, pending transfer, recent closures."""
    open_episode = s.scalar(select(Episode.id).where(
        Episode.family_id == family_id, Episode.status.in_(tuple(states.EPISODE_OPEN_STATES))
    ).limit(1))
    active_plan = s.scalar(select(Plan.id).join(Episode, Episode.id == Plan.episode_id).where(
        Episode.family_id == family_id, Plan.status.in_((states.PlanState.AGREED, states.PlanState.ACTIVE))
    ).limit(1))
    pending = s.scalar(select(TransferRequest.id).where(
        TransferRequest.family_id == family_id, TransferRequest.status.not_in(families._TRANSFER_DONE)
    ).limit(1))
    year_ago = on - dt.timedelta(days=365)
    closures = list(s.scalars(select(Episode.end_date).where(
        Episode.family_id == family_id, Episode.end_date.is_not(None), Episode.end_date >= year_ago
    )))
    previous = s.scalar(select(func.max(RequestForSupport.received_at)).where(RequestForSupport.family_id == family_id))
    return {
        "open_episode_id": open_episode,
        "active_plan_id": active_plan,
        "pending_transfer_id": pending,
        "closures_last_12_months": [d.isoformat() for d in closures if d],
        "re_referral": previous is not None and previous.date() >= year_ago,
    }


# ---- Decide ------------------------------------------------------------------------------------


def _has_agreement(s: Session, request: RequestForSupport) -> bool:
    return s.scalar(select(ConsentRecord.id).where(
        ConsentRecord.family_id == request.family_id,
        ConsentRecord.agreed.is_(True), ConsentRecord.withdrawn_on.is_(None),
        ConsentRecord.scope_engagement.is_(True),
        or_(ConsentRecord.request_id == request.id, ConsentRecord.episode_id.is_not(None)),
    ).limit(1)) is not None


def decide_request(uow: UnitOfWork, data: DecisionInput) -> RequestDetail:
    """Record the front-door decision on a request.

    ``ACCEPT_EH`` needs recorded agreement to early help and opens an episode awaiting allocation
    at the chosen hub; ``PASS_TO_CSC`` needs the social care reference; ``EXISTING_PLAN`` links
    the plan. Each decision records who decided, when and why.

    Raises:
        ConcurrencyConflict: the request changed since the person opened it.
        IllegalTransition: the request is not waiting for a decision.
        ValidationError: a missing rationale, reference, agreement, or dates out of order.
    """
    with uow:
        s = uow.session
        request = s.get(RequestForSupport, data.request_id, with_for_update=uow.dialect == "postgresql")
        if request is None:
            raise NotFound("request for support", data.request_id)
        if request.version != data.expected_version:
            raise ConcurrencyConflict("request for support", data.request_id)
        state = request.status
        if state == R.SUBMITTED:
            state = states.REQUEST.apply(state, RequestAction.START_SCREENING)
        action = RequestAction.WITHDRAW if data.outcome == RequestOutcome.WITHDRAWN else RequestAction.DECIDE
        new_state = states.REQUEST.apply(state, action)

        decided_at = data.decided_at or now()
        checks = Checks()
        if data.outcome not in set(RequestOutcome):
            checks.add("outcome", "code", "Decision must be one of the listed outcomes.")
        checks.run(require, data.rationale, "rationale", "Rationale for the decision")
        if intake_rules.check_decision_extras(checks, data, now()):
            checks.extend(check_date_sequence([
                ("received_at", "Request received", request.received_at),
                ("decided_at", "Decision date", decided_at),
            ]))
        hub_id = data.hub_id or request.hub_id
        # Checked whatever the outcome: the decision records its hub (a foreign key).
        if s.get(Hub, hub_id) is None:
            checks.add("hub_id", "exists", "Hub for the episode must be chosen from the list.")
        if data.outcome == RequestOutcome.ACCEPT_EH and not _has_agreement(s, request):
            checks.add("outcome", "consent_required",
                       "Accepting onto early help needs recorded agreement to early help from the family. "
                       "Record consent first, or choose 'Returned: no consent'.")
        if data.outcome == RequestOutcome.PASS_TO_CSC and not data.csc_reference.strip():
            checks.add("csc_reference", "required", "Passing to social care needs the social care reference.")
        if data.outcome == RequestOutcome.EXISTING_PLAN:
            plan = s.get(Plan, data.linked_plan_id) if data.linked_plan_id is not None else None
            if plan is None:
                checks.add("linked_plan_id", "required", "Choose the existing plan this request joins.")
            elif s.scalar(select(Episode.family_id).where(Episode.id == plan.episode_id)) != request.family_id:
                checks.add("linked_plan_id", "family", "The existing plan must be one of this family's plans.")
        if data.feedback_method and not codes.is_valid(codes.REQUEST_CHANNEL, data.feedback_method):
            checks.add("feedback_method", "code", "How the referrer was told must be chosen from the list.")
        checks.raise_if_any()

        request.status = new_state
        request.outcome = data.outcome
        request.decided_at = decided_at
        request.decided_by_id = uow.actor_id
        request.decision_rationale = data.rationale.strip()
        request.decision_hub_id = hub_id
        request.csc_reference = data.csc_reference.strip() or None
        request.linked_plan_id = data.linked_plan_id if data.outcome == RequestOutcome.EXISTING_PLAN else None
        if data.feedback_method:
            request.feedback_at = decided_at
            request.feedback_method = data.feedback_method
            request.feedback_note = data.feedback_note.strip() or None
        changes = Changes(requests=True)
        if data.outcome == RequestOutcome.ACCEPT_EH:
            episode = Episode(
                family_id=request.family_id, hub_id=hub_id, status=states.EpisodeState.AWAITING_ALLOCATION,
                level_of_need=request.level_of_need, start_date=decided_at.date(), accepted_at=decided_at,
            )
            s.add(episode)
            s.flush()
            for person_id in families.request_people(s, request.id):
                s.add(EpisodeChild(episode_id=episode.id, person_id=person_id))
            request.episode_id = episode.id
            s.execute(
                ConsentRecord.__table__.update()
                .where(ConsentRecord.request_id == request.id, ConsentRecord.episode_id.is_(None))
                .values(episode_id=episode.id)
            )
            changes = Changes(requests=True, episodes=True, families=True)
        s.flush()
        detail = _detail(s, request.id, changes)
        uow.commit()
        return detail


# ---- Read --------------------------------------------------------------------------------------


def get_request(uow: UnitOfWork, request_id: int) -> RequestDetail:
    """One request with its decision."""
    with uow:
        return _detail(uow.session, request_id, Changes())


def _detail(s: Session, request_id: int, changes: Changes) -> RequestDetail:
    row = s.execute(
        select(RequestForSupport, Worker.display_name)
        .outerjoin(Worker, Worker.id == RequestForSupport.decided_by_id)
        .where(RequestForSupport.id == request_id)
    ).first()
    if row is None:
        raise NotFound("request for support", request_id)
    r, decided_by = row
    needs = tuple(sorted(s.scalars(select(RequestNeed.need_code).where(RequestNeed.request_id == r.id))))
    consent = s.scalars(
        select(ConsentRecord.agreed).where(ConsentRecord.request_id == r.id).order_by(ConsentRecord.id.desc())
    ).first()
    return RequestDetail(
        id=r.id, version=r.version, family_id=r.family_id, hub_id=r.hub_id, status=r.status,
        received_at=r.received_at, source=r.source, cin_source=r.cin_source, referrer_name=r.referrer_name,
        level_of_need=r.level_of_need, presenting_needs=needs, summary=r.summary,
        subject_person_ids=tuple(families.request_people(s, r.id)), outcome=r.outcome,
        decided_at=r.decided_at, decided_by=decided_by, decision_rationale=r.decision_rationale,
        csc_reference=r.csc_reference, episode_id=r.episode_id, consent_agreed=consent, changes=changes,
    )


_ORDER = {
    "received_at": RequestForSupport.received_at,
    "status": RequestForSupport.status,
    "level_of_need": RequestForSupport.level_of_need,
    "family_name": Family.name,
    "source": RequestForSupport.source,
    "id": RequestForSupport.id,
}


def rag(age_wd: int, sla_wd: int, decided: bool) -> str:
    """Red/amber/green against the front-door timescale.

    Undecided: green before the last working day of the timescale, amber on it, red after.
    Decided: green if decided within the timescale, else red.
    """
    if decided:
        return "green" if age_wd <= sla_wd else "red"
    if age_wd < sla_wd:
        return "green"
    return "amber" if age_wd == sla_wd else "red"


#: The oldest age the inbox filters on, in working days (about 40 years).
MAX_AGE_WD = 9999


def list_requests(uow: UnitOfWork, f: RequestFilter) -> Page[RequestRow]:
    """A page of the referrals inbox: filtered and sorted in SQL, with age and RAG per row.

    Age is in working days from receipt to the decision (or to today while undecided).

    Raises:
        ValidationError: an age bound outside 0 to ``MAX_AGE_WD``, or filter text holding a character
            no database can take (NUL, a control character).
    """
    checks = Checks()
    for name in ("min_age_wd", "max_age_wd"):
        bound = getattr(f, name)
        if bound is not None and not 0 <= bound <= MAX_AGE_WD:
            checks.add(name, "range", f"Age must be from 0 to {MAX_AGE_WD} working days, not {bound}.")
    checks.run(check_text, f.text, "text", "Family name filter")
    checks.raise_if_any()
    with uow:
        s = uow.session
        cal = load_calendar(uow)
        sla = load_timescales(uow).front_door_wd
        today = now().date()
        stmt = (
            select(RequestForSupport, Family.name, Hub.name)
            .join(Family, Family.id == RequestForSupport.family_id)
            .join(Hub, Hub.id == RequestForSupport.hub_id)
        )
        conditions = []
        if f.hub_ids:
            conditions.append(RequestForSupport.hub_id.in_(f.hub_ids))
        if f.statuses:
            conditions.append(RequestForSupport.status.in_(f.statuses))
        if f.sources:
            conditions.append(RequestForSupport.source.in_(f.sources))
        if f.levels:
            conditions.append(RequestForSupport.level_of_need.in_(f.levels))
        if f.text.strip():
            conditions.append(Family.name.icontains(f.text.strip(), autoescape=True))
        # Age bounds become bounds on the received date (age counted to today for undecided rows).
        if f.min_age_wd is not None:
            latest = cal.add_working_days(today, -f.min_age_wd)
            conditions.append(RequestForSupport.received_at < _day_after(latest))
        if f.max_age_wd is not None:
            earliest = cal.add_working_days(today, -f.max_age_wd)
            conditions.append(RequestForSupport.received_at >= _midnight(earliest))
        if conditions:
            stmt = stmt.where(*conditions)
        total = s.scalar(select(func.count()).select_from(stmt.with_only_columns(RequestForSupport.id).subquery()))
        column = _ORDER.get(f.order_by, RequestForSupport.received_at)
        stmt = stmt.order_by(column.desc() if f.descending else column.asc(), RequestForSupport.id.desc())
        stmt = stmt.offset(f.offset).limit(f.limit)
        rows = s.execute(stmt).all()
        children = _children_names(s, [r.id for r, _, _ in rows])
        source_labels = {c.code: c.label for c in codes.CODE_LISTS[codes.REFERRAL_SOURCE]}
        out = []
        for r, family_name, hub_name in rows:
            end = r.decided_at.date() if r.decided_at else today
            age = max(0, cal.working_days_between(r.received_at.date(), end))
            out.append(RequestRow(
                id=r.id, received_at=r.received_at, family_id=r.family_id, family_name=family_name,
                children=children.get(r.id, ""), source=r.source,
                source_label=source_labels.get(r.source, r.source),
                referrer=", ".join(x for x in (r.referrer_name, r.referrer_organisation) if x),
                level_of_need=r.level_of_need, status=r.status, outcome=r.outcome, hub_name=hub_name,
                age_wd=age, rag=rag(age, sla, r.decided_at is not None), version=r.version,
            ))
        return Page(tuple(out), total or 0, f.offset)


def count_undecided(uow: UnitOfWork, hub_ids: tuple[int, ...] = ()) -> int:
    """How many requests wait for a decision (the navigation badge)."""
    with uow:
        stmt = select(func.count(RequestForSupport.id)).where(
            RequestForSupport.status.in_(tuple(states.REQUEST_UNDECIDED_STATES))
        )
        if hub_ids:
            stmt = stmt.where(RequestForSupport.hub_id.in_(hub_ids))
        return uow.session.scalar(stmt) or 0


def _children_names(s: Session, request_ids: list[int]) -> dict[int, str]:
    if not request_ids:
        return {}
    names: dict[int, list[str]] = {}
    for request_id, given, family_name in s.execute(
        select(RequestPerson.request_id, Person.given_name, Person.family_name)
        .join(Person, Person.id == RequestPerson.person_id)
        .where(RequestPerson.request_id.in_(request_ids))
        .order_by(Person.date_of_birth)
    ):
        names.setdefault(request_id, []).append(f"{given} {family_name}")
    return {k: ", ".join(v) for k, v in names.items()}


def _midnight(d: dt.date) -> dt.datetime:
    return dt.datetime.combine(d, dt.time(0), tzinfo=dt.UTC)


def _day_after(d: dt.date) -> dt.datetime:
    return _midnight(d + dt.timedelta(days=1))


__all__ = [
    "count_undecided", "decide_request", "get_request", "involvement", "list_requests", "log_request", "rag",
]

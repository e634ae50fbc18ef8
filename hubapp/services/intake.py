"""The front door's reads: check a request without saving it, and everything about one request.

``validate_request`` runs every rule of :func:`hubapp.services.referrals.log_request` and writes
nothing, so a form that could not even build a whole request (a date that does not parse) can
still show every other problem at once. ``get_request_view`` is the request page and the
decision dialog: the request, its people, consent, shares, the involvement found when it was
logged, the decision, and the family's current plans (for an "existing plan" decision).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from hubapp.data.models import (
    ConsentRecord, Episode, Family, Hub, InformationShare, Person, Plan, RequestForSupport, RequestNeed,
    RequestPerson, Worker,
)
from hubapp.data.uow import UnitOfWork
from hubapp.domain import states
from hubapp.domain.dto import NewFamily, NewRequest
from hubapp.domain.errors import FieldError, NotFound
from hubapp.domain.front_door import ConsentView, Involvement, PlanChoice, RequestView, ShareView, SubjectView

from . import families
from ._checks import Checks
from .referrals import check_request, now


def validate_request(uow: UnitOfWork, data: NewRequest) -> tuple[FieldError, ...]:
    """Every broken rule of a request as :func:`log_request` would find them; nothing is written."""
    with uow:
        return tuple(check_request(uow.session, data, now()).errors)


def validate_family(uow: UnitOfWork, data: NewFamily) -> tuple[FieldError, ...]:
    """Every broken rule of a new household as :func:`create_family` would find them; nothing is written."""
    with uow:
        checks = Checks()
        families.check_new_family(uow.session, checks, data, families.today())
        return tuple(checks.errors)


def get_request_view(uow: UnitOfWork, request_id: int) -> RequestView:
    """One request with everything the request page and the decision dialog show.

    Raises:
        NotFound: no such request.
    """
    with uow:
        return read_request_view(uow.session, request_id)


def _involvement_from_json(raw: object) -> Involvement:
    """The involvement stored with a request when it was logged (a JSON document)."""
    if not isinstance(raw, dict):
        return Involvement()
    closures = []
    for value in raw.get("closures_last_12_months") or ():
        try:
            closures.append(dt.date.fromisoformat(str(value)))
        except ValueError:
            continue
    return Involvement(
        open_episode_id=raw.get("open_episode_id"), active_plan_id=raw.get("active_plan_id"),
        pending_transfer_id=raw.get("pending_transfer_id"), closures_last_12_months=tuple(closures),
        re_referral=bool(raw.get("re_referral")),
    )


def read_request_view(s: Session, request_id: int) -> RequestView:
    """``get_request_view`` inside an open session."""
    decider, creator, decision_hub = aliased(Worker), aliased(Worker), aliased(Hub)
    row = s.execute(
        select(RequestForSupport, Family.name, Hub.name, decider.display_name, creator.display_name,
               decision_hub.name)
        .join(Family, Family.id == RequestForSupport.family_id)
        .join(Hub, Hub.id == RequestForSupport.hub_id)
        .outerjoin(decider, decider.id == RequestForSupport.decided_by_id)
        .outerjoin(creator, creator.id == RequestForSupport.created_by_id)
        .outerjoin(decision_hub, decision_hub.id == RequestForSupport.decision_hub_id)
        .where(RequestForSupport.id == request_id)
    ).first()
    if row is None:
        raise NotFound("request for support", request_id)
    r, family_name, hub_name, decided_by, created_by, decision_hub_name = row
    needs = tuple(sorted(s.scalars(select(RequestNeed.need_code).where(RequestNeed.request_id == r.id))))
    subjects = tuple(
        SubjectView(p.id, f"{p.given_name} {p.family_name}", p.date_of_birth, p.dob_is_expected)
        for p in s.scalars(
            select(Person).join(RequestPerson, RequestPerson.person_id == Person.id)
            .where(RequestPerson.request_id == r.id).order_by(Person.date_of_birth)
        )
    )
    recorder = aliased(Worker)
    consents = tuple(
        ConsentView(
            giver_name=c.giver_name, giver_relationship=c.giver_relationship or "", capacity=c.capacity,
            capacity_note=c.capacity_note or "", agreed=c.agreed, method=c.method, given_on=c.given_on,
            scope_engagement=c.scope_engagement, scope_sharing=c.scope_sharing,
            scope_agencies=c.scope_agencies or "", scope_national_evaluation=c.scope_national_evaluation,
            restrictions=c.restrictions or "", withdrawn_on=c.withdrawn_on, recorded_by=who,
        )
        for c, who in s.execute(
            select(ConsentRecord, recorder.display_name)
            .outerjoin(recorder, recorder.id == ConsentRecord.recorded_by_id)
            .where(ConsentRecord.request_id == r.id).order_by(ConsentRecord.id)
        )
    )
    sharer = aliased(Worker)
    shares = tuple(
        ShareView(
            what=sh.what, with_whom=sh.with_whom, purpose=sh.purpose, lawful_basis=sh.lawful_basis,
            with_agreement=sh.with_agreement, without_agreement_reason=sh.without_agreement_reason,
            without_agreement_note=sh.without_agreement_note or "", decided_by=who, shared_at=sh.shared_at,
        )
        for sh, who in s.execute(
            select(InformationShare, sharer.display_name)
            .outerjoin(sharer, sharer.id == InformationShare.decided_by_id)
            .where(InformationShare.request_id == r.id).order_by(InformationShare.id)
        )
    )
    plans = tuple(
        PlanChoice(p.id, p.episode_id, p.version_no, p.status)
        for p in s.scalars(
            select(Plan).join(Episode, Episode.id == Plan.episode_id)
            .where(Episode.family_id == r.family_id, Plan.status.in_(tuple(states.PLAN_CURRENT_STATES)))
            .order_by(Plan.id.desc())
        )
    )
    return RequestView(
        id=r.id, version=r.version, status=r.status, family_id=r.family_id, family_name=family_name,
        hub_id=r.hub_id, hub_name=hub_name, received_at=r.received_at, channel=r.channel, urgency=r.urgency,
        source=r.source, cin_source=r.cin_source, referrer_name=r.referrer_name,
        referrer_organisation=r.referrer_organisation, referrer_role=r.referrer_role,
        referrer_contact=r.referrer_contact, level_of_need=r.level_of_need, presenting_needs=needs,
        summary=r.summary, subjects=subjects, consents=consents, shares=shares,
        involvement_at_logging=_involvement_from_json(r.involvement_check), outcome=r.outcome,
        decided_at=r.decided_at, decided_by=decided_by, decision_rationale=r.decision_rationale,
        decision_hub_id=r.decision_hub_id, decision_hub_name=decision_hub_name, csc_reference=r.csc_reference,
        linked_plan_id=r.linked_plan_id, episode_id=r.episode_id, feedback_at=r.feedback_at,
        feedback_method=r.feedback_method, feedback_note=r.feedback_note, created_by=created_by, plans=plans,
    )


__all__ = ["get_request_view", "read_request_view", "validate_family", "validate_request"]

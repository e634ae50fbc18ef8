"""Consent in two parts, the front door's other rules, checking without saving, and the request view."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import func, select

from hubapp.data.models import Episode, Family, Plan, RequestForSupport
from hubapp.data.uow import UnitOfWork
from hubapp.domain.dto import ConsentInput, DecisionInput, ShareInput
from hubapp.domain.errors import ValidationError
from hubapp.services import families, intake, referrals

from ._world import World, child, consent, household, parent, request

SHARE = ShareInput(what="Attendance record", with_whom="Oak Primary", purpose="Plan support",
                   lawful_basis="ART6_1E_PUBLIC_TASK", with_agreement=True)


def rules(world: World, **kw: object) -> dict[str, str]:
    """field -> rule of every error ``validate_request`` finds (and nothing may be written)."""
    kw.setdefault("new_family", household(world.north))
    errors = intake.validate_request(world.uow(), request(world.north, **kw))
    with UnitOfWork(world.db) as uow:
        assert uow.session.scalar(select(func.count()).select_from(RequestForSupport)) == 0
    return {e.field: e.rule for e in errors}


def test_validate_request_finds_everything_and_writes_nothing(world: World) -> None:
    found = rules(world, referrer_name="", source="nope",
                  new_family=household(world.north, parent(nhs_number="9434765918"), postcode="ZZ"))
    assert found == {"referrer_name": "required", "source": "code",
                     "new_family.members[0].nhs_number": "nhs_checksum",
                     "new_family.address.postcode": "postcode_format"}
    assert rules(world) == {}
    with UnitOfWork(world.db) as uow:
        assert uow.session.scalar(select(func.count()).select_from(Family)) == 0


def test_agreement_rules_relationship_capacity_and_note(world: World) -> None:
    child_as_parent = dataclasses.replace(consent(), giver_relationship="SELF")
    assert rules(world, consent=child_as_parent)["consent.capacity"] == "capacity_relationship"
    adult_as_gillick = dataclasses.replace(consent(), capacity="GILLICK_COMPETENT")
    found = rules(world, consent=adult_as_gillick)
    assert found["consent.capacity"] == "capacity_relationship"
    assert found["consent.capacity_note"] == "required"
    young_person = ConsentInput(giver_name="Ella Smith", giver_relationship="SELF", capacity="GILLICK_COMPETENT",
                                agreed=True, method="VERBAL", given_on=dt.date.today(),
                                capacity_note="Understands what early help involves and chose it.")
    assert rules(world, consent=young_person) == {}
    future = dataclasses.replace(consent(), given_on=dt.date.today() + dt.timedelta(days=3))
    assert rules(world, consent=future) == {"consent.given_on": "not_future"}
    nothing = dataclasses.replace(consent(), scope_engagement=False, scope_sharing=False)
    assert rules(world, consent=nothing) == {"consent.scope_engagement": "scope"}
    refusal_sharing = dataclasses.replace(consent(agreed=False), scope_sharing=True)
    assert rules(world, consent=refusal_sharing) == {"consent.scope_sharing": "refused_scope"}


def test_sharing_is_recorded_separately_and_needs_agreement_or_a_reason(world: World) -> None:
    assert rules(world, share=SHARE)["share.with_agreement"] == "agreement_missing"
    assert rules(world, share=SHARE, consent=consent(sharing=False))["share.with_agreement"] == "agreement_missing"
    assert rules(world, share=SHARE, consent=consent(sharing=True)) == {}
    without = dataclasses.replace(SHARE, with_agreement=False)
    assert rules(world, share=without) == {"share.without_agreement_reason": "required"}
    reasoned = dataclasses.replace(without, without_agreement_reason="RISK_OF_SIGNIFICANT_HARM")
    assert rules(world, share=reasoned) == {}


def test_an_earlier_agreement_to_share_covers_a_new_request_for_the_family(world: World) -> None:
    first = referrals.log_request(world.uow(), request(world.north, new_family=household(world.north),
                                                       consent=consent(sharing=True)))
    errors = intake.validate_request(world.uow(), request(world.north, family_id=first.family_id, share=SHARE))
    assert errors == ()


def test_children_must_be_under_18_on_the_request_date(world: World) -> None:
    found = rules(world, new_family=household(world.north, parent(), child(dob=dt.date(2001, 1, 1))))
    assert found == {"new_family.members[1].date_of_birth": "age_limit"}


def test_text_that_cannot_be_stored_is_refused_by_name(world: World) -> None:
    fam = household(world.north)
    fam = dataclasses.replace(fam, address=dataclasses.replace(fam.address, line1="x" * 201))
    found = rules(world, new_family=fam, referrer_name="Mr\x00Patel",
                  received_at=dt.datetime(1850, 1, 1, tzinfo=dt.UTC))
    assert found == {"new_family.address.line1": "max_length", "referrer_name": "invalid_character",
                     "received_at": "too_early"}


def test_decision_texts_and_times(world: World) -> None:
    logged = referrals.log_request(world.uow(), request(world.north, new_family=household(world.north)))
    with pytest.raises(ValidationError) as caught:
        referrals.decide_request(world.uow(), DecisionInput(
            request_id=logged.id, expected_version=logged.version, outcome="PASS_TO_CSC", rationale="Harm",
            csc_reference="C" * 61, decided_at=dt.datetime(2026, 1, 1, 9, 0)))
    assert {e.field: e.rule for e in caught.value.errors} == {"csc_reference": "max_length",
                                                             "decided_at": "timezone"}


def test_existing_plan_must_be_the_familys(world: World) -> None:
    ours = referrals.log_request(world.uow(), request(world.north, new_family=household(world.north)))
    other = families.create_family(world.uow(), household(world.north))
    with UnitOfWork(world.db) as uow:
        ep = Episode(family_id=other.id, hub_id=world.north, status="PLAN_ACTIVE", start_date=dt.date.today(),
                     accepted_at=dt.datetime.now(dt.UTC))
        uow.session.add(ep)
        uow.session.flush()
        plan = Plan(episode_id=ep.id, status="ACTIVE")
        uow.session.add(plan)
        uow.commit()
        plan_id = plan.id
    with pytest.raises(ValidationError) as caught:
        referrals.decide_request(world.uow(), DecisionInput(
            request_id=ours.id, expected_version=ours.version, outcome="EXISTING_PLAN", rationale="Known",
            linked_plan_id=plan_id))
    assert caught.value.errors[0].rule == "family"


def test_request_view_holds_everything(world: World) -> None:
    share = dataclasses.replace(SHARE, with_agreement=False, without_agreement_reason="UNDUE_DELAY")
    given = dataclasses.replace(consent(), scope_agencies="School; GP", capacity_note="Mother, lives with Ella")
    logged = referrals.log_request(world.uow(), request(world.north, new_family=household(world.north),
                                                       consent=given, share=share, referrer_role="DSL"))
    view = intake.get_request_view(world.uow(), logged.id)
    assert view.family_name == "Smith family" and view.hub_name == "North Hub"
    assert view.referrer_role == "DSL" and view.presenting_needs == ("MENTAL_HEALTH",)
    assert [s.name for s in view.subjects] == ["Ella Smith"]
    assert view.has_agreement and view.consents[0].scope_agencies == "School; GP"
    assert view.consents[0].capacity_note == "Mother, lives with Ella"
    assert view.consents[0].recorded_by == "Amira Khan" and view.created_by == "Amira Khan"
    assert view.shares[0].without_agreement_reason == "UNDUE_DELAY"
    assert view.outcome is None and view.plans == ()
    decided = referrals.decide_request(world.uow(), DecisionInput(
        request_id=logged.id, expected_version=logged.version, outcome="ACCEPT_EH", rationale="Agreed",
        hub_id=world.south, feedback_method="PHONE", feedback_note="Told Mr Patel"))
    view = intake.get_request_view(world.uow(), logged.id)
    assert view.status == "DECIDED" and view.decided_by == "Amira Khan" and view.decision_hub_name == "South Hub"
    assert view.episode_id == decided.episode_id and view.feedback_method == "PHONE"
    assert view.feedback_note == "Told Mr Patel" and view.feedback_at == view.decided_at


def test_validate_family_checks_without_creating(world: World) -> None:
    bad = household(world.north, parent(nhs_number="123"), postcode="nope")
    found = {e.field: e.rule for e in intake.validate_family(world.uow(), bad)}
    assert found == {"members[0].nhs_number": "nhs_format", "address.postcode": "postcode_format"}
    assert intake.validate_family(world.uow(), household(world.north)) == ()
    with UnitOfWork(world.db) as uow:
        assert uow.session.scalar(select(func.count()).select_from(Family)) == 0

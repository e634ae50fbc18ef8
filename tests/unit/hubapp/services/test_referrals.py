"""Logging and deciding requests for support, and the referrals inbox."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from hubapp.data.models import ConsentRecord, Episode, EpisodeChild, Family, InformationShare, RequestForSupport
from hubapp.data.uow import UnitOfWork
from hubapp.domain.dto import DecisionInput, RequestFilter, ShareInput
from hubapp.domain.errors import ConcurrencyConflict, IllegalTransition, ValidationError
from hubapp.services import families, referrals

from ._world import World, consent, household, request


def count(world: World, model: type) -> int:
    with UnitOfWork(world.db) as uow:
        return uow.session.scalar(select(func.count()).select_from(model)) or 0


def test_log_request_with_new_household_consent_and_share(world: World) -> None:
    share = ShareInput(what="Attendance record", with_whom="Oak Primary", purpose="Plan support",
                       lawful_basis="ART6_1E_PUBLIC_TASK", with_agreement=True)
    detail = referrals.log_request(world.uow(), request(
        world.north, new_family=household(world.north), consent=consent(), share=share))
    assert detail.status == "SUBMITTED"
    assert detail.cin_source == "2A"
    assert detail.presenting_needs == ("MENTAL_HEALTH",)
    assert len(detail.subject_person_ids) == 1  # the child, not the mother
    assert detail.consent_agreed is True
    assert detail.changes.families and detail.changes.requests
    assert count(world, ConsentRecord) == 1 and count(world, InformationShare) == 1


def test_bad_request_names_fields_and_writes_nothing(world: World) -> None:
    bad = request(world.north, source="NOT_A_SOURCE", referrer_name="", level_of_need=7,
                  received_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=2),
                  new_family=household(world.north, postcode="ZZZ"),
                  share=ShareInput(what="x", with_whom="y", purpose="z", lawful_basis="ART6_1E_PUBLIC_TASK",
                                   with_agreement=False))
    with pytest.raises(ValidationError) as caught:
        referrals.log_request(world.uow(), bad)
    fields = {e.field: e.rule for e in caught.value.errors}
    assert fields["source"] == "code"
    assert fields["referrer_name"] == "required"
    assert fields["level_of_need"] == "range"
    assert fields["received_at"] == "not_future"
    assert "new_family.address.postcode" in fields
    assert fields["share.without_agreement_reason"] == "required"
    assert count(world, RequestForSupport) == 0 and count(world, Family) == 0


def test_family_and_new_family_are_exclusive(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        referrals.log_request(world.uow(), request(world.north))
    assert caught.value.errors[0].field == "family"


def test_accept_needs_agreement(world: World) -> None:
    logged = referrals.log_request(world.uow(), request(world.north, new_family=household(world.north)))
    with pytest.raises(ValidationError) as caught:
        referrals.decide_request(world.uow(), DecisionInput(
            request_id=logged.id, expected_version=logged.version, outcome="ACCEPT_EH", rationale="Needs support"))
    assert caught.value.errors[0].rule == "consent_required"
    assert count(world, Episode) == 0


def test_accept_opens_episode_awaiting_allocation_at_chosen_hub(world: World) -> None:
    logged = referrals.log_request(world.uow(), request(world.north, new_family=household(world.north),
                                                        consent=consent()))
    decided = referrals.decide_request(world.uow(), DecisionInput(
        request_id=logged.id, expected_version=logged.version, outcome="ACCEPT_EH",
        rationale="Level 2 needs; family agrees", hub_id=world.south, feedback_method="EMAIL"))
    assert decided.status == "DECIDED" and decided.outcome == "ACCEPT_EH"
    assert decided.decided_by == "Amira Khan"
    assert decided.episode_id is not None and decided.changes.episodes
    with UnitOfWork(world.db) as uow:
        ep = uow.session.get(Episode, decided.episode_id)
        assert ep is not None and ep.status == "AWAITING_ALLOCATION" and ep.hub_id == world.south
        assert uow.session.scalar(select(func.count()).select_from(EpisodeChild)) == 1
    fam = families.get_family(world.uow(), logged.family_id)
    assert fam.open_episode_id == decided.episode_id


def test_pass_to_csc_needs_reference_and_rationale(world: World) -> None:
    logged = referrals.log_request(world.uow(), request(world.north, new_family=household(world.north)))
    with pytest.raises(ValidationError) as caught:
        referrals.decide_request(world.uow(), DecisionInput(
            request_id=logged.id, expected_version=logged.version, outcome="PASS_TO_CSC", rationale=""))
    assert {e.field for e in caught.value.errors} == {"csc_reference", "rationale"}
    decided = referrals.decide_request(world.uow(), DecisionInput(
        request_id=logged.id, expected_version=logged.version, outcome="PASS_TO_CSC",
        rationale="Significant harm concern", csc_reference="CSC-2026-0042"))
    assert decided.csc_reference == "CSC-2026-0042"


def test_deciding_twice_is_an_illegal_transition(world: World) -> None:
    logged = referrals.log_request(world.uow(), request(world.north, new_family=household(world.north)))
    first = referrals.decide_request(world.uow(), DecisionInput(
        request_id=logged.id, expected_version=logged.version, outcome="NFA", rationale="Advice given"))
    with pytest.raises(IllegalTransition) as caught:
        referrals.decide_request(world.uow(), DecisionInput(
            request_id=logged.id, expected_version=first.version, outcome="NFA", rationale="Again"))
    assert "DECIDED" in str(caught.value)


def test_stale_version_is_a_conflict(world: World) -> None:
    logged = referrals.log_request(world.uow(), request(world.north, new_family=household(world.north)))
    referrals.decide_request(world.uow(), DecisionInput(
        request_id=logged.id, expected_version=logged.version, outcome="NFA", rationale="Advice given"))
    with pytest.raises(ConcurrencyConflict):
        referrals.decide_request(world.uow(), DecisionInput(
            request_id=logged.id, expected_version=logged.version, outcome="ADVICE_SIGNPOST", rationale="x"))


def test_decision_before_receipt_is_refused(world: World) -> None:
    logged = referrals.log_request(world.uow(), request(world.north, new_family=household(world.north)))
    with pytest.raises(ValidationError) as caught:
        referrals.decide_request(world.uow(), DecisionInput(
            request_id=logged.id, expected_version=logged.version, outcome="NFA", rationale="x",
            decided_at=logged.received_at - dt.timedelta(days=2)))
    assert caught.value.errors[0].field == "decided_at"


def test_inbox_filters_sorts_and_counts(world: World) -> None:
    fam = families.create_family(world.uow(), household(world.north))
    old = dt.datetime.now(dt.UTC) - dt.timedelta(days=20)
    a = referrals.log_request(world.uow(), request(world.north, family_id=fam.id, received_at=old))
    referrals.log_request(world.uow(), request(world.north, family_id=fam.id, source="POLICE", level_of_need=3))
    referrals.log_request(world.uow(), request(world.south, family_id=fam.id, submit=False))
    page = referrals.list_requests(world.uow(), RequestFilter())
    assert page.total == 3 and len(page.rows) == 3
    assert page.rows[0].received_at >= page.rows[-1].received_at
    oldest = next(r for r in page.rows if r.id == a.id)
    assert oldest.age_wd >= 10 and oldest.rag == "red"
    assert oldest.children == "Ella Smith"
    only_police = referrals.list_requests(world.uow(), RequestFilter(sources=("POLICE",)))
    assert [r.source for r in only_police.rows] == ["POLICE"]
    north = referrals.list_requests(world.uow(), RequestFilter(hub_ids=(world.north,), statuses=("SUBMITTED",)))
    assert north.total == 2
    aged = referrals.list_requests(world.uow(), RequestFilter(min_age_wd=5))
    assert [r.id for r in aged.rows] == [a.id]
    young = referrals.list_requests(world.uow(), RequestFilter(max_age_wd=2))
    assert a.id not in [r.id for r in young.rows] and young.total == 2
    by_level = referrals.list_requests(world.uow(), RequestFilter(order_by="level_of_need", descending=True, limit=1))
    assert by_level.rows[0].level_of_need == 3 and by_level.total == 3
    assert referrals.count_undecided(world.uow(), (world.north,)) == 2


def test_rag() -> None:
    assert referrals.rag(0, 1, decided=False) == "green"
    assert referrals.rag(1, 1, decided=False) == "amber"
    assert referrals.rag(2, 1, decided=False) == "red"
    assert referrals.rag(1, 1, decided=True) == "green"
    assert referrals.rag(3, 1, decided=True) == "red"

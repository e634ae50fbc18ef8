"""Fuzzing the front door with hypothesis, on SQLite and PostgreSQL.

Whatever text, dates, times and codes arrive, ``log_request``, ``decide_request`` and
``check_duplicates`` either succeed or refuse with ``ValidationError`` (every error naming a field
and a rule) or ``IllegalTransition``; never anything else, and a refusal writes nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from hubapp.data.models import (
    Address, ConsentRecord, Episode, EpisodeChild, Family, FamilyMembership, InformationShare, Person,
    PersonDobHistory, PersonIdentifier, RequestForSupport, RequestNeed, RequestPerson,
)
from hubapp.data.uow import UnitOfWork
from hubapp.domain import codes
from hubapp.domain.dto import (
    AddressInput, ConsentInput, DecisionInput, NewFamily, NewPerson, NewRequest, ShareInput,
)
from hubapp.domain.errors import IllegalTransition, ValidationError
from hubapp.domain.front_door import DuplicateQuery, PersonProbe
from hubapp.services import duplicates, referrals

from ._world import World, consent, household, request

TABLES = (Family, Person, FamilyMembership, Address, PersonDobHistory, PersonIdentifier, RequestForSupport,
          RequestPerson, RequestNeed, ConsentRecord, InformationShare, Episode, EpisodeChild)
FUZZ = settings(max_examples=35, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])
VALID_NHS = ("9434765919", "943 476 5919", "9990000018")
ZONES = st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=5, minutes=30)), dt.timezone(dt.timedelta(hours=-8))])

# Any text, including NUL, emoji, right-to-left marks, and texts longer than any column.
text = st.one_of(st.text(max_size=24), st.text(min_size=195, max_size=260), st.sampled_from(["", " ", "Smith"]))
recent_dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date.today())
any_date = st.one_of(recent_dates, st.dates())
any_time = st.one_of(
    st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime.now() - dt.timedelta(days=1),
                 timezones=ZONES),
    st.datetimes(timezones=st.one_of(st.none(), ZONES)),
)


def code(list_name: str) -> st.SearchStrategy[str]:
    """A code of the list, or any text at all."""
    return st.one_of(st.sampled_from(codes.codes_of(list_name)), text)


def person() -> st.SearchStrategy[NewPerson]:
    return st.builds(
        NewPerson, given_name=text, family_name=text, date_of_birth=st.one_of(st.none(), any_date),
        dob_is_expected=st.booleans(), sex=st.one_of(st.sampled_from("MFU"), text), relation=code(codes.RELATIONSHIP),
        has_parental_responsibility=st.booleans(), lives_in_household=st.booleans(),
        nhs_number=st.one_of(st.just(""), st.sampled_from(VALID_NHS), text),
        upn=st.one_of(st.just(""), st.just("A950000178301"), text),
        ethnicity=st.one_of(st.none(), code(codes.ETHNICITY)), language=text, other_names=text,
        is_index_child=st.booleans(),
    )


def new_request(world: World) -> st.SearchStrategy[NewRequest]:
    hubs = st.sampled_from([world.north, world.south, 987_654])
    family = st.builds(
        NewFamily, hub_id=hubs, members=st.lists(person(), max_size=3).map(tuple),
        address=st.builds(AddressInput, line1=text, line2=text, town=text,
                          postcode=st.one_of(st.just("B11 1AA"), text), no_fixed_abode=st.booleans()),
        name=text,
    )
    consent = st.builds(
        ConsentInput, giver_name=text, giver_relationship=code(codes.RELATIONSHIP),
        capacity=code(codes.CONSENT_GIVER_CAPACITY), agreed=st.booleans(), method=code(codes.CONSENT_METHOD),
        given_on=any_date, scope_engagement=st.booleans(), scope_sharing=st.booleans(),
        scope_national_evaluation=st.booleans(), restrictions=text, capacity_note=text, scope_agencies=text,
    )
    share = st.builds(
        ShareInput, what=text, with_whom=text, purpose=text, lawful_basis=code(codes.LAWFUL_BASIS),
        with_agreement=st.booleans(),
        without_agreement_reason=st.one_of(st.none(), code(codes.SHARE_WITHOUT_AGREEMENT_REASON)),
        without_agreement_note=text,
    )
    return st.builds(
        NewRequest, hub_id=hubs, received_at=any_time, source=code(codes.REFERRAL_SOURCE), referrer_name=text,
        referrer_organisation=text, referrer_role=text, referrer_contact=text, channel=code(codes.REQUEST_CHANNEL),
        urgency=code(codes.URGENCY), level_of_need=st.one_of(st.none(), st.integers(-3, 6), st.integers()),
        presenting_needs=st.lists(code(codes.REASON_FOR_INVOLVEMENT), max_size=3).map(tuple), summary=text,
        family_id=st.none(), new_family=st.one_of(st.none(), family),
        consent=st.one_of(st.none(), consent), share=st.one_of(st.none(), share), submit=st.booleans(),
    )


# ---- Mostly valid input with a few fields replaced by anything (reaches the success paths too)

names = st.one_of(st.sampled_from(["Ella", "Zoë", "Siobhan", "Muhammad", "O'Brien", "Ní Bhriain-Łukasz"]),
                  st.text(st.characters(categories=("Lu", "Ll")), min_size=1, max_size=30))
recent_time = st.datetimes(min_value=dt.datetime.now() - dt.timedelta(days=30),
                           max_value=dt.datetime.now() - dt.timedelta(hours=1), timezones=st.just(dt.UTC))


def valid_request(world: World) -> st.SearchStrategy[NewRequest]:
    today = dt.date.today()
    child_ = st.builds(NewPerson, given_name=names, family_name=names, relation=st.sampled_from(["SELF", "SIBLING"]),
                       date_of_birth=st.dates(today - dt.timedelta(days=17 * 365), today - dt.timedelta(days=1)),
                       sex=st.sampled_from("MFU"), nhs_number=st.sampled_from(["", *VALID_NHS[:1]]))
    adult = st.builds(NewPerson, given_name=names, family_name=names, relation=st.just("MOTHER"),
                      has_parental_responsibility=st.just(True),
                      date_of_birth=st.dates(dt.date(1960, 1, 1), dt.date(2004, 1, 1)), sex=st.just("F"))
    family = st.builds(NewFamily, hub_id=st.just(world.north),
                       members=st.tuples(adult, child_),
                       address=st.builds(AddressInput, line1=names, town=names, postcode=st.just("B11 1AA")))
    agreed = st.booleans()
    consent = agreed.flatmap(lambda yes: st.builds(
        ConsentInput, giver_name=names, giver_relationship=st.just("MOTHER"),
        capacity=st.just("PARENTAL_RESPONSIBILITY"),
        agreed=st.just(yes), method=st.sampled_from(codes.codes_of(codes.CONSENT_METHOD)),
        given_on=st.dates(today - dt.timedelta(days=60), today), scope_sharing=st.just(yes)))
    share = st.builds(ShareInput, what=names, with_whom=names, purpose=names,
                      lawful_basis=st.sampled_from(codes.codes_of(codes.LAWFUL_BASIS)), with_agreement=st.just(False),
                      without_agreement_reason=st.sampled_from(codes.codes_of(codes.SHARE_WITHOUT_AGREEMENT_REASON)))
    return st.builds(
        NewRequest, hub_id=st.just(world.north), received_at=recent_time,
        source=st.sampled_from(codes.codes_of(codes.REFERRAL_SOURCE)), referrer_name=names,
        level_of_need=st.sampled_from([None, 1, 2, 3, 4]),
        presenting_needs=st.lists(st.sampled_from(codes.codes_of(codes.REASON_FOR_INVOLVEMENT)), max_size=3).map(tuple),
        summary=names, new_family=family, consent=st.one_of(st.none(), consent), share=st.one_of(st.none(), share),
    )


def mutated(data: Any, valid: NewRequest, anything: NewRequest) -> NewRequest:
    """``valid`` with up to two of its fields taken from ``anything``."""
    fields = data.draw(st.sets(st.sampled_from(list(NewRequest.__dataclass_fields__)), max_size=2))
    return dataclasses.replace(valid, **{f: getattr(anything, f) for f in fields})


def counts(world: World) -> dict[str, int]:
    with UnitOfWork(world.db) as uow:
        return {m.__tablename__: uow.session.scalar(select(func.count()).select_from(m)) or 0 for m in TABLES}


def assert_named(exc: ValidationError) -> None:
    assert exc.errors
    for error in exc.errors:
        assert error.field and error.rule and error.message, error


@FUZZ
@given(data=st.data())
def test_log_request_succeeds_or_refuses_by_name(world: World, data: Any) -> None:
    anything = data.draw(new_request(world))
    req = anything if data.draw(st.booleans()) else mutated(data, data.draw(valid_request(world)), anything)
    before = counts(world)
    try:
        detail = referrals.log_request(world.uow(), req)
    except ValidationError as exc:
        event("refused")
        assert_named(exc)
        assert counts(world) == before
    else:
        event("logged")
        after = counts(world)
        assert after["request_for_support"] == before["request_for_support"] + 1
        assert detail.status in ("SUBMITTED", "DRAFT")


@FUZZ
@given(data=st.data())
def test_decide_request_succeeds_or_refuses_by_name(world: World, data: Any) -> None:
    submit = data.draw(st.sampled_from([True, True, True, False]))
    agreement = data.draw(st.sampled_from([None, consent()]))
    logged = referrals.log_request(world.uow(), request(world.north, new_family=household(world.north),
                                                        submit=submit, consent=agreement))
    sane = data.draw(st.booleans())
    decision = DecisionInput(
        request_id=logged.id, expected_version=logged.version,
        outcome=data.draw(st.sampled_from(codes.codes_of(codes.REQUEST_OUTCOME)) if sane
                          else code(codes.REQUEST_OUTCOME)),
        rationale=data.draw(names if sane else text),
        decided_at=data.draw(st.one_of(st.none(), st.just(dt.datetime.now(dt.UTC)) if sane else any_time)),
        hub_id=data.draw(st.sampled_from([None, world.north, world.south] + ([] if sane else [987_654]))),
        csc_reference=data.draw(names if sane else text),
        linked_plan_id=data.draw(st.one_of(st.none(), st.integers(-5, 10**6))),
        feedback_method=data.draw(st.one_of(st.just(""), code(codes.REQUEST_CHANNEL))), feedback_note=data.draw(text),
    )
    before = counts(world)
    try:
        decided = referrals.decide_request(world.uow(), decision)
    except ValidationError as exc:
        event("refused")
        assert_named(exc)
        assert counts(world) == before
    except IllegalTransition:
        assert not submit  # only a draft cannot be decided
        assert counts(world) == before
    else:
        event(f"decided {decided.outcome}")
        assert decided.status == "DECIDED" and decided.outcome == decision.outcome
        assert (decided.episode_id is not None) == (decision.outcome == "ACCEPT_EH")


@FUZZ
@given(data=st.data())
def test_duplicate_check_never_fails(world: World, data: Any) -> None:
    if counts(world)["family"] == 0:
        referrals.log_request(world.uow(), request(world.north, new_family=household(world.north)))
    probes = data.draw(st.lists(st.builds(
        PersonProbe, given_name=text, family_name=text, date_of_birth=st.one_of(st.none(), any_date),
        nhs_number=st.one_of(st.sampled_from(VALID_NHS), text), key=text), max_size=3).map(tuple))
    postcode = data.draw(st.one_of(st.just("b11 1aa"), text))
    before = counts(world)
    found = duplicates.check_duplicates(world.uow(), DuplicateQuery(people=probes, postcode=postcode))
    assert isinstance(found, tuple) and len(found) <= 8
    assert counts(world) == before

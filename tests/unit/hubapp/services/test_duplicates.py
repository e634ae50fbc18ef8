"""The duplicate and existing-involvement check, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json

from hubapp.config import config_dir
from hubapp.data.models import Episode, TransferRequest
from hubapp.data.uow import UnitOfWork
from hubapp.domain.dto import DecisionInput
from hubapp.domain.front_door import DuplicateCandidate, DuplicateQuery, PersonProbe
from hubapp.services import duplicates, families, referrals

from ._world import World, child, consent, household, parent, request

NHS_ELLA = "9434765919"


def make_families(world: World) -> dict[str, int]:
    smith = families.create_family(world.uow(), household(
        world.north, parent("Siobhan", "Smith"), child("Ella", "Smith", dt.date(2016, 3, 4), nhs_number=NHS_ELLA),
        postcode="B11 1AA"))
    khan = families.create_family(world.uow(), household(
        world.north, parent("Ayesha", "Khan", dt.date(1990, 2, 14)),
        child("Mohammed", "Khan", dt.date(2012, 11, 5)), postcode="B12 9ZZ"))
    jones = families.create_family(world.uow(), household(
        world.south, parent("Karen", "Jones"), child("Ella", "Jones", dt.date(2015, 1, 20)), postcode="B11 1AA"))
    return {"Smith": smith.id, "Khan": khan.id, "Jones": jones.id}


def check(world: World, *people: PersonProbe, postcode: str = "") -> tuple[DuplicateCandidate, ...]:
    return duplicates.check_duplicates(world.uow(), DuplicateQuery(people=people, postcode=postcode))


def reasons(candidate: DuplicateCandidate) -> str:
    return " | ".join(candidate.all_reasons)


def test_misspelt_name_and_swapped_date_of_birth_find_the_family(world: World) -> None:
    ids = make_families(world)
    found = check(world, PersonProbe("Ella", "Smtih", dt.date(2016, 4, 3), key="members[0]"))
    assert found and found[0].family_id == ids["Smith"]
    top = found[0]
    assert top.people[0].given_name == "Ella" and top.people[0].probe_key == "members[0]"
    why = reasons(top)
    assert "spelt similarly (Smtih / Smith)" in why
    assert "day and month swapped (03/04/2016 / 04/03/2016)" in why
    assert top.hub_name == "North Hub" and top.postcode == "B11 1AA"


def test_name_variants_the_phonetic_code_misses(world: World) -> None:
    ids = make_families(world)
    found = check(world, PersonProbe("Shivaun", "Smith"))
    assert found[0].family_id == ids["Smith"]
    assert "Given name Shivaun is a variant of Siobhan" in reasons(found[0])
    found = check(world, PersonProbe("Muhammad", "Khan"))
    assert found[0].family_id == ids["Khan"]
    assert "Muhammad is a variant of Mohammed" in reasons(found[0])


def test_local_variants_are_merged_from_the_config_directory(world: World) -> None:
    ids = make_families(world)
    assert not check(world, PersonProbe("Elle-Bee", "Smith"))
    (config_dir() / duplicates.VARIANTS_FILE).write_text(json.dumps({"groups": [["Ella", "Elle-Bee"]]}))
    found = check(world, PersonProbe("Elle-Bee", "Smith"))
    assert found[0].family_id == ids["Smith"]


def test_nhs_number_alone_is_enough_and_bad_input_is_ignored(world: World) -> None:
    ids = make_families(world)
    found = check(world, PersonProbe(nhs_number="943 476 5919"))
    assert [c.family_id for c in found] == [ids["Smith"]]
    assert "NHS number matches" in reasons(found[0])
    # Half-typed identifiers are not errors while typing: they are simply not used yet.
    assert check(world, PersonProbe(nhs_number="94347"), postcode="B1") == ()


def test_postcode_and_family_name_match_a_household(world: World) -> None:
    ids = make_families(world)
    found = check(world, PersonProbe(family_name="Jones"), postcode="b111aa")
    assert found[0].family_id == ids["Jones"]
    assert "Lives at B11 1AA" in found[0].reasons
    # The postcode alone is not enough to suggest a family.
    assert check(world, PersonProbe(given_name="Zed"), postcode="B11 1AA") == ()


def test_unrelated_names_are_not_suggested(world: World) -> None:
    make_families(world)
    assert check(world, PersonProbe("Oliver", "Brown", dt.date(2014, 6, 1))) == ()


def test_involvement_open_episode_plan_transfer_closures_and_re_referral(world: World) -> None:
    ids = make_families(world)
    logged = referrals.log_request(world.uow(), request(world.north, family_id=ids["Smith"], consent=consent()))
    found = check(world, PersonProbe("Ella", "Smith"))
    inv = found[0].involvement
    assert inv.undecided_request_id == logged.id and inv.re_referral
    assert inv.open_episode_id is None
    decided = referrals.decide_request(world.uow(), DecisionInput(
        request_id=logged.id, expected_version=logged.version, outcome="ACCEPT_EH", rationale="Agreed support"))
    today = dt.date.today()
    with UnitOfWork(world.db) as uow:
        s = uow.session
        s.add(Episode(family_id=ids["Smith"], hub_id=world.north, status="CLOSED", start_date=today - dt.timedelta(200),
                      end_date=today - dt.timedelta(30), accepted_at=dt.datetime.now(dt.UTC) - dt.timedelta(200)))
        s.add(TransferRequest(direction="STEP_UP", family_id=ids["Smith"], hub_id=world.north, status="SENT",
                              from_service="EH", to_service="CSC", reason="Risk rose",
                              requested_at=dt.datetime.now(dt.UTC)))
        uow.commit()
    inv = check(world, PersonProbe("Ella", "Smith"))[0].involvement
    assert inv.open_episode_id == decided.episode_id and inv.open_episode_status == "AWAITING_ALLOCATION"
    assert inv.open_episode_hub == "North Hub"
    assert inv.pending_transfer_id is not None and inv.pending_transfer == "Step-up: sent"
    assert inv.closures_last_12_months == (today - dt.timedelta(30),)
    assert inv.undecided_request_id is None
    flags = inv.flags()
    assert "Open early help episode" in flags and "Transfer in progress" in flags
    assert "1 closure in the last 12 months" in flags and "Referred before within 12 months" in flags


def test_several_typed_people_raise_the_family_and_limit_applies(world: World) -> None:
    ids = make_families(world)
    found = duplicates.check_duplicates(world.uow(), DuplicateQuery(people=(
        PersonProbe("Siobhan", "Smith", key="members[1]"), PersonProbe("Ella", "Smith", dt.date(2016, 3, 4)),
    ), limit=1))
    assert len(found) == 1 and found[0].family_id == ids["Smith"]
    assert {p.given_name for p in found[0].people} == {"Siobhan", "Ella"}


def test_names_typed_the_wrong_way_round(world: World) -> None:
    ids = make_families(world)
    found = check(world, PersonProbe("Smith", "Ella", dt.date(2016, 3, 4)))
    assert found[0].family_id == ids["Smith"]
    assert "Given and family names swapped" in reasons(found[0])

"""Creating and reading families, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, text

from hubapp.data.models import Family, Person, PersonDobHistory, PersonIdentifier
from hubapp.data.uow import UnitOfWork
from hubapp.domain.dto import AddressInput, NewFamily, NewPerson
from hubapp.domain.errors import NotFound, ValidationError
from hubapp.services import families

from ._world import World, child, household, parent


def test_create_family_stores_members_address_and_keys(world: World) -> None:
    detail = families.create_family(world.uow(), household(
        world.north,
        parent("Zoë", "Ní Bhriain-Łukasz", nhs_number="999 000 0018"),
        child("Siobhán", "Ní Bhriain-Łukasz", upn="A950000178301"),
    ))
    assert detail.name == "Ní Bhriain-Łukasz family"
    assert detail.hub_name == "North Hub"
    assert detail.address is not None and detail.address.postcode == "B11 1AA"
    names = [m.full_name for m in detail.members]
    assert names == ["Zoë Ní Bhriain-Łukasz", "Siobhán Ní Bhriain-Łukasz"]  # adults first
    kid = detail.members[1]
    assert kid.is_index_child and kid.relation == "SELF"
    assert detail.members[0].nhs_number == "9990000018"
    with UnitOfWork(world.db) as uow:
        s = uow.session
        zoe = s.scalars(select(Person).where(Person.given_name == "Zoë")).one()
        assert zoe.search_name == "zoe ni bhriain lukasz"
        assert s.scalar(select(func.count()).select_from(PersonDobHistory)) == 2
        types = sorted(s.scalars(select(PersonIdentifier.id_type)))
        assert types == ["NHS", "UPN"]


def test_bad_input_names_every_field_and_writes_nothing(world: World) -> None:
    bad = NewFamily(hub_id=world.north, members=(
        NewPerson(given_name=" ", family_name="Smith", nhs_number="943 476 5918"),
        NewPerson(given_name="Ella", family_name="Smith", date_of_birth=dt.date.today() + dt.timedelta(days=3),
                  relation="SIBLING"),
    ), address=AddressInput(postcode="not a postcode"))
    with pytest.raises(ValidationError) as caught:
        families.create_family(world.uow(), bad)
    by_field = {e.field: e for e in caught.value.errors}
    assert by_field["members[0].given_name"].rule == "required"
    assert "check digit" in by_field["members[0].nhs_number"].message.lower() or \
        by_field["members[0].nhs_number"].rule.startswith("nhs")
    assert by_field["members[1].date_of_birth"].rule == "dob_future"
    assert "address.postcode" in by_field
    with UnitOfWork(world.db) as uow:
        assert uow.session.scalar(select(func.count()).select_from(Family)) == 0
        assert uow.session.scalar(select(func.count()).select_from(Person)) == 0


def test_unknown_hub_and_duplicate_nhs_number_are_refused(world: World) -> None:
    data = NewFamily(hub_id=999, members=(parent(nhs_number="9990000018"), child(nhs_number="999 000 0018")))
    with pytest.raises(ValidationError) as caught:
        families.create_family(world.uow(), data)
    fields = {(e.field, e.rule) for e in caught.value.errors}
    assert ("hub_id", "exists") in fields
    assert ("members[1].nhs_number", "unique") in fields


def test_unborn_child_needs_expected_date_and_sex_u(world: World) -> None:
    soon = dt.date.today() + dt.timedelta(days=60)
    bad = household(world.north, parent(), NewPerson(given_name="Baby", family_name="Smith", date_of_birth=soon,
                                                     dob_is_expected=True, sex="F", relation="SIBLING"))
    with pytest.raises(ValidationError) as caught:
        families.create_family(world.uow(), bad)
    assert caught.value.for_field("members[1].sex")[0].rule == "unborn_sex"
    good = household(world.north, parent(), NewPerson(given_name="Baby", family_name="Smith", date_of_birth=soon,
                                                      dob_is_expected=True, sex="U", relation="SIBLING"))
    detail = families.create_family(world.uow(), good)
    baby = next(m for m in detail.members if m.given_name == "Baby")
    assert baby.dob_is_expected and baby.age is None


def test_get_missing_family_raises_not_found(world: World) -> None:
    with pytest.raises(NotFound):
        families.get_family(world.uow(), 12345)


def test_family_history_and_flags_after_requests(world: World) -> None:
    from hubapp.services import referrals

    from ._world import request

    fam = families.create_family(world.uow(), household(world.north))
    referrals.log_request(world.uow(), request(world.north, family_id=fam.id))
    referrals.log_request(world.uow(), request(world.north, family_id=fam.id, source="POLICE"))
    detail = families.get_family(world.uow(), fam.id)
    assert "Referred before within 12 months" in detail.flags
    assert [h.kind for h in detail.history].count("request") == 2


def test_opening_a_family_is_logged_but_creating_it_is_not_a_view(world: World) -> None:
    from hubapp.data.models import AccessLog

    fam = families.create_family(world.uow(), household(world.north))
    families.get_family(world.uow(), fam.id)
    with UnitOfWork(world.db) as uow:
        rows = uow.session.scalars(select(AccessLog)).all()
        assert [(r.action, r.entity, r.family_id, r.worker_id) for r in rows] == [
            ("VIEW", "family", fam.id, world.worker_id)
        ]
        assert rows[0].db_user


def test_family_record_is_read_in_a_fixed_number_of_statements(world: World) -> None:
    # Six reads (the family; members; addresses; episodes with their closures and children;
    # requests with the people they are about; transfers) and the access-log row, however much the
    # family holds: the history, the flags and the revolving-door flags come from those rows.
    from hubapp.services import referrals

    from ._statements import statements
    from ._world import request

    fam = families.create_family(world.uow(), household(world.north))
    referrals.log_request(world.uow(), request(world.north, family_id=fam.id))
    with statements(world.db) as one_request:
        families.get_family(world.uow(), fam.id)
    for source in ("POLICE", "HEALTH_VISITOR", "SCHOOL_DSL"):
        referrals.log_request(world.uow(), request(world.north, family_id=fam.id, source=source))
    with statements(world.db) as four_requests:
        detail = families.get_family(world.uow(), fam.id)
    assert [h.kind for h in detail.history].count("request") == 4
    assert len(one_request) == len(four_requests) == 7, four_requests
    assert sum(s.lstrip().upper().startswith("SELECT") for s in four_requests) == 6


def test_access_log_names_the_database_login(world: World) -> None:
    from hubapp.data.models import AccessLog
    from hubapp.services.context import local_username

    fam = families.create_family(world.uow(), household(world.north))
    families.get_family(world.uow(), fam.id)
    with UnitOfWork(world.db) as uow:
        s = uow.session
        expected = s.scalar(text("SELECT current_user")) if uow.dialect == "postgresql" else local_username()
        assert s.scalars(select(AccessLog.db_user)).all() == [expected]

"""Finding people by name (fuzzy, phonetic), date of birth, NHS number and postcode."""

from __future__ import annotations

import datetime as dt

import pytest

from hubapp.domain.dto import SearchCriteria
from hubapp.domain.errors import ValidationError
from hubapp.services import families, search

from ._world import World, child, household, parent


@pytest.fixture
def people(world: World) -> World:
    families.create_family(world.uow(), household(
        world.north, parent("Amina", "Mohammed", nhs_number="9990000026"),
        child("Yusuf", "Mohammed", dob=dt.date(2015, 3, 4)), postcode="B11 1AA"))
    families.create_family(world.uow(), household(
        world.south, parent("Joanne", "Smith"), child("Ella", "Smith", dob=dt.date(2017, 11, 20)), postcode="B12 9ZZ"))
    families.create_family(world.uow(), household(
        world.south, parent("Zoë", "Ní Bhriain"), child("Siobhán", "Ní Bhriain"), postcode="B13 8QT"))
    return world


def names(hits: tuple) -> list[str]:  # type: ignore[type-arg]
    return [f"{h.given_name} {h.family_name}" for h in hits]


def test_exact_name(people: World) -> None:
    hits = search.quick_search(people.uow(), "Ella Smith")
    assert names(hits)[0] == "Ella Smith"
    assert hits[0].reasons == ("Name matches exactly",)
    assert hits[0].family_name_display == "Smith family" and hits[0].postcode == "B12 9ZZ"
    assert hits[0].hub_name == "South Hub"


def test_phonetic_spelling_variant(people: World) -> None:
    hits = search.quick_search(people.uow(), "Muhammad")
    assert {"Amina Mohammed", "Yusuf Mohammed"} <= set(names(hits))
    assert any("sounds" in r for r in hits[0].reasons)


def test_misspelt_name(people: World) -> None:
    hits = search.quick_search(people.uow(), "Ella Smtih")
    assert names(hits)[0] == "Ella Smith"


def test_accents_do_not_matter(people: World) -> None:
    assert names(search.quick_search(people.uow(), "zoe ni bhriain"))[0] == "Zoë Ní Bhriain"


def test_date_of_birth_exact_and_swapped(people: World) -> None:
    hits = search.search_people(people.uow(), SearchCriteria(date_of_birth=dt.date(2015, 3, 4)))
    assert names(hits) == ["Yusuf Mohammed"]
    swapped = search.search_people(people.uow(), SearchCriteria(date_of_birth=dt.date(2015, 4, 3)))
    assert names(swapped) == ["Yusuf Mohammed"]
    assert "swapped" in swapped[0].reasons[0]


def test_nhs_number_and_postcode(people: World) -> None:
    assert names(search.quick_search(people.uow(), "999 000 0026")) == ["Amina Mohammed"]
    by_postcode = search.quick_search(people.uow(), "b11 1aa")
    assert set(names(by_postcode)) == {"Amina Mohammed", "Yusuf Mohammed"}
    assert by_postcode[0].reasons == ("Lives at B11 1AA",)


def test_name_with_date_ranks_the_right_child_first(people: World) -> None:
    hits = search.quick_search(people.uow(), "Mohammed 04/03/2015")
    assert names(hits)[0] == "Yusuf Mohammed"


def test_bad_nhs_number_is_refused(people: World) -> None:
    with pytest.raises(ValidationError) as caught:
        search.search_people(people.uow(), SearchCriteria(nhs_number="943 476 5918"))
    assert caught.value.errors[0].field == "nhs_number"


def test_nothing_found_is_empty(people: World) -> None:
    assert search.quick_search(people.uow(), "Wojciechowski") == ()


def test_parse_query() -> None:
    assert search.parse_query("b11 1aa").postcode == "b11 1aa"
    assert search.parse_query("9990000026").nhs_number == "9990000026"
    q = search.parse_query("Smith 20/11/2017")
    assert q.name == "Smith" and q.date_of_birth == dt.date(2017, 11, 20)


def test_exact_family_name_ranks_above_sound_alikes(world: World) -> None:
    families.create_family(world.uow(), household(world.north, parent("Lisa", "Kerr"), child("Amy", "Carey")))
    families.create_family(world.uow(), household(world.north, parent("Harpreet", "Kaur"), child("Simran", "Kaur")))
    hits = search.quick_search(world.uow(), "Kaur")
    assert {h.family_name for h in hits[:2]} == {"Kaur"}
    assert all(h.score <= 100 for h in hits)


def test_one_misspelt_family_name(people: World) -> None:
    assert "Ella Smith" in names(search.quick_search(people.uow(), "smtih"))


def test_a_full_name_is_found_however_common_each_part_is(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    # More people share the family name, and more the given name, than the search reads on either
    # side (scaled down: 12 candidates); the one person with both is still found, and first.
    monkeypatch.setattr(search, "CANDIDATES_PER_KEY", 3)
    given = ["Aaron", "Bella", "Carl", "Dina", "Ewan", "Fern", "Gus", "Hana", "Ivan", "Jade", "Kyle", "Lena", "Milo", "Nora"]
    for a, b in zip(given[::2], given[1::2], strict=True):
        families.create_family(world.uow(), household(world.north, parent(a, "Kemp"), child(b, "Kemp")))
    for a, b in zip(given[::2], given[1::2], strict=True):
        families.create_family(world.uow(), household(world.north, parent("Keisha", f"{a}son"),
                                                      child("Keisha", f"{b}ford")))
    families.create_family(world.uow(), household(world.north, parent("Keisha", "Kemp"), child("Tom", "Kemp")))
    hits = search.quick_search(world.uow(), "Keisha Kemp")
    assert names(hits)[0] == "Keisha Kemp"
    assert hits[0].score == 100

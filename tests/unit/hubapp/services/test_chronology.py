"""The chronology is built from the records, in date order, and filterable; looks are logged."""

from __future__ import annotations

import datetime as dt

import pytest

from hubapp.domain.dto import DecisionInput
from hubapp.domain.errors import NotFound
from hubapp.services import chronology, families, referrals

from ._world import World, consent, household, request


def test_chronology_of_a_request_accepted_onto_early_help(world: World) -> None:
    logged = referrals.log_request(world.uow(), request(world.north, new_family=household(world.north),
                                                        consent=consent()))
    referrals.decide_request(world.uow(), DecisionInput(
        request_id=logged.id, expected_version=logged.version, outcome="ACCEPT_EH", rationale="Family agree"))
    entries = chronology.family_chronology(world.uow(), logged.family_id)
    assert [e.kind for e in entries] == ["request", "consent", "decision", "episode"]
    assert [e.at for e in entries] == sorted(e.at for e in entries)
    assert entries[2].title == "Front-door decision: Accepted for early help"
    assert entries[2].by == "Amira Khan"
    only = chronology.family_chronology(world.uow(), logged.family_id, kinds=("decision",))
    assert [e.kind for e in only] == ["decision"]
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    assert chronology.family_chronology(world.uow(), logged.family_id, since=tomorrow) == ()


def test_access_history_lists_who_looked(world: World) -> None:
    fam = families.create_family(world.uow(), household(world.north))
    families.get_family(world.uow(), fam.id)
    families.get_family(world.uow(), fam.id)
    rows = chronology.access_history(world.uow(), fam.id)
    assert [(r.action, r.who) for r in rows] == [("VIEW", "Amira Khan"), ("VIEW", "Amira Khan")]
    assert len(chronology.access_history(world.uow(), fam.id)) == 3  # reading the log is a look too


def test_unknown_family(world: World) -> None:
    with pytest.raises(NotFound):
        chronology.family_chronology(world.uow(), 999)

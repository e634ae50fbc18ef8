"""The demo data generator: counts, determinism, synthetic identifiers, states and date rules."""

from __future__ import annotations

import datetime as dt
import itertools
import shutil
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Table, func, select

from hubapp.data.db import Database
from hubapp.data.models import (
    Base,
    Family,
    Hub,
    Person,
    RequestForSupport,
    Worker,
)
from hubapp.demo import CYCLE, DemoSummary, generate
from hubapp.domain import codes
from hubapp.domain.names import name_keys
from hubapp.domain.states import (
    MACHINES,
    STEP_DOWN,
    STEP_UP,
    ProgressRating,
    RequestOutcome,
    ReviewDecision,
    StepUpOutcome,
)
from hubapp.domain.validation import check_nhs_number, check_upn, normalise_postcode

TODAY = dt.date(2026, 3, 31)
MIDNIGHT = dt.datetime.combine(TODAY, dt.time(0), tzinfo=dt.UTC)
T = Base.metadata.tables
ADULT_RELATIONS = {"MOTHER", "FATHER", "STEP_PARENT", "PARTNER_OF_PARENT", "GRANDPARENT",
                   "KINSHIP_CARER", "OTHER_ADULT"}


def rows(db: Database, table: str) -> list[dict[str, Any]]:
    """Every row of a table as typed dicts (dates as dates, timestamps aware), by primary key."""
    tbl: Table = T[table]
    with db.sessionmaker() as s:
        result = s.execute(select(tbl).order_by(*tbl.primary_key.columns))
        # Who created or last changed a row, and when, is stamped by the database itself on
        # PostgreSQL (session_user, now()).
        return [{k: v for k, v in r.items() if k not in STAMPED} for r in result.mappings()]


STAMPED = {"created_by_role", "changed_by", "changed_at"}


def count(db: Database, table: str) -> int:
    with db.sessionmaker() as s:
        return s.execute(select(func.count()).select_from(T[table])).scalar_one()


@pytest.fixture(scope="module")
def generated_sqlite(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Database:
    """One SQLite database with 60 families, shared by the read-only checks (fast)."""
    path = tmp_path_factory.mktemp("demo60") / "demo.sqlite"
    shutil.copyfile(sqlite_template, path)
    db = Database(f"sqlite:///{path}")
    generate(db, 60, seed=11, today=TODAY)
    return db


# ---- Counts and the summary -------------------------------------------------------------------


def test_counts_match_the_summary(db: Database) -> None:
    seen: list[tuple[int, int]] = []
    summary = generate(db, 30, seed=5, today=TODAY, progress=lambda done,
                       total: seen.append((done, total)))
    assert isinstance(summary, DemoSummary)
    assert summary.families == 30 and summary.seed == 5 and summary.seconds > 0
    assert summary.counts["family"] == 30 == count(db, "family")
    for table, n in summary.counts.items():
        assert count(db, table) == n, table
    assert summary.total == sum(summary.counts.values())
    assert count(db, "hub") == 2 and count(db, "agency") > 5
    assert summary.counts["person"] >= 30 * 2
    assert summary.counts["request_for_support"] >= 30
    assert summary.counts["episode"] > 0 and summary.counts["transfer_event"] > 0
    assert seen[-1] == (30, 30)
    roles = {r["role"] for r in rows(db, "worker_role")}
    assert roles == {"hub_worker", "family_support_worker", "coordinator", "manager", "hub_admin"}
    for table in Base.metadata.sorted_tables:
        if "version" in table.c and count(db, table.name):
            assert {r["version"] for r in rows(db, table.name)} == {1}, table.name


def test_generate_twice_adds_families_and_keeps_ids_going(db: Database) -> None:
    generate(db, 8, seed=2, today=TODAY)
    persons_before = count(db, "person")
    workers_before = count(db, "worker")
    max_person = max(r["id"] for r in rows(db, "person"))
    second = generate(db, 8, seed=2, today=TODAY)
    assert count(db, "family") == 16 and second.counts["family"] == 8
    assert count(db, "hub") == 2 and count(db, "worker") == workers_before
    assert "worker" not in second.counts and "hub" not in second.counts
    new_people = [r for r in rows(db, "person") if r["id"] > max_person]
    assert len(new_people) == count(db, "person") - persons_before
    first_names = {(r["given_name"], r["family_name"])
                   for r in rows(db, "person") if r["id"] <= max_person}
    assert {(r["given_name"], r["family_name"]) for r in new_people} != first_names
    # The application can still insert rows normally (PostgreSQL sequences moved past the ids).
    with db.sessionmaker() as s:
        s.add(Hub(code="EXTRA", name="Extra Hub"))
        s.add(Worker(username="someone_new", display_name="Someone New"))
        s.commit()
        hub_ids = s.scalars(select(Hub.id)).all()
    assert len(set(hub_ids)) == 3


def test_zero_families_only_makes_the_organisation(sqlite_db: Database) -> None:
    summary = generate(sqlite_db, 0, today=TODAY)
    assert count(sqlite_db, "family") == 0 and summary.counts["hub"] == 2


# ---- Determinism ------------------------------------------------------------------------------


def test_same_seed_same_rows(sqlite_template: Path, tmp_path: Path) -> None:
    dbs = []
    for name in ("a", "b"):
        path = tmp_path / f"{name}.sqlite"
        shutil.copyfile(sqlite_template, path)
        dbs.append(Database(f"sqlite:///{path}"))
    for d in dbs:
        generate(d, 25, seed=7, today=TODAY)
    for table in ("person", "family", "family_membership", "address", "request_for_support",
                  "request_person", "request_need", "episode", "plan", "meeting",
                  "transfer_request",
                  "transfer_event", "person_identifier", "worker"):
        assert rows(dbs[0], table) == rows(dbs[1], table), table
    other = tmp_path / "c.sqlite"
    shutil.copyfile(sqlite_template, other)
    different = Database(f"sqlite:///{other}")
    generate(different, 25, seed=8, today=TODAY)
    assert rows(different, "person") != rows(dbs[0], "person")
    for d in (*dbs, different):
        d.dispose()


@pytest.mark.postgres
def test_same_seed_same_rows_on_postgresql_and_sqlite(pg_db: Database, sqlite_db: Database) -> None:
    for d in (pg_db, sqlite_db):
        generate(d, 12, seed=4, today=TODAY)
    for table in ("person", "request_for_support", "episode", "transfer_event"):
        assert rows(pg_db, table) == rows(sqlite_db, table), table


# ---- Identifiers, names, addresses ------------------------------------------------------------


def test_identifiers_are_synthetic_and_valid(generated_sqlite: Database) -> None:
    people = rows(generated_sqlite, "person")
    with_nhs = [p for p in people if p["nhs_number"]]
    assert len(with_nhs) > len(people) * 0.7
    for p in with_nhs:
        assert p["nhs_number"].startswith("999")
        assert check_nhs_number(p["nhs_number"]) == p["nhs_number"]
    assert len({p["nhs_number"] for p in with_nhs}) == len(with_nhs)
    pupils = [p for p in people if p["upn"]]
    assert pupils
    for p in pupils:
        assert check_upn(p["upn"]) == p["upn"]
    by_person = defaultdict(dict)
    for ident in rows(generated_sqlite, "person_identifier"):
        by_person[ident["person_id"]][ident["id_type"]] = ident["value"]
    for p in people:
        assert by_person[p["id"]].get("NHS") == p["nhs_number"]
        assert by_person[p["id"]].get("UPN") == p["upn"]


def test_names_carry_their_search_keys(generated_sqlite: Database) -> None:
    people = rows(generated_sqlite, "person")
    for p in people:
        keys = name_keys(p["given_name"], p["family_name"], p["other_names"])
        assert (p["given_name_key"], p["family_name_key"], p["search_name"], p["given_phonetic"],
                p["family_phonetic"]) == (keys.given_key, keys.family_key, keys.search_name,
                                          keys.given_phonetic, keys.family_phonetic)
    names = " ".join(p["given_name"] + " " + p["family_name"] for p in people)
    assert any(not c.isascii() for c in names), "some names have diacritics"


def test_households_and_addresses(generated_sqlite: Database) -> None:
    db = generated_sqlite
    people = {p["id"]: p for p in rows(db, "person")}
    members = defaultdict(list)
    for m in rows(db, "family_membership"):
        members[m["family_id"]].append(m)
    surnames_differ = 0
    for family in rows(db, "family"):
        ms = members[family["id"]]
        kids = [people[m["person_id"]] for m in ms if m["relation"] not in ADULT_RELATIONS]
        carers = [m for m in ms if m["has_parental_responsibility"]]
        assert 1 <= len([k for k in kids if not k["dob_is_expected"]]) <= 5
        assert 1 <= len(carers) <= 3
        assert family["index_child_id"] in {k["id"] for k in kids}
        surnames_differ += len({people[m["person_id"]]["family_name"] for m in ms}) > 1
        for m in ms:
            p = people[m["person_id"]]
            if m["relation"] in ADULT_RELATIONS:
                age = (TODAY - p["date_of_birth"]).days / 365.25
                assert 18 <= age <= 70, p
    assert surnames_differ > 5
    unborn = [p for p in people.values() if p["dob_is_expected"]]
    for p in unborn:
        assert p["sex"] == "U" and TODAY < p["date_of_birth"] <= TODAY + dt.timedelta(days=305)
    history = defaultdict(list)
    for h in rows(db, "person_dob_history"):
        history[h["person_id"]].append(h)
    for pid, p in people.items():
        assert history[pid][-1]["date_of_birth"] == p["date_of_birth"]
    addresses = defaultdict(list)
    for a in rows(db, "address"):
        addresses[a["family_id"]].append(a)
        if a["postcode"]:
            assert normalise_postcode(a["postcode"]) == a["postcode"]
        else:
            assert a["no_fixed_abode"]
    for items in addresses.values():
        items.sort(key=lambda a: a["valid_from"])
        assert items[-1]["valid_to"] is None
        assert all(a["valid_to"] is not None for a in items[:-1])
    assert any(len(items) > 1 for items in addresses.values()), "some address history"


def test_request_sources_map_to_cin_codes(generated_sqlite: Database) -> None:
    for r in rows(generated_sqlite, "request_for_support"):
        assert codes.is_valid(codes.REFERRAL_SOURCE, r["source"])
        assert r["cin_source"] == codes.maps_to(codes.REFERRAL_SOURCE, r["source"])


# ---- Coverage of states and outcomes ----------------------------------------------------------


def test_cycle_fits_in_sixty_families() -> None:
    assert len(CYCLE) <= 60


def _values(db: Database, table: str, column: str, **where: Any) -> set[Any]:
    return {r[column] for r in rows(db, table) if all(r[k] == v for k, v in where.items())}


def test_every_state_and_outcome_appears(generated_sqlite: Database) -> None:
    db = generated_sqlite
    found = {
        "request": _values(db, "request_for_support", "status"),
        "episode": _values(db, "episode", "status"),
        "assessment": _values(db, "assessment", "status"),
        "plan": _values(db, "plan", "status"),
        "plan_action": _values(db, "plan_action", "status"),
        "review": _values(db, "meeting", "status"),
        "step_up": _values(db, "transfer_request", "status", direction="STEP_UP"),
        "step_down": _values(db, "transfer_request", "status", direction="STEP_DOWN"),
    }
    for name, machine in MACHINES.items():
        assert found[name] == set(machine.states), name
    assert _values(db, "request_for_support", "outcome") - {None} == set(RequestOutcome)
    assert _values(db, "episode",
                   "end_reason") - {None} == set(codes.codes_of(codes.EPISODE_CLOSURE_REASON))
    assert _values(db, "closure", "reason") == set(codes.codes_of(codes.EPISODE_CLOSURE_REASON))
    assert _values(db, "transfer_request", "decision_outcome",
                   direction="STEP_UP") - {None} == set(StepUpOutcome)
    assert _values(db, "meeting", "decision") - {None} == set(ReviewDecision)
    assert _values(db, "goal_progress", "rating") == set(ProgressRating)
    assert _values(db, "meeting", "kind") == set(codes.codes_of(codes.MEETING_TYPE))
    assert {"agreed", "refused", "withdrawn"} <= {
        "withdrawn" if c["withdrawn_on"] else "agreed" if c["agreed"] else "refused"
        for c in rows(db, "consent_record")
    }


def test_repeat_referrals_and_revolving_door(generated_sqlite: Database) -> None:
    db = generated_sqlite
    by_family = defaultdict(list)
    for r in rows(db, "request_for_support"):
        by_family[r["family_id"]].append(r["received_at"])
    repeats = sum(
        1 for times in by_family.values()
        for a, b in zip(sorted(times), sorted(times)[1:])
        if (b - a).days <= 365
    )
    assert repeats > 0
    transfers = rows(db, "transfer_request")
    ups = {(t["family_id"], t["requested_at"]) for t in transfers if t["direction"] == "STEP_UP"}
    downs = {(t["family_id"],
              t["requested_at"]) for t in transfers if t["direction"] == "STEP_DOWN"}
    assert any(f == g and up < down for f, up in ups for g,
               down in downs), "step-down after step-up"


# ---- Dates ------------------------------------------------------------------------------------


def _age(dob: dt.date, on: dt.date) -> int:
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def test_date_rules(generated_sqlite: Database) -> None:
    db = generated_sqlite
    # Nothing in the future except scheduled meetings, due/review/hold dates and expected births.
    future_ok = {("meeting", "scheduled_for"), ("meeting", "next_review_due"),
                 ("plan_action", "due_on"), ("episode", "on_hold_until"),
                 ("person", "date_of_birth"), ("person_dob_history", "date_of_birth")}
    for table in Base.metadata.sorted_tables:
        for r in rows(db, table.name):
            for col, value in r.items():
                if (table.name, col) in future_ok or value is None:
                    continue
                if isinstance(value, dt.datetime):
                    assert value.tzinfo is not None and value.utcoffset() == dt.timedelta(0)
                    assert value < MIDNIGHT, (table.name, col, value)
                elif isinstance(value, dt.date):
                    assert value < TODAY, (table.name, col, value)
    people = {p["id"]: p for p in rows(db, "person")}
    for p in people.values():
        assert p["dob_is_expected"] or p["date_of_birth"] < TODAY

    requests = {r["id"]: r for r in rows(db, "request_for_support")}
    for r in requests.values():
        assert r["created_at"] == r["received_at"]
        if r["decided_at"]:
            assert r["received_at"] <= r["decided_at"]
            assert r["outcome"] is not None and r["status"] in ("DECIDED", "CLOSED")
        else:
            assert r["outcome"] is None
        if r["feedback_at"]:
            assert r["decided_at"] <= r["feedback_at"]
    for rp in rows(db, "request_person"):
        p, r = people[rp["person_id"]], requests[rp["request_id"]]
        if rp["role"] == "child" and not p["dob_is_expected"]:
            assert p["date_of_birth"] < r["received_at"].date()
            assert _age(p["date_of_birth"], r["received_at"].date()) < 18

    episodes = {e["id"]: e for e in rows(db, "episode")}
    for r in requests.values():
        if r["outcome"] == "ACCEPT_EH":
            assert episodes[r["episode_id"]]["accepted_at"] == r["decided_at"]
    activity: dict[int, list[dt.date]] = defaultdict(list)
    for e in episodes.values():
        assert e["start_date"] == e["accepted_at"].date()
        if e["allocated_at"]:
            assert e["accepted_at"] <= e["allocated_at"] and e["lead_worker_id"]
        if e["end_date"]:
            assert e["end_date"] >= e["start_date"] and e["status"] == "CLOSED" and e["end_reason"]
        else:
            assert e["status"] != "CLOSED"
        activity[e["id"]].append(e["start_date"])
    assessments = rows(db, "assessment")
    completed = {}
    for a in assessments:
        e = episodes[a["episode_id"]]
        if a["started_on"]:
            assert e["allocated_at"].date() <= a["started_on"]
            activity[e["id"]].append(a["started_on"])
        if a["completed_on"]:
            assert a["started_on"] <= a["completed_on"]
            completed[e["id"]] = a["completed_on"]
            activity[e["id"]].append(a["completed_on"])
        if a["authorised_at"]:
            assert a["completed_on"] <= a["authorised_at"].date()
            activity[e["id"]].append(a["authorised_at"].date())
    plans = {p["id"]: p for p in rows(db, "plan")}
    for p in plans.values():
        if p["agreed_on"]:
            assert completed[p["episode_id"]] <= p["agreed_on"]
        if p["started_on"]:
            assert p["agreed_on"] <= p["started_on"]
            activity[p["episode_id"]].append(p["started_on"])
        if p["ended_on"]:
            assert p["started_on"] <= p["ended_on"]
        if p["status"] == "SUPERSEDED":
            assert any(q["previous_plan_id"] == p["id"] for q in plans.values())
    for m in rows(db, "meeting"):
        if m["held_on"]:
            activity[m["episode_id"]].append(m["held_on"])
            if m["plan_id"] and m["kind"] != "STEP_DOWN_MEETING":
                assert m["held_on"] >= plans[m["plan_id"]]["started_on"], "review >= plan start"
            if m["next_review_due"]:
                assert m["next_review_due"] > m["held_on"]
        else:
            assert m["status"] in ("SCHEDULED", "CANCELLED")
    goals = {g["id"]: g for g in rows(db, "plan_goal")}
    for a in rows(db, "plan_action"):
        if a["completed_on"]:
            assert a["status"] == "DONE"
            plan = plans[goals[a["goal_id"]]["plan_id"]]
            assert plan["started_on"] <= a["completed_on"]
            activity[plan["episode_id"]].append(a["completed_on"])
    for n in rows(db, "case_note"):
        activity[n["episode_id"]].append(n["written_at"].date())
    for o in rows(db, "outcome_measurement"):
        activity[o["episode_id"]].append(o["measured_on"])
    closures = {c["episode_id"]: c for c in rows(db, "closure")}
    for e in episodes.values():
        if e["status"] == "CLOSED":
            c = closures[e["id"]]
            assert c["closed_on"] == e["end_date"] and c["reason"] == e["end_reason"]
            assert c["closed_on"] >= max(activity[e["id"]]), "closure on or after the last activity"
        else:
            assert e["id"] not in closures
    for c in rows(db, "consent_record"):
        if c["withdrawn_on"]:
            assert c["given_on"] <= c["withdrawn_on"]


def test_transfer_histories_follow_the_state_machines(generated_sqlite: Database) -> None:
    db = generated_sqlite
    events = defaultdict(list)
    for ev in rows(db, "transfer_event"):
        events[ev["transfer_id"]].append(ev)
    transfers = rows(db, "transfer_request")
    assert {t["direction"] for t in transfers} == {"STEP_UP", "STEP_DOWN"}
    for t in transfers:
        machine = STEP_UP if t["direction"] == "STEP_UP" else STEP_DOWN
        history = events[t["id"]]
        assert history[0]["from_status"] is None and history[0]["at"] == t["requested_at"]
        for before, after in itertools.pairwise(history):
            assert before["at"] <= after["at"]
            assert after["from_status"] == before["to_status"]
            assert machine.apply(after["from_status"], after["action"]) == after["to_status"]
        assert history[-1]["to_status"] == t["status"]
        assert history[-1]["at"] == t["state_changed_at"]
        if t["decided_at"]:
            assert t["requested_at"] <= t["decided_at"]
        if t["direction"] == "STEP_DOWN" and t["episode_id"]:
            episode = next(e for e in rows(db, "episode") if e["id"] == t["episode_id"])
            assert episode["accepted_at"] >= t["requested_at"]


def test_people_and_requests_have_the_whole_family(db: Database) -> None:
    """A small run on both databases: the ORM reads it back and every family has a request."""
    generate(db, 6, seed=9, today=TODAY)
    with db.sessionmaker() as s:
        families = s.scalars(select(Family)).all()
        for family in families:
            n = s.execute(
                select(func.count()).select_from(RequestForSupport)
                .where(RequestForSupport.family_id == family.id)
            ).scalar_one()
            assert n >= 1
        assert all(p.created_at.tzinfo is not None for p in s.scalars(select(Person)))

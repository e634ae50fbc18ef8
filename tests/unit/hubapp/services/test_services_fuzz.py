"""Fuzzing every service entry point that takes what a person typed, on SQLite and PostgreSQL (issue 7).

``test_front_door_fuzz.py`` covers ``log_request``, ``decide_request`` and the duplicate check; this
file covers the rest: families, the episode (allocation, status, assessment, needs, plan, meetings,
outcomes), closures, transfers, bulk allocation, search and the administrators' commands. Each call
either succeeds and what it stored reads back through the service, or it raises ``ValidationError``
naming each field and rule (or the service's documented domain error: ``IllegalTransition``,
``NotFound``, ``ConcurrencyConflict``, ``TransferPending``) and writes nothing. Never another
exception. Examples are few (the database makes each one slow) and derandomised, so runs repeat.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from hubapp.data.db import Database
from hubapp.data.uow import UnitOfWork
from hubapp.domain import codes
from hubapp.domain.dto import NewFamily
from hubapp.domain.errors import DomainError, ValidationError
from hubapp.domain.meeting_dto import AttendeeInput, HeldInput, MeasurementInput, ProgressInput, ScheduleInput
from hubapp.domain.plan_dto import (
    WHO_AGENCY, WHO_PERSON, WHO_TEXT, WHO_WORKER, AgreementInput, AllocationInput, AssessmentInput,
    EpisodeActionInput, FactorInput, NeedInput, PlanActionInput, PlanGoalInput, PlanInput,
)
from hubapp.domain.transfer_dto import (
    BulkAllocateInput, ClosureInput, NeedOutcomeInput, NewStepDown, NewStepUp, TransferActionInput,
)
from hubapp.services import (
    admin, assessments, closures, episodes, families, meetings, needs, outcomes, plans, queue, search, transfers,
)

from ..._corpus import CORPUS, EXTREME_DATES, EXTREME_MOMENTS
from ._episode_world import EpisodeWorld
from ._transfer_world import TransferWorld
from ._world import World
from .test_front_door_fuzz import ZONES, any_date, code, person
from .test_hostile_input import counts

FUZZ = settings(max_examples=30, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])

#: Any text: short, around the one-line limit, and the corpus (the megabyte note included).
text = st.one_of(st.text(max_size=24), st.text(min_size=195, max_size=210),
                 st.sampled_from([s.value for s in CORPUS]), st.sampled_from(["", " ", "Ella"]))
dates = st.one_of(st.dates(dt.date.today() - dt.timedelta(days=400), dt.date.today() + dt.timedelta(days=400)),
                  st.sampled_from(EXTREME_DATES), st.dates())
moments = st.one_of(
    st.datetimes(dt.datetime.now() - dt.timedelta(days=30), dt.datetime.now() + dt.timedelta(days=300),
                 timezones=ZONES),
    st.sampled_from(EXTREME_MOMENTS), st.datetimes(timezones=st.one_of(st.none(), ZONES)))
ids = st.one_of(st.integers(1, 12), st.integers(-3, 10**7))
#: Text a careful person types, so that whole calls succeed too (the front door fuzz does the same).
sane_text = st.one_of(st.sampled_from(["Ella", "Zoë Ní Bhriain", "مريم", "Walk Ella to school", "O'Brien"]),
                      st.text(st.characters(categories=("Lu", "Ll", "Nd")), min_size=1, max_size=40))


def texts(data: Any) -> st.SearchStrategy[str]:
    """For one example: careful text (half the time) or anything at all."""
    return sane_text if data.draw(st.booleans(), label="careful typing") else text
# Documented refusals other than ValidationError: each leaves the database as it was.
REFUSALS = (DomainError,)


def run(db: Database, call: Callable[[], Any]) -> Any:
    """Call a service: its result, or ``None`` after a documented refusal that wrote nothing."""
    before = counts(db)
    try:
        result = call()
    except ValidationError as exc:
        event("refused")
        assert exc.errors
        for error in exc.errors:
            assert error.field and error.rule and error.message.strip(), error
        assert counts(db) == before
        return None
    except REFUSALS as exc:
        event(type(exc).__name__)
        assert str(exc).strip()
        assert counts(db) == before
        return None
    event("done")
    return result


# ---- Families and search -----------------------------------------------------------------------


@FUZZ
@given(data=st.data())
def test_create_family(world: World, data: Any) -> None:
    T = texts(data)
    family = data.draw(st.builds(NewFamily, hub_id=st.sampled_from([world.north, 987_654]),
                                 members=st.lists(person(), min_size=0, max_size=3).map(tuple), name=T))
    detail = run(world.db, lambda: families.create_family(world.uow(), family))
    if detail is not None:
        assert len(detail.members) == len(family.members)
        typed = sorted((m.given_name.strip(), m.family_name.strip()) for m in family.members)
        assert sorted((m.given_name, m.family_name) for m in detail.members) == typed
        assert detail.name == (family.name.strip() or detail.name) and len(detail.name) <= 200


@FUZZ
@given(query=st.one_of(text, st.builds(lambda d: f"Smith {d:%d/%m/%Y}" if d.year >= 1000 else "Smith", st.dates()),
                       st.sampled_from(["943 476 5919", "b11 1aa", "9434765910", "%", "_", "\\"])))
def test_quick_search(world: World, query: str) -> None:
    hits = run(world.db, lambda: search.quick_search(world.uow(), query))
    assert hits is None or isinstance(hits, tuple)


# ---- The episode -------------------------------------------------------------------------------


@pytest.fixture
def eworld(db: Database) -> EpisodeWorld:
    return EpisodeWorld(db)


@FUZZ
@given(data=st.data())
def test_allocation_and_status(eworld: EpisodeWorld, data: Any) -> None:
    T = texts(data)
    e = eworld.episode()
    if data.draw(st.booleans()):
        worker = data.draw(st.one_of(st.just(eworld.worker_id), ids))
        run(eworld.db, lambda: episodes.allocate(eworld.uow(), AllocationInput(e.id, e.version, worker)))
    else:
        action = data.draw(st.one_of(st.sampled_from(episodes.PAGE_ACTIONS), text))
        step = EpisodeActionInput(e.id, data.draw(st.sampled_from([e.version, e.version - 1])), action,
                                  on_hold_until=data.draw(st.one_of(st.none(), dates)),
                                  reason=data.draw(code(codes.EPISODE_CLOSURE_REASON)), narrative=data.draw(T),
                                  destination=data.draw(st.one_of(st.just(""), code(codes.CLOSURE_DESTINATION))))
        after = run(eworld.db, lambda: episodes.episode_action(eworld.uow(), step))
        if after is not None and action == "close":
            assert after.status == "CLOSED"


@FUZZ
@given(data=st.data())
def test_assessment_steps(eworld: EpisodeWorld, data: Any) -> None:
    T = texts(data)
    e = eworld.episode()
    if e.assessment is None:
        e = eworld.allocate()
        e = episodes.episode_action(eworld.uow(), EpisodeActionInput(e.id, e.version, "start_assessment"))
    a = e.assessment
    assert a is not None
    step = data.draw(st.sampled_from(["save", "save", "submit", "authorise", "return"]))
    if step == "save":
        typed = AssessmentInput(
            a.id, a.version, strengths=data.draw(T), child_voice=data.draw(T), analysis=data.draw(T),
            needs_child_development=data.draw(T), level_of_need=data.draw(st.one_of(st.none(), st.integers(-1, 6))),
            factors=data.draw(st.lists(st.builds(FactorInput, code(codes.ASSESSMENT_FACTOR),
                                                 st.one_of(st.none(), ids)), max_size=3).map(tuple)))
        saved = run(eworld.db, lambda: assessments.save_assessment(eworld.uow(), typed))
        if saved is not None:
            assert (saved.strengths, saved.child_voice) == (typed.strengths.strip(), typed.child_voice.strip())
    elif step == "submit":
        run(eworld.db, lambda: assessments.submit_assessment(eworld.uow(), a.id, a.version))
    elif step == "authorise":
        run(eworld.db, lambda: assessments.authorise_assessment(eworld.uow(), a.id, a.version))
    else:
        run(eworld.db, lambda: assessments.return_assessment(eworld.uow(), a.id, a.version, data.draw(T)))


@FUZZ
@given(data=st.data())
def test_save_need(eworld: EpisodeWorld, data: Any) -> None:
    T = texts(data)
    typed = NeedInput(eworld.episode_id, data.draw(T), data.draw(code(codes.SF_OUTCOME)),
                      person_ids=data.draw(st.lists(ids, max_size=2).map(tuple)), evidence_source=data.draw(T),
                      identified_on=data.draw(st.one_of(st.none(), dates)),
                      status=data.draw(st.sampled_from(["OPEN", "MET", "NOT_MET", "WITHDRAWN", "", "met"])),
                      outcome_evidence=data.draw(T))
    rows = run(eworld.db, lambda: needs.save_need(eworld.uow(), typed))
    if rows is not None:
        assert any(r.description == typed.description.strip() for r in rows)


def _action(data: Any, world: EpisodeWorld, T: st.SearchStrategy[str]) -> PlanActionInput:
    kind = data.draw(st.sampled_from([WHO_PERSON, WHO_WORKER, WHO_AGENCY, WHO_TEXT, "", "nobody"]))
    who = {WHO_PERSON: world.member("Joanne"), WHO_WORKER: world.worker_id, WHO_AGENCY: world.agency_id}.get(kind)
    return PlanActionInput(data.draw(T), kind, data.draw(st.one_of(st.just(who), st.none(), ids)), data.draw(T),
                           due_on=data.draw(st.one_of(st.none(), dates)),
                           status=data.draw(st.sampled_from(["OPEN", "DONE", "IN_PROGRESS", "?"])),
                           completed_on=data.draw(st.one_of(st.none(), dates)))


@FUZZ
@given(data=st.data())
def test_plan_editor_agree_and_new_version(eworld: EpisodeWorld, data: Any) -> None:
    T = texts(data)
    e = eworld.episode()
    if e.assessment is None:
        eworld.assess()
        plans.start_plan(eworld.uow(), eworld.episode_id)
    plan = plans.get_plan(eworld.uow(), eworld.episode().plans[0].id) if eworld.episode().plans else None
    assert plan is not None
    step = data.draw(st.sampled_from(["save", "save", "agree", "new_version"]))
    if step == "save":
        goals = tuple(PlanGoalInput(data.draw(T), data.draw(code(codes.SF_OUTCOME)),
                                    need_id=data.draw(st.one_of(st.none(), ids)),
                                    actions=tuple(_action(data, eworld, T) for _ in range(data.draw(st.integers(0, 2)))))
                      for _ in range(data.draw(st.integers(0, 2))))
        typed = PlanInput(plan.id, plan.version, goals, network_contribution=data.draw(T),
                          staff_notes=data.draw(T), review_interval_days=data.draw(st.integers(-5, 400)))
        saved = run(eworld.db, lambda: plans.save_plan(eworld.uow(), typed))
        if saved is not None:
            assert [g.description for g in saved.goals] == [g.description.strip() for g in goals]
            assert [a.what for g in saved.goals for a in g.actions] == [
                a.what.strip() for g in goals for a in g.actions]
    elif step == "agree":
        typed_agreement = AgreementInput(plan.id, plan.version, data.draw(dates), data.draw(T),
                                         data.draw(code(codes.CONSENT_METHOD)))
        agreed = run(eworld.db, lambda: plans.agree_plan(eworld.uow(), typed_agreement))
        if agreed is not None:
            assert agreed.agreed_by == typed_agreement.agreed_by.strip()
    else:
        run(eworld.db, lambda: plans.new_version(eworld.uow(), plan.id))


@pytest.fixture
def running(db: Database) -> EpisodeWorld:
    world = EpisodeWorld(db)
    world.running_plan()
    return world


@FUZZ
@given(data=st.data())
def test_meetings_arrange_record_cancel(running: EpisodeWorld, data: Any) -> None:
    T = texts(data)
    attendees = st.lists(st.builds(AttendeeInput, T, T, T, st.one_of(st.none(), ids),
                                   st.one_of(st.none(), ids), st.booleans()), max_size=2).map(tuple)
    step = data.draw(st.sampled_from(["arrange", "record", "record", "cancel"]))
    if step == "arrange":
        typed = ScheduleInput(running.episode_id, data.draw(code(codes.MEETING_TYPE)), data.draw(moments),
                              data.draw(T), data.draw(attendees))
        m = run(running.db, lambda: meetings.schedule_meeting(running.uow(), typed))
        if m is not None:
            assert m.row.status == "SCHEDULED"
    elif step == "record":
        goal_ids = [g.id for g in plans.get_plan(running.uow(), running.episode().plans[0].id).goals]
        typed_held = HeldInput(
            running.episode_id, data.draw(code(codes.MEETING_TYPE)), data.draw(dates), data.draw(attendees),
            progress=data.draw(st.lists(st.builds(ProgressInput, st.one_of(st.sampled_from(goal_ids), ids),
                                                  st.sampled_from(["IMPROVED", "NO_CHANGE", "WORSE", "better"]),
                                                  st.one_of(st.none(), st.integers(-2, 12)), T),
                                        max_size=2).map(tuple)),
            decision=data.draw(st.one_of(st.none(), st.sampled_from(["CONTINUE", "REVISE_PLAN", "CLOSE"]), T)),
            decision_notes=data.draw(T), location=data.draw(T))
        held = run(running.db, lambda: meetings.record_meeting(running.uow(), typed_held))
        if held is not None:
            assert (held.decision_notes or "") == typed_held.decision_notes.strip()
    else:
        scheduled = [m for m in running.episode().meetings if m.status == "SCHEDULED"]
        target = scheduled[0] if scheduled else None
        meeting_id = target.id if target else data.draw(ids)
        run(running.db, lambda: meetings.cancel_meeting(running.uow(), meeting_id, target.version if target else 1))


@FUZZ
@given(data=st.data())
def test_outcome_scores(eworld: EpisodeWorld, data: Any) -> None:
    T = texts(data)
    typed = MeasurementInput(eworld.episode_id, data.draw(T), data.draw(st.integers(-3, 30)), data.draw(dates),
                             tool=data.draw(T), person_id=data.draw(st.one_of(st.none(), ids)),
                             scale_min=data.draw(st.integers(-2, 3)), scale_max=data.draw(st.integers(-2, 12)))
    result = run(eworld.db, lambda: outcomes.add_measurement(eworld.uow(), typed))
    if result is not None:
        assert any(r.area == typed.area.strip() and r.score == typed.score for r in result[0])


# ---- Transfers, closures, the queue ------------------------------------------------------------


@pytest.fixture
def tworld(db: Database) -> TransferWorld:
    return TransferWorld(db)


@FUZZ
@given(data=st.data())
def test_transfers_create_and_advance(tworld: TransferWorld, data: Any) -> None:
    T = texts(data)
    step = data.draw(st.sampled_from(["up", "down", "advance", "advance"]))
    if step == "up":
        episode_id = tworld.episode(tworld.family())
        typed_up = NewStepUp(data.draw(st.one_of(st.just(episode_id), ids)), data.draw(T), data.draw(T),
                             data.draw(T), data.draw(st.one_of(st.none(), ids)))
        t = run(tworld.db, lambda: transfers.create_step_up(tworld.uow(), typed_up))
        if t is not None:
            assert t.row.reason == typed_up.reason.strip()
        return
    if step == "down":
        typed_down = NewStepDown(
            data.draw(st.one_of(st.just(tworld.family()), ids)), data.draw(st.sampled_from([tworld.north, 987_654])),
            data.draw(T), data.draw(T), data.draw(T), data.draw(T), data.draw(T),
            data.draw(st.one_of(st.sampled_from(["SUBMITTED_TO_EH", "CONSENT_OBTAINED"]), text)),
            data.draw(code(codes.SERVICE)), data.draw(st.one_of(st.none(), ids)),
            data.draw(st.one_of(st.none(), moments)))
        t = run(tworld.db, lambda: transfers.create_step_down(tworld.uow(), typed_down))
        if t is not None:
            assert (t.row.reason, t.row.csc_reference) == (typed_down.reason.strip(), typed_down.csc_reference.strip())
        return
    t = tworld.step_down(tworld.family())
    for _ in range(data.draw(st.integers(1, 3))):
        t = transfers.get_transfer(tworld.uow(), t.id)
        action = data.draw(st.one_of(st.sampled_from(t.row.allowed_actions or ("accept",)), text))
        typed = TransferActionInput(
            t.id, data.draw(st.sampled_from([t.version, t.version + 1])), action, note=data.draw(T),
            outcome=data.draw(T), decided_by_name=data.draw(T), decider_role=data.draw(T),
            csc_reference=data.draw(T), csc_outcome=data.draw(T),
            csc_closure_code=data.draw(st.sampled_from(["RC7", "RC9", "RC1", ""])),
            meeting_on=data.draw(st.one_of(st.none(), dates)), worker_id=data.draw(
                st.one_of(st.none(), st.sampled_from([tworld.ben, tworld.cara]), ids)))
        run(tworld.db, lambda: transfers.advance(tworld.uow(), typed))


@FUZZ
@given(data=st.data())
def test_close_episode(tworld: TransferWorld, data: Any) -> None:
    T = texts(data)
    episode_id = tworld.episode(tworld.family(), needs=2)
    need_ids = [n.id for n in closures.closure_form(tworld.uow(), episode_id).needs]
    typed = ClosureInput(
        episode_id, data.draw(st.sampled_from([tworld.episode_row(episode_id).version, 99])),
        data.draw(code(codes.EPISODE_CLOSURE_REASON)), data.draw(T),
        data.draw(st.one_of(st.just(""), code(codes.CLOSURE_DESTINATION))), data.draw(T),
        data.draw(st.lists(st.builds(NeedOutcomeInput, st.one_of(st.sampled_from(need_ids), ids),
                                     st.sampled_from(["MET", "NOT_MET", "WITHDRAWN", "OPEN", "?"]), T),
                           max_size=3).map(tuple)))
    closed = run(tworld.db, lambda: closures.close_episode(tworld.uow(), typed))
    if closed is not None:
        assert closed.status == "CLOSED" and tworld.episode_row(episode_id).status == "CLOSED"


@FUZZ
@given(data=st.data())
def test_bulk_allocate(tworld: TransferWorld, data: Any) -> None:
    t = tworld.step_down(tworld.family())
    t = tworld.act(t, "accept", note="Meets the threshold.")
    items = data.draw(st.lists(st.tuples(st.one_of(st.just(t.id), ids), st.one_of(st.just(t.version), ids)),
                               max_size=3).map(tuple))
    worker = data.draw(st.one_of(st.sampled_from([tworld.ben, tworld.cara, tworld.worker_id]), ids))
    result = run(tworld.db, lambda: queue.bulk_allocate(tworld.uow(), BulkAllocateInput(items, worker)))
    if result is not None:
        assert set(result.allocated) | {i for i, _ in result.refused} == {i for i, _ in items}


# ---- Administration ----------------------------------------------------------------------------


@FUZZ
@given(data=st.data())
def test_admin_commands(db: Database, data: Any) -> None:
    T = texts(data)
    uow = lambda: UnitOfWork(db)  # noqa: E731
    if data.draw(st.booleans()):
        code_ = data.draw(st.one_of(st.sampled_from(["N", " s ", "HUB-1"]), text))
        run(db, lambda: admin.add_hub(uow(), code_, data.draw(T)))
    else:
        run(db, lambda: admin.add_team(uow(), data.draw(st.sampled_from(["N", "ZZ", ""])), data.draw(T)))
    if db.engine.dialect.name == "sqlite":  # PostgreSQL login roles are the hostile-input test's (by prefix)
        name = data.draw(st.one_of(st.sampled_from(["amira.khan", " Ben.Ortiz "]), text))
        run(db, lambda: admin.add_user(uow(), name, data.draw(T), data.draw(
            st.lists(st.sampled_from(["hub_worker", "coordinator", "nobody"]), max_size=2)),
            data.draw(st.lists(st.sampled_from(["N", "ZZ"]), max_size=2))))

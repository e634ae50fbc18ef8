"""The dashboard's kept month parts (PostgreSQL, migrations 0007 and 0008;
hubapp.services._dashboard_kept).

The kept dashboard must always equal the dashboard worked out from the records alone: after each
kind of edit the kept figures read, whether made through the program or straight in SQL, and when
the edit is saved while the figures are being worked out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

import pytest
from sqlalchemy import text

from hubapp.data.db import Database
from hubapp.data.uow import UnitOfWork
from hubapp.domain.errors import DatabaseUnavailable
from hubapp.services import _dashboard_kept as kept_module
from hubapp.services import dashboard

from ._dashboard_world import TODAY, DashWorld, at, d

pytestmark = pytest.mark.postgres


@dataclass
class Ids:
    family: int
    ella: int
    allocated: int
    planned: int
    plan: int
    review: int
    consent: int
    closed: int
    request: int
    two: int
    ended: int
    score: int
    claimed: int
    need: int
    step_up: int
    taken_on: int
    decided: int
    zed: int
    passed: int


@pytest.fixture
def w(pg_db: Database) -> DashWorld:
    return DashWorld(pg_db)


def world(w: DashWorld) -> Ids:
    """A little of everything the kept parts count, August to October 2025."""
    f, (ella,) = w.family("One")
    allocated = w.episode(f, d(2025, 8, 20), allocated=d(2025, 8, 22), lead=w.ana, front_door=True)
    w.assessment(allocated, authorised=d(2025, 9, 8))
    planned = w.episode(f, d(2025, 8, 1), children=[ella])
    plan = w.plan(planned, d(2025, 8, 1))
    review = w.review(planned, d(2025, 9, 5))
    consent = w.consent(f, planned, d(2025, 8, 1), withdrawn=d(2025, 10, 15))
    closed = w.episode(f, d(2024, 3, 1), status="CLOSED", end=d(2024, 9, 10), end_reason="OUTCOMES_MET",
                       children=[ella])
    request = w.request(f, at(d(2025, 9, 1)), children=[ella])  # a re-referral (356 days)
    w.request(f, at(d(2025, 8, 12)))
    # The front door: a request decided 7 working days after it came in (the other decided the day it came).
    decided = w.request(f, at(d(2025, 9, 18)), at(d(2025, 9, 29)), "NFA")
    # Escalation: a step-up 144 days after the closure of 10 Sep 2024 (its 12 months end in September).
    step_up = w.transfer("STEP_UP", f, "SENT", at(d(2025, 2, 1)), episode=closed,
                         events=[("DRAFT", at(d(2025, 2, 1))), ("SENT", at(d(2025, 2, 1)))])
    two, (zed,) = w.family("Two", children=("Zed",))
    # Distance travelled: closed in September, +3 on one area.
    ended = w.episode(two, d(2025, 3, 1), status="CLOSED", end=d(2025, 9, 12), end_reason="OUTCOMES_MET")
    score = w.score(two, ended, "Routines", 3, d(2025, 8, 1))
    w.score(two, ended, "Routines", 6, d(2025, 9, 10))
    # Supporting Families: three evidenced needs, sustained 182 days after 1 Mar 2025 (30 August); its
    # 6 months after closure end in August too.
    claimed = w.episode(two, d(2024, 9, 1), status="CLOSED", end=d(2025, 3, 1), end_reason="OUTCOMES_MET")
    need = w.need(claimed, "SF01")
    w.need(claimed, "SF05")
    w.need(claimed, "SF09")
    # Revolving door: Ella's third start in two years on 20 August (the episode with no children named
    # counts for every child); Zed's third, social care taking a step-up on, on 10 September.
    taken_on = w.transfer("STEP_UP", two, "DECIDED", at(d(2025, 9, 1)), decided=at(d(2025, 9, 10)),
                          outcome="ACCEPTED_S47_STRATEGY", events=[("SENT", at(d(2025, 9, 1)))])
    # Revolving door: Kai's third start, a referral passed to social care here on 5 September after two
    # episodes in the south; the referral is the family's only start in scope.
    three, _ = w.family("Three", hub=w.south, children=("Kai",))
    w.episode(three, d(2024, 10, 1), hub=w.south, status="CLOSED", end=d(2024, 12, 1), end_reason="DISENGAGED")
    w.episode(three, d(2025, 2, 1), hub=w.south, status="CLOSED", end=d(2025, 4, 1), end_reason="DISENGAGED")
    passed = w.request(three, at(d(2025, 9, 2)), at(d(2025, 9, 5)), "PASS_TO_CSC")
    return Ids(f, ella, allocated, planned, plan, review, consent, closed, request, two, ended, score, claimed, need,
               step_up, taken_on, decided, zed, passed)


#: The kept parts of :func:`world` (three months of each figure).
ALL_KEPT = {key: 3 for key in ("assessment", "claimable", "consent", "distance", "escalation", "front_door",
                               "re_referral", "revolving_door", "revolving_scope", "review", "step_up",
                               "time_to_allocation")}


def board(w: DashWorld) -> dashboard.Dashboard:
    return dashboard.dashboard(w.uow(), w.flt(), today=TODAY)


@contextmanager
def nothing_kept() -> Iterator[None]:
    original = dashboard.Kept.open
    dashboard.Kept.open = classmethod(lambda cls, ctx: None)  # type: ignore[assignment,method-assign]
    try:
        yield
    finally:
        dashboard.Kept.open = original  # type: ignore[method-assign]


def live(w: DashWorld) -> dashboard.Dashboard:
    with nothing_kept():
        return board(w)


def cells(w: DashWorld) -> dict[str, int]:
    with UnitOfWork(w.db) as uow:
        return dict(uow.session.execute(text(  # type: ignore[arg-type]
            "SELECT indicator, count(*) FROM hubapp_dashboard_cell GROUP BY indicator")).all())


MONTHLY = ("_allocation_months", "_assessment_months", "_claimable_months", "_distance_months",
           "_escalation_months", "_front_door_months", "_re_referral_months")

#: What works a kept figure out from the records (the spies of ``worked_out``): every one, and those
#: that read episodes.
EVERY = (*MONTHLY, "_consent_counts", "_review_counts", "_revolving_parts", "_step_up_months")
READ_EPISODES = tuple(name for name in EVERY if name != "_front_door_months")


@pytest.fixture
def worked_out(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dt.date]]:
    """(figure, first day) each time a kept figure is worked out from the records."""
    seen: list[tuple[str, dt.date]] = []
    for name in ("_review_counts", "_consent_counts"):
        original = getattr(dashboard, name)

        def spy(ctx: object, days: object, _o: Callable[..., object] = original, _n: str = name) -> object:
            seen.append((_n, ctx.start))  # type: ignore[attr-defined]
            return _o(ctx, days)
        monkeypatch.setattr(dashboard, name, spy)
    for name in MONTHLY:
        original = getattr(dashboard, name)

        def spy1(ctx: object, _o: Callable[..., object] = original, _n: str = name) -> object:
            seen.append((_n, ctx.start))  # type: ignore[attr-defined]
            return _o(ctx)
        monkeypatch.setattr(dashboard, name, spy1)
    original_step_up = dashboard._step_up_months

    def spy_step_up(ctx: object, period_start: dt.date) -> object:
        seen.append(("_step_up_months", ctx.start))  # type: ignore[attr-defined]
        return original_step_up(ctx, period_start)  # type: ignore[arg-type]
    monkeypatch.setattr(dashboard, "_step_up_months", spy_step_up)
    original_parts = dashboard._revolving_parts

    def spy_parts(ctx: object, months: list[dt.date]) -> object:
        seen.append(("_revolving_parts", months[0]))
        return original_parts(ctx, months)  # type: ignore[arg-type]
    monkeypatch.setattr(dashboard, "_revolving_parts", spy_parts)
    return seen


def _sql(statement: str) -> Callable[[DashWorld, Ids], None]:
    def edit(w: DashWorld, ids: Ids) -> None:
        with UnitOfWork(w.db) as uow:
            uow.session.execute(text(statement.format(**vars(ids), south=w.south)))
            uow.commit()
    return edit


#: Each kind of change the kept parts read, made as the program makes it or straight in SQL.
EDITS: dict[str, Callable[[DashWorld, Ids], object]] = {
    "a review held in September, recorded late": lambda w, i: w.review(i.planned, d(2025, 9, 25)),
    "a review's date corrected": _sql("UPDATE meeting SET held_on = DATE '2025-08-20' WHERE id = {review}"),
    "a review cancelled": _sql("UPDATE meeting SET status = 'CANCELLED' WHERE id = {review}"),
    "a review deleted": _sql("DELETE FROM meeting WHERE id = {review}"),
    "the plan's review interval shortened": _sql("UPDATE plan SET review_interval_days = 20 WHERE id = {plan}"),
    "the plan ended": _sql("UPDATE plan SET status = 'ENDED', ended_on = DATE '2025-09-15' WHERE id = {plan}"),
    "consent withdrawn earlier": _sql("UPDATE consent_record SET withdrawn_on = DATE '2025-08-20' WHERE id = {consent}"),
    "consent found not to cover sharing": _sql("UPDATE consent_record SET scope_sharing = false WHERE id = {consent}"),
    "new consent recorded": lambda w, i: w.consent(i.family, i.allocated, d(2025, 9, 1)),
    "an assessment authorised": lambda w, i: w.assessment(i.planned, authorised=d(2025, 10, 2)),
    "an authorisation date corrected": _sql(
        "UPDATE assessment SET authorised_at = TIMESTAMPTZ '2025-10-20 10:00+00' WHERE episode_id = {allocated}"),
    "an allocation date corrected": _sql(
        "UPDATE episode SET allocated_at = TIMESTAMPTZ '2025-08-01 10:00+00' WHERE id = {allocated}"),
    "an episode closed": _sql("UPDATE episode SET status = 'CLOSED', end_date = DATE '2025-09-20', "
                              "end_reason = 'OUTCOMES_MET' WHERE id = {planned}"),
    "the family's episodes this period moved to another hub": _sql(
        "UPDATE episode SET hub_id = {south} WHERE id IN ({planned}, {allocated})"),
    "a step-up taken on moved to another hub": _sql("UPDATE transfer_request SET hub_id = {south} WHERE id = {taken_on}"),
    "a referral passed to social care moved to another hub": _sql(
        "UPDATE request_for_support SET hub_id = {south} WHERE id = {passed}"),
    "an episode moved to another hub": _sql("UPDATE episode SET hub_id = {south} WHERE id = {planned}"),
    "an earlier closure backdated past a year": _sql("UPDATE episode SET end_date = DATE '2024-08-01' WHERE id = {closed}"),
    "a child taken off the earlier episode": _sql("DELETE FROM episode_child WHERE episode_id = {closed}"),
    "the earlier episode found to be for another child": lambda w, i: (
        _sql("DELETE FROM episode_child WHERE episode_id = {closed}")(w, i),
        _sql("INSERT INTO episode_child (episode_id, person_id) VALUES ({closed}, {zed})")(w, i)),
    "a child taken off a request": _sql("DELETE FROM request_person WHERE request_id = {request}"),
    "a request received in October": lambda w, i: w.request(i.family, at(d(2025, 10, 3)), children=[i.ella]),
    "a request's date corrected": _sql(
        "UPDATE request_for_support SET received_at = TIMESTAMPTZ '2025-07-01 10:00+00' WHERE id = {request}"),
    "a score recorded late": lambda w, i: w.score(i.two, i.ended, "Routines", 8, d(2025, 9, 20)),
    "a score corrected": _sql("UPDATE outcome_measurement SET score = 1 WHERE id = {score}"),
    "a score deleted": _sql("DELETE FROM outcome_measurement WHERE id = {score}"),
    "a need's evidence struck out": _sql("UPDATE need SET outcome_evidence = NULL WHERE id = {need}"),
    "a need added, not yet met": lambda w, i: w.need(i.claimed, "SF02", status="OPEN"),
    "a need deleted": _sql("DELETE FROM need WHERE id = {need}"),
    "the scored episode moved to another hub": _sql("UPDATE episode SET hub_id = {south} WHERE id = {ended}"),
    "the claimed episode's closure backdated": _sql("UPDATE episode SET end_date = DATE '2025-01-15' WHERE id = {claimed}"),
    "a closure's reason corrected": _sql("UPDATE episode SET end_reason = 'DISENGAGED' WHERE id = {claimed}"),
    "a referral passed to social care after a closure": lambda w, i: w.request(
        i.two, at(d(2025, 5, 30)), at(d(2025, 6, 1)), "PASS_TO_CSC"),
    "a step-up sent after a closure": lambda w, i: w.transfer(
        "STEP_UP", i.two, "SENT", at(d(2025, 4, 1)), events=[("SENT", at(d(2025, 4, 1)))]),
    "a step-up's sending struck from its history": _sql(
        "DELETE FROM transfer_event WHERE transfer_id = {step_up} AND to_status = 'SENT'"),
    "a September step-up's sending struck from its history": _sql(
        "DELETE FROM transfer_event WHERE transfer_id = {taken_on} AND to_status = 'SENT'"),
    "a child left the family": _sql("UPDATE family_membership SET end_date = DATE '2025-10-01' WHERE person_id = {ella}"),
    "an episode's start corrected": _sql("UPDATE episode SET start_date = DATE '2023-01-01' WHERE id = {closed}"),
    "a step-down requested": lambda w, i: w.transfer("STEP_DOWN", i.family, "TRIAGED",
                                                     at(d(2025, 9, 15)), events=[("TRIAGED", at(d(2025, 9, 16)))]),
    "a step-up's decision corrected": _sql(
        "UPDATE transfer_request SET decision_outcome = 'NFA' WHERE id = {taken_on}"),
    "a step-up's decision date corrected": _sql(
        "UPDATE transfer_request SET decided_at = TIMESTAMPTZ '2025-11-10 10:00+00' WHERE id = {taken_on}"),
    "a step-up's date corrected": _sql(
        "UPDATE transfer_request SET requested_at = TIMESTAMPTZ '2024-06-01 10:00+00' WHERE id = {step_up}"),
    "a decision's date corrected": _sql(
        "UPDATE request_for_support SET decided_at = TIMESTAMPTZ '2025-10-01 10:00+00' WHERE id = {decided}"),
    "a request found to have come in earlier": _sql(
        "UPDATE request_for_support SET received_at = TIMESTAMPTZ '2025-08-01 10:00+00' WHERE id = {decided}"),
    "a decision corrected to withdrawn": _sql("UPDATE request_for_support SET outcome = 'WITHDRAWN' WHERE id = {decided}"),
    "a request decided in October": lambda w, i: w.request(i.two, at(d(2025, 10, 6)), at(d(2025, 10, 6)), "NFA"),
    "an accepting decision taken back": _sql(
        "UPDATE request_for_support SET outcome = 'NFA', episode_id = NULL WHERE episode_id = {allocated}"),
    "an episode opened at the front door, allocated in October": lambda w, i: w.episode(
        i.two, d(2025, 9, 25), allocated=d(2025, 10, 9), front_door=True),
    "a step-up sent in September": lambda w, i: w.transfer(
        "STEP_UP", i.family, "SENT", at(d(2025, 9, 22)), events=[("SENT", at(d(2025, 9, 22)))]),
    "an episode opened before the period closed in it": lambda w, i: w.episode(
        i.two, d(2024, 1, 5), status="CLOSED", end=d(2025, 8, 5), end_reason="DISENGAGED"),
}


@pytest.mark.parametrize("edit", EDITS)
def test_kept_figures_equal_the_figures_worked_out_after(w: DashWorld, edit: str,
                                                         worked_out: list[tuple[str, dt.date]]) -> None:
    ids = world(w)
    first = board(w)
    assert cells(w) == ALL_KEPT
    assert first.indicators == live(w).indicators
    worked_out.clear()
    assert board(w).indicators == first.indicators
    assert worked_out == []  # all read back, nothing worked out again
    EDITS[edit](w, ids)
    after = board(w)
    assert worked_out  # the change made something stale
    assert after.indicators == live(w).indicators
    assert board(w).indicators == after.indicators  # and what was worked out again is kept


def test_only_the_changed_month_and_later_are_worked_out_again(w: DashWorld,
                                                              worked_out: list[tuple[str, dt.date]]) -> None:
    ids = world(w)
    board(w)
    worked_out.clear()
    # Every figure but the front door's reads episodes: each works out the months from the change's
    # first on again.
    EDITS["an allocation date corrected"](w, ids)  # from August: the first month the change can move
    board(w)
    assert sorted(worked_out) == sorted((name, d(2025, 8, 1)) for name in READ_EPISODES)
    worked_out.clear()
    _sql("UPDATE episode SET status = 'CLOSED', end_date = DATE '2025-10-20', end_reason = 'OUTCOMES_MET' "
         "WHERE id = {allocated}")(w, ids)  # closed in October
    board(w)
    assert sorted(worked_out) == sorted((name, d(2025, 10, 1)) for name in READ_EPISODES)
    worked_out.clear()
    EDITS["a request decided in October"](w, ids)  # requests: not the snapshots, distance or claims
    board(w)
    assert sorted(worked_out) == sorted((name, d(2025, 10, 1)) for name in (
        "_allocation_months", "_escalation_months", "_front_door_months", "_re_referral_months", "_revolving_parts"))


def test_only_the_figures_that_read_the_changed_table_are_worked_out_again(
        w: DashWorld, worked_out: list[tuple[str, dt.date]]) -> None:
    ids = world(w)
    board(w)
    worked_out.clear()
    w.review(ids.planned, d(2025, 10, 3))  # a meeting: only review compliance reads meetings
    board(w)
    assert worked_out == [("_review_counts", d(2025, 10, 1))]
    worked_out.clear()
    EDITS["a score corrected"](w, ids)  # a score: only distance travelled reads them
    board(w)
    assert [name for name, _ in worked_out] == ["_distance_months"]
    worked_out.clear()
    EDITS["a child left the family"](w, ids)  # a membership: only the revolving door reads them
    board(w)
    assert [name for name, _ in worked_out] == ["_revolving_parts"]
    assert board(w).indicators == live(w).indicators


def test_periods_starting_mid_month_keep_parts_of_their_own(w: DashWorld) -> None:
    ids = world(w)

    def both(start: dt.date) -> tuple[object, object]:
        flt = replace(w.flt(), period_start=start)
        kept = dashboard.dashboard(w.uow(), flt, today=TODAY).indicators
        with nothing_kept():
            return kept, dashboard.dashboard(w.uow(), flt, today=TODAY).indicators

    for start in (d(2025, 8, 15), d(2025, 8, 21), d(2025, 8, 15)):  # the rolling 12 months start mid-month
        kept, worked = both(start)
        assert kept == worked
    step_up = next(i for i in both(d(2025, 8, 21))[0] if i.key == "step_up")  # type: ignore[attr-defined]
    open_in_period = next(f.value for f in step_up.figures if f.label == "Episodes open in the period")
    EDITS["an episode opened before the period closed in it"](w, ids)  # open 1 to 5 August only
    for start in (d(2025, 8, 15), d(2025, 8, 3)):
        kept, worked = both(start)
        assert kept == worked
    step_up = next(i for i in both(d(2025, 8, 3))[0] if i.key == "step_up")  # type: ignore[attr-defined]
    assert next(f.value for f in step_up.figures if f.label == "Episodes open in the period") == open_in_period + 1


def test_a_change_logged_without_its_table_makes_every_figure_stale(
        w: DashWorld, worked_out: list[tuple[str, dt.date]]) -> None:
    world(w)
    board(w)
    worked_out.clear()
    with UnitOfWork(w.db) as uow:  # as the rows logged before migration 0009
        uow.session.execute(text("INSERT INTO hubapp_dashboard_change (hub_id, from_month) "
                                 "VALUES (:hub, DATE '2025-10-01')"), {"hub": w.flt().hub_id})
        uow.commit()
    board(w)
    assert sorted(worked_out) == sorted((name, d(2025, 10, 1)) for name in EVERY)


def test_a_change_saved_while_the_figures_are_worked_out_is_not_missed(w: DashWorld,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    ids = world(w)  # nothing kept yet: this dashboard works every part out, and keeps it
    original = kept_module.Kept.open.__func__  # type: ignore[attr-defined]

    def open_then_someone_saves(cls: type, ctx: object) -> object:
        found = original(cls, ctx)  # this dashboard's snapshot is taken
        EDITS["consent withdrawn earlier"](w, ids)  # committed on another connection meanwhile
        EDITS["a review held in September, recorded late"](w, ids)
        return found

    monkeypatch.setattr(dashboard.Kept, "open", classmethod(open_then_someone_saves))
    before = board(w)  # reads (and keeps) what was there when it started
    monkeypatch.undo()
    assert cells(w)
    assert before.indicators != live(w).indicators
    assert board(w).indicators == live(w).indicators


def test_parts_of_other_days_and_settings_are_not_used_and_are_dropped(w: DashWorld) -> None:
    world(w)
    board(w)
    w.setting("timescale.review_interval_days", 20)
    changed = board(w)
    assert changed.indicators == live(w).indicators
    assert cells(w) == ALL_KEPT  # yesterday's are gone
    tomorrow = dashboard.dashboard(w.uow(), w.flt(), today=TODAY + dt.timedelta(days=1))
    with nothing_kept():
        assert tomorrow.indicators == dashboard.dashboard(w.uow(), w.flt(), today=TODAY + dt.timedelta(days=1)).indicators


def test_the_figures_are_shown_when_keeping_their_parts_fails(w: DashWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    world(w)

    def connection_dropped(self: UnitOfWork) -> None:
        raise DatabaseUnavailable("server closed the connection unexpectedly")

    monkeypatch.setattr(UnitOfWork, "commit", connection_dropped)
    shown = board(w)  # the figures were read before the commit that would keep their parts
    monkeypatch.undo()
    assert shown.indicators == live(w).indicators
    assert cells(w) == {}  # nothing half-kept: worked out again next time
    assert board(w).indicators == shown.indicators and cells(w) == ALL_KEPT


def test_team_and_worker_filters_work_everything_out(w: DashWorld) -> None:
    world(w)
    dashboard.dashboard(w.uow(), w.flt(team_id=w.team_a), today=TODAY)
    dashboard.dashboard(w.uow(), w.flt(worker_id=w.ana), today=TODAY)
    assert cells(w) == {}


def test_the_change_log_forgets_what_no_kept_part_can_need(w: DashWorld) -> None:
    ids = world(w)
    with UnitOfWork(w.db) as uow:
        uow.session.execute(text("UPDATE hubapp_dashboard_change SET at = now() - interval '3 days'"))
        uow.commit()
    w.review(ids.planned, d(2025, 10, 3))
    board(w)  # the first parts of the day: yesterday's are dropped, and with them the old changes
    dashboard.dashboard(w.uow(), w.flt(), today=TODAY + dt.timedelta(days=1))
    with UnitOfWork(w.db) as uow:
        ages = uow.session.execute(text("SELECT count(*) FILTER (WHERE at < now() - interval '2 days'), count(*) "
                                        "FROM hubapp_dashboard_change")).one()
    assert ages[0] == 0 and ages[1] >= 1

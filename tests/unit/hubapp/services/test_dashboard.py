"""The coordinator's dashboard (DOMAIN §9): each indicator on a small hand-built world whose right
answer is worked out by hand in the comments, on SQLite and on PostgreSQL.

The period is 1 August to 31 October 2025 (three trend months), "today" its last day; Monday
25 August 2025 is a bank holiday. Working days count the days *after* the start up to and
including the end (hubapp.domain.workdays).
"""

from __future__ import annotations

import datetime as dt

import pytest

from sqlalchemy import func, select

from hubapp.data.db import Database
from hubapp.data.models import RequestForSupport
from hubapp.domain.report_dto import Indicator, ReportFilter
from hubapp.services import dashboard

from ._dashboard_world import END, START, TODAY, DashWorld, at, d

AUG, SEP, OCT = d(2025, 8, 1), d(2025, 9, 1), d(2025, 10, 1)


@pytest.fixture
def w(db: Database) -> DashWorld:
    return DashWorld(db)


def run(w: DashWorld, key: str, **kw: object) -> Indicator:
    board = dashboard.dashboard(w.uow(), w.flt(**kw), today=TODAY)
    return next(i for i in board.indicators if i.key == key)


def trend(i: Indicator) -> dict[dt.date, float | None]:
    return {p.month: p.value for p in i.trend}


def figure(i: Indicator, label_start: str) -> float | None:
    return next(f.value for f in i.figures if f.label.startswith(label_start))


# ---- 1. Front-door timeliness -------------------------------------------------------------------


def front_door_world(w: DashWorld) -> list[int]:
    f, _ = w.family("Able")
    return [
        # Fri 22 Aug -> Tue 26 Aug: Sat, Sun, Mon 25 (bank holiday) do not count, Tue does: 1 WD, in time.
        w.request(f, at(d(2025, 8, 22)), at(d(2025, 8, 26), 9), "ACCEPT_EH", by=w.ana),
        # Fri 22 Aug -> Wed 27 Aug: Tue + Wed = 2 WD, late.
        w.request(f, at(d(2025, 8, 22)), at(d(2025, 8, 27)), "PASS_TO_CSC", by=w.bo),
        # Mon 1 Sep decided the same day: 0 WD, in time.
        w.request(f, at(d(2025, 9, 1), 9), at(d(2025, 9, 1), 16), "NFA", by=w.ana),
        # Withdrawn by the referrer: in the mix, not in the percentage.
        w.request(f, at(d(2025, 9, 1)), at(d(2025, 9, 2)), "WITHDRAWN", by=w.ana),
        # Decided before the period, and one in another hub: not counted.
        w.request(f, at(d(2025, 7, 30)), at(d(2025, 7, 31)), "NFA", by=w.ana),
        w.request(f, at(d(2025, 9, 1)), at(d(2025, 9, 1)), "NFA", hub=w.south, by=w.cy),
    ]


def test_front_door_counts_working_days_across_the_bank_holiday(w: DashWorld) -> None:
    ids = front_door_world(w)
    i = run(w, "front_door")
    # In time: the 26 Aug and 1 Sep decisions (2); decided and counted: 3 -> 2/3 = 66.7%.
    assert (i.numerator, i.denominator, i.value) == (2, 3, 66.7)
    assert figure(i, "Accepted") == 1 and figure(i, "Passed") == 1 and figure(i, "No further") == 1
    assert figure(i, "Withdrawn") == 1
    # By month of decision: August 1 of 2 = 50%; September 1 of 1 = 100%; October nothing.
    assert trend(i) == {AUG: 50.0, SEP: 100.0, OCT: None}
    assert i.below_target  # default target 90%
    late = dashboard.drill_down(w.uow(), w.flt(), "front_door_late", today=TODAY)
    assert len(late.rows) == 1 and late.rows[0][6] == 2 and late.family_ids == (late.family_ids[0],)
    everything = dashboard.drill_down(w.uow(), w.flt(), "front_door", today=TODAY)
    assert len(everything.rows) == 3 and len(everything.family_ids) == 3 and ids


def test_a_configured_target_decides_below_target(w: DashWorld) -> None:
    front_door_world(w)
    w.setting("dashboard.target.front_door", 60)
    i = run(w, "front_door")
    # 66.7% against 60%: on target.
    assert i.target == 60.0 and not i.below_target
    w.setting("dashboard.target.re_referral", None)  # null switches a target off
    assert run(w, "re_referral").target is None


def test_a_local_holiday_counts_like_a_bank_holiday(w: DashWorld) -> None:
    from hubapp.data.models import HolidayOverride
    from hubapp.data.uow import UnitOfWork

    f, _ = w.family()
    # Mon 1 Sep -> Wed 3 Sep is 2 WD; with Tue 2 Sep a local closure day it is 1, in time.
    w.request(f, at(d(2025, 9, 1)), at(d(2025, 9, 3)), "NFA")
    assert run(w, "front_door").value == 0.0
    with UnitOfWork(w.db) as uow:
        uow.session.add(HolidayOverride(day=d(2025, 9, 2), name="Local closure"))
        uow.commit()
    assert run(w, "front_door").value == 100.0


# ---- 2. Unallocated queue -----------------------------------------------------------------------


def test_unallocated_queue_at_the_snapshot_with_ages(w: DashWorld) -> None:
    f, _ = w.family()
    # Waiting on 31 Oct: accepted Thu 23 Oct -> 24, 27, 28, 29, 30, 31 Oct = 6 WD;
    # accepted Mon 20 Oct -> 21..24 and 27..31 Oct = 9 WD.
    w.episode(f, d(2025, 10, 23), status="AWAITING_ALLOCATION")
    w.episode(f, d(2025, 10, 20), status="AWAITING_ALLOCATION")
    # Accepted 25 Sep, allocated 3 Oct: waiting at the end of September only.
    w.episode(f, d(2025, 9, 25), status="ALLOCATED", allocated=d(2025, 10, 3), lead=w.ana)
    # Closed in error before allocation: not waiting on 31 Oct.
    w.episode(f, d(2025, 10, 1), status="CLOSED", end=d(2025, 10, 5), end_reason="OPENED_IN_ERROR")
    i = run(w, "unallocated")
    assert i.value == 2
    assert figure(i, "Median") == 7.5 and figure(i, "Longest") == 9
    assert trend(i) == {AUG: 0.0, SEP: 1.0, OCT: 2.0}
    table = dashboard.drill_down(w.uow(), w.flt(), "unallocated", today=TODAY)
    assert [r[3] for r in table.rows] == [9, 6]
    # A lead practitioner has no unallocated episodes: zero, with words.
    mine = run(w, "unallocated", worker_id=w.ana)
    assert mine.value == 0 and "Ana" in mine.explanation


# ---- 3. Time to allocation, and the hub / team / worker filters ---------------------------------


def allocation_world(w: DashWorld) -> None:
    f, _ = w.family()
    # Fri 22 Aug -> Thu 28 Aug: 26, 27, 28 (Mon 25 is the bank holiday) = 3 WD; Ana, team A.
    w.episode(f, d(2025, 8, 22), allocated=d(2025, 8, 28), lead=w.ana, team=w.team_a, front_door=True)
    # Mon 1 Sep -> Mon 15 Sep = 10 WD; Bo, team B.
    w.episode(f, d(2025, 9, 1), allocated=d(2025, 9, 15), lead=w.bo, team=w.team_b, front_door=True)
    # Wed 1 Oct -> Wed 8 Oct = 5 WD; Ana.
    w.episode(f, d(2025, 10, 1), allocated=d(2025, 10, 8), lead=w.ana, team=w.team_a, front_door=True)
    # Opened by a step-down, not by the front door: not counted (10 WD would change the median).
    w.episode(f, d(2025, 9, 1), allocated=d(2025, 9, 15), lead=w.ana, team=w.team_a)
    # South Hub, Cy: Mon 1 Sep -> Tue 2 Sep = 1 WD.
    g, _ = w.family("South", hub=w.south)
    w.episode(g, d(2025, 9, 1), allocated=d(2025, 9, 2), lead=w.cy, hub=w.south, front_door=True)


def test_time_to_allocation_median_and_each_filter(w: DashWorld) -> None:
    allocation_world(w)
    i = run(w, "time_to_allocation")
    # North: 3, 10, 5 -> median 5.
    assert (i.value, i.numerator) == (5.0, 3)
    assert trend(i) == {AUG: 3.0, SEP: 10.0, OCT: 5.0}
    assert not i.below_target  # 5 WD against the 10 WD target, lower is better
    assert run(w, "time_to_allocation", team_id=w.team_a).value == 4.0  # 3 and 5 -> 4
    assert run(w, "time_to_allocation", worker_id=w.bo).value == 10.0
    assert run(w, "time_to_allocation", hub_id=w.south).value == 1.0
    everywhere = dashboard.dashboard(w.uow(), ReportFilter(START, END), today=TODAY)
    assert next(x for x in everywhere.indicators if x.key == "time_to_allocation").value == 4.0  # 1,3,5,10
    nobody = run(w, "time_to_allocation", worker_id=w.dee)
    assert nobody.value is None and "Dee" in nobody.explanation
    table = dashboard.drill_down(w.uow(), w.flt(team_id=w.team_a), "time_to_allocation", today=TODAY)
    assert sorted(r[5] for r in table.rows) == [3, 5]


# ---- 4. Assessment timeliness -------------------------------------------------------------------


def test_assessment_timeliness(w: DashWorld) -> None:
    f, _ = w.family()
    # Allocated Fri 22 Aug, authorised Mon 8 Sep: 26-29 Aug (4) + 1-5 Sep (5) + 8 Sep = 10 WD, in time.
    e1 = w.episode(f, d(2025, 8, 20), allocated=d(2025, 8, 22), lead=w.ana)
    w.assessment(e1, authorised=d(2025, 9, 8))
    # Allocated Mon 1 Sep, authorised Tue 16 Sep: 2-5, 8-12, 15, 16 Sep = 11 WD, late.
    e2 = w.episode(f, d(2025, 8, 29), allocated=d(2025, 9, 1), lead=w.ana)
    w.assessment(e2, authorised=d(2025, 9, 16))
    w.assessment(e2, authorised=d(2025, 9, 20), kind="REASSESSMENT")  # not an EHA: not counted
    # Still in progress, allocated Wed 1 Oct: 22 WD by 31 Oct, past the timescale.
    e3 = w.episode(f, d(2025, 9, 30), status="ASSESSING", allocated=d(2025, 10, 1), lead=w.ana)
    w.assessment(e3, status="IN_PROGRESS")
    i = run(w, "assessment")
    assert (i.numerator, i.denominator, i.value) == (1, 2, 50.0)
    assert figure(i, "Not yet authorised") == 1
    assert trend(i) == {AUG: None, SEP: 50.0, OCT: None}
    overdue = dashboard.drill_down(w.uow(), w.flt(), "assessment_overdue", today=TODAY)
    assert len(overdue.rows) == 1 and overdue.rows[0][6] == 22


# ---- 5. Review compliance -----------------------------------------------------------------------


def test_review_compliance_including_an_episode_with_no_reviews(w: DashWorld) -> None:
    f, _ = w.family()
    # P1: agreed 1 Sep, review held 10 Oct -> 21 days on 31 Oct: up to date.
    p1 = w.episode(f, d(2025, 8, 1))
    w.plan(p1, d(2025, 9, 1))
    w.review(p1, d(2025, 10, 10))
    w.review(p1, d(2025, 10, 20), status="CANCELLED")  # a cancelled review is not a review
    # P2: no reviews, agreed 20 Sep -> 41 days: up to date.
    p2 = w.episode(f, d(2025, 8, 1))
    w.plan(p2, d(2025, 9, 20))
    # P3: no reviews, agreed 1 Sep -> 60 days: overdue.
    p3 = w.episode(f, d(2025, 8, 1))
    w.plan(p3, d(2025, 9, 1))
    # P4: paused (stepped up) today, so not "plan active" on 31 Oct; its plan (agreed 1 Aug, no
    # review) counted at the end of August (30 days, up to date) and September (60, overdue).
    p4 = w.episode(f, d(2025, 7, 1), status="PAUSED_STEPPED_UP")
    w.plan(p4, d(2025, 8, 1))
    # P5: v1 agreed 1 Aug, reviewed 5 Sep, revised: v2 agreed 15 Oct. On 31 Oct the later of the
    # review and v2's agreement is 15 Oct -> 16 days, up to date.
    p5 = w.episode(f, d(2025, 7, 1))
    w.plan(p5, d(2025, 8, 1), status="SUPERSEDED", ended=d(2025, 10, 15))
    w.plan(p5, d(2025, 10, 15), version=2)
    w.review(p5, d(2025, 9, 5))
    i = run(w, "review")
    # 31 Oct: P1, P2, P5 up to date of P1, P2, P3, P5 -> 3/4 = 75%.
    assert (i.numerator, i.denominator, i.value) == (3, 4, 75.0)
    # 31 Aug: P4 (30 days), P5 (30) -> 2/2. 30 Sep: P1 (29), P2 (10), P3 (29), P4 (60 X), P5 (25) -> 4/5.
    assert trend(i) == {AUG: 100.0, SEP: 80.0, OCT: 75.0}
    overdue = dashboard.drill_down(w.uow(), w.flt(), "review_overdue", today=TODAY)
    assert [(r[4], r[6]) for r in overdue.rows] == [(None, 60)]


# ---- 6. Consent coverage ------------------------------------------------------------------------


def test_consent_coverage(w: DashWorld) -> None:
    f, _ = w.family()
    c1 = w.episode(f, d(2025, 8, 1))
    w.consent(f, c1, d(2025, 8, 1))  # engagement and sharing: covered
    c2 = w.episode(f, d(2025, 8, 1))
    w.consent(f, c2, d(2025, 8, 1), sharing=False)  # engagement only: not covered
    c3 = w.episode(f, d(2025, 8, 1))
    w.consent(f, c3, d(2025, 8, 1), withdrawn=d(2025, 10, 15))  # covered until 15 Oct
    w.episode(f, d(2025, 8, 1))  # no consent at all
    w.episode(f, d(2025, 8, 1), status="CLOSED", end=d(2025, 10, 10), end_reason="DISENGAGED")  # open until 10 Oct
    i = run(w, "consent")
    # 31 Oct: 4 open (c1, c2, c3, the one without), covered: c1 -> 1/4 = 25%.
    assert (i.numerator, i.denominator, i.value) == (1, 4, 25.0)
    # 31 Aug and 30 Sep: 5 open, covered c1 and c3 -> 40%.
    assert trend(i) == {AUG: 40.0, SEP: 40.0, OCT: 25.0}
    table = dashboard.drill_down(w.uow(), w.flt(), "consent", today=TODAY)
    assert sorted(r[5] for r in table.rows) == [False, False, False, True]


# ---- 7. Step-up rate and conversion -------------------------------------------------------------


def test_step_up_rate_and_conversion(w: DashWorld) -> None:
    f, _ = w.family()
    e = [w.episode(f, d(2025, 6, 1)) for _ in range(3)]
    w.episode(f, d(2025, 8, 10), status="CLOSED", end=d(2025, 9, 1), end_reason="DISENGAGED")
    w.episode(f, d(2025, 1, 1), status="CLOSED", end=d(2025, 7, 1), end_reason="DISENGAGED")  # not open in period
    sent = ("DRAFT", "MANAGER_ENDORSED", "SENT", "RECEIVED_BY_FRONT_DOOR", "DECIDED")
    # Sent 5 Sep, social care took it (12 Sep).
    w.transfer("STEP_UP", f, "DECIDED", at(d(2025, 9, 5)), episode=e[0], decided=at(d(2025, 9, 12)),
               outcome="ACCEPTED_CIN_ASSESSMENT", events=[(s, at(d(2025, 9, 5))) for s in sent])
    # Sent 10 Oct, no further action (15 Oct).
    w.transfer("STEP_UP", f, "DECIDED", at(d(2025, 10, 10)), episode=e[1], decided=at(d(2025, 10, 15)),
               outcome="NFA", events=[(s, at(d(2025, 10, 10))) for s in sent])
    # A draft never sent: not a request to social care.
    w.transfer("STEP_UP", f, "DRAFT", at(d(2025, 10, 1)), episode=e[2], events=[("DRAFT", at(d(2025, 10, 1)))])
    # Sent in July, advice returned on 4 Aug: decided in the period, not sent in it.
    w.transfer("STEP_UP", f, "DECIDED", at(d(2025, 7, 20)), episode=e[2], decided=at(d(2025, 8, 4)),
               outcome="ADVICE_RETURNED_TO_EH", events=[(s, at(d(2025, 7, 20))) for s in sent])
    i = run(w, "step_up")
    # Sent in the period 2; episodes open in it 4 -> 50%. Conversion: 1 taken on of 3 decided = 33.3%.
    assert (i.numerator, i.denominator, i.value) == (2, 4, 50.0)
    assert figure(i, "Conversion") == 33.3
    # September: 1 sent, 4 open -> 25%; October: 1 of 3 open -> 33.3%; August: none of 4.
    assert trend(i) == {AUG: 0.0, SEP: 25.0, OCT: 33.3}


# ---- 8. Step-down flow, with a transfer declined then resubmitted -------------------------------


def test_step_down_flow(w: DashWorld) -> None:
    f, _ = w.family()
    g, _ = w.family("Brown")
    # Submitted Fri 22 Aug, declined, escalated back to triage, accepted, allocated Thu 4 Sep: from
    # the first submission 26-29 Aug (4) + 1-4 Sep (4) = 8 WD. Handover 8 Sep, social care closed 10 Sep.
    w.transfer("STEP_DOWN", f, "CSC_CLOSED", at(d(2025, 8, 20)), allocated=d(2025, 9, 4), meeting=d(2025, 9, 8),
               worker=w.ana, events=[("PROPOSED_AT_CIN_REVIEW", at(d(2025, 8, 20))),
                                     ("CONSENT_OBTAINED", at(d(2025, 8, 21))),
                                     ("SUBMITTED_TO_EH", at(d(2025, 8, 22))), ("TRIAGED", at(d(2025, 8, 26))),
                                     ("DECLINED", at(d(2025, 8, 27))), ("TRIAGED", at(d(2025, 9, 1))),
                                     ("ACCEPTED", at(d(2025, 9, 2))), ("ALLOCATED", at(d(2025, 9, 4))),
                                     ("HANDOVER_MEETING_HELD", at(d(2025, 9, 8))), ("CSC_CLOSED", at(d(2025, 9, 10)))])
    # Declined and closed; social care sent it again as a new request: Mon 8 Sep -> Wed 10 Sep = 2 WD.
    w.transfer("STEP_DOWN", g, "CLOSED", at(d(2025, 8, 1)),
               events=[("SUBMITTED_TO_EH", at(d(2025, 8, 1))), ("TRIAGED", at(d(2025, 8, 4))),
                       ("DECLINED", at(d(2025, 8, 5))), ("CLOSED", at(d(2025, 8, 6)))])
    w.transfer("STEP_DOWN", g, "ALLOCATED", at(d(2025, 9, 8)), allocated=d(2025, 9, 10), worker=w.bo,
               events=[("SUBMITTED_TO_EH", at(d(2025, 9, 8))), ("TRIAGED", at(d(2025, 9, 9))),
                       ("ACCEPTED", at(d(2025, 9, 9))), ("ALLOCATED", at(d(2025, 9, 10)))])
    # Imported with the meeting after social care closed (20 Oct): not "before closure".
    w.transfer("STEP_DOWN", g, "CSC_CLOSED", at(d(2025, 6, 1)), allocated=d(2025, 7, 1), meeting=d(2025, 10, 25),
               events=[("CSC_CLOSED", at(d(2025, 10, 20)))])
    # The queue on 31 Oct: triaged since Mon 20 Oct (9 WD) and accepted since Wed 29 Oct (2 WD).
    w.transfer("STEP_DOWN", f, "TRIAGED", at(d(2025, 10, 15)), events=[("TRIAGED", at(d(2025, 10, 20)))])
    w.transfer("STEP_DOWN", g, "ACCEPTED", at(d(2025, 10, 15)), events=[("ACCEPTED", at(d(2025, 10, 29)))])
    i = run(w, "step_down")
    # Median of 8 and 2 = 5 WD.
    assert (i.value, i.numerator) == (5.0, 2)
    assert figure(i, "Handover meeting held before") == 50.0  # 1 of the 2 closed by social care
    # Not complete, closed or failed: the two CSC closed, the allocated, the triaged, the accepted.
    assert figure(i, "In the queue") == 5
    assert figure(i, "Triaged") == 9 and figure(i, "Accepted") == 2
    assert trend(i) == {AUG: None, SEP: 5.0, OCT: None}
    table = dashboard.drill_down(w.uow(), w.flt(), "step_down", today=TODAY)
    assert sorted(r[5] for r in table.rows) == [2, 8]


# ---- 9. Re-referrals at 365 and 366 days --------------------------------------------------------


def test_re_referral_at_exactly_365_and_366_days(w: DashWorld) -> None:
    f1, (ella,) = w.family("One")
    w.episode(f1, d(2024, 3, 1), status="CLOSED", end=d(2024, 9, 1), end_reason="OUTCOMES_MET", children=[ella])
    w.request(f1, at(d(2025, 9, 1)), children=[ella])  # 1 Sep 2024 -> 1 Sep 2025 = 365 days: re-referral
    f2, (max_,) = w.family("Two", children=("Max",))
    w.episode(f2, d(2024, 3, 1), status="CLOSED", end=d(2024, 8, 31), end_reason="OUTCOMES_MET", children=[max_])
    w.request(f2, at(d(2025, 9, 1)), children=[max_])  # 366 days: not a re-referral
    f3, (ann, bob) = w.family("Three", children=("Ann", "Bob"))
    w.episode(f3, d(2025, 3, 1), status="CLOSED", end=d(2025, 10, 1), end_reason="DISENGAGED", children=[ann])
    w.request(f3, at(d(2025, 10, 10)), children=[bob])  # Bob was not in Ann's episode: not a re-referral
    f4, (kim,) = w.family("Four", children=("Kim",))
    w.request(f4, at(d(2025, 10, 1)), children=[kim])  # never known
    i = run(w, "re_referral")
    # 1 re-referral of 4 new requests = 25%, above the 22% comparator (lower is better).
    assert (i.numerator, i.denominator, i.value) == (1, 4, 25.0)
    assert i.below_target
    assert trend(i) == {AUG: None, SEP: 50.0, OCT: 0.0}
    table = dashboard.drill_down(w.uow(), w.flt(), "re_referral", today=TODAY)
    assert [(r[1], r[5]) for r in table.rows] == [("Ella One", 365)] and table.family_ids == (f1,)


# ---- 10. Escalation after an outcomes-met closure -----------------------------------------------


def test_escalation_within_6_and_12_months(w: DashWorld) -> None:
    f1, _ = w.family("One")
    f2, _ = w.family("Two")
    f3, _ = w.family("Three")
    f4, _ = w.family("Four")
    # 12-month windows ending in the period: closed 1 Aug - 31 Oct 2024.
    x1 = w.episode(f1, d(2024, 1, 1), status="CLOSED", end=d(2024, 9, 15), end_reason="OUTCOMES_MET")
    w.transfer("STEP_UP", f1, "SENT", at(d(2025, 3, 1)), episode=x1,  # 167 days later: within 12 months
               events=[(s, at(d(2025, 3, 1))) for s in ("DRAFT", "MANAGER_ENDORSED", "SENT")])
    w.episode(f2, d(2024, 1, 1), status="CLOSED", end=d(2024, 10, 1), end_reason="OUTCOMES_MET")  # nothing after
    # 6-month (182-day) windows ending in the period: closed 1 Feb - 2 May 2025.
    w.episode(f3, d(2024, 6, 1), status="CLOSED", end=d(2025, 3, 1), end_reason="OUTCOMES_MET")
    w.request(f3, at(d(2025, 5, 30)), at(d(2025, 6, 1)), "PASS_TO_CSC")  # 92 days later: within 6 months
    w.episode(f4, d(2024, 6, 1), status="CLOSED", end=d(2025, 4, 1), end_reason="OUTCOMES_MET")  # nothing after
    w.episode(f4, d(2024, 1, 1), status="CLOSED", end=d(2024, 9, 1), end_reason="DISENGAGED")  # not outcomes met
    i = run(w, "escalation")
    # 12 months: 1 of 2 = 50%; 6 months: 1 of 2 = 50%.
    assert (i.numerator, i.denominator, i.value) == (1, 2, 50.0)
    assert figure(i, "Within 6 months") == 50.0 and figure(i, "Within 12 months") == 50.0
    # The 12-month windows end 15 Sep 2025 (escalated) and 1 Oct 2025 (not).
    assert trend(i) == {AUG: None, SEP: 100.0, OCT: 0.0}
    table = dashboard.drill_down(w.uow(), w.flt(), "escalation", today=TODAY)
    assert len(table.rows) == 4


# ---- 11. Revolving door -------------------------------------------------------------------------


def test_revolving_door_counts_children_with_three_episodes_in_24_months(w: DashWorld) -> None:
    f, (ella, max_) = w.family("Iqbal", children=("Ella", "Max"))
    w.episode(f, d(2024, 1, 1), status="CLOSED", end=d(2024, 6, 1), end_reason="DISENGAGED", children=[ella, max_])
    e2 = w.episode(f, d(2025, 1, 1), children=[ella])
    # Social care took the case on 1 Sep 2025: a social care episode for every child of the family.
    w.transfer("STEP_UP", f, "DECIDED", at(d(2025, 8, 25)), episode=e2, decided=at(d(2025, 9, 1)),
               outcome="ACCEPTED_S47_STRATEGY", events=[("SENT", at(d(2025, 8, 25)))])
    # Ella: 1 Jan 2024, 1 Jan 2025, 1 Sep 2025 -> 609 days from first to third: counts.
    # Max: 1 Jan 2024 and 1 Sep 2025 only: two, does not count.
    g, (zoe,) = w.family("Ward", children=("Zoe",))
    w.episode(g, d(2023, 1, 1), status="CLOSED", end=d(2023, 6, 1), end_reason="DISENGAGED", children=[zoe])
    w.episode(g, d(2024, 6, 1), status="CLOSED", end=d(2024, 9, 1), end_reason="DISENGAGED", children=[zoe])
    w.episode(g, d(2025, 9, 1), children=[zoe])  # 1 Jan 2023 -> 1 Sep 2025 = 974 days: only two in 730
    i = run(w, "revolving_door")
    assert i.value == 1 and figure(i, "Families") == 1
    assert trend(i) == {AUG: 0.0, SEP: 1.0, OCT: 0.0}
    table = dashboard.drill_down(w.uow(), w.flt(), "revolving_door", today=TODAY)
    assert [(r[1], r[3]) for r in table.rows] == [("Ella Iqbal", 3)] and table.family_ids == (f,)


# ---- 12. Outcomes and Supporting Families -------------------------------------------------------


def test_outcomes_and_supporting_families(w: DashWorld) -> None:
    f1, _ = w.family("One")
    o1 = w.episode(f1, d(2025, 3, 1), status="CLOSED", end=d(2025, 9, 1), end_reason="OUTCOMES_MET", lead=w.ana)
    for sf in ("SF01", "SF03", "SF10"):
        w.need(o1, sf)  # three needs met with evidence
    w.score(f1, o1, "Routines", 3, d(2025, 8, 1))
    w.score(f1, o1, "Routines", 5, d(2025, 9, 1))
    w.score(f1, o1, "Routines", 6, d(2025, 9, 20))  # 6 - 3 = +3 (scores after closure still count)
    w.score(f1, o1, "Safety", 4, d(2025, 8, 1))  # one score only: no distance
    f2, _ = w.family("Two")
    w.episode(f2, d(2025, 3, 1), status="CLOSED", end=d(2025, 9, 2), end_reason="DISENGAGED")
    w.episode(f2, d(2025, 9, 1), status="CLOSED", end=d(2025, 9, 3), end_reason="OPENED_IN_ERROR")  # not counted
    f4, _ = w.family("Four")
    o4 = w.episode(f4, d(2025, 3, 1), status="CLOSED", end=d(2025, 10, 15), end_reason="OUTCOMES_MET")
    w.need(o4, "SF01")
    w.need(o4, "SF02")
    w.need(o4, "SF03", evidence=None)  # met but no evidence: two evidenced needs only
    w.score(f4, o4, "Routines", 4, d(2025, 8, 1))
    w.score(f4, o4, "Routines", 3, d(2025, 9, 1))  # 3 - 4 = -1
    # Sustainment (182 days) reached in the period: closed 1 Feb - 2 May 2025.
    fq, _ = w.family("Claim")
    q1 = w.episode(fq, d(2024, 9, 1), status="CLOSED", end=d(2025, 3, 1), end_reason="OUTCOMES_MET")
    for sf in ("SF01", "SF05", "SF09"):
        w.need(q1, sf)
    q2 = w.episode(fq, d(2024, 9, 1), status="CLOSED", end=d(2025, 3, 1), end_reason="OUTCOMES_MET")
    for sf, status in (("SF01", "MET"), ("SF05", "MET"), ("SF09", "NOT_MET")):
        w.need(q2, sf, status)
    for audit in ("PASSED", "PASSED", "FAILED", None):
        w.claim(fq, q1, d(2025, 9, 10), audit)
    w.claim(fq, q1, d(2025, 7, 10), "FAILED")  # submitted before the period
    i = run(w, "outcomes")
    # Closures: outcomes met (1 Sep, 15 Oct) and disengaged (2 Sep) -> 2/3 = 66.7%.
    assert (i.numerator, i.denominator, i.value) == (2, 3, 66.7)
    assert figure(i, "Mean distance") == 1.0  # (+3 + -1) / 2
    assert figure(i, "Families with three or more evidenced") == 1
    assert figure(i, "Families past the sustainment") == 1
    assert figure(i, "Claims passing audit") == 66.7  # 2 passed of 3 audited
    assert trend(i) == {AUG: None, SEP: 50.0, OCT: 100.0}
    claimable = dashboard.drill_down(w.uow(), w.flt(), "sf_claimable", today=TODAY)
    assert claimable.family_ids == (fq,) and claimable.rows[0][4] == d(2025, 8, 30)  # 1 Mar + 182 days
    caseload = dashboard.dashboard(w.uow(), w.flt(), today=TODAY).caseload
    assert caseload is not None and [r[0] for r in caseload.rows] == ["Ana"] and caseload.rows[0][4] == 1


# ---- Nothing to count ---------------------------------------------------------------------------


def assert_all_explained(board: dashboard.Dashboard) -> None:
    assert [i.number for i in board.indicators] == list(range(1, 13))
    for i in board.indicators:
        assert i.value in (None, 0.0), (i.key, i.value)
        assert i.explanation, i.key
        assert not i.below_target


def test_an_empty_period_gives_no_figures_and_says_why(w: DashWorld) -> None:
    allocation_world(w)
    board = dashboard.dashboard(w.uow(), ReportFilter(d(2010, 1, 1), d(2010, 12, 31), w.north), today=TODAY)
    assert_all_explained(board)
    assert len(board.indicators[0].trend) == 12
    # A period that ends before it starts is empty too, not an error.
    backwards = dashboard.dashboard(w.uow(), ReportFilter(d(2025, 9, 2), d(2025, 9, 1)), today=TODAY)
    assert_all_explained(backwards)


def test_a_hub_with_no_families_and_a_worker_with_no_cases(w: DashWorld) -> None:
    allocation_world(w)
    front_door_world(w)
    east = dashboard.dashboard(w.uow(), w.flt(hub_id=w.east), today=TODAY)
    assert_all_explained(east)
    assert "East Hub" in east.indicators[0].explanation
    dee = dashboard.dashboard(w.uow(), w.flt(worker_id=w.dee), today=TODAY)
    assert_all_explained(dee)
    assert dee.caseload is not None and dee.caseload.rows == () and "Dee" in dee.caseload.explanation
    for key in {k for i in dee.indicators for k in i.drill_keys}:
        table = dashboard.drill_down(w.uow(), w.flt(worker_id=w.dee), key, today=TODAY)
        assert table.rows == () and table.explanation, key


def test_unknown_drill_down_is_refused(w: DashWorld) -> None:
    with pytest.raises(ValueError, match="not a dashboard drill-down"):
        dashboard.drill_down(w.uow(), w.flt(), "nonsense", today=TODAY)


def test_filter_options_are_the_workers_hubs(w: DashWorld) -> None:
    from hubapp.data.uow import UnitOfWork

    everyone = dashboard.filter_options(UnitOfWork(w.db))
    assert [h.label for h in everyone.hubs] == ["East Hub", "North Hub", "South Hub"]
    mine = dashboard.filter_options(UnitOfWork(w.db, w.ana))
    assert [h.label for h in mine.hubs] == ["North Hub"]
    assert [t.label for t in mine.teams] == ["Team A", "Team B"]
    assert [x.label for x in mine.workers] == ["Ana", "Bo", "Dee"]
    assert next(x for x in mine.workers if x.label == "Bo").hub_ids == (w.north,)


# ---- Streams: the figures worked out on several connections at once (PostgreSQL) ----------------


def _some_of_everything(w: DashWorld) -> None:
    front_door_world(w)
    allocation_world(w)
    f1, _ = w.family("One")
    o1 = w.episode(f1, d(2025, 3, 1), status="CLOSED", end=d(2025, 9, 1), end_reason="OUTCOMES_MET", lead=w.ana)
    for sf in ("SF01", "SF03", "SF10"):
        w.need(o1, sf)
    w.score(f1, o1, "Routines", 3, d(2025, 8, 1))
    w.score(f1, o1, "Routines", 6, d(2025, 9, 20))
    w.claim(f1, o1, d(2025, 9, 10), "PASSED")


def test_streams_give_the_same_dashboard_as_one_connection(w: DashWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    _some_of_everything(w)
    used: list[str] = []
    original = dashboard._in_snapshot

    def counted(*args: object) -> dict[str, object]:
        found = original(*args)  # type: ignore[arg-type]
        used.extend(found)
        return found

    monkeypatch.setattr(dashboard, "_in_snapshot", counted)
    monkeypatch.setattr(dashboard, "STREAMS", 1)
    alone = dashboard.dashboard(w.uow(), w.flt(), today=TODAY)
    assert used == []
    monkeypatch.setattr(dashboard, "STREAMS", 2)
    shared = dashboard.dashboard(w.uow(), w.flt(), today=TODAY)
    assert shared.indicators == alone.indicators and shared.caseload == alone.caseload
    outcomes = next(i for i in shared.indicators if i.key == "outcomes")
    assert figure(outcomes, "Mean distance") == 3.0 and figure(outcomes, "Claims audited") == 1
    if w.db.dialect == "postgresql":  # the other stream did part of the work
        assert used and "_outcomes" not in used
    else:
        assert used == []


@pytest.mark.postgres
def test_a_stream_reads_the_leaders_snapshot_not_what_was_saved_since(pg_db: Database) -> None:
    w = DashWorld(pg_db)

    def count(ctx: object) -> int:
        return int(ctx.s.scalar(select(func.count()).select_from(RequestForSupport)) or 0)  # type: ignore[attr-defined]

    f, _ = w.family("Snap")
    w.request(f, at(d(2025, 9, 1)), at(d(2025, 9, 2)), "NFA", by=w.ana)
    with w.uow() as uow:
        ctx = dashboard._context(uow, w.flt(), TODAY, repeatable=True)
        before = count(ctx)
        snapshot = dashboard._export_snapshot(ctx)
        assert snapshot is not None
        w.request(f, at(d(2025, 9, 3)), at(d(2025, 9, 4)), "NFA", by=w.ana)  # committed by another connection
        assert dashboard._in_snapshot(uow, snapshot, ctx, [("n", count)]) == {"n": before}
        assert count(ctx) == before
    with w.uow() as uow:
        assert count(dashboard._context(uow, w.flt(), TODAY)) == before + 1

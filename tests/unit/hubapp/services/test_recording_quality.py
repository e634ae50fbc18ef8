"""Recording quality: each check's records, counted per hub and per worker, on a small hand-built
set of episodes, plans, reviews, assessments and transfers whose answers are worked out by hand.

Today is Monday 15 June 2026. Spring Bank Holiday was Monday 25 May 2026.
"""

from __future__ import annotations

import datetime as dt

import pytest

from hubapp.data.db import Database
from hubapp.data.models import (
    Assessment, ConsentRecord, Episode, Meeting, Plan, PlanAction, PlanGoal, RequestForSupport, TransferRequest, Worker,
    WorkerHub,
)
from hubapp.data.uow import UnitOfWork
from hubapp.domain.errors import ValidationError
from hubapp.domain.report_dto import ReportFilter
from hubapp.services import families, recording_quality as rq

from ._world import World, child, household, parent

T = dt.date(2026, 6, 15)
FLT = ReportFilter.rolling_12_months(T)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


class QualityWorld(World):
    """North: Amira (lead of E1), Ben (lead of E2, E5); South: Cara (lead of E4, E6); E3 unallocated."""

    def __init__(self, db: Database) -> None:
        super().__init__(db)
        with UnitOfWork(db) as uow:
            s = uow.session
            ben, cara = Worker(username="ben.ortiz", display_name="Ben Ortiz"), Worker(
                username="cara.south", display_name="Cara South")
            s.add_all([ben, cara])
            uow.flush()
            s.add_all([WorkerHub(worker_id=ben.id, hub_id=self.north), WorkerHub(worker_id=cara.id, hub_id=self.south)])
            uow.commit()
            self.ben, self.cara = ben.id, cara.id
        self.f = {}
        for name, hub in (("Adams", self.north), ("Brown", self.north), ("Clarke", self.north),
                          ("Davies", self.south), ("Evans", self.north), ("Foster", self.south)):
            self.f[name] = families.create_family(self.uow(), household(
                hub, parent(family=name), child("Ella", name))).id
        with UnitOfWork(db) as uow:
            s = uow.session
            e = self.e = {}

            def episode(key: str, family: str, hub: int, lead: int | None, status: str, start: dt.date,
                        **kw: object) -> Episode:
                row = Episode(family_id=self.f[family], hub_id=hub, lead_worker_id=lead, status=status,
                              start_date=start, accepted_at=at(start), **kw)
                s.add(row)
                uow.flush()
                e[key] = row.id
                return row

            def consent(episode_id: int, family: str, **kw: object) -> None:
                base: dict[str, object] = dict(giver_name="Parent", capacity="PARENTAL_RESPONSIBILITY", agreed=True,
                                               scope_engagement=True, scope_sharing=True, method="SIGNED",
                                               given_on=T - dt.timedelta(days=100))
                base.update(kw)
                s.add(ConsentRecord(family_id=self.f[family], episode_id=episode_id, **base))

            def plan(episode_id: int, started: dt.date | None, status: str = "ACTIVE", version: int = 1,
                     actions: tuple[tuple[bool, bool], ...] = ((True, True),), interval: int = 42) -> int:
                p = Plan(episode_id=episode_id, version_no=version, status=status, started_on=started,
                         agreed_on=started, review_interval_days=interval)
                s.add(p)
                uow.flush()
                g = PlanGoal(plan_id=p.id, description="Goal", sf_outcome="SF01")
                s.add(g)
                uow.flush()
                for owned, dated in actions:
                    s.add(PlanAction(goal_id=g.id, what="Do it", who_text="Mum" if owned else None,
                                     due_on=T + dt.timedelta(days=10) if dated else None))
                return p.id

            # E1: consent fine; plan started 400 days ago; last review held on T-50 set the next for T-8.
            e1 = episode("E1", "Adams", self.north, self.worker_id, "PLAN_ACTIVE", T - dt.timedelta(days=420))
            consent(e1.id, "Adams")
            p1 = plan(e1.id, T - dt.timedelta(days=400))
            s.add(Meeting(episode_id=e1.id, plan_id=p1, kind="TAF_REVIEW", status="HELD",
                          held_on=T - dt.timedelta(days=50), next_review_due=T - dt.timedelta(days=8)))
            s.add(Assessment(episode_id=e1.id, status="AUTHORISED", started_on=T - dt.timedelta(days=410)))
            # E2: consent withdrawn 10 days ago; a plan with one action unowned and one undated, due in
            # 12 days; a submitted assessment started 20 days ago, allocated on Thursday 21 May.
            e2 = episode("E2", "Brown", self.north, self.ben, "PLAN_ACTIVE", T - dt.timedelta(days=30),
                         allocated_at=at(dt.date(2026, 5, 21)))
            consent(e2.id, "Brown", withdrawn_on=T - dt.timedelta(days=10))
            plan(e2.id, T - dt.timedelta(days=30), actions=((True, True), (False, True), (True, False)))
            s.add(Assessment(episode_id=e2.id, status="SUBMITTED", started_on=T - dt.timedelta(days=20)))
            # E3: awaiting allocation, no consent at all.
            episode("E3", "Clarke", self.north, None, "AWAITING_ALLOCATION", T - dt.timedelta(days=3))
            # E4 (South): consent without sharing; plan started exactly 12 months ago, never reviewed.
            e4 = episode("E4", "Davies", self.south, self.cara, "PLAN_ACTIVE", dt.date(2025, 6, 1))
            consent(e4.id, "Davies", scope_sharing=False)
            plan(e4.id, dt.date(2025, 6, 15))
            # E5: closed long ago with no consent: counted nowhere.
            e5 = episode("E5", "Evans", self.north, self.ben, "CLOSED", T - dt.timedelta(days=900),
                         end_date=T - dt.timedelta(days=700))
            plan(e5.id, T - dt.timedelta(days=800), status="ENDED", actions=((False, False),))
            # E6 (South): plan started 12 months and a day ago, reviewed last week (next due in 5 weeks).
            e6 = episode("E6", "Foster", self.south, self.cara, "PLAN_ACTIVE", dt.date(2025, 5, 1))
            consent(e6.id, "Foster")
            p6 = plan(e6.id, dt.date(2025, 6, 14))
            s.add(Meeting(episode_id=e6.id, plan_id=p6, kind="TAF_REVIEW", status="HELD",
                          held_on=T - dt.timedelta(days=7), next_review_due=T + dt.timedelta(days=35)))
            # Transfers (step-down decision and step-up decision: 1 working day; allocation → handover: 30).
            t = self.t = {}

            def transfer(key: str, family: str, direction: str, status: str, since: dt.datetime, **kw: object) -> None:
                row = TransferRequest(direction=direction, family_id=self.f[family], hub_id=self.north, status=status,
                                      state_changed_at=since, from_service="CSC", to_service="TARGETED_EH",
                                      reason="Needs remain", requested_at=since, **kw)
                s.add(row)
                uow.flush()
                t[key] = row.id

            transfer("T1", "Clarke", "STEP_DOWN", "SUBMITTED_TO_EH", at(T - dt.timedelta(days=10)))
            transfer("T2", "Evans", "STEP_DOWN", "ALLOCATED", at(T - dt.timedelta(days=2)), receiving_worker_id=self.ben)
            transfer("T3", "Adams", "STEP_UP", "SENT", at(dt.date(2026, 6, 12), 23), episode_id=e1.id)  # 1 WD: amber
            transfer("T4", "Brown", "STEP_UP", "SENT", at(dt.date(2026, 6, 11), 9), episode_id=e2.id)  # 2 WD: red
            uow.commit()


@pytest.fixture
def w(db: Database) -> QualityWorld:
    return QualityWorld(db)


def totals(report: rq.QualityReport) -> dict[str, int]:
    return {c.key: c.total for c in report.checks}


def counts(report: rq.QualityReport, group: str) -> dict[tuple[str, str], int]:
    return {(c.check_key, c.group_label): c.count for c in report.counts if c.group == group}


def test_every_check_counts_what_it_defines(w: QualityWorld) -> None:
    report = rq.quality_report(w.uow(), FLT, today=T)
    assert [c.key for c in report.checks] == [
        "consent", "plan_gaps", "reviews_overdue", "assessments_unauthorised", "plans_over_12_months",
        "transfers_stuck"]
    assert all(c.title and c.definition.endswith(".") for c in report.checks)
    assert totals(report) == {"consent": 3, "plan_gaps": 1, "reviews_overdue": 2, "assessments_unauthorised": 1,
                              "plans_over_12_months": 2, "transfers_stuck": 2}
    assert counts(report, "hub") == {
        ("consent", "North Hub"): 2, ("consent", "South Hub"): 1, ("plan_gaps", "North Hub"): 1,
        ("reviews_overdue", "North Hub"): 1, ("reviews_overdue", "South Hub"): 1,
        ("assessments_unauthorised", "North Hub"): 1, ("plans_over_12_months", "North Hub"): 1,
        ("plans_over_12_months", "South Hub"): 1, ("transfers_stuck", "North Hub"): 2,
    }
    assert counts(report, "worker") == {
        ("consent", "Ben Ortiz"): 1, ("consent", rq.NO_WORKER): 1, ("consent", "Cara South"): 1,
        ("plan_gaps", "Ben Ortiz"): 1, ("reviews_overdue", "Amira Khan"): 1, ("reviews_overdue", "Cara South"): 1,
        ("assessments_unauthorised", "Ben Ortiz"): 1, ("plans_over_12_months", "Amira Khan"): 1,
        ("plans_over_12_months", "Cara South"): 1, ("transfers_stuck", "Ben Ortiz"): 1,
        ("transfers_stuck", rq.NO_WORKER): 1,
    }


def test_filters_by_hub_and_by_worker(w: QualityWorld) -> None:
    south = rq.quality_report(w.uow(), ReportFilter(FLT.period_start, T, hub_id=w.south), today=T)
    assert totals(south) == {"consent": 1, "plan_gaps": 0, "reviews_overdue": 1, "assessments_unauthorised": 0,
                             "plans_over_12_months": 1, "transfers_stuck": 0}
    ben = rq.quality_report(w.uow(), ReportFilter(FLT.period_start, T, worker_id=w.ben), today=T)
    assert totals(ben) == {"consent": 1, "plan_gaps": 1, "reviews_overdue": 0, "assessments_unauthorised": 1,
                           "plans_over_12_months": 0, "transfers_stuck": 1}


def test_a_hub_with_nothing_gives_zeros_and_explanations(db: Database) -> None:
    world = World(db)
    flt = ReportFilter(FLT.period_start, T, hub_id=world.south)
    report = rq.quality_report(world.uow(), flt, today=T)
    assert set(totals(report).values()) == {0} and report.counts == ()
    table = rq.quality_list(world.uow(), flt, "reviews_overdue", today=T)
    assert table.rows == () and table.explanation == "No review is overdue."


def test_the_consent_list_says_what_is_missing(w: QualityWorld) -> None:
    table = rq.quality_list(w.uow(), FLT, "consent", today=T)
    assert [c.key for c in table.columns][:3] == ["family", "hub", "lead"]
    by_family = {r[0]: r for r in table.rows}
    assert set(by_family) == {"Brown family", "Clarke family", "Davies family"}
    assert by_family["Clarke family"][1:3] == ("North Hub", rq.NO_WORKER)
    whys = sorted(r[-1] for r in table.rows)
    assert whys == ["Consent does not cover information sharing", "Consent withdrawn on 05/06/2026",
                    "No consent recorded for this episode"]
    assert sorted(table.family_ids) == sorted([w.f["Brown"], w.f["Clarke"], w.f["Davies"]])
    unallocated = rq.quality_list(w.uow(), FLT, "consent", group="worker", group_id=None, today=T)
    assert unallocated.family_ids == (w.f["Clarke"],) and unallocated.rows[0][2] == rq.NO_WORKER
    south = rq.quality_list(w.uow(), FLT, "consent", group="hub", group_id=w.south, today=T)
    assert south.family_ids == (w.f["Davies"],)


def test_plan_gap_review_assessment_and_long_plan_lists(w: QualityWorld) -> None:
    gaps = rq.quality_list(w.uow(), FLT, "plan_gaps", today=T)
    assert gaps.family_ids == (w.f["Brown"],)
    assert gaps.rows[0][3:] == (1, "Active", 1, 1, "1 action without an owner; 1 action without a due date")

    reviews = rq.quality_list(w.uow(), FLT, "reviews_overdue", today=T)
    # Oldest due first: E4 never reviewed, due 42 days after 15/06/2025; E1 due 8 days ago.
    assert reviews.family_ids == (w.f["Davies"], w.f["Adams"])
    assert reviews.rows[0][3:] == (1, None, dt.date(2025, 7, 27), 323)
    assert reviews.rows[1][3:] == (1, T - dt.timedelta(days=50), T - dt.timedelta(days=8), 8)

    assessments = rq.quality_list(w.uow(), FLT, "assessments_unauthorised", today=T)
    assert assessments.family_ids == (w.f["Brown"],)
    # 16 working days from Thursday 21 May (the bank holiday on 25 May does not count), over 10.
    assert assessments.rows[0][3:] == ("Early Help Assessment", "Submitted", T - dt.timedelta(days=20),
                                       dt.date(2026, 5, 21), 20, 16, True)

    long_plans = rq.quality_list(w.uow(), FLT, "plans_over_12_months", today=T)
    # E4 started exactly 12 months ago (not more); E6 a day earlier.
    assert long_plans.family_ids == (w.f["Adams"], w.f["Foster"])
    assert long_plans.rows[1][3:] == (1, "Active", dt.date(2025, 6, 14), 12)
    assert long_plans.rows[0][6] == 13  # 400 days: 13 whole months


def test_stuck_transfers_use_the_state_timescale_in_working_days(w: QualityWorld) -> None:
    table = rq.quality_list(w.uow(), FLT, "transfers_stuck", today=T)
    assert table.family_ids == (w.f["Clarke"], w.f["Brown"])
    assert table.rows[0][3:] == ("Step-down", "Submitted to early help", T - dt.timedelta(days=10), 6, 1, 5)
    assert table.rows[1][2] == "Ben Ortiz"
    assert table.rows[1][3:] == ("Step-up", "Sent to front door", dt.date(2026, 6, 11), 2, 1, 1)


def test_unknown_check_or_group_is_refused(w: QualityWorld) -> None:
    with pytest.raises(ValidationError) as err:
        rq.quality_list(w.uow(), FLT, "nonsense", today=T)
    assert err.value.errors[0].field == "check_key"
    with pytest.raises(ValidationError):
        rq.quality_list(w.uow(), FLT, "consent", group="team", today=T)  # type: ignore[arg-type]


def test_add_months_clamps_to_the_month_end() -> None:
    assert rq.add_months(dt.date(2026, 8, 31), -6) == dt.date(2026, 2, 28)
    assert rq.months_before(dt.date(2024, 2, 29), 12) == dt.date(2023, 2, 28)
    assert rq.add_months(dt.date(2025, 12, 15), 1) == dt.date(2026, 1, 15)


def test_consent_given_on_the_opening_request_counts_for_that_episode_only(w: QualityWorld) -> None:
    # Foster's episode E6 was opened by a request whose consent was recorded on the request, not on the
    # episode. That consent must cover E6 and nothing else: Clarke's E3 still has no consent at all.
    with w.uow() as uow:
        s = uow.session
        e6 = s.get(Episode, w.e["E6"])
        request = RequestForSupport(family_id=e6.family_id, hub_id=e6.hub_id, status="CLOSED", source="SELF",
                                    received_at=at(dt.date(2025, 4, 28)), episode_id=e6.id)
        s.add(request)
        uow.flush()
        s.add(ConsentRecord(family_id=e6.family_id, request_id=request.id, giver_name="Parent",
                            capacity="PARENTAL_RESPONSIBILITY", agreed=True, scope_engagement=True,
                            scope_sharing=True, method="SIGNED", given_on=T - dt.timedelta(days=100)))
        # Clarke's E3 gets a request too, with no consent on it.
        s.add(RequestForSupport(family_id=w.f["Clarke"], hub_id=w.north, status="CLOSED", source="SELF",
                                received_at=at(T - dt.timedelta(days=4)), episode_id=w.e["E3"]))
        uow.commit()
    table = rq.quality_list(w.uow(), FLT, "consent", today=T)
    assert {r[0] for r in table.rows} == {"Brown family", "Clarke family", "Davies family"}

"""Supporting Families readiness: needs and their evidence, each claim condition, the sustainment
date, claimability in a claim period, claims, and the auditor's evidence list, on hand-built
families whose answers are worked out by hand.

Today is Monday 15 June 2026; sustainment is 182 days after closure (the default setting).
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from hubapp.data.db import Database
from hubapp.data.models import (
    Assessment, Closure, Episode, GoalProgress, Meeting, Need, NeedPerson, OutcomeMeasurement, Person, Plan,
    PlanGoal, SFClaim, Setting, Worker, WorkerHub,
)
from hubapp.data.uow import UnitOfWork
from hubapp.domain.dto import NewPerson
from hubapp.domain.errors import NotFound
from hubapp.domain.report_dto import FamilyReadiness, ReportFilter
from hubapp.services import families, sf_readiness as sf
from hubapp.services.context import local_username

from ._world import World, child, household, parent

T = dt.date(2026, 6, 15)
FLT = ReportFilter.rolling_12_months(T)
Q2 = (dt.date(2026, 4, 1), dt.date(2026, 6, 30))
Q1 = (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
DUE = dt.date.today() + dt.timedelta(days=90)  # the family service wants an expected birth to come


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10), tzinfo=dt.UTC)


class SFWorld(World):
    """F1 ready (closed 01/11/2025), F2 open with mixed evidence, F3 two needs only, F4 claimed and
    expecting a baby (South), F5 no dependent child."""

    def __init__(self, db: Database) -> None:
        super().__init__(db)
        with UnitOfWork(db) as uow:
            s = uow.session
            # The database login that writes the fixtures, as a worker, so the audit names them.
            recorder_name = "postgres" if db.dialect == "postgresql" else local_username()
            s.add(Worker(username=recorder_name, display_name="Rita Recorder"))
            ben, cara = Worker(username="ben.ortiz", display_name="Ben Ortiz"), Worker(
                username="cara.south", display_name="Cara South")
            s.add_all([ben, cara])
            uow.flush()
            s.add_all([WorkerHub(worker_id=ben.id, hub_id=self.north), WorkerHub(worker_id=cara.id, hub_id=self.south)])
            uow.commit()
            self.ben, self.cara = ben.id, cara.id
        mk = lambda hub, *m: families.create_family(self.uow(), household(hub, *m)).id  # noqa: E731
        self.f1 = mk(self.north, parent(family="Ready"), child("Ella", "Ready"))
        self.f2 = mk(self.north, parent(family="Open"), child("Max", "Open", dt.date(2019, 1, 2)))
        self.f3 = mk(self.north, parent(family="Few"), child("Ava", "Few"))
        self.f4 = mk(self.south, parent(family="Claimed"), NewPerson(
            "Baby", "Claimed", DUE, dob_is_expected=True, relation="OTHER_CHILD"))
        self.f5 = mk(self.north, parent(family="Grown"), child("Zak", "Grown", dt.date(2007, 1, 1)))
        with UnitOfWork(db) as uow:
            self.max_id = uow.session.scalars(select(Person.id).where(
                Person.id.in_(families.family_people(uow.session, self.f2)), Person.given_name == "Max")).one()
        self.n: dict[str, int] = {}
        with UnitOfWork(db) as uow:
            self.s = uow.session
            self.e1 = self._closed_ready(self.f1, self.north, self.worker_id, "R")
            self.e4 = self._closed_ready(self.f4, self.south, self.cara, "C")
            self.e5 = self._closed_ready(self.f5, self.north, self.worker_id, "G", closed=dt.date(2025, 6, 1))
            self.s.add(SFClaim(family_id=self.f4, episode_id=self.e4, claim_period="2026-05", status="SUBMITTED",
                               audit_status="PASSED", submitted_on=dt.date(2026, 5, 20)))
            self._open_mixed()
            e3 = self._episode(self.f3, self.north, self.worker_id, "PLAN_ACTIVE", dt.date(2026, 2, 1))
            for code in ("SF01", "SF02"):
                self._need(e3, code, "OPEN", "F")
            uow.commit()

    # ---- builders

    def _episode(self, family: int, hub: int, lead: int | None, status: str, start: dt.date,
                 end: dt.date | None = None) -> int:
        e = Episode(family_id=family, hub_id=hub, lead_worker_id=lead, status=status, start_date=start,
                    end_date=end, accepted_at=at(start))
        self.s.add(e)
        self.s.flush()
        return e.id

    def _need(self, episode: int, code: str, status: str, key: str, evidence: str | None = None,
              sustained: dt.date | None = None, people: tuple[int, ...] = ()) -> int:
        n = Need(episode_id=episode, description=f"Need {key} {code}", sf_outcome=code, identified_on=dt.date(2025, 1, 20)
                 if key in "RCG" else dt.date(2026, 1, 20), status=status, outcome_evidence=evidence,
                 sustained_from=sustained, evidence_source="School")
        self.s.add(n)
        self.s.flush()
        for p in people:
            self.s.add(NeedPerson(need_id=n.id, person_id=p))
        self.n[f"{key}{code}"] = n.id
        return n.id

    def _plan(self, episode: int, agreed: dt.date, goals: list[tuple[int | None, str]]) -> tuple[int, list[int]]:
        p = Plan(episode_id=episode, version_no=1, status="ACTIVE", agreed_on=agreed, started_on=agreed,
                 agreed_by="Parent")
        self.s.add(p)
        self.s.flush()
        ids = []
        for need_id, code in goals:
            g = PlanGoal(plan_id=p.id, need_id=need_id, sf_outcome=code, description=f"Goal {code}")
            self.s.add(g)
            self.s.flush()
            ids.append(g.id)
        return p.id, ids

    def _closed_ready(self, family: int, hub: int, lead: int, key: str, closed: dt.date = dt.date(2025, 11, 1)) -> int:
        e = self._episode(family, hub, lead, "CLOSED", dt.date(2025, 1, 10), closed)
        self.s.add(Assessment(episode_id=e, status="AUTHORISED", started_on=dt.date(2025, 1, 12),
                              authorised_at=at(dt.date(2025, 1, 25)), authorised_by_id=lead))
        needs = [self._need(e, code, "MET", key, f"Evidence for {code}", dt.date(2025, 10, 1))
                 for code in ("SF01", "SF09", "SF10")]
        self._plan(e, dt.date(2025, 2, 1), [(n, c) for n, c in zip(needs, ("SF01", "SF09", "SF10"), strict=True)])
        self.s.add(Closure(episode_id=e, reason="OUTCOMES_MET", closed_on=closed, authorised_by_id=lead))
        return e

    def _open_mixed(self) -> None:
        e = self.e2 = self._episode(self.f2, self.north, self.ben, "PLAN_ACTIVE", dt.date(2026, 1, 5))
        self.s.add(Assessment(episode_id=e, status="SUBMITTED", started_on=dt.date(2026, 1, 10)))
        n1 = self._need(e, "SF01", "MET", "O", "Attendance 97% for a term", dt.date(2026, 5, 1))
        n2 = self._need(e, "SF03", "OPEN", "O")
        n3 = self._need(e, "SF05", "OPEN", "O", people=(self.max_id,))
        self._need(e, "SF09", "OPEN", "O")
        self._need(e, "SF08", "WITHDRAWN", "O")
        plan, goals = self._plan(e, dt.date(2026, 2, 1), [(n1, "SF01"), (n2, "SF03"), (n3, "SF05")])
        m1 = Meeting(episode_id=e, plan_id=plan, kind="TAF_REVIEW", status="HELD", held_on=dt.date(2026, 3, 15))
        m2 = Meeting(episode_id=e, plan_id=plan, kind="TAF_REVIEW", status="HELD", held_on=dt.date(2026, 4, 26))
        self.s.add_all([m1, m2])
        self.s.flush()
        self.s.add_all([
            GoalProgress(meeting_id=m1.id, goal_id=goals[1], rating="NO_CHANGE", scaling_score=3),
            GoalProgress(meeting_id=m2.id, goal_id=goals[1], rating="IMPROVED", scaling_score=6, comment="Sleeping"),
            GoalProgress(meeting_id=m2.id, goal_id=goals[2], rating="NO_CHANGE", scaling_score=4),
        ])
        for score, day in ((3, dt.date(2026, 2, 1)), (7, dt.date(2026, 5, 1))):
            self.s.add(OutcomeMeasurement(family_id=self.f2, episode_id=e, person_id=self.max_id,
                                          tool="Family scaling", area="Getting on together", score=score,
                                          measured_on=day, completed_by_id=self.ben))


@pytest.fixture
def w(db: Database) -> SFWorld:
    return SFWorld(db)


def conditions(r: FamilyReadiness) -> dict[str, bool]:
    return {label: ok for label, ok, _ in r.conditions}


def test_readiness_of_each_family(w: SFWorld) -> None:
    found = sf.readiness(w.uow(), FLT, claim_start=Q2[0], claim_end=Q2[1], today=T)
    # Claimable first, then by sustainment date; F3 (two needs) is not there.
    assert [r.family_id for r in found] == [w.f1, w.f5, w.f4, w.f2]
    ready, grown, claimed, mixed = found
    assert ready.claimable_in_period and ready.sustainment_date == dt.date(2026, 5, 2)  # 01/11/2025 + 182
    assert all(conditions(ready).values()) and [c[0] for c in ready.conditions] == list(sf.CONDITIONS)
    assert ready.claim_status is None and ready.lead_worker == "Amira Khan" and ready.hub_label == "North Hub"
    assert dict((c[0], c[2]) for c in ready.conditions)[sf.SUSTAINED] == "Closed 01/11/2025; sustained from 02/05/2026"
    assert all(n.outcome_met and n.evidenced for n in ready.needs)

    assert conditions(grown)[sf.DEPENDENT_CHILD] is False and not grown.claimable_in_period
    assert grown.sustainment_date == dt.date(2025, 11, 30)

    assert conditions(claimed)[sf.DEPENDENT_CHILD] is True
    assert dict((c[0], c[2]) for c in claimed.conditions)[sf.DEPENDENT_CHILD] == f"Expectant parent: baby due {DUE:%d/%m/%Y}"
    assert not claimed.claimable_in_period and claimed.claim_status == "Submitted (2026-05), audit passed"

    assert mixed.sustainment_date is None and not mixed.claimable_in_period
    assert conditions(mixed) == {
        sf.DEPENDENT_CHILD: True, sf.THREE_NEEDS: True, sf.ASSESSMENT: False, sf.LEAD: True,
        sf.PLAN_COVERS: False, sf.SUPPORT: True, sf.OUTCOMES: False, sf.SUSTAINED: False}
    details = {c[0]: c[2] for c in mixed.conditions}
    assert details[sf.THREE_NEEDS] == "4 needs across 4 headline outcomes"  # the withdrawn one is not counted
    assert details[sf.PLAN_COVERS] == "Plan version 1 does not cover: Need O SF09"
    assert details[sf.OUTCOMES] == "1 of 4 needs met with evidence"
    assert details[sf.DEPENDENT_CHILD] == "Max, aged 7"
    by_code = {n.outcome_code: n for n in mixed.needs}
    assert {c: (n.evidenced, n.outcome_met) for c, n in by_code.items()} == {
        "SF01": (True, True), "SF03": (True, False), "SF05": (True, False), "SF09": (False, False)}
    assert by_code["SF03"].evidence == "Latest review 26/04/2026: improved, score 6/10"
    assert by_code["SF05"].evidence == ("Latest review 26/04/2026: no change, score 4/10; Family scaling – "
                                        "Getting on together: 3 to 7 (01/02/2026 to 01/05/2026)")
    assert by_code["SF09"].evidence == "No evidence recorded"
    assert by_code["SF03"].outcome_label == "Improved mental and physical health"


def test_claim_period_and_filters(w: SFWorld) -> None:
    q1 = sf.readiness(w.uow(), FLT, claim_start=Q1[0], claim_end=Q1[1], today=T)
    assert not any(r.claimable_in_period for r in q1)  # F1's sustainment (02/05/2026) is after 31/03
    south = sf.readiness(w.uow(), ReportFilter(FLT.period_start, T, hub_id=w.south), claim_start=Q2[0],
                         claim_end=Q2[1], today=T)
    assert [r.family_id for r in south] == [w.f4]
    ben = sf.readiness(w.uow(), ReportFilter(FLT.period_start, T, worker_id=w.ben), today=T)
    assert [r.family_id for r in ben] == [w.f2]


def test_the_sustainment_window_is_a_setting(w: SFWorld) -> None:
    with UnitOfWork(w.db) as uow:
        uow.session.add(Setting(key="timescale.sf_sustainment_days", value=365))
        uow.commit()
    found = {r.family_id: r for r in sf.readiness(w.uow(), FLT, claim_start=Q2[0], claim_end=Q2[1], today=T)}
    assert found[w.f1].sustainment_date == dt.date(2026, 11, 1) and not found[w.f1].claimable_in_period


def test_readiness_table_has_a_column_per_condition(w: SFWorld) -> None:
    table = sf.readiness_table(w.uow(), FLT, claim_start=Q2[0], claim_end=Q2[1], today=T)
    labels = [c.label for c in table.columns]
    assert labels[3:6] == ["Claimable in period", "Sustainment reached", "Claim"]
    assert labels[9:17] == list(sf.CONDITIONS)
    assert table.family_ids == (w.f1, w.f5, w.f4, w.f2)
    assert table.rows[0] == ("Ready family", "North Hub", "Amira Khan", True, dt.date(2026, 5, 2), "", 3, 3, 3,
                             *([True] * 8))
    assert table.rows[3][6:9] == (4, 3, 1)
    empty = sf.readiness_table(w.uow(), ReportFilter(FLT.period_start, T, worker_id=w.worker_id + 999), today=T)
    assert empty.rows == () and "three or more needs" in empty.explanation


def test_evidence_table_an_auditor_can_follow(w: SFWorld) -> None:
    table = sf.evidence_table(w.uow(), w.f2, today=T)
    assert set(table.family_ids) == {w.f2}
    kinds = [(r[1], r[4]) for r in table.rows]
    assert kinds[0] == ("Whole family", "Plan agreed")
    assert ("Need O SF01", "Outcome evidence") in kinds and ("Need O SF08", "Need identified") in kinds
    sf03 = [r for r in table.rows if r[1] == "Need O SF03" and r[4] == "Review progress"]
    assert [(r[5], r[6]) for r in sf03] == [
        ("No change, score 3/10 at the team around the family review", dt.date(2026, 3, 15)),
        ("Improved, score 6/10 at the team around the family review: Sleeping", dt.date(2026, 4, 26))]
    assert {r[7] for r in sf03} == {"Rita Recorder"}  # from the audit trail
    outcome = next(r for r in table.rows if r[1] == "Need O SF01" and r[4] == "Outcome evidence")
    assert outcome[5:] == ("Attendance 97% for a term", dt.date(2026, 5, 1), "Rita Recorder")
    score = next(r for r in table.rows if r[4] == "Outcome score")
    assert score[1] == "Need O SF05" and score[6:] == (dt.date(2026, 5, 1), "Ben Ortiz")
    closed = sf.evidence_table(w.uow(), w.f4, today=T)
    tail = [(r[4], r[5], r[6]) for r in closed.rows[-2:]]
    assert tail == [("Episode closed", "Outcomes met", dt.date(2025, 11, 1)),
                    ("Claim", "Submitted for 2026-05, audit passed", dt.date(2026, 5, 20))]
    assert closed.rows[0][4:7] == ("Assessment authorised", "Early Help Assessment", dt.date(2025, 1, 25))
    with pytest.raises(NotFound):
        sf.evidence_table(w.uow(), 999_999)

"""Golden inputs for the PDF tests and the benchmark: plans built as DTOs, no database needed."""

from __future__ import annotations

import datetime as dt

from hubapp.domain.dto import MemberRow
from hubapp.domain.meeting_dto import AttendeeRow, DistanceRow, MeetingDetail, MeetingRow, ProgressRow
from hubapp.domain.plan_dto import EpisodeDetail, NeedRow, PlanActionRow, PlanDetail, PlanGoalRow
from hubapp.printing.plan_document import PlanPrintData

PRINTED_AT = dt.datetime(2026, 3, 2, 10, 30, tzinfo=dt.UTC)
TODAY = dt.date(2026, 3, 2)
#: Names as a hub would type them: diacritics of English, Irish, Polish, Romanian, Vietnamese,
#: Turkish and Czech families, and Greek and Cyrillic letters.
NAMES = ("Zoë Ní Bhriain", "Łucja Wiśniewska", "Ștefan Dumitrașcu", "Nguyễn Thị Ánh", "Şükrü Güneş",
         "Jiří Dvořák", "Σοφία Παπαδοπούλου", "Олена Коваленко")
MARKUP = "Mum & dad <b>not</b> bold; 5 < 6 > 4 \"quoted\" 'single' &amp; <script>alert(1)</script>"


def member(pid: int, name: str, relation: str, dob: dt.date, *, pr: bool = False, index: bool = False) -> MemberRow:
    given, family = name.split(" ", 1)
    age = TODAY.year - dob.year - ((TODAY.month, TODAY.day) < (dob.month, dob.day))
    label = {"MOTHER": "Mother", "FATHER": "Father", "SELF": "Index child (self)", "SIBLING": "Sibling"}[relation]
    return MemberRow(pid, given, family, dob, False, age, "U", relation, label, pr, True, "9990000018", None, index)


def plan_data(actions: int = 12, goal_text: str = "", draft: bool = False, staff_notes: str = "Dad's probation "
              "officer asked to be told before any home visit.", names: tuple[str, ...] = NAMES) -> PlanPrintData:
    members = (member(1, names[0], "MOTHER", dt.date(1989, 5, 1), pr=True),
               member(2, names[1], "FATHER", dt.date(1986, 1, 9), pr=True),
               *(member(3 + i, n, "SELF" if i == 0 else "SIBLING", dt.date(2012 + i, 2, 3), index=i == 0)
                 for i, n in enumerate(names[2:])))
    outcomes = [("SF01", "Getting a good education"), ("SF05", "Improved family relationships"),
                ("SF09", "Secure housing"), ("SF10", "Financial stability")]
    goals = []
    n = 0
    for g, (code, label) in enumerate(outcomes):
        rows = []
        for i in range(actions // len(outcomes) + (1 if g < actions % len(outcomes) else 0)):
            n += 1
            who = names[n % len(names)]
            rows.append(PlanActionRow(
                id=n, position=i, what=f"Action {n:02d}: {MARKUP if n == 3 else 'meet and agree the next step'} "
                f"with {who}", who_kind="text", who_id=None, who_text=who, who=who,
                due_on=TODAY + dt.timedelta(days=7 * n), status=("OPEN", "IN_PROGRESS", "DONE")[n % 3],
                completed_on=TODAY if n % 3 == 2 else None))
        description = goal_text if (g == 1 and goal_text) else f"We want things to get better for {names[g]}."
        goals.append(PlanGoalRow(100 + g, g, description, code, label, None, None, tuple(rows)))
    plan = PlanDetail(
        id=7, version=3, episode_id=5, family_id=9, version_no=2, status="DRAFT" if draft else "ACTIVE",
        previous_plan_id=6, started_on=None if draft else TODAY - dt.timedelta(days=30),
        agreed_on=None if draft else TODAY - dt.timedelta(days=30), agreed_by=None if draft else names[0],
        agreement_method=None if draft else "SIGNED", ended_on=None, review_interval_days=42,
        network_contribution=f"Grandma {names[7]} will do the school run on Tuesdays & Thursdays.",
        services_provided="Family hub parenting group; school nurse drop-in.", staff_notes=staff_notes,
        created_at=PRINTED_AT, created_by="Amira Khan", goals=tuple(goals),
    )
    meeting = MeetingDetail(
        row=MeetingRow(1, 1, "TAF_REVIEW", "Team Around the Family review", "HELD", None, TODAY - dt.timedelta(days=2),
                       "Family hub", "CONTINUE", "Continue with the plan", TODAY + dt.timedelta(days=40), 7, 2, 3),
        episode_id=5, family_id=9, decision_notes="Agreed by all.",
        attendees=(AttendeeRow(names[0], None, "Mother", True),
                   AttendeeRow("Mr Patel", "Oak Primary", "Teacher", True)),
        progress=tuple(ProgressRow(g.id, g.description, g.sf_label, "IMPROVED", 6, None) for g in goals),
    )
    needs = tuple(NeedRow(i, 1, f"Need about {label.lower()}", code, label, None, None, TODAY, "OPEN", None, (),
                          "Whole family")
                  for i, (code, label) in enumerate(outcomes))
    episode = EpisodeDetail(
        id=5, version=4, family_id=9, family_name=f"{names[0].split(' ', 1)[1]} family", hub_id=1,
        hub_name="North Hub", status="PLAN_ACTIVE", service="TARGETED_EH", level_of_need=3,
        start_date=TODAY - dt.timedelta(days=60), end_date=None, lead_worker_id=1, lead_worker="Amira Khan",
        allocated_at=PRINTED_AT, on_hold_until=None, end_reason=None, members=members, child_ids=(3,),
        allowed_actions=(), assessment=None, needs=needs, plans=(), current_plan_id=7, draft_plan_id=None,
        meetings=(meeting.row,), next_review_due=TODAY + dt.timedelta(days=40), review_overdue=False,
        measurements=(), distance=(DistanceRow(names[2], "Family scaling", "School attendance", 3, TODAY - dt.timedelta(
            days=50), 7, TODAY, 0, 10, 3),),
    )
    return PlanPrintData(episode, plan, (meeting,), "Amira Khan", PRINTED_AT, TODAY)

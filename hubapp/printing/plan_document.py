"""The family plan as a document: the professional copy and the plain-language family copy.

Both have the header facts (family, version and status, hub, lead practitioner), the household,
the goals-and-actions table, the review history, distance travelled, and the agreement and
signature block. The family copy speaks to the family in plain words, in larger type, without
internal codes (outcome codes, CIN factors, levels of need, status codes, NHS numbers) and without
the notes for professionals.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hubapp.domain import codes
from hubapp.domain.meeting_dto import COPY_FAMILY, COPY_PROFESSIONAL, KIND_PLAN, MeetingDetail
from hubapp.domain.plan_dto import EpisodeDetail, PlanActionRow, PlanDetail

from .document import Block, Col, Document, Facts, Heading, Para, Row, Score, Scores, Signatures, Table

PLAN_STATUS = {"DRAFT": "Draft", "AGREED": "Agreed", "ACTIVE": "Agreed and running", "SUPERSEDED": "Replaced",
               "ENDED": "Ended"}
ACTION_STATUS = {"OPEN": "Open", "IN_PROGRESS": "In progress", "DONE": "Done", "NOT_DONE": "Not done",
                 "CANCELLED": "Cancelled"}
FAMILY_ACTION_STATUS = {"OPEN": "Not started yet", "IN_PROGRESS": "Started", "DONE": "Done",
                        "NOT_DONE": "Not done", "CANCELLED": "No longer needed"}
FAMILY_DECISION = {"CONTINUE": "Carry on with the plan", "REVISE_PLAN": "Change the plan",
                   "STEP_UP": "Ask children's social care to help", "STEP_DOWN_TO_UNIVERSAL":
                   "Move to everyday services", "CLOSE": "Finish the plan"}
FAMILY_RATING = {"IMPROVED": "Better", "NO_CHANGE": "About the same", "WORSE": "Worse"}
FAMILY_MEETING = {"INITIAL_TAF": "First family meeting", "TAF_REVIEW": "Review meeting",
                  "STEP_DOWN_MEETING": "Handover meeting", "CLOSURE_TAF": "Last family meeting"}
FAMILY_NEED_STATUS = {"OPEN": "Working on it", "MET": "Sorted", "NOT_MET": "Not sorted", "WITHDRAWN": "Stopped"}
CHILD_RELATIONS = {"SELF": "Child", "OTHER_CHILD": "Child"}
#: How many reviews the progress table shows (the latest ones).
PROGRESS_REVIEWS = 4


@dataclass(frozen=True, slots=True)
class PlanPrintData:
    """Everything a plan printout shows, read in one transaction."""

    episode: EpisodeDetail
    plan: PlanDetail
    reviews: tuple[MeetingDetail, ...]
    printed_by: str
    printed_at: dt.datetime
    today: dt.date


def uk(value: dt.date | None) -> str:
    """dd/mm/yyyy, or an empty string."""
    return value.strftime("%d/%m/%Y") if value else ""


def words(value: dt.date | None) -> str:
    """A date as "3 March 2026" (for the family copy), or an empty string."""
    return f"{value.day} {value.strftime('%B %Y')}" if value else ""


def family_phrase(name: str) -> str:
    """"Smith family" for a family record named "Smith" or "Smith family"."""
    name = name.strip()
    return name if name.lower().endswith("family") else f"{name} family"


def _weeks(days: int) -> str:
    return f"{days // 7} weeks" if days % 7 == 0 else f"{days} days"


def _status(plan: PlanDetail, family: bool) -> str:
    if family:
        return "Agreed" if plan.agreed else "Draft – not agreed yet"
    return PLAN_STATUS.get(plan.status, plan.status.title())


def _action_status(a: PlanActionRow, family: bool, today: dt.date) -> str:
    text = (FAMILY_ACTION_STATUS if family else ACTION_STATUS).get(a.status, a.status.title())
    if a.status in ("OPEN", "IN_PROGRESS") and a.due_on is not None and a.due_on < today:
        text += " – late" if family else " (overdue)"
    if a.status == "DONE" and a.completed_on:
        text += f" {uk(a.completed_on)}" if not family else f" ({words(a.completed_on)})"
    return text


def build_plan_document(data: PlanPrintData, copy: str) -> Document:
    """The plan as the professional or the family copy.

    Args:
        data: what to show.
        copy: ``COPY_PROFESSIONAL`` or ``COPY_FAMILY``.
    """
    family = copy == COPY_FAMILY
    e, plan = data.episode, data.plan
    date = words if family else uk
    lead = e.lead_worker or "Not allocated yet"
    status = _status(plan, family)
    header = (family_phrase(e.family_name), f"Plan version {plan.version_no} – {status}", e.hub_name,
              f"Lead practitioner: {lead}")
    blocks: list[Block] = []
    agreed = (f"{date(plan.agreed_on)} by {plan.agreed_by}" if plan.agreed else "Not agreed yet")
    if family:
        blocks.append(Para(
            f"This plan is about what we are all going to do to help your family. It says what will happen, "
            f"who will do it and by when. If anything in it is wrong, or you want to change it, talk to {lead}.",
            "lead"))
        facts = [("Family", e.family_name), ("Plan", f"Version {plan.version_no}"), ("Agreed", agreed),
                 ("Your lead practitioner", lead), ("Your hub", e.hub_name),
                 ("We look at the plan together every", _weeks(plan.review_interval_days)),
                 ("Next review meeting", date(e.next_review_due) or "To be arranged")]
    else:
        method = codes.label_of(codes.CONSENT_METHOD, plan.agreement_method, plan.agreement_method) \
            if plan.agreement_method else ""
        facts = [("Family", e.family_name), ("Plan version", f"{plan.version_no} – {status}"),
                 ("Agreed", f"{agreed} ({method.lower()})" if method else agreed), ("Hub", e.hub_name),
                 ("Lead practitioner", lead), ("Plan started", uk(plan.started_on) or "Not started"),
                 ("Review interval", _weeks(plan.review_interval_days)),
                 ("Next review due", uk(e.next_review_due) + (" – overdue" if e.review_overdue else "")),
                 ("Service", codes.label_of(codes.SERVICE, e.service, e.service)),
                 ("Level of need", str(e.level_of_need) if e.level_of_need else "Not set")]
    blocks.append(Facts(tuple(facts), columns=2 if family else 3))
    blocks += _household(e, family)
    blocks += _needs(e, family)
    blocks += _goals(plan, family, data.today)
    blocks += _network(plan, family)
    blocks += _reviews(plan, data.reviews, family)
    blocks += _distance(e, family)
    if not family and plan.staff_notes:
        blocks += [Heading("Notes for professionals"),
                   Para("Not shared with the family: this section is left out of the family copy.", "note"),
                   Para(plan.staff_notes)]
    blocks += _agreement(e, plan, family)
    title = "Our family plan" if family else "Family plan"
    subtitle = (f"For the {family_phrase(e.family_name)}" if family else
                f"Professional copy · {family_phrase(e.family_name)} · version {plan.version_no} · {status}")
    return Document(
        kind=KIND_PLAN, copy=COPY_FAMILY if family else COPY_PROFESSIONAL, title=title, subtitle=subtitle,
        header=header,
        provenance=f"Family plan version {plan.version_no} ({'family' if family else 'professional'} copy)",
        blocks=tuple(blocks), draft=not plan.agreed, large=family,
        subject=f"Think Family plan for the {family_phrase(e.family_name)}, version {plan.version_no}",
        author=e.hub_name, keywords=("Early Help", "Think Family", "family plan"),
        printed_by=data.printed_by, printed_at=data.printed_at,
    )


def _household(e: EpisodeDetail, family: bool) -> list[Block]:
    if family:
        rows = tuple(Row((m.full_name, CHILD_RELATIONS.get(m.relation, m.relation_label),
                          "Not born yet" if m.dob_is_expected else ("Under 1" if m.age == 0 else str(m.age or ""))))
                     for m in e.members)
        return [Heading("Who is in our family"), Table((Col("Name", 3), Col("Relationship", 2), Col("Age", 1)), rows)]
    rows = tuple(Row((m.full_name + (" (index child)" if m.is_index_child else ""), m.relation_label,
                      ("Due " if m.dob_is_expected else "") + uk(m.date_of_birth),
                      str(m.age) if m.age is not None else "",
                      "Yes" if m.lives_in_household else "No", _nhs(m.nhs_number)))
                 for m in e.members)
    return [Heading("Household"), Table((Col("Name", 3), Col("Relationship", 2), Col("Date of birth", 1.5),
                                         Col("Age", 0.7), Col("Lives here", 1), Col("NHS number", 1.6)), rows)]


def _nhs(value: str | None) -> str:
    return f"{value[:3]} {value[3:6]} {value[6:]}" if value and len(value) == 10 else (value or "")


def _needs(e: EpisodeDetail, family: bool) -> list[Block]:
    if not e.needs:
        return []
    if family:
        rows = tuple(Row((n.description, n.sf_label, n.people, FAMILY_NEED_STATUS.get(n.status, ""))) for n in e.needs)
        return [Heading("What we are worried about"),
                Table((Col("What", 4), Col("Area of family life", 2.2), Col("Who", 2), Col("Now", 1.3)), rows)]
    rows = tuple(Row((n.description, f"{n.sf_outcome} {n.sf_label}".strip(), n.people,
                      n.status.replace("_", " ").capitalize())) for n in e.needs)
    return [Heading("Needs and Supporting Families outcomes"),
            Table((Col("Need", 4), Col("Headline outcome", 2.4), Col("Who it affects", 2), Col("Status", 1)), rows,
                  caption=f"Headline outcomes of the Supporting Families outcome framework ({codes.SF_TAXONOMY}).")]


def _goals(plan: PlanDetail, family: bool, today: dt.date) -> list[Block]:
    rows: list[Row] = []
    for g in plan.goals:
        area = g.sf_label if family else f"{g.sf_outcome} {g.sf_label}".strip()
        heading = f"Goal {g.position + 1}: {area}" if area else f"Goal {g.position + 1}"
        rows.append(Row((heading,), group=True, note=g.description))
        for n, a in enumerate(g.actions, 1):
            when = words(a.due_on) if family else uk(a.due_on)
            status = _action_status(a, family, today)
            rows.append(Row((a.what, a.who, when, status)) if family else
                        Row((f"{g.position + 1}.{n}", a.what, a.who, when, status)))
    columns: tuple[Col, ...]
    if family:
        columns = (Col("What will happen", 3.9), Col("Who will do it", 2.2), Col("By when", 2.1),
                   Col("How it is going", 1.8))
        return [Heading("What we want to change"), Table(columns, tuple(rows), empty="No goals written yet.")]
    columns = (Col("#", 0.5), Col("Action", 4.4), Col("Who", 2.1), Col("By when", 1.2), Col("Status", 1.5))
    return [Heading("Goals and actions"), Table(columns, tuple(rows), empty="No goals written yet.")]


def _network(plan: PlanDetail, family: bool) -> list[Block]:
    blocks: list[Block] = []
    if plan.network_contribution or plan.services_provided:
        blocks.append(Heading("Help from family, friends and services" if family else "Family network and services"))
    if plan.network_contribution:
        blocks.append(Para(plan.network_contribution,
                           label="Help from family and friends" if family else "Family network's contribution"))
    if plan.services_provided:
        blocks.append(Para(plan.services_provided, label="Services helping us" if family else "Services provided"))
    return blocks


def _reviews(plan: PlanDetail, reviews: tuple[MeetingDetail, ...], family: bool) -> list[Block]:
    date = words if family else uk
    blocks: list[Block] = [Heading("How we are getting on" if family else "Review history")]
    rows = []
    columns: tuple[Col, ...]
    for m in reviews:
        r = m.row
        kind = FAMILY_MEETING.get(r.kind, "Meeting") if family else r.kind_label
        decision = (FAMILY_DECISION.get(r.decision or "", "") if family else (r.decision_label or "")) or "—"
        present = sum(1 for a in m.attendees if a.attended)
        rows.append(Row((date(r.held_on), kind, decision, date(r.next_review_due) or "—", str(present))))
    if family:
        columns = (Col("Date", 2.1), Col("Meeting", 2.1), Col("What we decided", 2.5), Col("Next review", 2.1),
                   Col("People there", 1.1))
    else:
        columns = (Col("Date", 1.3), Col("Meeting", 2.4), Col("Decision", 2.6), Col("Next review", 1.3),
                   Col("Present", 1))
    blocks.append(Table(columns, tuple(rows), empty="No meetings have been held yet."))
    rated = [m for m in reviews if m.progress][-PROGRESS_REVIEWS:]
    if rated and plan.goals:
        blocks.append(Heading("Progress on each goal" if family else "Progress at reviews (score 0–10)", level=2))
        progress_rows = []
        for g in plan.goals:
            cells = [f"Goal {g.position + 1}: {g.sf_label}"]
            for m in rated:
                p = next((p for p in m.progress if p.goal_id == g.id or (
                    p.goal.strip() == g.description.strip())), None)
                if p is None:
                    cells.append("—")
                    continue
                rating = FAMILY_RATING.get(p.rating, p.rating) if family else p.rating.replace("_", " ").capitalize()
                cells.append(rating + (f", {p.scaling_score}/10" if p.scaling_score is not None else ""))
            progress_rows.append(Row(tuple(cells)))
        progress_columns = (Col("Goal", 3), *(Col(date(m.row.held_on), 1.6) for m in rated))
        blocks.append(Table(progress_columns, tuple(progress_rows),
                            caption="Score: 0 is the worst things have been, 10 is where the family wants to be."))
    return blocks


def _distance(e: EpisodeDetail, family: bool) -> list[Block]:
    if not e.distance:
        return []
    def date(value: dt.date) -> str:
        return value.strftime("%b %Y") if family else uk(value)

    rows = tuple(Score(d.area, d.person, d.first_score, d.latest_score, d.scale_min, d.scale_max,
                       date(d.first_on), date(d.latest_on)) for d in e.distance)
    caption = ("Grey dot: the first score. Blue dot: the latest score." if family else
               "Distance travelled: first and latest score per area (grey: first, blue: latest).")
    return [Heading("How things have changed" if family else "Outcome measures: distance travelled"),
            Scores(rows, caption)]


def _agreement(e: EpisodeDetail, plan: PlanDetail, family: bool) -> list[Block]:
    adults = [m.full_name for m in e.members if m.has_parental_responsibility][:2] or ["Parent or carer"]
    parties = tuple(f"{name}" for name in adults) + (f"{e.lead_worker or 'Lead practitioner'} (lead practitioner)",)
    if family:
        statement = ("We have talked about this plan together. We agree to it and will each do our part. "
                     "We know we can ask for it to be changed at any review meeting.")
    else:
        statement = ("The family and the lead practitioner agree this plan. It is shared with the professionals "
                     "of the Team Around the Family named in it.")
    recorded = ""
    if plan.agreed:
        method = codes.label_of(codes.CONSENT_METHOD, plan.agreement_method, "") if plan.agreement_method else ""
        recorded = f"Agreement recorded: {plan.agreed_by}, {words(plan.agreed_on) if family else uk(plan.agreed_on)}"
        recorded += f" ({method.lower()})." if method else "."
    return [Heading("Agreeing this plan" if family else "Agreement and signatures"),
            Signatures(statement, parties, recorded)]

"""The record of a Team Around the Family meeting, shared with everyone who was invited (the family
included), so it is written plainly and shows no internal codes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hubapp.domain.meeting_dto import COPY_MEETING, KIND_TAF_RECORD, MeetingDetail
from hubapp.domain.plan_dto import EpisodeDetail

from .document import Block, Col, Document, Facts, Heading, Para, Row, Table
from .plan_document import FAMILY_RATING, family_phrase, words


@dataclass(frozen=True, slots=True)
class MeetingPrintData:
    """Everything a meeting record shows."""

    episode: EpisodeDetail
    meeting: MeetingDetail
    printed_by: str
    printed_at: dt.datetime


def build_meeting_document(data: MeetingPrintData) -> Document:
    """The meeting record: who came, progress on each goal, what was decided, the next review."""
    e, m = data.episode, data.meeting
    r = m.row
    lead = e.lead_worker or "Not allocated"
    held = r.status == "HELD"
    when = words(r.held_on) if held else (words(r.scheduled_for.date()) if r.scheduled_for else "")
    facts = [("Family", e.family_name), ("Meeting", r.kind_label), ("Date", when or "—"),
             ("Where", r.location or "—"), ("Lead practitioner", lead), ("Hub", e.hub_name),
             ("Plan looked at", f"Version {r.plan_version_no}" if r.plan_version_no else "—")]
    blocks: list[Block] = [Facts(tuple(facts), columns=2)]
    blocks.append(Heading("Who was invited and who came" if held else "Who is invited"))
    blocks.append(Table(
        (Col("Name", 2.5), Col("Role", 2), Col("Organisation", 2.5), Col("Came", 1)),
        tuple(Row((a.name, a.role or "", a.agency or "", ("Yes" if a.attended else "No") if held else ""))
              for a in m.attendees),
        empty="No one is listed.",
    ))
    if m.progress:
        blocks.append(Heading("Progress on each goal"))
        blocks.append(Table(
            (Col("Goal", 4), Col("Progress", 1.5), Col("Score (0–10)", 1.2), Col("Comment", 3)),
            tuple(Row((f"{p.sf_label}: {p.goal}" if p.sf_label else p.goal, FAMILY_RATING.get(p.rating, p.rating),
                       "" if p.scaling_score is None else str(p.scaling_score), p.comment or ""))
                  for p in m.progress),
            caption="Score: 0 is the worst things have been, 10 is where the family wants to be.",
        ))
    if held:
        blocks.append(Heading("What we decided"))
        blocks.append(Para(r.decision_label or "No decision was needed at this meeting.", "lead"))
        if m.decision_notes:
            blocks.append(Para(m.decision_notes))
        blocks.append(Para(f"Next review: {words(r.next_review_due)}." if r.next_review_due
                           else "No further review is planned.", "body"))
    title = "Team Around the Family meeting record" if held else "Team Around the Family meeting"
    day = r.held_on or (r.scheduled_for.date() if r.scheduled_for else None)
    short = day.strftime("%d/%m/%Y") if day else "not dated"
    return Document(
        kind=KIND_TAF_RECORD, copy=COPY_MEETING, title=title,
        subtitle=f"{family_phrase(e.family_name)} · {r.kind_label} · {when}",
        header=(family_phrase(e.family_name), f"{r.kind_label}, {when}", e.hub_name, f"Lead practitioner: {lead}"),
        provenance=f"TAF meeting record, {short}", blocks=tuple(blocks),
        subject=f"{r.kind_label} for the {family_phrase(e.family_name)}", author=e.hub_name,
        keywords=("Early Help", "Team Around the Family", "meeting record"),
        printed_by=data.printed_by, printed_at=data.printed_at,
    )

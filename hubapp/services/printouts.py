"""Printouts of plans and TAF meetings: render them (a read, off the GUI thread), and record each
print or save as a disclosure (a ``PrintedDocument`` and an access-log PRINT entry, together).

Rendering never writes: a preview on screen is not a disclosure. The person's print or save is,
so :func:`record_printout` is called when they print or save, before the file or the printer
gets the document.
"""

from __future__ import annotations

import datetime as dt
import io
import re

from sqlalchemy import select

from hubapp.data.models import Meeting, PrintedDocument, Worker
from hubapp.data.uow import UnitOfWork
from hubapp.domain.dto import Changes
from hubapp.domain.errors import NotFound, ValidationError
from hubapp.domain.meeting_dto import (
    COPY_FAMILY, COPY_MEETING, COPY_PROFESSIONAL, KIND_PLAN, KIND_TAF_RECORD, Printout, PrintRecord,
)
from hubapp.domain.states import ReviewState
from hubapp.printing import FontSet, UnprintableText, render_html, render_pdf
from hubapp.printing.document import Document
from hubapp.printing.meeting_document import MeetingPrintData, build_meeting_document
from hubapp.printing.plan_document import PlanPrintData, build_plan_document

from . import _plan_read as read
from .access import record_access
from .episodes import read_episode

#: How a printout left the program, as the access log says it.
HOW = {"PRINT": "Printed", "SAVE_PDF": "Saved as PDF", "SAVE_HTML": "Saved as accessible HTML"}


def _who(uow: UnitOfWork) -> str:
    if uow.actor_id is None:
        return "hubapp"
    return uow.session.scalar(select(Worker.display_name).where(Worker.id == uow.actor_id)) or "unknown"


def _stem(*parts: str) -> str:
    text = "-".join(p for p in parts if p)
    return re.sub(r"[^\w\-]+", "-", text, flags=re.UNICODE).strip("-").lower()[:80] or "document"


def _render(document: Document, fonts: FontSet | None) -> tuple[bytes, int, str]:
    """PDF bytes and page count, or no PDF and why (the HTML copy is always made)."""
    buffer = io.BytesIO()
    try:
        pages = render_pdf(document, buffer, fonts)
    except UnprintableText as exc:
        return b"", 0, str(exc)
    return buffer.getvalue(), pages, ""


def plan_data(uow: UnitOfWork, plan_id: int, printed_at: dt.datetime | None = None) -> PlanPrintData:
    """Read everything a plan printout shows (inside an open unit of work)."""
    s = uow.session
    plan = read.read_plan(s, plan_id)
    episode = read_episode(s, plan.episode_id, Changes())
    held = [m for m in sorted(episode.meetings, key=lambda m: (m.held_on or dt.date.min, m.id))
            if m.status == ReviewState.HELD]
    reviews = tuple(read.read_meeting(s, m.id) for m in held)
    return PlanPrintData(episode=episode, plan=plan, reviews=reviews, printed_by=_who(uow),
                         printed_at=printed_at or read.now(), today=read.today())


def render_plan(uow: UnitOfWork, plan_id: int, copy: str, *, printed_at: dt.datetime | None = None,
                fonts: FontSet | None = None) -> Printout:
    """Render one copy of a plan version as PDF and accessible HTML (nothing is recorded).

    If some text cannot be printed in the PDF without losing letters, ``pdf`` is empty and
    ``problem`` says which characters; the HTML copy is still made.

    Raises:
        ValidationError: an unknown copy.
    """
    if copy not in (COPY_PROFESSIONAL, COPY_FAMILY):
        raise ValidationError.single("copy", "code", "Choose the professional or the family copy.")
    with uow:
        data = plan_data(uow, plan_id, printed_at)
    document = build_plan_document(data, copy)
    pdf, pages, problem = _render(document, fonts)
    kind_word = "family-copy" if copy == COPY_FAMILY else "professional-copy"
    return Printout(
        kind=KIND_PLAN, copy=copy, family_id=data.episode.family_id, plan_id=plan_id, meeting_id=None,
        version_no=data.plan.version_no, title=f"{document.title} – {data.episode.family_name}",
        file_stem=_stem(data.episode.family_name, f"plan-v{data.plan.version_no}", kind_word),
        pdf=pdf, html=render_html(document), pages=pages, content_hash=document.content_hash(),
        printed_at=document.printed_at, printed_by=document.printed_by, problem=problem,
    )


def render_meeting(uow: UnitOfWork, meeting_id: int, *, printed_at: dt.datetime | None = None,
                   fonts: FontSet | None = None) -> Printout:
    """Render the record of a TAF meeting as PDF and HTML (nothing is recorded)."""
    with uow:
        s = uow.session
        meeting = read.read_meeting(s, meeting_id)
        episode = read_episode(s, meeting.episode_id, Changes())
        data = MeetingPrintData(episode, meeting, _who(uow), printed_at or read.now())
    document = build_meeting_document(data)
    pdf, pages, problem = _render(document, fonts)
    held_on = meeting.row.held_on or (meeting.row.scheduled_for.date() if meeting.row.scheduled_for else None)
    return Printout(
        kind=KIND_TAF_RECORD, copy=COPY_MEETING, family_id=meeting.family_id, plan_id=meeting.row.plan_id,
        meeting_id=meeting_id, version_no=meeting.row.plan_version_no,
        title=f"{document.title} – {episode.family_name}",
        file_stem=_stem(episode.family_name, "taf-meeting", held_on.isoformat() if held_on else ""),
        pdf=pdf, html=render_html(document), pages=pages, content_hash=document.content_hash(),
        printed_at=document.printed_at, printed_by=document.printed_by, problem=problem,
    )


def record_printout(uow: UnitOfWork, printout: Printout, how: str) -> PrintRecord:
    """Record that a printout was printed or saved: the document record (hash, copy, version,
    who, when) and the access-log PRINT entry, in one transaction.

    Args:
        printout: what was rendered.
        how: ``PRINT``, ``SAVE_PDF`` or ``SAVE_HTML``.

    Raises:
        ValidationError: an unknown ``how``.
        NotFound: the plan or meeting no longer exists.
    """
    if how not in HOW:
        raise ValidationError.single("how", "code", "A printout is printed, saved as PDF or saved as HTML.")
    with uow:
        s = uow.session
        if printout.meeting_id is not None and s.get(Meeting, printout.meeting_id) is None:
            raise NotFound("meeting", printout.meeting_id)
        if printout.plan_id is not None and printout.kind == KIND_PLAN:
            read.read_plan(s, printout.plan_id)
        record = PrintedDocument(
            family_id=printout.family_id, plan_id=printout.plan_id, meeting_id=printout.meeting_id,
            kind=printout.kind, copy=printout.copy, content_hash=printout.content_hash,
            pages=printout.pages or None, printed_by_id=uow.actor_id, printed_at=printout.printed_at,
        )
        s.add(record)
        uow.flush()
        version = f"version {printout.version_no}" if printout.version_no else "no plan version"
        detail = (f"{HOW[how]}: {printout.kind.lower()} {printout.copy.lower()} copy, {version}, "
                  f"ref {printout.content_hash[:12]}")
        is_plan = printout.kind == KIND_PLAN
        entity, entity_id = ("plan", printout.plan_id) if is_plan else ("meeting", printout.meeting_id)
        record_access(uow, "PRINT", entity, entity_id, printout.family_id, detail[:200])
        result = PrintRecord(record.id, record.printed_at, record.content_hash, Changes())
        uow.commit()
        return result


__all__ = ["HOW", "plan_data", "record_printout", "render_meeting", "render_plan"]

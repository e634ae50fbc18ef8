"""Printouts on SQLite and PostgreSQL: rendering writes nothing; each print or save writes the
document record and the access-log PRINT entry together, or nothing at all."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from hubapp.data.db import Database
from hubapp.data.models import AccessLog, Person, PrintedDocument
from hubapp.data.uow import UnitOfWork
from hubapp.domain.errors import ValidationError
from hubapp.domain.meeting_dto import AttendeeInput, HeldInput
from hubapp.services import meetings, printouts

from ._episode_world import TODAY, EpisodeWorld


@pytest.fixture
def w(db: Database) -> EpisodeWorld:
    return EpisodeWorld(db)


def _counts(db: Database) -> tuple[int, int]:
    with UnitOfWork(db) as uow:
        s = uow.session
        return (s.scalar(select(func.count(PrintedDocument.id))) or 0,
                s.scalar(select(func.count(AccessLog.id)).where(AccessLog.action == "PRINT")) or 0)


def test_render_records_nothing_and_print_records_both(w: EpisodeWorld, db: Database) -> None:
    plan = w.running_plan()
    at = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    family = printouts.render_plan(w.uow(), plan.id, "FAMILY", printed_at=at)
    assert family.pdf.startswith(b"%PDF") and family.pages >= 1 and not family.problem
    assert family.printed_by == "Amira Khan" and family.version_no == 1
    assert "<html lang=\"en-GB\">" in family.html
    assert family.file_stem == "smith-family-plan-v1-family-copy"
    assert _counts(db) == (0, 0)

    record = printouts.record_printout(w.uow(), family, "SAVE_PDF")
    assert record.content_hash == family.content_hash and record.printed_at == at
    with UnitOfWork(db) as uow:
        doc = uow.session.get(PrintedDocument, record.id)
        assert doc is not None
        assert (doc.kind, doc.copy, doc.plan_id, doc.printed_by_id) == ("PLAN", "FAMILY", plan.id, w.worker_id)
        log = uow.session.scalars(select(AccessLog).where(AccessLog.action == "PRINT")).one()
        assert (log.entity, log.entity_id, log.family_id, log.worker_id) == ("plan", plan.id, w.family_id, w.worker_id)
        assert "Saved as PDF" in (log.detail or "") and "version 1" in (log.detail or "")
    with pytest.raises(ValidationError):
        printouts.record_printout(w.uow(), family, "FAX")
    assert _counts(db) == (1, 1)

    again = printouts.render_plan(w.uow(), plan.id, "FAMILY", printed_at=at + dt.timedelta(hours=1))
    assert again.content_hash == family.content_hash  # same content, same reference
    professional = printouts.render_plan(w.uow(), plan.id, "PROFESSIONAL", printed_at=at)
    assert professional.content_hash != family.content_hash


def test_meeting_record_prints(w: EpisodeWorld, db: Database) -> None:
    w.running_plan()
    held = meetings.record_meeting(w.uow(), HeldInput(w.episode_id, "INITIAL_TAF", TODAY,
                                                      (AttendeeInput("Joanne Smith", role="Mother"),)))
    out = printouts.render_meeting(w.uow(), held.row.id)
    assert out.kind == "TAF_RECORD" and out.meeting_id == held.row.id and out.pdf.startswith(b"%PDF")
    printouts.record_printout(w.uow(), out, "PRINT")
    assert _counts(db) == (1, 1)


def test_a_name_the_pdf_cannot_print_still_gives_the_html_copy(w: EpisodeWorld, db: Database) -> None:
    plan = w.running_plan()
    with UnitOfWork(db) as uow:
        person = uow.session.get(Person, w.member("Ella"))
        assert person is not None
        person.given_name = "إيلا"
        uow.commit()
    out = printouts.render_plan(w.uow(), plan.id, "FAMILY")
    assert out.pdf == b"" and not out.has_pdf
    assert "right to left" in out.problem
    assert "إيلا" in out.html

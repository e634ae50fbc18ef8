"""A family's chronology as a PDF (Qt-free).

:func:`build_chronology_document` turns chronology entries into a printing ``Document`` (a table
of date, kind, what happened, details and who); :func:`print_chronology` reads the entries,
renders the PDF and records the print in the access log, all in one transaction, so a printed
chronology is always logged and a logged print always had its data read under the same rules.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence

from sqlalchemy import select

from hubapp.data.models import Family, Hub, Worker
from hubapp.data.uow import UnitOfWork
from hubapp.domain.errors import NotFound
from hubapp.printing.document import Col, Document, Heading, Para, Row, Table
from hubapp.printing.pdf import render_pdf
from hubapp.services import chronology
from hubapp.services.access import record_access
from hubapp.services.chronology import ChronologyEntry


def _uk(value: dt.datetime) -> str:
    return value.astimezone().strftime("%d/%m/%Y %H:%M") if value.tzinfo else value.strftime("%d/%m/%Y %H:%M")


def filter_text(kinds: Iterable[str], since: dt.date | None, until: dt.date | None, newest: bool) -> str:
    """A sentence saying which part of the chronology is printed."""
    chosen = ", ".join(kinds) or "all kinds"
    period = (f"from {since:%d/%m/%Y} " if since else "") + (f"to {until:%d/%m/%Y}" if until else "")
    order = "newest first" if newest else "oldest first"
    return f"Events: {chosen}; {period.strip() or 'all dates'}; {order}."


def build_chronology_document(
    family_name: str, hub_name: str, entries: Sequence[ChronologyEntry], printed_by: str, what: str,
) -> Document:
    """The printable chronology of one family."""
    rows = tuple(Row((_uk(e.at), e.kind.title(), e.title, " ".join(e.detail.split()), e.by or ""))
                 for e in entries)
    return Document(
        kind="CHRONOLOGY", copy="PROFESSIONAL", title=f"Chronology: {family_name}",
        subtitle=f"{hub_name}. Built from the records; nobody typed it.",
        header=(family_name, "Chronology", hub_name), provenance=f"Chronology of {family_name}",
        blocks=(Heading("Events"), Para(what, "muted"),
                Table((Col("When", 1.2), Col("Kind", 0.9), Col("What happened", 2.0), Col("Details", 3.0),
                       Col("By", 1.2)), rows, empty="No events for this filter.")),
        subject="Family chronology", author=hub_name, printed_by=printed_by,
    )


def print_chronology(
    uow: UnitOfWork, family_id: int, kinds: Iterable[str] = (), since: dt.date | None = None,
    until: dt.date | None = None, newest: bool = True,
) -> tuple[bytes, int]:
    """Read, render and log one print of a family's chronology (one transaction).

    Returns:
        The PDF bytes and its page count.

    Raises:
        NotFound: no such family, or not visible to this login.
        UnprintableText: some text cannot be printed (nothing is logged).
    """
    wanted = tuple(kinds)
    with uow:
        s = uow.session
        if not chronology.family_exists(s, family_id):
            raise NotFound("family", family_id)
        family_name, hub_name = s.execute(
            select(Family.name, Hub.name).join(Hub, Hub.id == Family.hub_id).where(Family.id == family_id)).one()
        names = dict(s.execute(select(Worker.id, Worker.display_name)).all())
        entries = [e for e in chronology._entries(s, family_id, names, True)  # noqa: SLF001 - same transaction
                   if (not wanted or e.kind in wanted)
                   and (since is None or e.at.date() >= since) and (until is None or e.at.date() <= until)]
        entries.sort(key=lambda e: e.at, reverse=newest)
        who = names.get(uow.actor_id, "hubapp") if uow.actor_id is not None else "hubapp"
        what = filter_text(wanted, since, until, newest)
        document = build_chronology_document(family_name, hub_name, entries, who, what)
        buffer = io.BytesIO()
        pages = render_pdf(document, buffer)
        record_access(uow, "PRINT", "chronology", family_id, family_id, what[:200])
        uow.commit()
        return buffer.getvalue(), pages

"""The document model every printout is built from, then rendered as a PDF or as accessible HTML.

A document is a title, facts for its running header and provenance footer, and a list of plain
blocks (headings, paragraphs, facts, tables, scores, a signature block). Every string in it is
plain text exactly as typed; the renderers escape it. Its content hash (printed on every page and
kept with the print record) covers everything but who printed it and when, so two printouts with
the same hash say the same thing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

MARKING = "OFFICIAL-SENSITIVE"


@dataclass(frozen=True, slots=True)
class Heading:
    """A section heading (level 1) or sub-heading (level 2); both become PDF bookmarks."""

    text: str
    level: int = 1


@dataclass(frozen=True, slots=True)
class Para:
    """A paragraph. Styles: ``body``, ``lead`` (an introduction), ``muted``, ``note``."""

    text: str
    style: str = "body"
    label: str = ""


@dataclass(frozen=True, slots=True)
class Facts:
    """Label and value pairs, laid out in a grid."""

    items: tuple[tuple[str, str], ...]
    columns: int = 2


@dataclass(frozen=True, slots=True)
class Col:
    """A table column: its heading, its share of the width, and its alignment."""

    title: str
    weight: float = 1.0
    align: str = "left"


@dataclass(frozen=True, slots=True)
class Row:
    """A table row. A ``group`` row is one cell across the whole table (e.g. a goal's heading);
    ``note`` is an optional second line for the group row."""

    cells: tuple[str, ...]
    group: bool = False
    note: str = ""


@dataclass(frozen=True, slots=True)
class Table:
    """A table whose header row repeats on every page it runs over."""

    columns: tuple[Col, ...]
    rows: tuple[Row, ...]
    caption: str = ""
    empty: str = ""


@dataclass(frozen=True, slots=True)
class Score:
    """Distance travelled on one area: the first and the latest score on a scale."""

    area: str
    person: str
    first: int
    latest: int
    scale_min: int
    scale_max: int
    first_on: str
    latest_on: str


@dataclass(frozen=True, slots=True)
class Scores:
    """Scores drawn as first-to-latest bars, with the numbers beside them."""

    rows: tuple[Score, ...]
    caption: str = ""


@dataclass(frozen=True, slots=True)
class Signatures:
    """An agreement statement and a signature line for each party."""

    statement: str
    parties: tuple[str, ...]
    recorded: str = ""


Block = Heading | Para | Facts | Table | Scores | Signatures


@dataclass(frozen=True, slots=True)
class Document:
    """One printout.

    Args:
        kind: what it is of (``PLAN``, ``TAF_RECORD``).
        copy: which copy (``PROFESSIONAL``, ``FAMILY``, ``MEETING_RECORD``).
        title: the big title on page one (and the PDF's title).
        subtitle: the line under it.
        header: the running header of later pages: family, version and status, hub, lead.
        provenance: what the footer calls the document, e.g. "Family plan version 2".
        blocks: the body.
        draft: print a DRAFT watermark on every page.
        large: the family copy's larger type.
        subject: the PDF's subject.
        author: the PDF's author (the hub).
        keywords: the PDF's keywords.
        printed_by: who printed it.
        printed_at: when (aware UTC).
    """

    kind: str
    copy: str
    title: str
    subtitle: str
    header: tuple[str, ...]
    provenance: str
    blocks: tuple[Block, ...]
    draft: bool = False
    large: bool = False
    subject: str = ""
    author: str = ""
    keywords: tuple[str, ...] = ()
    printed_by: str = ""
    printed_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    marking: str = MARKING
    lang: str = "en-GB"

    def content_hash(self) -> str:
        """SHA-256 of the content (not of who printed it or when), as 64 hex digits."""
        data = asdict(self)
        data.pop("printed_by")
        data.pop("printed_at")
        blocks: list[Any] = [[type(b).__name__, asdict(b)] for b in self.blocks]
        data["blocks"] = blocks
        text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def texts(self) -> list[tuple[str, str]]:
        """Every string in the document with where it is, for the font check."""
        out: list[tuple[str, str]] = [("the title", self.title), ("the title", self.subtitle)]
        out += [("the page header", h) for h in self.header]
        out += [("the footer", self.provenance), ("the footer", self.printed_by)]
        section = "the document"
        for block in self.blocks:
            if isinstance(block, Heading):
                section = f"“{block.text}”"
                out.append((section, block.text))
            elif isinstance(block, Para):
                out += [(section, block.label), (section, block.text)]
            elif isinstance(block, Facts):
                out += [(section, t) for pair in block.items for t in pair]
            elif isinstance(block, Table):
                out += [(section, c.title) for c in block.columns]
                out += [(section, t) for row in block.rows for t in (*row.cells, row.note)]
                out += [(section, block.caption), (section, block.empty)]
            elif isinstance(block, Scores):
                out += [(section, t) for s in block.rows for t in (s.area, s.person, s.first_on, s.latest_on)]
            elif isinstance(block, Signatures):
                out += [(section, block.statement), (section, block.recorded)]
                out += [(section, p) for p in block.parties]
        return [(w, t) for w, t in out if t]


def short_hash(content_hash: str) -> str:
    """The first twelve hex digits, as printed in the footer."""
    return content_hash[:12]

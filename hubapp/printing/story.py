"""Turn the blocks of a document into Platypus flowables.

Every piece of text goes through :meth:`FontSet.markup` (escaped, font fallback per run). Tables
repeat their header row on every page. A cell longer than a page could hold is split into
consecutive rows at paragraph, sentence or word boundaries, so a 5,000-character goal flows on
over as many rows and pages as it needs instead of failing to fit.
"""

from __future__ import annotations

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, Spacer
from reportlab.platypus import Table as RLTable

from .document import Block, Document, Facts, Heading, Para, Scores, Signatures, Table
from .fonts import FontSet
from .styles import (
    ACCENT, ACCENT_SOFT, BAR_FIRST, BAR_LATEST, BAR_TRACK, MUTED, RULE, ZEBRA, Scale, table_commands,
)

def chunk(text: str, limit: int) -> list[str]:
    """Split text into pieces of at most ``limit`` characters at line or word boundaries (a
    single word longer than the limit is cut). Line breaks inside a piece are kept."""
    text = text.strip()
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        for word in line.split(" "):
            while len(word) > limit:
                if current.strip():
                    pieces.append(current.strip())
                current = ""
                pieces.append(word[:limit])
                word = word[limit:]
            glue = " " if current and not current.endswith("\n") else ""
            if len(current) + len(glue) + len(word) > limit and current.strip():
                pieces.append(current.strip())
                current = word
            else:
                current += glue + word
        current += "\n"
    if current.strip():
        pieces.append(current.strip())
    return pieces


class ScoreBar(Flowable):
    """A 0–10 style track with the first score (grey) and the latest (blue), joined by a line."""

    def __init__(self, first: int, latest: int, low: int, high: int, width: float, height: float = 12) -> None:
        super().__init__()
        self.first, self.latest, self.low, self.high = first, latest, low, high
        self.width, self.height = width, height

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:  # noqa: D102
        return self.width, self.height

    def draw(self) -> None:  # noqa: D102 - ReportLab hook
        c = self.canv
        span = max(1, self.high - self.low)
        pad = 4.0
        y = self.height / 2

        def x(value: int) -> float:
            return pad + (self.width - 2 * pad) * (min(max(value, self.low), self.high) - self.low) / span

        c.setStrokeColor(BAR_TRACK)
        c.setLineWidth(4)
        c.setLineCap(1)
        c.line(x(self.low), y, x(self.high), y)
        c.setStrokeColor(BAR_LATEST if self.latest >= self.first else MUTED)
        c.setLineWidth(2)
        c.line(x(self.first), y, x(self.latest), y)
        c.setFillColor(BAR_FIRST)
        c.circle(x(self.first), y, 3.2, stroke=0, fill=1)
        c.setFillColor(BAR_LATEST)
        c.circle(x(self.latest), y, 3.8, stroke=0, fill=1)


class _Builder:
    """Builds the story of one document."""

    def __init__(self, document: Document, styles: dict[str, ParagraphStyle], fonts: FontSet, width: float,
                 scale: Scale) -> None:
        self.doc = document
        self.styles = styles
        self.fonts = fonts
        self.width = width
        self.scale = scale

    def p(self, text: str, style: str) -> Paragraph:
        st = self.styles[style]
        return Paragraph(self.fonts.markup(text, st.fontName), st)

    def build(self) -> list[Flowable]:
        out: list[Flowable] = [self.p(self.doc.title, "title"), self.p(self.doc.subtitle, "subtitle")]
        for block in self.doc.blocks:
            out.extend(self.block(block))
        return out

    def block(self, block: Block) -> list[Flowable]:
        if isinstance(block, Heading):
            para = self.p(block.text, "h1" if block.level == 1 else "h2")
            para.hubapp_bookmark = (block.text, block.level - 1)  # type: ignore[attr-defined]
            # Room for the heading and the first lines of what follows, or a new page: a heading is
            # never left alone at the foot of a page (keepWithNext would move a whole table instead).
            return [CondPageBreak(self.scale.leading * (9 if block.level == 1 else 7)), para]
        if isinstance(block, Para):
            return self.para(block)
        if isinstance(block, Facts):
            return [self.facts(block)]
        if isinstance(block, Table):
            return self.table(block)
        if isinstance(block, Scores):
            return self.scores(block)
        return [self.signatures(block)]

    def para(self, block: Para) -> list[Flowable]:
        out: list[Flowable] = []
        if block.label:
            out.append(self.p(block.label, "label"))
        out.extend(self.p(piece, block.style) for piece in chunk(block.text, self.scale.chunk * 3) if piece)
        return out

    def facts(self, block: Facts) -> Flowable:
        n = max(1, block.columns)
        cells = [[self.p(label, "fact_label"), self.p(value or "—", "fact_value")] for label, value in block.items]
        rows: list[list[object]] = [list(cells[i:i + n]) + [""] * (n - len(cells[i:i + n]))
                                    for i in range(0, len(cells), n)]
        table = RLTable(rows, colWidths=[self.width / n] * n, hAlign="LEFT")
        table.setStyle([
            ("BACKGROUND", (0, 0), (-1, -1), ZEBRA), ("BOX", (0, 0), (-1, -1), 0.6, RULE),
            ("LINEBELOW", (0, 0), (-1, -2), 0.4, RULE), ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 7), ("RIGHTPADDING", (0, 0), (-1, -1), 7),
            ("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
        ])
        return table

    def _cell_style(self, align: str) -> str:
        return {"right": "cell_right", "centre": "cell_centre"}.get(align, "cell")

    def table(self, block: Table) -> list[Flowable]:
        total = sum(c.weight for c in block.columns) or 1
        widths = [self.width * c.weight / total for c in block.columns]
        n = len(block.columns)
        data: list[list[object]] = [[self.p(c.title, "th") for c in block.columns]]
        commands = table_commands()
        limit = self.scale.chunk
        logical = 0
        group_start: int | None = None  # a one-row goal heading waiting for its first action
        for row in block.rows:
            first = len(data)
            if row.group:
                pieces = [(t, "group") for t in chunk(row.cells[0], limit)]
                pieces += [(t, "group_note") for t in chunk(row.note, limit) if t] if row.note else []
                for text, style in pieces:
                    data.append([self.p(text, style)] + [""] * (n - 1))
                last = len(data) - 1
                commands += [("SPAN", (0, r), (-1, r)) for r in range(first, last + 1)]
                group_start = first if last - first < 2 else None
                commands += [("BACKGROUND", (0, first), (-1, last), ACCENT_SOFT),
                             ("LINEABOVE", (0, first), (-1, first), 0.8, ACCENT),
                             ("TOPPADDING", (0, first + 1), (-1, last), 0),
                             ("BOTTOMPADDING", (0, first), (-1, last - 1), 1)]
                logical = 0
                continue
            columns = [chunk(text, limit) for text in row.cells]
            height = max(len(c) for c in columns)
            for k in range(height):
                data.append([
                    self.p(cells[k], self._cell_style(col.align)) if k < len(cells) else ""
                    for cells, col in zip(columns, block.columns, strict=True)
                ])
            last = len(data) - 1
            if group_start is not None and last == first:
                # Never leave a goal's heading alone at the foot of a page: keep it with its first action.
                commands.append(("NOSPLIT", (0, group_start), (-1, last)))
            group_start = None
            if logical % 2 == 1:
                commands.append(("BACKGROUND", (0, first), (-1, last), ZEBRA))
            commands.append(("LINEABOVE", (0, first), (-1, first), 0.4, RULE))
            if last > first:  # one long cell over several rows: no gaps between its pieces
                commands += [("TOPPADDING", (0, first + 1), (-1, last), 0),
                             ("BOTTOMPADDING", (0, first), (-1, last - 1), 1)]
            logical += 1
        if not block.rows:
            data.append([self.p(block.empty or "None recorded.", "muted")] + [""] * (n - 1))
            commands.append(("SPAN", (0, 1), (-1, 1)))
        table = RLTable(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
        table.setStyle(commands)
        out: list[Flowable] = [table]
        if block.caption:
            out.append(self.p(block.caption, "caption"))
        out.append(Spacer(1, self.scale.space))
        return out

    def scores(self, block: Scores) -> list[Flowable]:
        bar = self.width * 0.22
        weights = (0.26, 0.18, 0.17, 0.17, 0.0)
        rest = self.width - bar
        widths = [rest * w / sum(weights) for w in weights[:4]] + [bar]
        data: list[list[object]] = [[self.p(t, "th") for t in ("Area", "Who", "First", "Latest", "")]]
        for s in block.rows:
            data.append([
                self.p(s.area, "cell"), self.p(s.person, "cell"),
                self.p(f"{s.first}\n{s.first_on}", "cell"), self.p(f"{s.latest}\n{s.latest_on}", "cell"),
                ScoreBar(s.first, s.latest, s.scale_min, s.scale_max, bar - 12),
            ])
        commands = table_commands() + [("VALIGN", (4, 1), (4, -1), "MIDDLE"),
                                       ("LINEBELOW", (0, 1), (-1, -2), 0.4, RULE)]
        table = RLTable(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
        table.setStyle(commands)
        out: list[Flowable] = [table]
        if block.caption:
            out.append(self.p(block.caption, "caption"))
        return out

    def signatures(self, block: Signatures) -> Flowable:
        parts: list[Flowable] = [self.p(block.statement, "body")]
        if block.recorded:
            parts.append(self.p(block.recorded, "muted"))
        widths = [self.width * 0.42, self.width * 0.38, self.width * 0.20]
        rows: list[list[object]] = []
        commands: list[tuple[object, ...]] = [("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                                              ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                              ("RIGHTPADDING", (0, 0), (-1, -1), 10)]
        for party in block.parties:
            r = len(rows)
            rows.append([self.p(party, "label"), "", ""])
            rows.append(["", "", ""])
            rows.append([self.p(t, "sign") for t in ("Name", "Signature", "Date")])
            commands += [("SPAN", (0, r), (-1, r)), ("TOPPADDING", (0, r), (-1, r), 12),
                         ("LINEBELOW", (0, r + 1), (-1, r + 1), 0.7, MUTED),
                         ("TOPPADDING", (0, r + 1), (-1, r + 1), 22)]
        table = RLTable(rows, colWidths=widths, hAlign="LEFT")
        table.setStyle(commands)
        parts.append(table)
        return KeepTogether(parts)


def build_story(document: Document, styles: dict[str, ParagraphStyle], fonts: FontSet, width: float,
                scale: Scale) -> list[Flowable]:
    """The flowables of ``document`` for a frame ``width`` points wide."""
    return _Builder(document, styles, fonts, width, scale).build()

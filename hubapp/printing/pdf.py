"""Render a :class:`~hubapp.printing.document.Document` as a PDF with Platypus (STYLE R20).

A ``BaseDocTemplate`` with two page templates: the first page carries the document's own title
block, later pages a running header (family, plan version and status, hub, lead practitioner).
Every page has the protective marking at the top and bottom, a provenance footer (what, printed
by, printed at, short content hash), "Page x of y", and a DRAFT watermark when the document is a
draft. Decorations are drawn in ``onPage`` callbacks inside ``saveState``/``restoreState``; the
total page count is a form XObject filled in when the canvas is saved, so one pass is enough.
Headings become PDF bookmarks; title, author, subject, keywords and language (en-GB) are set.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, BinaryIO

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph

from .document import Document, short_hash
from .fonts import FontSet, UnprintableText, default_fonts
from .story import build_story
from .styles import (
    FOOTER_SIZE, HEADER_SIZE, INK, MARKING_INK, MARKING_SIZE, MUTED, PAGE_SIZE, RULE, WATERMARK, WATERMARK_SIZE,
    margins, paragraph_styles, scale_for,
)

_TOTAL_FORM = "hubappPageTotal"


def check_printable(document: Document, fonts: FontSet) -> None:
    """Refuse, naming each character, if any text of the document would print with letters missing.

    Raises:
        UnprintableText: with every problem found.
    """
    problems = [p for where, text in document.texts() for p in fonts.problems(text, where)]
    if problems:
        raise UnprintableText(problems)


def _local(value: dt.datetime) -> str:
    """A timestamp as dd/mm/yyyy HH:MM in the PC's time zone (the time on the person's clock)."""
    return value.astimezone().strftime("%d/%m/%Y %H:%M")


class _Decor:
    """What is drawn around the story on each page."""

    def __init__(self, document: Document, fonts: FontSet, content_hash: str) -> None:
        self.doc = document
        self.fonts = fonts
        self.regular, self.bold = fonts.face("regular"), fonts.face("bold")
        self.footer = (f"{document.provenance} · Printed by {document.printed_by or 'unknown'} on "
                       f"{_local(document.printed_at)} · Ref {short_hash(content_hash)}")

    def _text(self, c: Canvas, x: float, y: float, text: str, face: str, size: float, max_width: float,
              align: str = "left") -> None:
        """Draw user text with font fallback, shortened with an ellipsis to fit ``max_width``."""
        def width(t: str) -> float:
            return sum(stringWidth(run, font, size) for font, run in self.fonts.runs(t, face))

        text = " ".join(text.split())
        if width(text) > max_width:
            while text and width(text + "…") > max_width:
                text = text[:-1]
            text = text.rstrip() + "…"
        total = width(text)
        x = x - total if align == "right" else x - total / 2 if align == "centre" else x
        for font, run in self.fonts.runs(text, face):
            c.setFont(font, size)
            c.drawString(x, y, run)
            x += stringWidth(run, font, size)

    def first_page(self, c: Canvas, doc: BaseDocTemplate) -> None:
        """Marking, footer and watermark (page one has its own title block)."""
        self._common(c, doc)

    def later_pages(self, c: Canvas, doc: BaseDocTemplate) -> None:
        """Marking, running header, footer and watermark."""
        self._common(c, doc)
        c.saveState()
        left, right = doc.leftMargin, PAGE_SIZE[0] - doc.rightMargin
        top = PAGE_SIZE[1] - doc.topMargin + 8
        header = list(self.doc.header)
        c.setFillColor(INK)
        lead = " · ".join(header[:2])
        rest = " · ".join(header[2:])
        half = (right - left) / 2 - 6
        self._text(c, left, top, lead, self.bold, HEADER_SIZE, half)
        c.setFillColor(MUTED)
        self._text(c, right, top, rest, self.regular, HEADER_SIZE, half, align="right")
        c.setStrokeColor(RULE)
        c.setLineWidth(0.6)
        c.line(left, top - 4, right, top - 4)
        c.restoreState()

    def _common(self, c: Canvas, doc: BaseDocTemplate) -> None:
        width, height = PAGE_SIZE
        left, right = doc.leftMargin, width - doc.rightMargin
        c.saveState()
        if self.doc.draft:
            c.saveState()
            c.setFillColor(WATERMARK)
            c.setFont(self.bold, WATERMARK_SIZE)
            c.translate(width / 2, height / 2)
            c.rotate(52)
            c.drawCentredString(0, -WATERMARK_SIZE / 3, "DRAFT")
            c.restoreState()
        c.setFillColor(MARKING_INK)
        c.setFont(self.bold, MARKING_SIZE)
        c.drawCentredString(width / 2, height - 11 * 2.835, self.doc.marking)
        c.drawCentredString(width / 2, 7 * 2.835, self.doc.marking)
        base = doc.bottomMargin - 14
        c.setStrokeColor(RULE)
        c.setLineWidth(0.6)
        c.line(left, base + 10, right, base + 10)
        c.setFillColor(MUTED)
        number = f"Page {c.getPageNumber()} of "
        end = right - stringWidth("99", self.regular, FOOTER_SIZE)
        reserve = stringWidth("Page 999 of 99", self.regular, FOOTER_SIZE)
        self._text(c, left, base, self.footer, self.regular, FOOTER_SIZE, right - left - reserve - 12)
        c.setFont(self.regular, FOOTER_SIZE)
        c.drawRightString(end, base, number)
        # The total is a form filled in when the canvas is saved, once the page count is known.
        c.translate(end, base)
        c.doForm(_TOTAL_FORM)
        c.restoreState()


def _canvas_class(font: str) -> type[Canvas]:
    """A canvas that, when saved, fills in the total page count every footer refers to."""

    class _PageTotalCanvas(Canvas):
        def save(self) -> None:
            total = self.getPageNumber() - 1
            self.beginForm(_TOTAL_FORM)
            self.setFont(font, FOOTER_SIZE)
            self.setFillColor(MUTED)
            self.drawString(0, 0, str(total))
            self.endForm()
            self.hubapp_pages = total
            super().save()

    return _PageTotalCanvas


class _Template(BaseDocTemplate):
    """Two page templates ("first", "later"); headings become bookmarks as they are laid out."""

    def __init__(self, out: BinaryIO, document: Document, decor: _Decor, large: bool) -> None:
        left, right, top, bottom = margins(scale_for(large))
        title = " – ".join(t for t in (document.title, document.header[0] if document.header else "") if t)
        super().__init__(
            out, pagesize=PAGE_SIZE, leftMargin=left, rightMargin=right, topMargin=top, bottomMargin=bottom,
            title=title, author=document.author or "hubapp", subject=document.subject or document.subtitle,
            keywords=", ".join(document.keywords), creator="hubapp", lang=document.lang, displayDocTitle=1,
        )
        frame = Frame(left, bottom, self.width, self.height, id="body", leftPadding=0, rightPadding=0,
                      topPadding=0, bottomPadding=0)
        self.addPageTemplates([
            PageTemplate(id="first", frames=[frame], onPage=decor.first_page, autoNextPageTemplate="later"),
            PageTemplate(id="later", frames=[frame], onPage=decor.later_pages),
        ])
        self._marks = 0

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: D102 - ReportLab hook
        mark: Any = getattr(flowable, "hubapp_bookmark", None)
        if isinstance(flowable, Paragraph) and mark:
            text, level = mark
            self._marks += 1
            key = f"section-{self._marks}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(text, key, level=level, closed=False)


def render_pdf(document: Document, out: BinaryIO, fonts: FontSet | None = None) -> int:
    """Write ``document`` as a PDF to ``out``.

    Args:
        document: what to print.
        out: a writable binary stream.
        fonts: the fonts to use (default: those shipped with hubapp).

    Returns:
        The number of pages.

    Raises:
        UnprintableText: some text would print with letters missing (nothing is written).
    """
    fonts = fonts or default_fonts()
    check_printable(document, fonts)
    scale = scale_for(document.large)
    styles = paragraph_styles(scale, fonts)
    decor = _Decor(document, fonts, document.content_hash())
    template = _Template(out, document, decor, document.large)
    story = build_story(document, styles, fonts, template.width, scale)
    canvas_class = _canvas_class(fonts.face("regular"))
    template.build(story, canvasmaker=canvas_class)
    return int(getattr(template.canv, "hubapp_pages", 0))

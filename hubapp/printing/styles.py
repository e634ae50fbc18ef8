"""Page, colours, type sizes and table styles of every printout, as data (STYLE R21).

Two scales: the professional copy (compact, 9.5 pt) and the family copy (12.5 pt, more space),
both in Noto Sans. Colours are calm: ink, a muted grey, one blue accent, a pale tint for goal rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm

from .fonts import FontSet

PAGE_SIZE = A4

#: Colours by role.
INK = colors.HexColor("#1d2430")
MUTED = colors.HexColor("#5b6676")
ACCENT = colors.HexColor("#1f4e8c")
ACCENT_SOFT = colors.HexColor("#e7eef8")
RULE = colors.HexColor("#c9d0da")
ZEBRA = colors.HexColor("#f6f8fb")
WATERMARK = colors.Color(0.80, 0.16, 0.16, alpha=0.13)
MARKING_INK = colors.HexColor("#000000")
BAR_TRACK = colors.HexColor("#e3e7ee")
BAR_FIRST = colors.HexColor("#9aa5b4")
BAR_LATEST = ACCENT


@dataclass(frozen=True, slots=True)
class Scale:
    """Type sizes and spacing of one kind of copy, in points (margins in mm)."""

    body: float
    leading: float
    small: float
    title: float
    subtitle: float
    h1: float
    h2: float
    table: float
    space: float
    margin_side_mm: float
    margin_top_mm: float
    margin_bottom_mm: float
    chunk: int


PROFESSIONAL = Scale(body=9.5, leading=13.0, small=7.8, title=21, subtitle=11, h1=13, h2=10.5, table=9.0,
                     space=6, margin_side_mm=17, margin_top_mm=24, margin_bottom_mm=22, chunk=1200)
FAMILY = Scale(body=12.5, leading=17.5, small=8.5, title=26, subtitle=14, h1=16.5, h2=13.5, table=12.0,
               space=8, margin_side_mm=18, margin_top_mm=24, margin_bottom_mm=22, chunk=700)


def scale_for(large: bool) -> Scale:
    """The scale of the family copy (``large``) or the professional copy."""
    return FAMILY if large else PROFESSIONAL


def margins(scale: Scale) -> tuple[float, float, float, float]:
    """Left, right, top and bottom margins in points."""
    side = scale.margin_side_mm * mm
    return side, side, scale.margin_top_mm * mm, scale.margin_bottom_mm * mm


def paragraph_styles(scale: Scale, fonts: FontSet) -> dict[str, ParagraphStyle]:
    """Every paragraph style by name (``body``, ``lead``, ``muted``, ``note``, ``title``, ``h1``...)."""
    regular, bold = fonts.face("regular"), fonts.face("bold")
    base = ParagraphStyle("body", fontName=regular, fontSize=scale.body, leading=scale.leading, textColor=INK,
                          spaceAfter=scale.space * 0.6, alignment=TA_LEFT)

    def derive(name: str, **kw: object) -> ParagraphStyle:
        return ParagraphStyle(name, parent=base, **kw)  # type: ignore[arg-type]

    return {
        "body": base,
        "lead": derive("lead", fontSize=scale.body + 0.5, leading=scale.leading + 1.5, spaceAfter=scale.space),
        "muted": derive("muted", textColor=MUTED, fontSize=scale.body - 0.5),
        "note": derive("note", textColor=MUTED, fontName=fonts.face("italic"), fontSize=scale.body - 0.5),
        "label": derive("label", fontName=bold, textColor=INK, spaceAfter=1),
        "title": derive("title", fontName=bold, fontSize=scale.title, leading=scale.title * 1.2, textColor=ACCENT,
                        spaceAfter=2),
        "subtitle": derive("subtitle", fontSize=scale.subtitle, leading=scale.subtitle * 1.3, textColor=MUTED,
                           spaceAfter=scale.space * 1.5),
        "h1": derive("h1", fontName=bold, fontSize=scale.h1, leading=scale.h1 * 1.25, textColor=ACCENT,
                     spaceBefore=scale.space * 2.2, spaceAfter=scale.space),
        "h2": derive("h2", fontName=bold, fontSize=scale.h2, leading=scale.h2 * 1.3, textColor=INK,
                     spaceBefore=scale.space * 1.4, spaceAfter=scale.space * 0.6),
        "cell": derive("cell", fontSize=scale.table, leading=scale.table * 1.32, spaceAfter=0),
        "cell_right": derive("cell_right", fontSize=scale.table, leading=scale.table * 1.32, spaceAfter=0,
                             alignment=TA_RIGHT),
        "cell_centre": derive("cell_centre", fontSize=scale.table, leading=scale.table * 1.32, spaceAfter=0,
                              alignment=TA_CENTER),
        "th": derive("th", fontName=bold, fontSize=scale.table - 0.5, leading=(scale.table - 0.5) * 1.3,
                     textColor=colors.white, spaceAfter=0),
        "group": derive("group", fontName=bold, fontSize=scale.table + 0.5, leading=(scale.table + 0.5) * 1.32,
                        textColor=ACCENT, spaceAfter=0),
        "group_note": derive("group_note", fontSize=scale.table, leading=scale.table * 1.32, spaceAfter=0),
        "fact_label": derive("fact_label", fontSize=scale.small + 0.5, leading=(scale.small + 0.5) * 1.3,
                             textColor=MUTED, spaceAfter=0),
        "fact_value": derive("fact_value", fontName=bold, fontSize=scale.body, leading=scale.leading,
                             spaceAfter=0),
        "caption": derive("caption", fontSize=scale.small + 0.5, textColor=MUTED, spaceBefore=2),
        "sign": derive("sign", fontSize=scale.table, leading=scale.table * 1.3, textColor=MUTED, spaceAfter=0),
    }


def table_commands(header: bool = True) -> list[tuple[object, ...]]:
    """The commands every data table starts with: a dark header row, hairline row rules."""
    commands: list[tuple[object, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 5),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ("BOX", (0, 0), (-1, -1), 0.6, RULE),
    ]
    if header:
        commands += [
            ("BACKGROUND", (0, 0), (-1, 0), ACCENT),
            ("BOTTOMPADDING", (0, 0), (-1, 0), 5),
        ]
    return commands


#: Font sizes of what the page template draws (marking, running header, footer), in points.
MARKING_SIZE = 9.5
HEADER_SIZE = 8.0
FOOTER_SIZE = 7.5
WATERMARK_SIZE = 120

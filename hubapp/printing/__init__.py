"""Printouts (ReportLab Platypus): the family plan, professional and family copies, and the TAF
meeting record, from one document model that also renders as accessible HTML. Qt-free."""

from .document import Document
from .fonts import FontSet, UnprintableText, default_fonts
from .html import render_html
from .pdf import render_pdf

__all__ = ["Document", "FontSet", "UnprintableText", "default_fonts", "render_html", "render_pdf"]

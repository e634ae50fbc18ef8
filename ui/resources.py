"""Icons and the stylesheet, addressed through Qt search paths (STYLE R18).

``register_search_paths()`` maps the prefixes ``icons:`` and ``styles:`` to the folders of the
shipped ``resources/`` directory (found by :func:`hubapp.paths.resources_dir`, installed, editable
or frozen), so code says ``QIcon("icons:search.svg")``. The stylesheet is every
``resources/styles/*.qss`` file in sorted order, with ``{{token}}`` theme values filled in once.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QDir
from PySide6.QtGui import QColor, QFont, QIcon, QPalette
from PySide6.QtWidgets import QApplication

from hubapp.paths import resources_dir

#: The light theme. One accent colour; red/amber/green are only ever shown with their word.
THEME: dict[str, str] = {
    "font_pt": "10pt",
    "small_pt": "9pt",
    "title_pt": "15pt",
    "heading_pt": "11pt",
    "window": "#f4f5f7",
    "surface": "#ffffff",
    "surface_alt": "#f8f9fb",
    "sidebar": "#eceef2",
    "border": "#d5d9e0",
    "border_strong": "#b8bfca",
    "text": "#1d2430",
    "text_muted": "#5b6676",
    "text_faint": "#8a94a3",
    "accent": "#1f5fae",
    "accent_hover": "#184d8f",
    "accent_pressed": "#123c70",
    "accent_soft": "#dce8f7",
    "accent_text": "#ffffff",
    "focus": "#1f5fae",
    "header": "#f0f2f5",
    "red_bg": "#fbe1df",
    "red_fg": "#8f1d16",
    "red_border": "#eeb0aa",
    "amber_bg": "#fdf0cf",
    "amber_fg": "#6e4a00",
    "amber_border": "#ecd08a",
    "green_bg": "#dcf1e0",
    "green_fg": "#1c5a2a",
    "green_border": "#a6d4b0",
    "chip_bg": "#e8ecf2",
    "chip_fg": "#2b3645",
    "chip_border": "#cdd4de",
}

#: Colours of the RAG chips: (background, text, border), by lower-case RAG value.
RAG_COLOURS: dict[str, tuple[str, str, str]] = {
    "red": (THEME["red_bg"], THEME["red_fg"], THEME["red_border"]),
    "amber": (THEME["amber_bg"], THEME["amber_fg"], THEME["amber_border"]),
    "green": (THEME["green_bg"], THEME["green_fg"], THEME["green_border"]),
}

_TOKEN = re.compile(r"\{\{\s*(\w+)\s*\}\}")


def register_search_paths(base: Path | None = None) -> Path:
    """Register the ``icons:`` and ``styles:`` prefixes; returns the resources directory."""
    root = base or resources_dir()
    QDir.setSearchPaths("icons", [str(root / "icons")])
    QDir.setSearchPaths("styles", [str(root / "styles")])
    return root


def icon(name: str) -> QIcon:
    """An icon from ``resources/icons`` by file name, e.g. ``icon("search.svg")``."""
    return QIcon(f"icons:{name}")


def fill_tokens(text: str, theme: dict[str, str] | None = None) -> str:
    """Replace ``{{token}}`` with theme values.

    Raises:
        KeyError: a token the theme does not define (a typo in a .qss file).
    """
    values = theme or THEME

    def value(match: re.Match[str]) -> str:
        return values[match.group(1)]

    return _TOKEN.sub(value, text)


def load_stylesheet(base: Path | None = None, theme: dict[str, str] | None = None) -> str:
    """Every ``styles/*.qss`` file in sorted order, joined, with the theme tokens filled in."""
    root = base or resources_dir()
    parts = [p.read_text(encoding="utf-8") for p in sorted((root / "styles").glob("*.qss"))]
    return fill_tokens("\n".join(parts), theme)


def apply_theme(app: QApplication) -> None:
    """Give the application the Fusion style, a readable font, the palette and the stylesheet."""
    register_search_paths()
    app.setStyle("Fusion")
    font = QFont(app.font())
    font.setPointSizeF(10.0)
    app.setFont(font)
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: THEME["window"],
        QPalette.ColorRole.Base: THEME["surface"],
        QPalette.ColorRole.AlternateBase: THEME["surface_alt"],
        QPalette.ColorRole.Text: THEME["text"],
        QPalette.ColorRole.WindowText: THEME["text"],
        QPalette.ColorRole.ButtonText: THEME["text"],
        QPalette.ColorRole.Button: THEME["surface"],
        QPalette.ColorRole.Highlight: THEME["accent_soft"],
        QPalette.ColorRole.HighlightedText: THEME["text"],
        QPalette.ColorRole.PlaceholderText: THEME["text_faint"],
        QPalette.ColorRole.ToolTipBase: THEME["surface"],
        QPalette.ColorRole.ToolTipText: THEME["text"],
        QPalette.ColorRole.Link: THEME["accent"],
    }
    for role, colour in roles.items():
        palette.setColor(role, QColor(colour))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor(THEME["text_faint"]))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor(THEME["text_faint"]))
    app.setPalette(palette)
    app.setStyleSheet(load_stylesheet())
    app.setWindowIcon(icon("hubapp.svg"))

"""The PDF fonts: Noto Sans from ``resources/fonts`` registered once, lazily, and a coverage check.

ReportLab prints nothing, silently, for a character its font lacks. So every piece of user text
is checked, character by character, against the font's character map before it is printed:

* a character Noto Sans has is printed in Noto Sans;
* one it lacks but another font in ``resources/fonts`` has (an authority may add, say,
  ``NotoSansGeorgian-Regular.ttf``) is printed in that font, for that run of text only;
* one no font has, or a right-to-left letter (Arabic, Hebrew, Urdu: ReportLab cannot order
  right-to-left text), stops the printout with :class:`UnprintableText`, naming the character.
  A name never prints with letters missing.

Text is normalised first (NFC, so a letter typed with a combining accent prints as one glyph),
and invisible control and format characters are dropped.
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from hubapp.domain.errors import DomainError
from hubapp.paths import resources_dir

FAMILY = "NotoSans"
#: Face -> file name of the bundled family.
FACES = {
    "regular": "NotoSans-Regular.ttf",
    "bold": "NotoSans-Bold.ttf",
    "italic": "NotoSans-Italic.ttf",
    "boldItalic": "NotoSans-BoldItalic.ttf",
}
_RTL = frozenset({"R", "AL"})
_KEEP_CONTROLS = frozenset("\n\t")


def clean(text: str | None) -> str:
    """User text as it will print: NFC, line breaks as ``\\n``, invisible characters dropped."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    out = []
    for ch in text:
        category = unicodedata.category(ch)
        if ch in _KEEP_CONTROLS:
            out.append(" " if ch == "\t" else ch)
        elif category in ("Cc", "Cf", "Cs"):
            continue  # controls, zero-width and direction marks, lone surrogates: nothing to see
        else:
            out.append(ch)
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Problem:
    """A character that cannot be printed, and where it was."""

    where: str
    text: str
    char: str
    right_to_left: bool

    def describe(self) -> str:
        """One sentence for a person."""
        name = unicodedata.name(self.char, "unnamed character").lower()
        snippet = self.text if len(self.text) <= 40 else self.text[:37] + "…"
        if self.right_to_left:
            return (f"“{snippet}” in {self.where} is written right to left (“{self.char}”, {name}), "
                    "which the PDF cannot lay out correctly.")
        return (f"“{snippet}” in {self.where} contains “{self.char}” (U+{ord(self.char):04X}, {name}), "
                "which none of the PDF fonts can print.")


class UnprintableText(DomainError):
    """Some user text cannot be printed exactly, so the PDF is not made.

    Args:
        problems: every character found, with where it was.
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        lines = [p.describe() for p in self.problems[:5]]
        more = len(self.problems) - len(lines)
        if more > 0:
            lines.append(f"…and {more} more.")
        super().__init__(
            "This document cannot be printed as a PDF without losing letters: " + " ".join(lines)
            + " Save the accessible HTML copy instead (a web browser prints every script), "
            "or ask IT to add a font for this script to hubapp's fonts folder."
        )


class FontSet:
    """The bundled family and any fallback fonts, registered with ReportLab on first use.

    Args:
        directory: where the TTF files are (``resources/fonts``).
        extra_fallbacks: more TTF files to fall back on, after those in ``directory``.
    """

    def __init__(self, directory: Path, extra_fallbacks: Iterable[Path] = ()) -> None:
        self.directory = directory
        self._extra = tuple(extra_fallbacks)
        self._lock = threading.Lock()
        self._ready = False
        self._cmaps: dict[str, frozenset[int]] = {}
        self.fallbacks: tuple[str, ...] = ()

    # ---- Registration

    def face(self, name: str = "regular") -> str:
        """The registered font name of a face of the bundled family (registering on first use)."""
        self.ensure_registered()
        return FAMILY if name == "regular" else f"{FAMILY}-{name[0].upper()}{name[1:]}"

    def ensure_registered(self) -> None:
        """Register the fonts once (thread-safe; loading them takes a moment, so it is lazy)."""
        if self._ready:
            return
        with self._lock:
            if self._ready:
                return
            names = {}
            for face, file_name in FACES.items():
                path = self.directory / file_name
                if not path.is_file():
                    raise FileNotFoundError(f"hubapp's PDF font is missing: {path}")
                name = FAMILY if face == "regular" else f"{FAMILY}-{face[0].upper()}{face[1:]}"
                font = TTFont(name, str(path))
                pdfmetrics.registerFont(font)
                self._cmaps[name] = frozenset(font.face.charToGlyph)
                names[face] = name
            pdfmetrics.registerFontFamily(FAMILY, normal=names["regular"], bold=names["bold"],
                                          italic=names["italic"], boldItalic=names["boldItalic"])
            bundled = set(FACES.values())
            others = [p for p in sorted(self.directory.glob("*.ttf")) if p.name not in bundled]
            fallbacks = []
            for path in [*others, *self._extra]:
                name = f"Fallback-{path.stem}"
                font = TTFont(name, str(path))
                pdfmetrics.registerFont(font)
                self._cmaps[name] = frozenset(font.face.charToGlyph)
                fallbacks.append(name)
            self.fallbacks = tuple(fallbacks)
            self._ready = True

    # ---- Coverage

    def font_for(self, ch: str, face_name: str) -> str | None:
        """The font that prints ``ch``: the face asked for, else the regular face, else the first
        fallback that has it; ``None`` when no font has it."""
        self.ensure_registered()
        code = ord(ch)
        if ch in " \n" or code in self._cmaps.get(face_name, self._cmaps[FAMILY]):
            return face_name
        if code in self._cmaps[FAMILY]:
            return FAMILY
        return next((f for f in self.fallbacks if code in self._cmaps[f]), None)

    def problems(self, text: str, where: str) -> list[Problem]:
        """Every character of ``text`` that cannot be printed (one problem per distinct character)."""
        self.ensure_registered()
        found: dict[str, Problem] = {}
        for ch in clean(text):
            if ch in found:
                continue
            rtl = unicodedata.bidirectional(ch) in _RTL
            if rtl or self.font_for(ch, FAMILY) is None:
                found[ch] = Problem(where, text.strip(), ch, rtl)
        return list(found.values())

    def runs(self, text: str, face_name: str) -> list[tuple[str, str]]:
        """Split cleaned text into ``(font, text)`` runs, switching font where the face lacks a glyph.

        Raises:
            UnprintableText: a character no font has (callers check first, so this is a guard).
        """
        out: list[tuple[str, str]] = []
        for ch in clean(text):
            font = self.font_for(ch, face_name)
            if font is None:
                raise UnprintableText([Problem("the document", text, ch, False)])
            if out and out[-1][0] == font:
                out[-1] = (font, out[-1][1] + ch)
            else:
                out.append((font, ch))
        return out

    def markup(self, text: str, face_name: str | None = None) -> str:
        """Paragraph markup for user text: escaped, fallback runs in ``<font>``, line breaks kept."""
        face_name = face_name or self.face()
        parts = []
        for font, run in self.runs(text, face_name):
            escaped = escape(run).replace("\n", "<br/>")
            parts.append(escaped if font == face_name else f'<font face="{font}">{escaped}</font>')
        return "".join(parts)


@cache
def default_fonts() -> FontSet:
    """The fonts shipped with hubapp (registered on first use)."""
    return FontSet(resources_dir() / "fonts")

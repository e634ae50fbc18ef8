"""Name keys for searching: case- and accent-folded text, and phonetic codes.

"Zoë Ní Bhriain-Łukasz" is found by typing "zoe ni bhriain lukasz"; "Mohammed" and "Muhammad"
share a phonetic code. The keys are stored on each person so that both databases can index them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import jellyfish

# Letters that Unicode decomposition does not reduce to ASCII.
_SPECIAL = str.maketrans(
    {"ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "ß": "ss", "æ": "ae", "Æ": "ae", "œ": "oe",
     "Œ": "oe", "đ": "d", "Đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)
_NON_WORD = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lower-case, strip accents, turn punctuation into single spaces.

    >>> fold("  Zoë Ní Bhriain-Łukasz ")
    'zoe ni bhriain lukasz'
    >>> fold("O'Brien")
    'obrien'
    """
    text = text.translate(_SPECIAL)
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    ascii_text = ascii_text.replace("'", "").replace("\u2019", "")
    return _NON_WORD.sub(" ", ascii_text).strip()


def phonetic(text: str) -> str:
    """A phonetic code for a name (Metaphone of each word, joined by spaces)."""
    words = fold(text).split()
    return " ".join(jellyfish.metaphone(w) for w in words if w)[:60]


@dataclass(frozen=True, slots=True)
class NameKeys:
    """The stored search keys of one person's name."""

    given_key: str
    family_key: str
    search_name: str
    given_phonetic: str
    family_phonetic: str


#: The longest stored name key and search name (their columns' lengths). Folding can make a name
#: longer than typed ("ß" becomes "ss", a ligature several letters), so keys are cut to fit.
KEY_MAX, SEARCH_NAME_MAX = 200, 400


def name_keys(given_name: str, family_name: str, other_names: str | None = None) -> NameKeys:
    """Compute the search keys for a name (each cut to the length its column holds)."""
    given_key = fold(given_name)[:KEY_MAX].strip()
    family_key = fold(family_name)[:KEY_MAX].strip()
    parts = [given_key, fold(other_names or "")[:KEY_MAX].strip(), family_key]
    return NameKeys(
        given_key=given_key,
        family_key=family_key,
        search_name=" ".join(p for p in parts if p)[:SEARCH_NAME_MAX].strip(),
        given_phonetic=phonetic(given_name),
        family_phonetic=phonetic(family_name),
    )

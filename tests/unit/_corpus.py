"""The hostile-input corpus (issue 7): values a person can type or paste, each with what must become
of it in a one-line field (a name, a role, a place) and in free text (a note, a summary, a goal).

``one_line`` and ``free_text`` give the value the service must store and show back, byte for byte
(after the documented normalisation: only the ends are trimmed), or ``None`` where it must be
refused with ``ValidationError`` under ``rule`` on the field it was typed into. The rules live in
``hubapp.domain.validation`` (``check_text``, ``check_length``, ``check_date_range``) and every
service uses them, so one corpus covers them all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hubapp.domain.validation import LONG_TEXT_MAX, SHORT_TEXT_MAX


@dataclass(frozen=True)
class Sample:
    """One corpus value and what must become of it."""

    id: str
    value: str
    one_line: str | None
    free_text: str | None
    rule: str = ""

    def expected(self, multiline: bool) -> str | None:
        """What a field of this kind stores (``None``: it refuses the value)."""
        return self.free_text if multiline else self.one_line


def _kept(sid: str, value: str) -> Sample:
    return Sample(sid, value, value.strip(), value.strip())


def _refused(sid: str, value: str, rule: str) -> Sample:
    return Sample(sid, value, None, None, rule)


#: About one megabyte of note (1,048,576 characters), as if a whole document were pasted.
MEGABYTE_NOTE = ("Mum says the mornings are hard; Ella misses school on Mondays. " * 16645)[:1_048_576]
#: Zalgo text: a letter under a pile of combining marks.
ZALGO = "Z\u0334\u0321\u0322a\u0338\u0327l\u0337\u0310g\u0336\u0352o\u0335\u036b"
#: Exactly as long as a one-line field allows, in combining characters (each counts as one).
AT_SHORT_LIMIT = ("e\u0301" * (SHORT_TEXT_MAX // 2))

CORPUS: tuple[Sample, ...] = (
    _refused("megabyte_note", MEGABYTE_NOTE, "max_length"),
    _refused("nul", "Ella\x00Smith", "invalid_character"),
    _refused("nul_only_inside", "\x00", "invalid_character"),
    _refused("c0_controls", "Ella\x07\x1b[31mSmith\x08", "invalid_character"),
    _refused("del_and_c1", "Ella\x7fSmith\x9b", "invalid_character"),
    _refused("lone_surrogate", "Ell\ud800a", "invalid_character"),
    Sample("line_breaks_and_tabs", "First line\n\tsecond line\r\nthird", None,
           "First line\n\tsecond line\r\nthird", "invalid_character"),
    _kept("arabic", "مريم الحسن"),
    _kept("hebrew", "שרה כהן"),
    _kept("bidi_marks", "\u202bمريم\u202c \u200fSara\u200e O\u2019Neill"),
    _kept("emoji_zwj_flags", "Ella 👩\u200d👩\u200d👧\u200d👦 🇬🇧 🏳️\u200d🌈 👍🏽"),
    _kept("decomposed_e", "Zoe\u0301 Ni\u0301 Bhriain-Łukasz"),
    _kept("zalgo", ZALGO),
    _kept("combining_at_limit", AT_SHORT_LIMIT),
    Sample("combining_over_limit", AT_SHORT_LIMIT + "e", None, AT_SHORT_LIMIT + "e", "max_length"),
    _kept("sql_drop", "'; DROP TABLE family; --"),
    _kept("sql_or", "' OR 1=1 --"),
    _kept("sql_escaped_nul", "Robert\\x00'); DROP TABLE person;--"),
    _kept("backslashes", "C:\\Users\\ella\\ \\\\server\\share \\' \\\" \\n"),
    _kept("like_wildcards", "100% _sure_ [a-z]* %% \\%"),
    Sample("padded", "   Ella   Smith \u3000", "Ella   Smith", "Ella   Smith"),
)
CORPUS_IDS = tuple(s.id for s in CORPUS)
#: A shorter corpus for the slower paths (one value of each kind).
SHORT_CORPUS = tuple(s for s in CORPUS if s.id in {
    "megabyte_note", "nul", "c0_controls", "lone_surrogate", "line_breaks_and_tabs", "arabic", "emoji_zwj_flags",
    "decomposed_e", "zalgo", "sql_drop", "like_wildcards", "padded",
})

#: Free text at its limit is stored; one more character is refused.
AT_LONG_LIMIT = "x" * LONG_TEXT_MAX
OVER_LONG_LIMIT = AT_LONG_LIMIT + "y"

# ---- Dates at the ends of the calendar

FIRST_DAY, LAST_DAY = dt.date(1, 1, 1), dt.date(9999, 12, 31)
#: Times at the ends of the calendar in zones that push them past its ends in UTC.
FIRST_MOMENT = dt.datetime(1, 1, 1, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30)))
LAST_MOMENT = dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.timezone(dt.timedelta(hours=-8)))
EXTREME_DATES = (FIRST_DAY, LAST_DAY)
EXTREME_MOMENTS = (FIRST_MOMENT, LAST_MOMENT)

# ---- Identifiers with spaces around them (and what is stored)

NHS_NUMBERS = (
    (" 943 476 5919 ", "9434765919"),
    ("\t943-476-5919\n", "9434765919"),
    ("９４３４７６５９１９", "9434765919"),  # full-width digits
)
UPNS = ((" a950000178301 ", "A950000178301"), ("\tA950000178301\n", "A950000178301"))
POSTCODES = (("  b11 1aa  ", "B11 1AA"), ("B11\u00a01AA", "B11 1AA"), ("\tEC1A1BB\n", "EC1A 1BB"))
#: Identifiers that must be refused, with the rule.
BAD_IDENTIFIERS = (
    ("nhs_number", "9434765919\x00", "nhs_format"),
    ("nhs_number", "٩٤٣٤٧٦٥٩١٩", "nhs_format"),  # Arabic-Indic digits
    ("nhs_number", "' OR 1=1 --", "nhs_format"),
    ("upn", "A95000017830\u0661", "upn_format"),
    ("upn", "A950000178301\x00", "upn_format"),
    ("postcode", "B11 1AA'; --", "postcode_format"),
)
USERNAMES = (("  Amira.Khan  ", "amira.khan"), ("\tben.ortiz\n", "ben.ortiz"))

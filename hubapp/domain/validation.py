"""Checks of single values: identifiers, postcodes, dates and text (DOMAIN.md §6).

Every ``check_*`` function takes the value and the name of the input field it came from,
and either returns the normalised value (what to store) or raises
:class:`~hubapp.domain.errors.ValidationError` with one
:class:`~hubapp.domain.errors.FieldError`. The message names the field in plain words
(``label``, by default made from the field name: ``"person.nhs_number"`` reads
"NHS number") and the rule that was broken. Dates in messages read dd/mm/yyyy.

The ``check_*`` functions check a value that was given; an empty value raises the
``"required"`` rule. For an optional field, call them only when the person typed something.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from stdnum.gb import nhs as _nhs
from stdnum.gb import upn as _upn

from hubapp.domain.errors import FieldError, ValidationError

#: An expected date of birth may be at most this far ahead (about ten months).
MAX_EXPECTED_DOB_DAYS = 305
#: No date of birth before this is accepted.
EARLIEST_DOB = date(1900, 1, 1)
#: No date or time a person types is before this or after :data:`LATEST_DATE` (see
#: :func:`check_date_range`): 01/01/0001 and 31/12/9999 are slips of the keyboard, and times at
#: the very ends of the calendar cannot be moved between time zones or counted in working days.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2099, 12, 31)
#: The longest one-line text (names, roles, places, references): the ``ShortText`` columns.
SHORT_TEXT_MAX = 200
#: The longest free text (summaries, notes, goals, narratives): the ``LongText`` columns.
LONG_TEXT_MAX = 20000
#: The only control characters free text may hold: tab and line breaks.
_FREE_TEXT_CONTROLS = frozenset("\t\n\r")

_WORDS = {"nhs": "NHS", "upn": "UPN", "dob": "date of birth", "uln": "ULN", "pnc": "PNC",
          "urn": "URN", "csc": "CSC", "cin": "CIN", "eh": "early help", "la": "LA",
          "ni": "NI", "id": "ID", "taf": "TAF", "eha": "EHA", "sf": "SF"}
_INDEX = re.compile(r"\[\d+\]")
_NHS_SEPARATORS = re.compile(r"[\s\-]")
_UPN_FORMAT = re.compile(r"^[A-HJ-NP-RT-Z](\d{12}|\d{11}[A-HJ-NP-RT-Z])$", re.ASCII)
_UPN_UNKNOWN = re.compile(r"^UN[1-7]$")
_POSTCODE = re.compile(r"^([A-Z][A-HJ-Y]?[0-9][A-Z0-9]?[0-9][A-Z]{2}|GIR0AA)$")
_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def field_label(field: str) -> str:
    """A plain-words label made from a field name.

    ``"members[1].date_of_birth"`` gives "Date of birth"; ``"nhs_number"`` gives
    "NHS number". Only the last dotted part is used.
    """
    last = _INDEX.sub("", field).rsplit(".", 1)[-1]
    words = [_WORDS.get(w.lower(), w.lower()) for w in last.split("_") if w]
    text = " ".join(words) or field
    return text[:1].upper() + text[1:]


def format_uk_date(value: date) -> str:
    """A date as dd/mm/yyyy; a datetime as dd/mm/yyyy HH:MM."""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def _fail(field: str, rule: str, message: str) -> ValidationError:
    return ValidationError.single(field, rule, message)


def _lower_first(label: str) -> str:
    """Lower-case a label's first letter for mid-sentence use, keeping acronyms (NHS, EHA)."""
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


def _required(value: object, field: str, label: str) -> str:
    text = "" if value is None else str(value).strip()
    if not text:
        raise _fail(field, "required", f"{label} is required.")
    return text


# ---- Text


def require(value: str | None, field: str, label: str | None = None) -> str:
    """Required text: strip it, and refuse it if nothing is left.

    Returns:
        The stripped text.

    Raises:
        ValidationError: rule ``"required"``.
    """
    return _required(value, field, label or field_label(field))


def _bad_character(text: str, multiline: bool) -> str | None:
    """The first character of ``text`` that a text field may not hold, or ``None``.

    Refused everywhere: NUL and every other control character (Unicode category Cc: C0, DEL and
    C1), except that free text (``multiline``) keeps tab, line feed and carriage return; and lone
    surrogates (category Cs), which no database encoding can store. Everything else is kept as
    typed: right-to-left text and its marks, emoji and their joiners, combining characters.
    """
    for ch in text:
        category = unicodedata.category(ch)
        if category == "Cs" or (category == "Cc" and not (multiline and ch in _FREE_TEXT_CONTROLS)):
            return ch
    return None


def _character_name(ch: str) -> str:
    names = {"\x00": "NUL", "\t": "a tab", "\n": "a line break", "\r": "a line break"}
    default = "a broken character" if unicodedata.category(ch) == "Cs" else "a control character"
    return f"{names.get(ch, default)} (U+{ord(ch):04X})"


def check_text(
    value: str | None, field: str, label: str | None = None, *, multiline: bool = False
) -> str:
    """Text whose characters can be stored and shown: see :func:`_bad_character`.

    One-line text (``multiline`` false: names, roles, places, references) holds no control
    character at all; free text keeps tabs and line breaks. Only the ends are trimmed; nothing
    inside is changed (no Unicode normalisation), so what was typed is what is stored.

    Returns:
        The stripped text.

    Raises:
        ValidationError: rule ``"invalid_character"``, naming the character's code point.
    """
    text = (value or "").strip()
    bad = _bad_character(text, multiline)
    if bad is not None:
        what = _character_name(bad)
        if bad in _FREE_TEXT_CONTROLS:
            message = f"{label or field_label(field)} must be on one line; it holds {what}."
        else:
            message = (f"{label or field_label(field)} holds {what}, which cannot be stored; "
                       "retype it without pasting.")
        raise _fail(field, "invalid_character", message)
    return text


def check_length(
    value: str | None, field: str, label: str | None, max_len: int, *, multiline: bool | None = None
) -> str:
    """Text no longer than ``max_len`` characters once stripped (empty is allowed), holding only
    characters that can be stored (:func:`check_text`).

    Every text a service stores passes through here, so the rules are the same everywhere.
    ``multiline`` defaults to whether the limit is longer than :data:`SHORT_TEXT_MAX`: one-line
    fields are the short ones (names, roles, places), free text the long ones (notes, summaries).
    Characters are counted as PostgreSQL counts them (code points), so a text that passes fits
    its column on both databases.

    Returns:
        The stripped text.

    Raises:
        ValidationError: rules ``"invalid_character"``, ``"max_length"``.
    """
    text = check_text(value, field, label, multiline=max_len > SHORT_TEXT_MAX if multiline is None else multiline)
    if len(text) > max_len:
        raise _fail(
            field,
            "max_length",
            f"{label or field_label(field)} is {len(text)} characters long; "
            f"the limit is {max_len}.",
        )
    return text


def check_date_range(value: date, field: str, label: str | None = None) -> date:
    """A date (or a datetime, by its calendar date) from :data:`EARLIEST_DATE` to :data:`LATEST_DATE`.

    Raises:
        ValidationError: rules ``"too_early"``, ``"too_late"``.
    """
    day = _as_date(value)
    label = label or field_label(field)
    if day < EARLIEST_DATE:
        raise _fail(field, "too_early",
                    f"{label} {format_uk_date(day)} is before {format_uk_date(EARLIEST_DATE)}.")
    if day > LATEST_DATE:
        raise _fail(field, "too_late",
                    f"{label} {format_uk_date(day)} is after {format_uk_date(LATEST_DATE)}.")
    return value


# ---- NHS number


def _compact_nhs(value: str) -> str:
    """Without spaces and dashes; full-width digits (typed with an East Asian keyboard) become 0-9."""
    return _NHS_SEPARATORS.sub("", unicodedata.normalize("NFKC", value))


def format_nhs_number(value: str) -> str:
    """An NHS number as shown to people: ``"943 476 5919"``.

    Spaces and dashes in ``value`` are ignored; a value that is not 10 digits is returned
    unchanged (stripped), so bad data still shows as typed.
    """
    digits = _compact_nhs(value.strip())
    if len(digits) != 10 or not digits.isdigit():
        return value.strip()
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"


def is_test_nhs_number(value: str) -> bool:
    """Whether the number is in the 999 range: valid format but never issued (test data)."""
    digits = _compact_nhs(value.strip())
    return len(digits) == 10 and digits.isdigit() and digits.startswith("999")


def check_nhs_number(value: str, field: str = "nhs_number", label: str | None = None) -> str:
    """An NHS number: 10 digits with a valid Modulus 11 check digit, not 0000000000.

    Spaces and dashes are allowed in the input. Numbers in the 999 test range pass (see
    :func:`is_test_nhs_number` to flag them).

    Returns:
        The 10 digits, without spaces (what to store).

    Raises:
        ValidationError: rules ``"required"``, ``"nhs_format"``, ``"nhs_checksum"``,
            ``"nhs_zero"``.
    """
    label = label or field_label(field)
    digits = _compact_nhs(_required(value, field, label))
    if len(digits) != 10 or not (digits.isascii() and digits.isdigit()):
        raise _fail(
            field, "nhs_format",
            f"{label} must be 10 digits, for example 943 476 5919; '{value.strip()}' is not.",
        )
    shown = format_nhs_number(digits)
    if digits == "0000000000":
        raise _fail(field, "nhs_zero", f"{label} {shown} is not a real NHS number.")
    if not _nhs.is_valid(digits):
        raise _fail(
            field, "nhs_checksum", f"{label} {shown} fails the check digit (Modulus 11)."
        )
    return digits


# ---- UPN


def check_upn(value: str, field: str = "upn", label: str | None = None) -> str:
    """A Unique Pupil Number: 13 characters with a valid check letter.

    The format is the 903 validator's (``^[A-HJ-NP-RT-Z](\\d{12}|\\d{11}[A-Z])$``, the
    final letter of a temporary UPN taken from the check alphabet, which has no I, O or S)
    and the check letter is computed by ``stdnum.gb.upn``. The 3-digit LA number is *not*
    checked against a list: stdnum's list dates from 2011 and misses newer authorities
    (e.g. the DOMAIN test vector A950000178301).

    Returns:
        The UPN, upper case, without spaces.

    Raises:
        ValidationError: rules ``"required"``, ``"upn_unknown_code"`` (a UN1–UN7 code was
            typed; it belongs in the UPN-unknown field), ``"upn_format"``, ``"upn_checksum"``.
    """
    label = label or field_label(field)
    upn = _upn.compact(_required(value, field, label))
    if _UPN_UNKNOWN.match(upn):
        raise _fail(
            field, "upn_unknown_code",
            f"{upn} is a 'UPN unknown' reason, not a {_lower_first(label)}; "
            "record it as the reason the UPN is unknown.",
        )
    if not _UPN_FORMAT.match(upn):
        raise _fail(
            field, "upn_format",
            f"{label} '{upn}' must be a letter then 12 digits (or 11 digits and a letter "
            "for a temporary UPN), for example A950000178301.",
        )
    if _upn.calc_check_digit(upn[1:]) != upn[0]:
        raise _fail(field, "upn_checksum", f"{label} {upn} fails the check letter.")
    return upn


# ---- Postcode


def normalise_postcode(value: str, field: str = "postcode", label: str | None = None) -> str:
    """A UK postcode in standard form: upper case, one space before the last 3 characters.

    Only the format is checked (the Ministry of Justice pattern), not that the postcode
    exists. "No fixed abode" or "unknown" must be recorded as flags, never as a postcode.

    Returns:
        The postcode, e.g. ``"B11 1AA"``, ``"EC1A 1BB"``, ``"GIR 0AA"``.

    Raises:
        ValidationError: rules ``"required"``, ``"postcode_format"``.
    """
    label = label or field_label(field)
    compact = "".join(_required(value, field, label).split()).upper()
    if not _POSTCODE.match(compact):
        raise _fail(
            field, "postcode_format",
            f"{label} '{value.strip()}' is not a valid UK postcode, for example B11 1AA.",
        )
    return f"{compact[:-3]} {compact[-3:]}"


# ---- Dates


def parse_uk_date(text: str, field: str = "date", label: str | None = None) -> date:
    """Read a date typed as d/m/yyyy (day and month of 1 or 2 digits, a 4-digit year).

    Raises:
        ValidationError: rules ``"required"``, ``"date_format"``, ``"date_invalid"``
            (e.g. 31/02/2026).
    """
    label = label or field_label(field)
    raw = _required(text, field, label)
    match = _UK_DATE.match(raw)
    if not match:
        raise _fail(
            field, "date_format",
            f"{label} '{raw}' is not a date in the form dd/mm/yyyy, for example 03/02/2026.",
        )
    day, month, year = (int(g) for g in match.groups())
    if not 1 <= month <= 12:
        raise _fail(field, "date_invalid", f"{label} {raw} has no month {month}.")
    if year < 1:
        raise _fail(field, "date_invalid", f"{label} {raw} has no year {year}.")
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        name = calendar.month_name[month]
        raise _fail(
            field, "date_invalid",
            f"{label} {raw} does not exist: {name} {year} has {last} days.",
        )
    return date(year, month, day)


def _as_date(value: date) -> date:
    return value.date() if isinstance(value, datetime) else value


def check_date_of_birth(
    dob: date,
    today: date,
    field: str = "date_of_birth",
    *,
    expected: bool = False,
    label: str | None = None,
) -> date:
    """A date of birth, or the expected date of birth of an unborn child.

    Args:
        dob: the date given.
        today: the date to judge against (passed in, so tests and imports are repeatable).
        field: the input field.
        expected: True for the expected date of birth of an unborn child, which must be
            today or later and at most :data:`MAX_EXPECTED_DOB_DAYS` ahead.
        label: the field's name in messages.

    Returns:
        ``dob`` as a date.

    Raises:
        ValidationError: rules ``"dob_future"``, ``"dob_too_early"`` (before 1900),
            ``"expected_dob_past"``, ``"expected_dob_too_far"``.
    """
    dob, today = _as_date(dob), _as_date(today)
    if expected:
        label = label or "Expected date of birth"
        if dob < today:
            raise _fail(
                field, "expected_dob_past",
                f"{label} {format_uk_date(dob)} is in the past; if the child has been "
                "born, record the actual date of birth.",
            )
        latest = today + timedelta(days=MAX_EXPECTED_DOB_DAYS)
        if dob > latest:
            raise _fail(
                field, "expected_dob_too_far",
                f"{label} {format_uk_date(dob)} is more than ten months away "
                f"(latest {format_uk_date(latest)}).",
            )
        return dob
    label = label or field_label(field)
    if dob > today:
        raise _fail(
            field, "dob_future",
            f"{label} {format_uk_date(dob)} is in the future; for an unborn child "
            "record the expected date of birth.",
        )
    if dob < EARLIEST_DOB:
        raise _fail(
            field, "dob_too_early",
            f"{label} {format_uk_date(dob)} is before {format_uk_date(EARLIEST_DOB)}.",
        )
    return dob


def age_on(dob: date, on: date) -> int:
    """Age in whole years on a date (someone born on 29 February ages on 1 March)."""
    dob, on = _as_date(dob), _as_date(on)
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def check_age_at_request(
    dob: date,
    request_date: date,
    field: str = "date_of_birth",
    max_age: int = 18,
    *,
    expected: bool = False,
    label: str | None = None,
) -> int:
    """The child must be younger than ``max_age`` on the date of the request.

    ``max_age`` is 18 by default; an authority that extends its scope (e.g. to 25 for
    SEND or care leavers) passes its own limit.

    Args:
        dob: date of birth, or expected date of birth if ``expected``.
        request_date: when the request was received.
        field: the input field (the date of birth's).
        max_age: the first age that is out of scope.
        expected: ``dob`` is an expected date of birth; a child not yet born on the
            request date (a pre-birth request) is age 0.
        label: the field's name in messages.

    Returns:
        The child's age in whole years on the request date.

    Raises:
        ValidationError: rules ``"dob_after_request"`` (an actual birth date after the
            request), ``"age_limit"``.
    """
    label = label or field_label(field)
    dob, request_date = _as_date(dob), _as_date(request_date)
    if dob > request_date:
        if expected:
            return 0
        raise _fail(
            field, "dob_after_request",
            f"{label} {format_uk_date(dob)} is after the request date "
            f"{format_uk_date(request_date)}.",
        )
    age = age_on(dob, request_date)
    if age >= max_age:
        raise _fail(
            field, "age_limit",
            f"The child must be under {max_age} on the request date "
            f"{format_uk_date(request_date)}; {_lower_first(label)} "
            f"{format_uk_date(dob)} makes them {age}.",
        )
    return age


def _comparable(a: date, b: date) -> tuple[date, date]:
    """Two values that can be compared: datetimes only with datetimes of the same kind."""
    if (
        isinstance(a, datetime)
        and isinstance(b, datetime)
        and (a.tzinfo is None) == (b.tzinfo is None)
    ):
        return a, b
    return _as_date(a), _as_date(b)


def check_date_sequence(
    steps: Sequence[tuple[str, str, date | datetime | None]],
) -> list[FieldError]:
    """Check that dates which must happen in order do (each may equal the one before).

    For example request ≤ decision ≤ allocation ≤ assessment start ≤ assessment
    completion. A step with no value is skipped. Each step is compared with the latest of
    the steps before it, so a field gets at most one error, naming that step. A date is
    compared with a datetime by calendar date.

    Args:
        steps: ``(field, label, value)`` in the order they must happen.

    Returns:
        One error (rule ``"date_order"``) on the later field of each step out of order,
        e.g. "Decision date 01/02/2026 is before the request date 03/02/2026."; empty when
        all is well. Raise ``ValidationError(errors)`` if the list is not empty.
    """
    errors: list[FieldError] = []
    latest: tuple[str, date] | None = None
    for field, label, value in steps:
        if value is None:
            continue
        if latest is not None:
            before_label, before = latest
            mine, theirs = _comparable(value, before)
            if mine < theirs:
                errors.append(
                    FieldError(
                        field,
                        "date_order",
                        f"{label} {format_uk_date(value)} is before the "
                        f"{_lower_first(before_label)} {format_uk_date(before)}.",
                    )
                )
                continue
        latest = (label, value)
    return errors


def dob_swapped(a: date, b: date) -> bool:
    """Whether two different dates are the same with day and month swapped (3/4 vs 4/3).

    Used when matching people: a swapped date of birth is a common typing error.
    """
    return a != b and a.year == b.year and a.day == b.month and a.month == b.day

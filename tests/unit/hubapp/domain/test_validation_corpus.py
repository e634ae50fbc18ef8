"""The hostile-input corpus against the one place its rules live: ``hubapp.domain.validation``."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hubapp.domain import validation as v
from hubapp.domain.errors import ValidationError
from hubapp.domain.names import KEY_MAX, SEARCH_NAME_MAX, name_keys
from hubapp.domain.workdays import WorkingCalendar

from ..._corpus import (
    AT_LONG_LIMIT, BAD_IDENTIFIERS, CORPUS, CORPUS_IDS, EXTREME_DATES, EXTREME_MOMENTS, FIRST_DAY, LAST_DAY,
    MEGABYTE_NOTE, NHS_NUMBERS, OVER_LONG_LIMIT, POSTCODES, UPNS, Sample,
)


@pytest.mark.parametrize("sample", CORPUS, ids=CORPUS_IDS)
@pytest.mark.parametrize(("limit", "multiline"), [(v.SHORT_TEXT_MAX, False), (v.LONG_TEXT_MAX, True)],
                         ids=["one_line", "free_text"])
def test_corpus_through_check_length(sample: Sample, limit: int, multiline: bool) -> None:
    expected = sample.expected(multiline)
    if expected is not None:
        assert v.check_length(sample.value, "members[0].given_name", None, limit) == expected
        return
    with pytest.raises(ValidationError) as caught:
        v.check_length(sample.value, "members[0].given_name", None, limit)
    (error,) = caught.value.errors
    assert (error.field, error.rule) == ("members[0].given_name", sample.rule)
    assert error.message.startswith("Given name ")
    if sample.rule == "max_length":
        assert f"the limit is {limit}" in error.message
    else:
        assert "U+" in error.message and "\x00" not in error.message


def test_the_messages_name_the_character() -> None:
    def message(text: str, limit: int = 200) -> str:
        with pytest.raises(ValidationError) as caught:
            v.check_length(text, "summary", "Summary", limit)
        return caught.value.errors[0].message

    assert message("a\x00b") == "Summary holds NUL (U+0000), which cannot be stored; retype it without pasting."
    assert message("a\nb") == "Summary must be on one line; it holds a line break (U+000A)."
    assert message("a\tb") == "Summary must be on one line; it holds a tab (U+0009)."
    assert "a control character (U+001B)" in message("a\x1bb", 20000)
    assert "a broken character (U+D800)" in message("a\ud800b", 20000)
    assert message(MEGABYTE_NOTE, 20000) == (
        f"Summary is {len(MEGABYTE_NOTE.strip())} characters long; the limit is 20000.")


def test_free_text_limit_is_exact() -> None:
    assert v.check_length(AT_LONG_LIMIT, "summary", None, v.LONG_TEXT_MAX) == AT_LONG_LIMIT
    with pytest.raises(ValidationError, match="20001 characters long; the limit is 20000"):
        v.check_length(OVER_LONG_LIMIT, "summary", None, v.LONG_TEXT_MAX)
    # A short limit chosen for free text can still allow line breaks when asked.
    assert v.check_length("a\nb", "note", None, 60, multiline=True) == "a\nb"


def test_identifiers_with_spaces_are_trimmed() -> None:
    for typed, stored in NHS_NUMBERS:
        assert v.check_nhs_number(typed) == stored
    for typed, stored in UPNS:
        assert v.check_upn(typed) == stored
    for typed, stored in POSTCODES:
        assert v.normalise_postcode(typed) == stored


@pytest.mark.parametrize(("kind", "value", "rule"), BAD_IDENTIFIERS)
def test_bad_identifiers_are_refused_by_name(kind: str, value: str, rule: str) -> None:
    check = {"nhs_number": v.check_nhs_number, "upn": v.check_upn, "postcode": v.normalise_postcode}[kind]
    with pytest.raises(ValidationError) as caught:
        check(value, "members[1]." + kind)
    assert [(e.field, e.rule) for e in caught.value.errors] == [("members[1]." + kind, rule)]


def test_dates_at_the_ends_of_the_calendar() -> None:
    today = dt.date(2026, 3, 4)
    assert v.parse_uk_date("01/01/0001") == FIRST_DAY and v.parse_uk_date("31/12/9999") == LAST_DAY
    for day, rule in ((FIRST_DAY, "too_early"), (LAST_DAY, "too_late")):
        with pytest.raises(ValidationError) as caught:
            v.check_date_range(day, "due_on", "Due date")
        assert caught.value.errors[0].rule == rule
    for moment in EXTREME_MOMENTS:
        with pytest.raises(ValidationError):
            v.check_date_range(moment, "scheduled_for")
    assert v.check_date_range(v.EARLIEST_DATE, "d") == v.EARLIEST_DATE
    assert v.check_date_range(v.LATEST_DATE, "d") == v.LATEST_DATE
    with pytest.raises(ValidationError, match="dob_too_early|before 01/01/1900"):
        v.check_date_of_birth(FIRST_DAY, today)
    with pytest.raises(ValidationError, match="in the future"):
        v.check_date_of_birth(LAST_DAY, today)
    with pytest.raises(ValidationError, match="more than ten months away"):
        v.check_date_of_birth(LAST_DAY, today, expected=True)
    # Working days can be counted across the whole calendar without overflowing.
    cal = WorkingCalendar()
    for day in EXTREME_DATES:
        assert isinstance(cal.working_days_between(day, today), int)
    assert cal.working_days_between(v.EARLIEST_DATE, v.LATEST_DATE) > 0


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_check_text_refuses_only_what_cannot_be_stored(text: str) -> None:
    for multiline in (False, True):
        try:
            kept = v.check_text(text, "note", multiline=multiline)
        except ValidationError as exc:
            assert exc.errors[0].rule == "invalid_character"
            assert any(ch in text for ch in "\x00\n\t\r") or any(
                ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F or 0xD800 <= ord(ch) <= 0xDFFF for ch in text)
        else:
            assert kept == text.strip()
            kept.encode("utf-8")  # every database can take it


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200), st.text(max_size=200), st.text(max_size=200))
def test_name_keys_fit_their_columns(given_name: str, family_name: str, other: str) -> None:
    keys = name_keys(given_name, family_name, other)
    assert len(keys.given_key) <= KEY_MAX and len(keys.family_key) <= KEY_MAX
    assert len(keys.search_name) <= SEARCH_NAME_MAX
    assert len(keys.given_phonetic) <= 60 and len(keys.family_phonetic) <= 60

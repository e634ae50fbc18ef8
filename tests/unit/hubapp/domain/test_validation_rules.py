"""Tests for hubapp.domain.validation, including the DOMAIN.md §6 test vectors."""

from __future__ import annotations

import contextlib
import string
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubapp.domain import validation as v
from hubapp.domain.errors import FieldError, ValidationError


def _only_error(exc: pytest.ExceptionInfo[ValidationError]) -> FieldError:
    assert len(exc.value.errors) == 1
    return exc.value.errors[0]


# ---- Labels


@pytest.mark.parametrize(
    ("field", "label"),
    [
        ("nhs_number", "NHS number"),
        ("person.nhs_number", "NHS number"),
        ("members[1].date_of_birth", "Date of birth"),
        ("upn", "UPN"),
        ("postcode", "Postcode"),
        ("referrer_name", "Referrer name"),
        ("dob", "Date of birth"),
        ("eha_start_date", "EHA start date"),
    ],
)
def test_field_label(field: str, label: str) -> None:
    assert v.field_label(field) == label


# ---- NHS number


@pytest.mark.parametrize("raw", ["9434765919", "943 476 5919", "943-476-5919", " 943 4765919 "])
def test_nhs_valid_vector(raw: str) -> None:
    assert v.check_nhs_number(raw) == "9434765919"


def test_nhs_bad_check_digit_vector() -> None:
    with pytest.raises(ValidationError) as exc:
        v.check_nhs_number("9434765918", "person.nhs_number")
    err = _only_error(exc)
    assert err.field == "person.nhs_number"
    assert err.rule == "nhs_checksum"
    assert err.message == "NHS number 943 476 5918 fails the check digit (Modulus 11)."


def test_nhs_zero_rejected_although_checksum_passes() -> None:
    with pytest.raises(ValidationError) as exc:
        v.check_nhs_number("000 000 0000")
    assert _only_error(exc).rule == "nhs_zero"


@pytest.mark.parametrize("raw", ["943476591", "94347659190", "94347659l9", "943/476/5919"])
def test_nhs_format(raw: str) -> None:
    with pytest.raises(ValidationError) as exc:
        v.check_nhs_number(raw)
    err = _only_error(exc)
    assert err.rule == "nhs_format"
    assert "NHS number" in err.message and "10 digits" in err.message


@pytest.mark.parametrize("raw", ["", "   ", None])
def test_nhs_empty_is_required(raw: str) -> None:
    with pytest.raises(ValidationError) as exc:
        v.check_nhs_number(raw)
    assert _only_error(exc).rule == "required"
    assert _only_error(exc).message == "NHS number is required."


def test_nhs_check_digit_of_10_is_invalid() -> None:
    # A result of 10 means no last digit can make the number valid.
    for prefix in range(100_000_000, 100_001_000):
        digits = f"{prefix:09d}"
        total = sum(int(d) * w for d, w in zip(digits, range(10, 1, -1), strict=True))
        if 11 - total % 11 == 10:
            for last in "0123456789":
                with pytest.raises(ValidationError):
                    v.check_nhs_number(digits + last)
            return
    pytest.fail("no prefix with check digit 10 found")


def test_nhs_label_override_and_test_range() -> None:
    with pytest.raises(ValidationError, match=r"^Mother's NHS number 943 476 5918"):
        v.check_nhs_number("9434765918", "mother.nhs", "Mother's NHS number")
    assert v.is_test_nhs_number("999 123 4560")
    assert not v.is_test_nhs_number("943 476 5919")
    assert not v.is_test_nhs_number("999")


def test_format_nhs_number() -> None:
    assert v.format_nhs_number("9434765919") == "943 476 5919"
    assert v.format_nhs_number("943-476-5919") == "943 476 5919"
    assert v.format_nhs_number(" 12345 ") == "12345"


@given(st.text(alphabet=string.digits, min_size=9, max_size=9))
def test_nhs_every_prefix_has_at_most_one_valid_check_digit(prefix: str) -> None:
    valid = []
    for last in string.digits:
        with contextlib.suppress(ValidationError):
            valid.append(v.check_nhs_number(prefix + last))
    assert len(valid) <= 1
    for number in valid:
        assert v.check_nhs_number(v.format_nhs_number(number)) == number


# ---- UPN


@pytest.mark.parametrize(
    "raw", ["A950000178301", "B801200005001", "a950000178301", " B801 2000 05001 "]
)
def test_upn_valid_vectors(raw: str) -> None:
    assert v.check_upn(raw) == raw.replace(" ", "").upper()


def test_upn_invalid_vector() -> None:
    with pytest.raises(ValidationError) as exc:
        v.check_upn("R247962919251", "child.upn")
    err = _only_error(exc)
    assert (err.field, err.rule) == ("child.upn", "upn_checksum")
    assert err.message == "UPN R247962919251 fails the check letter."


def test_upn_temporary_with_final_letter() -> None:
    from stdnum.gb import upn as stdnum_upn

    body = "80120000500A"
    upn = stdnum_upn.calc_check_digit(body) + body
    assert v.check_upn(upn.lower()) == upn
    wrong = ("B" if upn[0] != "B" else "C") + body
    with pytest.raises(ValidationError, match="check letter"):
        v.check_upn(wrong)


@pytest.mark.parametrize(
    "raw",
    ["A95000017830", "A9500001783011", "I950000178301", "O950000178301", "S950000178301",
     "1950000178301", "A95000017830I", "A9500001783AB"],
)
def test_upn_format(raw: str) -> None:
    with pytest.raises(ValidationError) as exc:
        v.check_upn(raw)
    assert _only_error(exc).rule == "upn_format"


def test_upn_unknown_code_typed_in_upn_field() -> None:
    with pytest.raises(ValidationError) as exc:
        v.check_upn("un1")
    err = _only_error(exc)
    assert err.rule == "upn_unknown_code"
    assert "UN1" in err.message


# ---- Postcode


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("b11 1aa", "B11 1AA"),
        ("B111AA", "B11 1AA"),
        ("EC1A1BB", "EC1A 1BB"),
        ("ec1a 1bb", "EC1A 1BB"),
        ("GIR 0AA", "GIR 0AA"),
        ("gir0aa", "GIR 0AA"),
        ("  M1   1AE ", "M1 1AE"),
        ("W1A 0AX", "W1A 0AX"),
        ("DN55 1PT", "DN55 1PT"),
        ("CR2 6XH", "CR2 6XH"),
    ],
)
def test_postcode_normalised(raw: str, expected: str) -> None:
    assert v.normalise_postcode(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["B11", "11 1AA", "BB11 1AAA", "QI1 1AA", "B11 1A", "NFA", "ZZ99 9ZZZ", "B11-1AA", "B1 1CI1"],
)
def test_postcode_invalid(raw: str) -> None:
    with pytest.raises(ValidationError) as exc:
        v.normalise_postcode(raw, "address.postcode")
    err = _only_error(exc)
    assert (err.field, err.rule) == ("address.postcode", "postcode_format")
    assert err.message.startswith("Postcode '")


_OUTWARD = st.from_regex(r"\A[A-Z][A-HJ-Y]?[0-9][A-Z0-9]?\Z", fullmatch=True)
_INWARD = st.from_regex(r"\A[0-9][A-Z]{2}\Z", fullmatch=True)


@given(_OUTWARD, _INWARD, st.sampled_from(["", " ", "  "]), st.booleans())
def test_postcode_normalisation_is_idempotent(
    outward: str, inward: str, gap: str, lower: bool
) -> None:
    raw = outward + gap + inward
    if lower:
        raw = raw.lower()
    once = v.normalise_postcode(raw)
    assert v.normalise_postcode(once) == once
    assert once == f"{outward} {inward}"


@given(st.text(max_size=12))
def test_postcode_never_crashes(raw: str) -> None:
    try:
        result = v.normalise_postcode(raw)
    except ValidationError:
        return
    assert v.normalise_postcode(result) == result


# ---- Dates


def test_parse_and_format_uk_date() -> None:
    assert v.parse_uk_date("03/02/2026") == date(2026, 2, 3)
    assert v.parse_uk_date("3/2/2026") == date(2026, 2, 3)
    assert v.parse_uk_date(" 29/02/2024 ") == date(2024, 2, 29)
    assert v.format_uk_date(date(2026, 2, 3)) == "03/02/2026"
    assert v.format_uk_date(datetime(2026, 2, 3, 9, 5)) == "03/02/2026 09:05"


@pytest.mark.parametrize("raw", ["2026-02-03", "3/2/26", "03.02.2026", "3 Feb 2026", "03/02/2026x"])
def test_parse_uk_date_format(raw: str) -> None:
    with pytest.raises(ValidationError) as exc:
        v.parse_uk_date(raw, "request_date")
    err = _only_error(exc)
    assert err.rule == "date_format"
    assert err.message.startswith("Request date '") and "dd/mm/yyyy" in err.message


@pytest.mark.parametrize(
    ("raw", "words"),
    [("31/02/2026", "February 2026 has 28 days"), ("29/02/2025", "February 2025 has 28 days"),
     ("31/04/2026", "April 2026 has 30 days"), ("01/13/2026", "no month 13"),
     ("00/01/2026", "January 2026 has 31 days"), ("01/01/0000", "no year 0")],
)
def test_parse_uk_date_impossible(raw: str, words: str) -> None:
    with pytest.raises(ValidationError) as exc:
        v.parse_uk_date(raw)
    err = _only_error(exc)
    assert err.rule == "date_invalid"
    assert words in err.message


@given(st.dates(min_value=date(1000, 1, 1)))
def test_uk_date_round_trip(d: date) -> None:
    assert v.parse_uk_date(v.format_uk_date(d)) == d


TODAY = date(2026, 3, 10)


def test_date_of_birth() -> None:
    assert v.check_date_of_birth(date(2015, 6, 1), TODAY) == date(2015, 6, 1)
    assert v.check_date_of_birth(TODAY, TODAY) == TODAY
    with pytest.raises(ValidationError) as exc:
        v.check_date_of_birth(date(2026, 3, 11), TODAY, "child.date_of_birth")
    err = _only_error(exc)
    assert (err.field, err.rule) == ("child.date_of_birth", "dob_future")
    assert err.message.startswith("Date of birth 11/03/2026 is in the future")
    with pytest.raises(ValidationError) as exc:
        v.check_date_of_birth(date(1899, 12, 31), TODAY)
    assert _only_error(exc).rule == "dob_too_early"


def test_expected_date_of_birth() -> None:
    assert v.check_date_of_birth(date(2026, 9, 1), TODAY, expected=True) == date(2026, 9, 1)
    assert v.check_date_of_birth(TODAY, TODAY, expected=True) == TODAY
    latest = TODAY + timedelta(days=v.MAX_EXPECTED_DOB_DAYS)
    assert v.check_date_of_birth(latest, TODAY, expected=True) == latest
    with pytest.raises(ValidationError) as exc:
        v.check_date_of_birth(latest + timedelta(days=1), TODAY, expected=True)
    assert _only_error(exc).rule == "expected_dob_too_far"
    with pytest.raises(ValidationError) as exc:
        v.check_date_of_birth(date(2026, 3, 9), TODAY, "expected_dob", expected=True)
    err = _only_error(exc)
    assert err.rule == "expected_dob_past"
    assert err.message.startswith("Expected date of birth 09/03/2026 is in the past")


def test_age_at_request() -> None:
    assert v.check_age_at_request(date(2010, 3, 10), date(2026, 3, 10)) == 16
    assert v.check_age_at_request(date(2008, 3, 11), date(2026, 3, 10)) == 17
    with pytest.raises(ValidationError) as exc:
        v.check_age_at_request(date(2008, 3, 10), date(2026, 3, 10), "child.dob")
    err = _only_error(exc)
    assert (err.field, err.rule) == ("child.dob", "age_limit")
    assert err.message == (
        "The child must be under 18 on the request date 10/03/2026; "
        "date of birth 10/03/2008 makes them 18."
    )
    assert v.check_age_at_request(date(2003, 1, 1), date(2026, 3, 10), max_age=25) == 23


def test_age_at_request_unborn_and_errors() -> None:
    assert v.check_age_at_request(date(2026, 6, 1), date(2026, 3, 10), expected=True) == 0
    with pytest.raises(ValidationError) as exc:
        v.check_age_at_request(date(2026, 6, 1), date(2026, 3, 10))
    assert _only_error(exc).rule == "dob_after_request"


def test_age_on_leap_day_birthday() -> None:
    born = date(2008, 2, 29)
    assert v.age_on(born, date(2026, 2, 28)) == 17
    assert v.age_on(born, date(2026, 3, 1)) == 18
    assert v.age_on(born, date(2028, 2, 29)) == 20


def test_date_sequence_in_order_and_skipping_missing() -> None:
    steps = [
        ("received_at", "Request date", datetime(2026, 2, 3, 16, 30)),
        ("decided_on", "Decision date", date(2026, 2, 3)),
        ("allocated_on", "Allocation date", None),
        ("assessment_started_on", "Assessment start date", date(2026, 2, 10)),
        ("assessment_completed_on", "Assessment completion date", date(2026, 2, 10)),
    ]
    assert v.check_date_sequence(steps) == []


def test_date_sequence_out_of_order() -> None:
    errors = v.check_date_sequence(
        [
            ("request_date", "Request date", date(2026, 2, 3)),
            ("decision_date", "Decision date", date(2026, 2, 1)),
            ("allocation_date", "Allocation date", date(2026, 2, 2)),
            ("assessment_start", "Assessment start date", None),
            ("assessment_end", "Assessment completion date", date(2026, 2, 5)),
        ]
    )
    assert errors == [
        FieldError("decision_date", "date_order",
                   "Decision date 01/02/2026 is before the request date 03/02/2026."),
        FieldError("allocation_date", "date_order",
                   "Allocation date 02/02/2026 is before the request date 03/02/2026."),
    ]
    with pytest.raises(ValidationError) as exc:
        raise ValidationError(errors)
    assert [e.field for e in exc.value.for_field("decision_date")] == ["decision_date"]


def test_date_sequence_datetimes_and_acronym_labels() -> None:
    errors = v.check_date_sequence(
        [
            ("received_at", "Received", datetime(2026, 2, 3, 16, 30)),
            ("decided_at", "Decided", datetime(2026, 2, 3, 9, 0)),
            ("eha_started", "EHA start date", date(2026, 2, 4)),
            ("closed_on", "Closure date", date(2026, 2, 2)),
        ]
    )
    assert [e.message for e in errors] == [
        "Decided 03/02/2026 09:00 is before the received 03/02/2026 16:30.",
        "Closure date 02/02/2026 is before the EHA start date 04/02/2026.",
    ]


def test_date_sequence_mixed_naive_and_aware() -> None:
    steps = [
        ("a", "Start", datetime(2026, 2, 3, 10, 0, tzinfo=UTC)),
        ("b", "End", datetime(2026, 2, 3, 9, 0)),
    ]
    assert v.check_date_sequence(steps) == []  # compared by date, as they cannot be ordered


# ---- Text


def test_require() -> None:
    assert v.require("  Jo  ", "first_name") == "Jo"
    with pytest.raises(ValidationError) as exc:
        v.require("   ", "person.first_name")
    err = _only_error(exc)
    assert (err.field, err.rule, err.message) == (
        "person.first_name", "required", "First name is required.")
    with pytest.raises(ValidationError, match=r"^Family name is required"):
        v.require(None, "surname", "Family name")


def test_check_length() -> None:
    assert v.check_length(" abc ", "note", None, 3) == "abc"
    assert v.check_length("", "note", None, 3) == ""
    with pytest.raises(ValidationError) as exc:
        v.check_length("abcd", "reason", "Reason for request", 3)
    err = _only_error(exc)
    assert err.rule == "max_length"
    assert err.message == "Reason for request is 4 characters long; the limit is 3."


# ---- Matching helpers


def test_dob_swapped() -> None:
    assert v.dob_swapped(date(2015, 3, 4), date(2015, 4, 3))
    assert not v.dob_swapped(date(2015, 3, 3), date(2015, 3, 3))
    assert not v.dob_swapped(date(2015, 3, 4), date(2016, 4, 3))
    assert not v.dob_swapped(date(2015, 3, 14), date(2015, 4, 3))


@given(st.dates())
def test_dob_swapped_is_symmetric(d: date) -> None:
    if d.day <= 12:
        other = date(d.year, d.day, d.month)
        assert v.dob_swapped(d, other) == v.dob_swapped(other, d) == (d != other)

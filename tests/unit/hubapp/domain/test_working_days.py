"""Tests for hubapp.domain.workdays: England and Wales working days, with local changes."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubapp.domain.workdays import ENGLAND_AND_WALES, LOCAL_HOLIDAY_NAME, WorkingCalendar

CAL = ENGLAND_AND_WALES

# 2026: Good Friday 3 April, Easter Monday 6 April, early May 4 May, spring 25 May,
# summer 31 August, Christmas Friday 25 December, Boxing Day Saturday 26 (substitute Monday 28).


def test_bank_holidays_2026() -> None:
    assert list(CAL.holidays_in(2026)) == [
        date(2026, 1, 1), date(2026, 4, 3), date(2026, 4, 6), date(2026, 5, 4),
        date(2026, 5, 25), date(2026, 8, 31), date(2026, 12, 25), date(2026, 12, 26),
        date(2026, 12, 28),
    ]


@pytest.mark.parametrize(
    ("d", "working"),
    [
        (date(2026, 4, 2), True),   # Thursday before Easter
        (date(2026, 4, 3), False),  # Good Friday
        (date(2026, 4, 4), False),  # Saturday
        (date(2026, 4, 6), False),  # Easter Monday
        (date(2026, 4, 7), True),
        (date(2026, 5, 25), False),  # spring bank holiday Monday
        (date(2026, 12, 24), True),
        (date(2026, 12, 28), False),  # Boxing Day substitute
        (date(2026, 12, 29), True),
        (date(2023, 5, 8), False),  # coronation bank holiday
        (date(2022, 9, 19), False),  # state funeral
    ],
)
def test_is_working_day(d: date, working: bool) -> None:
    assert CAL.is_working_day(d) is working
    assert CAL.is_working_day(datetime.combine(d, datetime.min.time())) is working


def test_easter_2026() -> None:
    assert CAL.working_days_between(date(2026, 4, 2), date(2026, 4, 7)) == 1
    assert CAL.add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 7)
    assert CAL.add_working_days(date(2026, 4, 3), 1) == date(2026, 4, 7)
    assert CAL.add_working_days(date(2026, 4, 7), -1) == date(2026, 4, 2)
    # From a non-working day, the last working day before it is 0 days back.
    assert CAL.add_working_days(date(2026, 4, 6), -1) == date(2026, 4, 1)
    assert CAL.working_days_between(date(2026, 4, 2), date(2026, 4, 6)) == 0


def test_christmas_2026() -> None:
    assert CAL.add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 29)
    assert CAL.working_days_between(date(2026, 12, 24), date(2026, 12, 31)) == 3
    # New Year's Day 2027 is a Friday.
    assert CAL.add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)
    assert CAL.working_days_between(date(2026, 12, 23), date(2027, 1, 5)) == 6


def test_bank_holiday_monday() -> None:
    friday = date(2026, 5, 22)
    assert CAL.add_working_days(friday, 1) == date(2026, 5, 26)
    assert CAL.working_days_between(friday, date(2026, 5, 25)) == 0
    assert CAL.working_days_between(friday, date(2026, 5, 26)) == 1


def test_sla_convention() -> None:
    received = datetime(2026, 3, 9, 16, 55)  # Monday
    assert CAL.working_days_between(received.date(), datetime(2026, 3, 9, 17, 0).date()) == 0
    assert CAL.working_days_between(received.date(), date(2026, 3, 10)) == 1
    assert CAL.working_days_between(received.date(), date(2026, 3, 11)) == 2
    saturday = date(2026, 3, 14)
    assert CAL.working_days_between(saturday, date(2026, 3, 16)) == 1
    assert CAL.working_days_between(saturday, date(2026, 3, 15)) == 0
    # A datetime and a date can be mixed.
    assert CAL.working_days_between(received, date(2026, 3, 10)) == 1


def test_negative_and_zero() -> None:
    assert CAL.working_days_between(date(2026, 3, 13), date(2026, 3, 9)) == -4
    assert CAL.add_working_days(date(2026, 3, 14), 0) == date(2026, 3, 14)
    assert CAL.add_working_days(date(2026, 3, 13), -4) == date(2026, 3, 9)
    assert CAL.add_working_days(date(2026, 3, 14), -1) == date(2026, 3, 12)


def test_statutory_45_working_days() -> None:
    start = date(2026, 3, 2)
    end = CAL.add_working_days(start, 45)
    assert end == date(2026, 5, 7)  # Good Friday, Easter Monday and 4 May in between
    assert CAL.working_days_between(start, end) == 45


def test_extra_holiday_configured() -> None:
    cal = WorkingCalendar(extra_holidays=[date(2026, 3, 11)])
    assert not cal.is_working_day(date(2026, 3, 11))
    assert cal.working_days_between(date(2026, 3, 9), date(2026, 3, 13)) == 3
    assert cal.add_working_days(date(2026, 3, 10), 1) == date(2026, 3, 12)
    assert cal.holidays_in(2026)[date(2026, 3, 11)] == LOCAL_HOLIDAY_NAME
    # The shared default calendar is not affected.
    assert CAL.is_working_day(date(2026, 3, 11))


def test_extra_holiday_with_name_and_removed_holiday() -> None:
    cal = WorkingCalendar(
        extra_holidays={date(2026, 12, 24): "Council closure"},
        removed_holidays=[date(2026, 5, 25)],
    )
    assert cal.holidays_in(2026)[date(2026, 12, 24)] == "Council closure"
    assert date(2026, 5, 25) not in cal.holidays_in(2026)
    assert cal.is_working_day(date(2026, 5, 25))
    assert not cal.is_working_day(date(2026, 12, 24))
    assert cal.add_working_days(date(2026, 12, 23), 1) == date(2026, 12, 29)
    assert "Council closure" not in repr(cal) and "2026, 12, 24" in repr(cal)


def test_weekend_extra_holiday_changes_nothing() -> None:
    cal = WorkingCalendar(extra_holidays=[date(2026, 3, 14)])
    assert cal.working_days_between(date(2026, 3, 9), date(2026, 3, 20)) == 9


def test_many_calls_are_cached() -> None:
    start = date(2025, 1, 1)
    total = sum(
        CAL.working_days_between(start, start + timedelta(days=i % 400)) for i in range(20_000)
    )
    assert total > 0


_DATES = st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31))
_EXTRA = st.lists(st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31)), max_size=6)


def _brute_force(cal: WorkingCalendar, start: date, end: date) -> int:
    if end < start:
        return -_brute_force(cal, end, start)
    days = range(1, (end - start).days + 1)
    return sum(cal.is_working_day(start + timedelta(days=i)) for i in days)


@given(_DATES, st.integers(min_value=-400, max_value=400))
def test_add_then_count_round_trips(d: date, n: int) -> None:
    e = CAL.add_working_days(d, n)
    assert CAL.working_days_between(d, e) == n
    if n != 0:
        assert CAL.is_working_day(e)
        assert (e > d) == (n > 0)


@given(_DATES, st.integers(min_value=1, max_value=60))
def test_add_gives_the_first_such_day(d: date, n: int) -> None:
    e = CAL.add_working_days(d, n)
    assert CAL.working_days_between(d, e - timedelta(days=1)) == n - 1


@given(st.dates(min_value=date(2023, 6, 1), max_value=date(2028, 6, 1)),
       st.integers(min_value=-200, max_value=200), _EXTRA, _EXTRA)
def test_count_matches_brute_force(
    d: date, days: int, extra: list[date], removed: list[date]
) -> None:
    cal = WorkingCalendar(extra_holidays=extra, removed_holidays=removed)
    end = d + timedelta(days=days)
    assert cal.working_days_between(d, end) == _brute_force(cal, d, end)
    assert cal.working_days_between(d, end) == -cal.working_days_between(end, d)
    for x in extra:
        assert not cal.is_working_day(x)


@given(_DATES, st.integers(min_value=1, max_value=30), _DATES)
def test_cut_off_for_older_than_n(today: date, n: int, x: date) -> None:
    cut_off = CAL.add_working_days(today, -n)
    assert (CAL.working_days_between(x, today) > n) == (x < cut_off)

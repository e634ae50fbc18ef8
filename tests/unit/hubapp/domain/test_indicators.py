"""The pure parts of the dashboard indicators (hubapp.domain.indicators): definitions, targets,
medians, percentages, month buckets and the revolving-door window."""

from __future__ import annotations

import datetime as dt

import pytest

from hubapp.domain import indicators as ind
from hubapp.domain.workdays import WorkingCalendar

d = dt.date


def test_twelve_indicators_in_domain_order_each_with_a_drill_down() -> None:
    assert [i.number for i in ind.INDICATORS] == list(range(1, 13))
    assert len({i.key for i in ind.INDICATORS}) == 12
    for i in ind.INDICATORS:
        assert i.definition and i.drill_keys and i.key in ind.DEFAULT_TARGETS
    assert ind.BY_KEY["re_referral"].higher_is_better is False
    assert ind.DEFAULT_TARGETS["re_referral"] == 22.0  # the national comparator of DOMAIN §9


def test_targets_come_from_settings_over_the_defaults() -> None:
    got = ind.targets({"dashboard.target.front_door": 75, "dashboard.target.outcomes": None,
                       "dashboard.target.review": "high", "dashboard.target.consent": True, "other": 1})
    assert got["front_door"] == 75.0          # configured
    assert got["outcomes"] is None            # null switches it off
    assert got["review"] == ind.DEFAULT_TARGETS["review"]    # not a number: ignored
    assert got["consent"] == ind.DEFAULT_TARGETS["consent"]  # a boolean is not a number
    assert ind.targets({}) == dict(ind.DEFAULT_TARGETS)


@pytest.mark.parametrize(("value", "target", "higher", "below"), [
    (66.7, 90.0, True, True), (90.0, 90.0, True, False), (25.0, 22.0, False, True), (22.0, 22.0, False, False),
    (None, 90.0, True, False), (50.0, None, True, False),
])
def test_below_target_in_the_indicators_direction(value: float | None, target: float | None, higher: bool,
                                                  below: bool) -> None:
    assert ind.below_target(value, target, higher) is below


def test_percent_never_divides_by_zero() -> None:
    assert ind.percent(0, 0) is None
    assert ind.percent(3, 0) is None
    assert ind.percent(2, 3) == 66.7
    assert ind.percent(0, 5) == 0.0


def test_median_of_values_and_of_counted_values() -> None:
    assert ind.median([]) is None
    assert ind.median({}) is None
    assert ind.median([3, 10, 5]) == 5.0
    assert ind.median([6, 9]) == 7.5
    # {value: how many}: 1, 1, 1, 4 -> (1 + 1) / 2; and 2, 2, 8 -> 2.
    assert ind.median({1: 3, 4: 1}) == 1.0
    assert ind.median({8: 1, 2: 2, 5: 0}) == 2.0


def test_month_buckets_and_snapshots() -> None:
    assert ind.months(d(2025, 11, 27), d(2026, 2, 3)) == (d(2025, 11, 1), d(2025, 12, 1), d(2026, 1, 1), d(2026, 2, 1))
    assert ind.months(d(2025, 3, 2), d(2025, 3, 1)) == ()
    assert ind.month_end(d(2024, 2, 1)) == d(2024, 2, 29)
    # Each month's last day, the period's last day for the last month.
    assert ind.snapshots(d(2025, 8, 15), d(2025, 10, 20)) == (d(2025, 8, 31), d(2025, 9, 30), d(2025, 10, 20))
    assert ind.month_start(d(2025, 8, 25)) == d(2025, 8, 1)


def test_revolving_starts_need_three_within_the_window_and_one_in_the_period() -> None:
    # 1 Jan 2023 -> 1 Jan 2025 is 731 days: the first start falls out of a 730-day window.
    starts = [d(2023, 1, 1), d(2024, 1, 1), d(2025, 1, 1)]
    assert ind.revolving_starts(starts, d(2024, 6, 1), d(2025, 6, 1), 730, 3) == ()
    assert ind.revolving_starts(starts, d(2024, 6, 1), d(2025, 6, 1), 731, 3) == (d(2025, 1, 1),)
    # Three within the window, but the third start before the period: not counted in it.
    assert ind.revolving_starts(starts, d(2025, 2, 1), d(2025, 6, 1), 731, 3) == ()
    # Four starts: the third and the fourth both qualify.
    four = [d(2024, 1, 1), d(2024, 3, 1), d(2024, 5, 1), d(2024, 7, 1)]
    assert ind.revolving_starts(four, d(2024, 1, 1), d(2024, 12, 31), 730, 3) == (d(2024, 5, 1), d(2024, 7, 1))


def test_working_days_across_the_august_2025_bank_holiday() -> None:
    # The dashboard counts working days after the start up to the end: Friday 22 August to
    # Tuesday 26 August 2025 skips the weekend and Monday 25 August, the summer bank holiday.
    cal = WorkingCalendar()
    assert cal.working_days_between(d(2025, 8, 22), d(2025, 8, 26)) == 1
    assert cal.working_days_between(d(2025, 8, 22), d(2025, 9, 4)) == 8

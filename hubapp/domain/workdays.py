"""Working days in England and Wales, for every timescale the hubs are measured on.

A working day is Monday to Friday and not a bank holiday. Bank holidays come from the
``holidays`` package (``GB``, subdivision ``ENG``; Wales has the same bank holidays as
England), adjusted by a local table an administrator edits: extra closure days are added,
and days the package lists wrongly can be removed. The program runs offline, so the local
table is how a newly announced holiday (a coronation, a state funeral) gets in.

Counting convention, used by every SLA and KPI:

* ``working_days_between(start, end)`` is the number of working days *after* ``start``
  up to and *including* ``end``. The start day itself never counts, whatever it is.
  Received on Monday and decided on Tuesday is 1; decided the same day is 0; received on
  Saturday and decided on Monday is 1.
* So "decided within 1 working day" means
  ``working_days_between(received_at.date(), decided_at.date()) <= 1``, and the age of a
  queue item is ``working_days_between(entered.date(), today)``.
* ``add_working_days(d, n)`` is its inverse: for ``n != 0`` it returns the working day
  ``e`` with ``working_days_between(d, e) == n`` (e.g. a deadline "10 working days after
  allocation"). ``n == 0`` returns ``d`` unchanged.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta

#: The ``holidays`` country and subdivision used: England (Wales's bank holidays are the same).
COUNTRY = "GB"
SUBDIVISION = "ENG"
#: Name shown for a day added by the local table without a name of its own.
LOCAL_HOLIDAY_NAME = "Local closure day"

_ONE_DAY = timedelta(days=1)

#: Where a calendar gets a year's bank holidays: ``year -> {date: name}``.
BankHolidays = Callable[[int], Mapping[date, str]]


def england_bank_holidays(year: int) -> dict[date, str]:
    """The bank holidays of England and Wales in ``year`` (date -> name), from the ``holidays`` package.

    The package is imported here, when first asked: it imports every country it knows (about 300
    modules, 130 ms of CPU). :mod:`hubapp.bank_holidays` keeps the tables on the PC between runs.
    """
    import holidays  # noqa: PLC0415 - heavy, and not needed by a program that never counts days

    table = holidays.country_holidays(COUNTRY, subdiv=SUBDIVISION, years=year)
    return {d: str(name) for d, name in table.items() if d.year == year}


def _weekdays_through(ordinal: int) -> int:
    """How many Mondays to Fridays fall on proleptic ordinals 1..ordinal.

    Ordinal 1 (1 January of year 1) is a Monday, so each block of 7 starts on a Monday.
    """
    weeks, rest = divmod(ordinal, 7)
    return weeks * 5 + min(rest, 5)


class WorkingCalendar:
    """England and Wales working days, with a local table of changes.

    Lookups are cached per year, so the calendar is fast for many calls (a KPI over a
    city's referrals); build one per configuration and share it. Instances are not
    changed after construction: to change the local table, build a new calendar.

    Args:
        extra_holidays: local closure days to treat as holidays; a mapping of date to
            name gives them names for :meth:`holidays_in`.
        removed_holidays: days the ``holidays`` package lists that are working days here.
        bank_holidays: where each year's bank holidays come from (default
            :func:`england_bank_holidays`, the ``holidays`` package).
    """

    def __init__(
        self,
        extra_holidays: Iterable[date] | Mapping[date, str] = (),
        removed_holidays: Iterable[date] = (),
        bank_holidays: BankHolidays | None = None,
    ) -> None:
        if isinstance(extra_holidays, Mapping):
            extra = {_day(d): str(name) for d, name in extra_holidays.items()}
        else:
            extra = {_day(d): LOCAL_HOLIDAY_NAME for d in extra_holidays}
        self._extra: dict[date, str] = extra
        self._removed: frozenset[date] = frozenset(_day(d) for d in removed_holidays)
        self._bank: BankHolidays = bank_holidays or england_bank_holidays
        # year -> (all holidays with names, weekday holiday ordinals as a set, sorted tuple)
        self._years: dict[int, tuple[dict[date, str], frozenset[int], tuple[int, ...]]] = {}

    def __repr__(self) -> str:
        return (
            f"WorkingCalendar(extra_holidays={sorted(self._extra)!r}, "
            f"removed_holidays={sorted(self._removed)!r})"
        )

    # ---- Public

    def holidays_in(self, year: int) -> dict[date, str]:
        """The holidays of a year after local changes, by date in order, with names.

        Holidays that fall at a weekend are included (e.g. Boxing Day on a Saturday, with
        its substitute Monday), though they change no count.
        """
        return dict(self._year(year)[0])

    def is_working_day(self, d: date) -> bool:
        """Whether ``d`` is Monday to Friday and not a holiday (a datetime counts as its date)."""
        return d.weekday() < 5 and d.toordinal() not in self._year(d.year)[1]

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end``.

        Negative when ``end`` is before ``start``: minus the working days after ``end`` up
        to and including ``start``. See the module docstring for the SLA convention. A
        datetime counts as its calendar date.
        """
        # Ordinals, not the values: a datetime and a date do not compare.
        a, b = start.toordinal(), end.toordinal()
        if b < a:
            return -self.working_days_between(end, start)
        holidays = 0
        for year in range(start.year, end.year + 1):
            ordinals = self._year(year)[2]
            holidays += bisect_right(ordinals, b) - bisect_right(ordinals, a)
        return _weekdays_through(b) - _weekdays_through(a) - holidays

    def add_working_days(self, d: date, n: int) -> date:
        """The working day ``n`` working days after ``d`` (before it when ``n`` < 0).

        For ``n != 0`` the result is a working day ``e`` with
        ``working_days_between(d, e) == n``; ``n == 0`` returns ``d`` as given. A datetime
        is treated as its date, and a date is returned.

        Going back from a day that is not a working day, the last working day before it
        counts as 0 (nothing after it counts up to ``d``), so −1 lands one earlier:
        Saturday − 1 is Thursday. That makes the result a cut-off for "older than n
        working days": ``working_days_between(x, today) > n`` exactly when
        ``x < add_working_days(today, -n)``.

        Examples (2026): Friday 3 April (Good Friday) + 1 is Tuesday 7 April;
        Thursday 24 December + 1 is Tuesday 29 December; Tuesday 7 April − 1 is
        Thursday 2 April; Monday 6 April (Easter Monday) − 1 is Wednesday 1 April.
        """
        day = date.fromordinal(d.toordinal())
        if n == 0:
            return d
        # Jump whole weeks first (5 weekdays each), leaving at least one day to step, then
        # step a day at a time to account for holidays in the jump and the remainder.
        weeks = (abs(n) - 1) // 5
        if n > 0:
            e = day + timedelta(weeks=weeks)
            remaining = n - self.working_days_between(day, e)
            while remaining > 0:
                e += _ONE_DAY
                if self.is_working_day(e):
                    remaining -= 1
            return e
        # Backwards: the working days in (e, day] have been counted.
        e = day - timedelta(weeks=weeks)
        remaining = -n - self.working_days_between(e, day)
        while remaining > 0:
            if self.is_working_day(e):
                remaining -= 1
            e -= _ONE_DAY
        while not self.is_working_day(e):
            e -= _ONE_DAY
        return e

    # ---- Private

    def _year(self, year: int) -> tuple[dict[date, str], frozenset[int], tuple[int, ...]]:
        cached = self._years.get(year)
        if cached is None:
            cached = self._load(year)
            self._years[year] = cached
        return cached

    def _load(self, year: int) -> tuple[dict[date, str], frozenset[int], tuple[int, ...]]:
        named: dict[date, str] = {}
        if 1 <= year <= 9999:
            named = dict(self._bank(year))
        for d in self._removed:
            named.pop(d, None)
        named.update((d, name) for d, name in self._extra.items() if d.year == year)
        named = dict(sorted(named.items()))
        weekday = tuple(d.toordinal() for d in named if d.weekday() < 5)
        return named, frozenset(weekday), weekday


def _day(d: date) -> date:
    """A plain date from a date or datetime."""
    return date.fromordinal(d.toordinal())


#: The calendar with no local changes. Services should build one with the local table.
ENGLAND_AND_WALES = WorkingCalendar()

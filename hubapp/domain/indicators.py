"""The twelve coordinator indicators of DOMAIN §9: what each one is, its default target, and the
plain arithmetic they share (medians over counted values, percentages that never divide by zero,
month buckets, the revolving-door window). Standard library only; the dashboard service
(:mod:`hubapp.services.dashboard`) gathers the data and calls these.

Targets are configuration: an administrator sets ``dashboard.target.<key>`` in the ``setting``
table (a number, or null for "no target"); :data:`DEFAULT_TARGETS` applies otherwise. The
timescales the definitions use (front-door SLA, assessment days, review interval, the 6/12- and
24-month windows) are the ``timescale.*`` settings of :mod:`hubapp.services.reference`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from hubapp.domain.report_dto import Unit

#: Settings key prefix of a configured target: ``dashboard.target.front_door``.
TARGET_PREFIX = "dashboard.target."


@dataclass(frozen=True, slots=True)
class IndicatorDef:
    """One indicator as defined in DOMAIN §9, in words a coordinator understands."""

    key: str
    number: int
    title: str
    definition: str
    unit: Unit
    higher_is_better: bool
    drill_keys: tuple[str, ...]


INDICATORS: tuple[IndicatorDef, ...] = (
    IndicatorDef(
        "front_door", 1, "Front-door timeliness",
        "Of the requests for support decided in the period, the share decided within the front-door "
        "timescale (working days from receipt to decision). Requests the referrer withdrew are not "
        "counted; the mix of decisions is shown beside it.",
        "percent", True, ("front_door", "front_door_late")),
    IndicatorDef(
        "unallocated", 2, "Waiting for a lead practitioner",
        "Episodes accepted onto early help and still waiting for a lead practitioner at the end of the "
        "period, with the middle and the longest wait in working days since the decision.",
        "count", False, ("unallocated",)),
    IndicatorDef(
        "time_to_allocation", 3, "Time to allocation",
        "For lead practitioners allocated in the period to episodes the front door accepted, the "
        "middle (median) number of working days from the decision to the allocation.",
        "wd", False, ("time_to_allocation",)),
    IndicatorDef(
        "assessment", 4, "Assessment timeliness",
        "Of the early help assessments authorised in the period, the share authorised within the "
        "assessment timescale (working days after the lead practitioner was allocated).",
        "percent", True, ("assessment", "assessment_overdue")),
    IndicatorDef(
        "review", 5, "Reviews up to date",
        "Of the episodes with a running plan at the end of the period, the share whose last review held "
        "(or the agreement of the plan version in force, if later) is no older than the plan's review "
        "interval.",
        "percent", True, ("review", "review_overdue")),
    IndicatorDef(
        "consent", 6, "Consent in place",
        "Of the episodes open at the end of the period, the share with a current consent record (agreed, "
        "not withdrawn) that covers both taking part in early help and sharing information.",
        "percent", True, ("consent",)),
    IndicatorDef(
        "step_up", 7, "Step-up rate and conversion",
        "Step-up requests sent to social care in the period for every hundred episodes open in it; beside "
        "it, the share of step-ups decided in the period that social care took on.",
        "percent", False, ("step_up",)),
    IndicatorDef(
        "step_down", 8, "Step-down flow",
        "For step-downs allocated in the period, the middle number of working days from submission to "
        "early help to allocation; beside it, the share of those social care closed in the period with "
        "the handover meeting held first, and the queue by state with its oldest item.",
        "wd", False, ("step_down", "step_down_queue")),
    IndicatorDef(
        "re_referral", 9, "Re-referrals within 12 months",
        "Of the new requests received in the period, the share for a child whose previous early help "
        "episode closed 365 days or less before. The national figure for social care is 22% (2023-24).",
        "percent", False, ("re_referral",)),
    IndicatorDef(
        "escalation", 10, "Escalation after 'outcomes met'",
        "Of the episodes closed with outcomes met whose 12 months after closure ended in the period, the "
        "share followed by a referral to social care or a step-up for the family within 12 months; the "
        "same for 6 months beside it.",
        "percent", False, ("escalation",)),
    IndicatorDef(
        "revolving_door", 11, "Revolving door",
        "Children with three or more episodes (early help and social care together) starting within 24 "
        "months, counted where and when such an episode started in the period.",
        "count", False, ("revolving_door",)),
    IndicatorDef(
        "outcomes", 12, "Outcomes and Supporting Families",
        "Of the episodes closed in the period (not counting those opened in error), the share closed "
        "with outcomes met; beside it, the mean distance travelled on outcome scores of those episodes, "
        "families with three or more evidenced needs, families past the sustainment window, and claims "
        "passing audit.",
        "percent", True, ("outcomes", "sf_evidenced", "sf_claimable", "caseload")),
)

BY_KEY: Mapping[str, IndicatorDef] = {d.key: d for d in INDICATORS}

#: Local defaults; DOMAIN §9 sets no national targets, so an administrator should set their own.
#: Re-referrals default to the national social care comparator (22%); time to allocation to the
#: early help allocation timescale (10 working days, DOMAIN §3).
DEFAULT_TARGETS: Mapping[str, float | None] = {
    "front_door": 90.0, "unallocated": None, "time_to_allocation": 10.0, "assessment": 80.0,
    "review": 90.0, "consent": 95.0, "step_up": None, "step_down": 10.0, "re_referral": 22.0,
    "escalation": None, "revolving_door": None, "outcomes": 60.0,
}


def targets(settings: Mapping[str, object]) -> dict[str, float | None]:
    """The targets in force: ``dashboard.target.<key>`` settings over :data:`DEFAULT_TARGETS`.

    A setting of null switches a target off; a value that is not a number is ignored.
    """
    out = dict(DEFAULT_TARGETS)
    for key in out:
        name = TARGET_PREFIX + key
        if name in settings:
            value = settings[name]
            if value is None:
                out[key] = None
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                out[key] = float(value)
    return out


def below_target(value: float | None, target: float | None, higher_is_better: bool) -> bool:
    """Whether a value misses its target in the indicator's direction (never without both)."""
    if value is None or target is None:
        return False
    return value < target if higher_is_better else value > target


def percent(numerator: int, denominator: int) -> float | None:
    """``numerator`` as a percentage of ``denominator``, one decimal; None when there is nothing."""
    if denominator <= 0:
        return None
    return round(100.0 * numerator / denominator, 1)


def median(counted: Mapping[int, int] | Iterable[int]) -> float | None:
    """The median of values, given as a list or as ``{value: how many}``; None when empty."""
    if isinstance(counted, Mapping):
        pairs = sorted((v, n) for v, n in counted.items() if n > 0)
    else:
        values: dict[int, int] = {}
        for v in counted:
            values[v] = values.get(v, 0) + 1
        pairs = sorted(values.items())
    total = sum(n for _, n in pairs)
    if total == 0:
        return None

    def nth(k: int) -> int:  # the k-th value (0-based) in order
        seen = 0
        for v, n in pairs:
            seen += n
            if k < seen:
                return v
        raise IndexError(k)

    if total % 2:
        return float(nth(total // 2))
    return (nth(total // 2 - 1) + nth(total // 2)) / 2


def month_start(day: dt.date) -> dt.date:
    """The first day of ``day``'s month (a trend bucket)."""
    return day.replace(day=1)


def months(start: dt.date, end: dt.date) -> tuple[dt.date, ...]:
    """The first day of every month from ``start``'s to ``end``'s (empty when ``end`` < ``start``)."""
    out: list[dt.date] = []
    if end < start:
        return ()
    m = month_start(start)
    while m <= end:
        out.append(m)
        m = (m + dt.timedelta(days=32)).replace(day=1)
    return tuple(out)


def month_end(first: dt.date) -> dt.date:
    """The last day of the month starting on ``first``."""
    return (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def snapshots(start: dt.date, end: dt.date) -> tuple[dt.date, ...]:
    """The day each month's snapshot is taken: its last day, or ``end`` for the last month."""
    return tuple(min(month_end(m), end) for m in months(start, end))


def add_months_days(day: dt.date, days: int) -> dt.date:
    """``day`` plus ``days`` calendar days (the 6/12/24-month windows are configured in days)."""
    return day + dt.timedelta(days=days)


def revolving_starts(starts: Iterable[dt.date], period_start: dt.date, period_end: dt.date,
                     window_days: int, threshold: int) -> tuple[dt.date, ...]:
    """Episode starts in the period that are at least the ``threshold``-th start within
    ``window_days`` days (DOMAIN §9 KPI 11: three or more within any 24 months).

    Args:
        starts: one child's episode starts (early help and social care together).
        period_start, period_end: the period (inclusive).
        window_days: the window (730 for 24 months).
        threshold: how many starts make a revolving door (3).

    Returns:
        The qualifying starts in order (empty: the child does not count in the period).
    """
    ordered = sorted(starts)
    out: list[dt.date] = []
    j = 0
    for i, s in enumerate(ordered):
        while (s - ordered[j]).days > window_days:
            j += 1
        if i - j + 1 >= threshold and period_start <= s <= period_end:
            out.append(s)
    return tuple(out)


__all__ = [
    "BY_KEY", "DEFAULT_TARGETS", "INDICATORS", "TARGET_PREFIX", "IndicatorDef", "add_months_days",
    "below_target", "median", "month_end", "month_start", "months", "percent", "revolving_starts",
    "snapshots", "targets",
]

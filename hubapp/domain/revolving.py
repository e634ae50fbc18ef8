"""Revolving-door flags (DOMAIN.md §3 and §9), as plain functions over dates.

Three flags, each following the KPI it comes from:

* **Re-referral within 12 months** (§9 KPI 9): a referral into early help (a request for support,
  or a step-down from social care) for a child whose previous early help episode closed 365 days
  or less before it. On a family it shows when such a referral arrived in the last 12 months.
* **Three or more episodes within 24 months** (§9 KPI 11): a child with at least three episodes,
  early help and social care combined, *starting* within any 730-day window.
* **Step-up within 6 or 12 months** (§9 KPI 10, §3): a step-up or a referral passed to social care
  within 182 or 365 days after a step-down into early help or an "outcomes met" closure.

Social care episodes are not recorded here, so they are inferred from the transfers and front-door
decisions: an accepted step-up or a request passed to social care starts one; a step-down ends
the one that is open, or, when none is known, stands for one dated the day it was proposed. They
count for every current child of the family.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from hubapp.domain.transfer_dto import RevolvingFlag
from hubapp.domain.validation import format_uk_date

RE_REFERRAL_DAYS = 365
EPISODE_WINDOW_DAYS = 730
EPISODES_THRESHOLD = 3
SIX_MONTHS_DAYS, TWELVE_MONTHS_DAYS = 182, 365

RE_REFERRAL, MANY_EPISODES, STEP_UP_AFTER = "re_referral", "many_episodes", "step_up_after"


@dataclass(frozen=True, slots=True)
class Referral:
    """A referral into early help: when, which children (empty: the whole family), what it was."""

    on: dt.date
    child_ids: frozenset[int]
    kind: str  # "request" or "step-down"


@dataclass(frozen=True, slots=True)
class EhEpisode:
    """An early help episode: start, end, end reason and children (empty: the whole family)."""

    start: dt.date
    end: dt.date | None
    end_reason: str | None
    child_ids: frozenset[int]


@dataclass(frozen=True, slots=True)
class CscEvent:
    """A step between early help and social care: ``start`` (step-up accepted, passed to social
    care), ``end`` (step-down from social care) or ``step_up`` (a step-up request sent)."""

    on: dt.date
    kind: str


def _concerns(child_ids: frozenset[int], children: frozenset[int]) -> bool:
    return not child_ids or not children or bool(child_ids & children)


def previous_closure(referral: Referral, episodes: Iterable[EhEpisode]) -> EhEpisode | None:
    """The latest early help episode of the referral's children that closed 0–365 days before it."""
    best: EhEpisode | None = None
    for e in episodes:
        if e.end is None or e.end > referral.on or (referral.on - e.end).days > RE_REFERRAL_DAYS:
            continue
        if e.start >= referral.on:
            continue  # the episode this referral opened, closed the same day
        if _concerns(e.child_ids, referral.child_ids) and (best is None or e.end > (best.end or e.end)):
            best = e
    return best


def re_referral_flag(referrals: Sequence[Referral], episodes: Sequence[EhEpisode], on: dt.date,
                     only: Referral | None = None) -> RevolvingFlag | None:
    """The re-referral flag: for ``only`` (one queue item), else the latest referral of the last year."""
    candidates = [only] if only is not None else sorted(
        (r for r in referrals if 0 <= (on - r.on).days <= RE_REFERRAL_DAYS), key=lambda r: r.on, reverse=True)
    for referral in candidates:
        closed = previous_closure(referral, episodes)
        if closed is not None and closed.end is not None:
            what = "Step-down" if referral.kind == "step-down" else "Request"
            days = (referral.on - closed.end).days
            return RevolvingFlag(RE_REFERRAL, "Re-referral within 12 months",
                                 f"{what} of {format_uk_date(referral.on)} came {days} days after an early help "
                                 f"episode closed on {format_uk_date(closed.end)}.")
    return None


def csc_episode_starts(events: Iterable[CscEvent]) -> list[dt.date]:
    """When social care episodes started, inferred from the transfers (see the module docstring)."""
    starts: list[dt.date] = []
    open_episode = False
    for event in sorted(events, key=lambda e: (e.on, e.kind != "start")):
        if event.kind == "start":
            if not open_episode:
                starts.append(event.on)
                open_episode = True
        elif event.kind == "end":
            if open_episode:
                open_episode = False
            else:
                starts.append(event.on)
    return starts


def most_in_window(starts: Iterable[dt.date], days: int = EPISODE_WINDOW_DAYS) -> tuple[int, dt.date | None]:
    """The most starts inside any window of ``days``, and the first start of that window."""
    ordered = sorted(starts)
    best, first = 0, None
    j = 0
    for i, start in enumerate(ordered):
        while (start - ordered[j]).days > days:
            j += 1
        if i - j + 1 > best:
            best, first = i - j + 1, ordered[j]
    return best, first


def many_episodes_flag(children: dict[int, str], episodes: Sequence[EhEpisode],
                       csc_starts: Sequence[dt.date]) -> RevolvingFlag | None:
    """The "three or more episodes in 24 months" flag, for the child with the most."""
    best: tuple[int, str, dt.date | None] = (0, "", None)
    for child_id, name in sorted(children.items()):
        starts = [e.start for e in episodes if not e.child_ids or child_id in e.child_ids]
        count, first = most_in_window([*starts, *csc_starts])
        if count > best[0]:
            best = (count, name, first)
    if not children:
        count, first = most_in_window([*(e.start for e in episodes), *csc_starts])
        best = (count, "The family", first)
    count, name, first = best
    if count < EPISODES_THRESHOLD or first is None:
        return None
    return RevolvingFlag(MANY_EPISODES, f"{count} episodes in 24 months",
                         f"{name}: {count} early help and social care episodes started within 24 months "
                         f"of {format_uk_date(first)}.")


def step_up_after_flag(step_ups: Sequence[dt.date], step_downs: Sequence[dt.date],
                       outcomes_met: Sequence[dt.date]) -> RevolvingFlag | None:
    """The "step-up within 6 or 12 months of a step-down or an outcomes-met closure" flag."""
    found: tuple[int, str, dt.date, dt.date] | None = None
    for up in step_ups:
        for before, what in [*((d, "a step-down") for d in step_downs),
                             *((d, "an outcomes-met closure") for d in outcomes_met)]:
            gap = (up - before).days
            if 0 <= gap <= TWELVE_MONTHS_DAYS and (found is None or gap < found[0]):
                found = (gap, what, before, up)
    if found is None:
        return None
    gap, what, before, up = found
    months = 6 if gap <= SIX_MONTHS_DAYS else 12
    return RevolvingFlag(STEP_UP_AFTER, f"Step-up within {months} months of {what}",
                         f"Stepped up to social care on {format_uk_date(up)}, {gap} days after {what} "
                         f"on {format_uk_date(before)}.")

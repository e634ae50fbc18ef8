"""Plain rules of plans and reviews: when the next review is due, whether it is overdue, distance
travelled on outcome scores, and what changed between two plan versions (DOMAIN §1.5, §1.6, §7,
§8.5). Standard library only; services call these with DTOs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from hubapp.domain.meeting_dto import DistanceRow, MeasurementRow
from hubapp.domain.plan_dto import DiffLine, PlanActionRow, PlanDetail, PlanDiff, PlanGoalRow
from hubapp.domain.states import ReviewDecision

#: The shortest and longest review interval a plan may set, in days (one to 26 weeks).
MIN_REVIEW_INTERVAL_DAYS = 7
MAX_REVIEW_INTERVAL_DAYS = 182
#: The 0–10 scaling score of a goal at a review (solution-focused scaling, DOMAIN §7).
SCORE_MIN, SCORE_MAX = 0, 10

#: Decisions after which the plan goes on and is reviewed again at the plan's interval. After
#: STEP_UP the case waits for social care's decision (the transfer sets what happens next);
#: after STEP_DOWN_TO_UNIVERSAL and CLOSE the episode moves to closing: no review is due.
CONTINUING_DECISIONS = frozenset({ReviewDecision.CONTINUE, ReviewDecision.REVISE_PLAN})
#: Decisions that start the episode's closure.
CLOSING_DECISIONS = frozenset({ReviewDecision.CLOSE, ReviewDecision.STEP_DOWN_TO_UNIVERSAL})


def next_review_due(decision: str | None, held_on: dt.date, interval_days: int) -> dt.date | None:
    """When the next review is due after a meeting held on ``held_on`` that decided ``decision``.

    A meeting without a decision (an initial TAF) counts as "continue".

    Returns:
        ``held_on`` plus the plan's review interval, or ``None`` when no review follows.
    """
    if decision is None or decision in CONTINUING_DECISIONS:
        return held_on + dt.timedelta(days=interval_days)
    return None


def first_review_due(plan_started_on: dt.date | None, interval_days: int) -> dt.date | None:
    """The first review of a plan: one interval after it started (``None`` before it starts)."""
    if plan_started_on is None:
        return None
    return plan_started_on + dt.timedelta(days=interval_days)


def review_due(
    plan_started_on: dt.date | None, interval_days: int, last_held_due: dt.date | None, any_held: bool,
    next_scheduled: dt.date | None,
) -> dt.date | None:
    """When a running plan's next review is due.

    The last meeting held set it (from its decision); before any meeting it is one interval after
    the plan started. When neither gives a date (the last decision ended the regular reviews),
    a review that has been arranged is the one due.
    """
    due = last_held_due if any_held else first_review_due(plan_started_on, interval_days)
    return due if due is not None else next_scheduled


def overdue_days(due: dt.date | None, today: dt.date) -> int:
    """Days a review is past due (0 when not due yet or nothing is due). Derived, never stored."""
    if due is None or due >= today:
        return 0
    return (today - due).days


def distance_travelled(rows: Iterable[MeasurementRow]) -> tuple[DistanceRow, ...]:
    """First and latest score per (person, tool, area), in the order areas were first measured.

    Args:
        rows: measurements in any order.

    Returns:
        One row per person and area; ``change`` on each is latest minus first.
    """
    groups: dict[tuple[str, str, str], list[MeasurementRow]] = {}
    for row in sorted(rows, key=lambda r: (r.measured_on, r.id)):
        groups.setdefault((row.person, row.tool, row.area), []).append(row)
    out = []
    for (person, tool, area), items in groups.items():
        first, latest = items[0], items[-1]
        out.append(DistanceRow(
            person=person, tool=tool, area=area, first_score=first.score, first_on=first.measured_on,
            latest_score=latest.score, latest_on=latest.measured_on, scale_min=latest.scale_min,
            scale_max=latest.scale_max, measurements=len(items),
        ))
    return tuple(out)


# ---- What changed between two versions ---------------------------------------------------------


def _when(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "no date"


def _action_text(a: PlanActionRow) -> str:
    return f"{a.what} — {a.who or 'no one'}, by {_when(a.due_on)}"


def _goal_key(goal: PlanGoalRow) -> str:
    return " ".join(goal.description.split()).casefold()


def _match_goals(
    old: Sequence[PlanGoalRow], new: Sequence[PlanGoalRow]
) -> list[tuple[PlanGoalRow | None, PlanGoalRow | None]]:
    """Pair goals: same description first, then same outcome area and position, else unmatched."""
    pairs: list[tuple[PlanGoalRow | None, PlanGoalRow | None]] = []
    left = list(old)
    for goal in new:
        match = next((g for g in left if _goal_key(g) == _goal_key(goal)), None)
        if match is None:
            match = next((g for g in left if g.sf_outcome == goal.sf_outcome and g.position == goal.position), None)
        if match is not None:
            left.remove(match)
        pairs.append((match, goal))
    pairs.extend((g, None) for g in left)
    return pairs


def _diff_actions(where: str, old: Sequence[PlanActionRow], new: Sequence[PlanActionRow]) -> list[DiffLine]:
    lines: list[DiffLine] = []
    left = list(old)
    for action in new:
        key = " ".join(action.what.split()).casefold()
        match = next((a for a in left if " ".join(a.what.split()).casefold() == key), None)
        if match is None:
            lines.append(DiffLine("added", where, "", _action_text(action)))
            continue
        left.remove(match)
        if (match.who, match.due_on) != (action.who, action.due_on):
            lines.append(DiffLine("changed", where, _action_text(match), _action_text(action)))
        if match.status != action.status:
            lines.append(DiffLine("status", f"{where}: {action.what[:60]}", match.status, action.status))
    lines.extend(DiffLine("removed", where, _action_text(a), "") for a in left)
    return lines


def diff_plans(old: PlanDetail, new: PlanDetail, sf_labels: dict[str, str] | None = None) -> PlanDiff:
    """What changed from ``old`` to ``new``: goals added, removed or reworded, actions added,
    removed or changed (who, by when, status), and the plan's own fields.

    Goals are matched by their wording, then by outcome area and place; actions within a goal by
    their wording. Ids are not compared, since each version has its own rows.
    """
    labels = sf_labels or {}
    lines: list[DiffLine] = []
    for field_name, label in (
        ("review_interval_days", "Review interval (days)"),
        ("network_contribution", "Family network's contribution"),
        ("services_provided", "Services provided"),
        ("staff_notes", "Notes for professionals"),
    ):
        before, after = getattr(old, field_name), getattr(new, field_name)
        if before != after:
            lines.append(DiffLine("changed", label, str(before or ""), str(after or "")))
    for before, after in _match_goals(old.goals, new.goals):
        if after is None:
            assert before is not None
            lines.append(DiffLine("removed", f"Goal: {before.description[:60]}", before.description, ""))
            continue
        where = f"Goal {after.position + 1}"
        if before is None:
            lines.append(DiffLine("added", where, "", after.description))
            lines.extend(DiffLine("added", where, "", _action_text(a)) for a in after.actions)
            continue
        if _goal_key(before) != _goal_key(after):
            lines.append(DiffLine("changed", where, before.description, after.description))
        if before.sf_outcome != after.sf_outcome:
            lines.append(DiffLine(
                "changed", f"{where} outcome area",
                labels.get(before.sf_outcome or "", before.sf_label),
                labels.get(after.sf_outcome or "", after.sf_label),
            ))
        lines.extend(_diff_actions(where, before.actions, after.actions))
    return PlanDiff(old.version_no, new.version_no, tuple(lines))

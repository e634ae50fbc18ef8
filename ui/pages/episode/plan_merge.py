"""Re-apply: put what one person typed into a plan draft on top of a newer saved version.

Someone else saved the draft while it was being edited (or a kept draft is restored after the
program died). The edits are a three-way merge of the version the person started from (*base*),
what they typed (*mine*) and the version now saved (*theirs*): a field keeps their value unless
I changed it; goals and actions are matched by id; what I added is added, what I removed is
removed, and what they added stays. Also the draft journal's plain-JSON form of the editor's state.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from hubapp.domain.plan_dto import WHO_TEXT, PlanDetail
from hubapp.domain.validation import format_uk_date
from ui.pages.episode.plan_model import EditAction, EditGoal

GOAL_FIELDS = ("description", "sf_outcome", "need_id")
ACTION_FIELDS = ("what", "who_kind", "who_id", "who_text", "due_text", "status", "completed_on")


@dataclass
class PlanEdits:
    """The plan editor's state: the goals grid and the four plan fields."""

    goals: list[EditGoal]
    network: str
    services: str
    notes: str
    interval_weeks: int


def edit_goals(plan: PlanDetail | None) -> list[EditGoal]:
    """A saved version's goals and actions as the editor holds them."""
    if plan is None:
        return []
    return [
        EditGoal(g.description, g.sf_outcome or "", g.need_id, [
            EditAction(a.what, a.who_kind, a.who_id, a.who if a.who_kind == WHO_TEXT else (a.who_text or ""),
                       format_uk_date(a.due_on) if a.due_on else "", a.status, a.completed_on, a.id)
            for a in g.actions], g.id)
        for g in plan.goals
    ]


def edits_of(plan: PlanDetail) -> PlanEdits:
    """A saved version as editor state (the *base* or *theirs* of a merge)."""
    return PlanEdits(edit_goals(plan), plan.network_contribution or "", plan.services_provided or "",
                     plan.staff_notes or "", max(1, plan.review_interval_days // 7))


def reapply(base: PlanEdits, mine: PlanEdits, theirs: PlanEdits) -> PlanEdits:
    """My edits (from ``base`` to ``mine``) applied on top of ``theirs``."""
    result = copy.deepcopy(theirs)
    for name in ("network", "services", "notes", "interval_weeks"):
        if getattr(mine, name) != getattr(base, name):
            setattr(result, name, getattr(mine, name))
    base_goals = {g.id: g for g in base.goals if g.id is not None}
    mine_ids = {g.id for g in mine.goals if g.id is not None}
    removed = set(base_goals) - mine_ids
    result.goals = [g for g in result.goals if g.id not in removed]
    by_id = {g.id: g for g in result.goals}
    for goal in mine.goals:
        old = base_goals.get(goal.id) if goal.id is not None else None
        target = by_id.get(goal.id) if goal.id is not None else None
        if old is None or target is None:
            # New to me, or they removed a goal I kept: mine goes in as a new goal with its actions.
            fresh = copy.deepcopy(goal)
            fresh.id = None
            for a in fresh.actions:
                a.id = None
            result.goals.append(fresh)
            continue
        for name in GOAL_FIELDS:
            if getattr(goal, name) != getattr(old, name):
                setattr(target, name, getattr(goal, name))
        _merge_actions(old.actions, goal.actions, target)
    return result


def _merge_actions(base: list[EditAction], mine: list[EditAction], target: EditGoal) -> None:
    base_by_id = {a.id: a for a in base if a.id is not None}
    mine_ids = {a.id for a in mine if a.id is not None}
    removed = set(base_by_id) - mine_ids
    target.actions = [a for a in target.actions if a.id not in removed]
    theirs = {a.id: a for a in target.actions}
    for action in mine:
        old = base_by_id.get(action.id) if action.id is not None else None
        current = theirs.get(action.id) if action.id is not None else None
        if old is None or current is None:
            fresh = copy.deepcopy(action)
            fresh.id = None
            target.actions.append(fresh)
            continue
        for name in ACTION_FIELDS:
            if getattr(action, name) != getattr(old, name):
                setattr(current, name, getattr(action, name))


# ---- The draft journal's form -----------------------------------------------------------------


def to_json(edits: PlanEdits) -> dict[str, Any]:
    """Plain JSON values (dates as ISO text)."""
    raw = asdict(edits)
    for goal in raw["goals"]:
        for a in goal["actions"]:
            a["completed_on"] = a["completed_on"].isoformat() if a["completed_on"] else None
    return raw


def from_json(raw: dict[str, Any]) -> PlanEdits:
    """Editor state back from :func:`to_json` (unknown keys are ignored)."""
    goals = []
    for g in raw.get("goals") or []:
        actions = []
        for a in g.get("actions") or []:
            values = {k: a.get(k) for k in (*ACTION_FIELDS, "id") if k in a}
            if values.get("completed_on"):
                values["completed_on"] = dt.date.fromisoformat(values["completed_on"])
            actions.append(EditAction(**values))
        goals.append(EditGoal(**{k: g.get(k) for k in (*GOAL_FIELDS, "id") if k in g}, actions=actions))
    return PlanEdits(goals, str(raw.get("network") or ""), str(raw.get("services") or ""),
                     str(raw.get("notes") or ""), int(raw.get("interval_weeks") or 6))


def as_text(edits: PlanEdits) -> str:
    """The edits as plain text to copy (goals with their actions, then the plan's fields)."""
    blocks = []
    for n, goal in enumerate(edits.goals, 1):
        lines = [f"Goal {n}: {goal.description}".rstrip()]
        for a in goal.actions:
            who = f" — {a.who_text}" if a.who_text else ""
            due = f" (by {a.due_text})" if a.due_text else ""
            lines.append(f"  - {a.what}{who}{due}")
        blocks.append("\n".join(lines))
    for label, text in (("Family network's contribution", edits.network), ("Services provided", edits.services),
                        ("Notes for professionals", edits.notes)):
        if text.strip():
            blocks.append(f"{label}:\n{text.strip()}")
    blocks.append(f"Review the plan every {edits.interval_weeks} weeks")
    return "\n\n".join(blocks)


__all__ = ["PlanEdits", "as_text", "edit_goals", "edits_of", "from_json", "reapply", "to_json"]

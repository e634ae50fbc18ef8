"""Outcome measurements (DOMAIN §7): scores from a scaling question or another tool, for a family
member or the whole family, and the distance travelled from the first score to the latest.
"""

from __future__ import annotations

from sqlalchemy import select

from hubapp.data.models import OutcomeMeasurement
from hubapp.data.uow import UnitOfWork
from hubapp.domain.dto import Changes
from hubapp.domain.errors import NotFound
from hubapp.domain.meeting_dto import DistanceRow, MeasurementInput, MeasurementRow
from hubapp.domain.plan_rules import distance_travelled
from hubapp.domain.validation import check_length, format_uk_date, require

from . import _plan_read as read
from . import families
from ._checks import Checks

#: Tools offered in the form. Licensed tools (Outcomes Star) keep their own scales, so only
#: open ones are named here; any other tool name may be typed.
TOOLS = ("Family scaling", "Child's scaling (My Star style)", "Graded Care Profile 2")
#: Areas suggested for the family scaling question.
AREAS = (
    "Family routines", "Feeling safe at home", "School attendance", "Health and well-being",
    "Money and housing", "Getting on together", "Parenting and boundaries", "Support from family and friends",
)


def add_measurement(
    uow: UnitOfWork, data: MeasurementInput
) -> tuple[tuple[MeasurementRow, ...], tuple[DistanceRow, ...], Changes]:
    """Record one score; returns the episode's scores and distance travelled.

    Raises:
        ValidationError: no area or tool, a scale the wrong way round, a score outside the scale,
            a date in the future or before the episode, a person outside the family.
    """
    with uow:
        s = uow.session
        episode = read.get_episode_row(s, data.episode_id)
        checks = Checks()
        checks.run(require, data.area, "area", "Area")
        checks.run(check_length, data.area, "area", "Area", 200)
        checks.run(require, data.tool, "tool", "Tool")
        checks.run(check_length, data.tool, "tool", "Tool", 200)
        if data.scale_min >= data.scale_max:
            checks.add("scale_max", "range", "The top of the scale must be above the bottom.")
        elif not data.scale_min <= data.score <= data.scale_max:
            checks.add("score", "range",
                       f"Score must be from {data.scale_min} to {data.scale_max}, not {data.score}.")
        if data.measured_on > read.today():
            checks.add("measured_on", "not_future", f"Date {format_uk_date(data.measured_on)} is in the future.")
        elif data.measured_on < episode.start_date:
            checks.add("measured_on", "date_order",
                       f"Date {format_uk_date(data.measured_on)} is before the episode started "
                       f"({format_uk_date(episode.start_date)}).")
        if data.person_id is not None and data.person_id not in families.family_people(s, episode.family_id):
            checks.add("person_id", "member", "The person scored must be a member of this family.")
        checks.raise_if_any()
        s.add(OutcomeMeasurement(
            family_id=episode.family_id, episode_id=episode.id, person_id=data.person_id, tool=data.tool.strip(),
            area=data.area.strip(), score=data.score, scale_min=data.scale_min, scale_max=data.scale_max,
            measured_on=data.measured_on, completed_by_id=uow.actor_id, family_agreed=data.family_agreed,
        ))
        uow.flush()
        rows = read.read_measurements(s, episode.id)
        uow.commit()
        return rows, distance_travelled(rows), Changes(episodes=True)


def delete_measurement(
    uow: UnitOfWork, measurement_id: int
) -> tuple[tuple[MeasurementRow, ...], tuple[DistanceRow, ...], Changes]:
    """Remove a score entered by mistake; returns the episode's scores and distance travelled."""
    with uow:
        s = uow.session
        row = s.get(OutcomeMeasurement, measurement_id)
        if row is None or row.episode_id is None:
            raise NotFound("outcome measurement", measurement_id)
        episode_id = row.episode_id
        s.delete(row)
        uow.flush()
        rows = read.read_measurements(s, episode_id)
        uow.commit()
        return rows, distance_travelled(rows), Changes(episodes=True)


def list_measurements(uow: UnitOfWork, episode_id: int) -> tuple[tuple[MeasurementRow, ...], tuple[DistanceRow, ...]]:
    """The episode's scores and the distance travelled on each area."""
    with uow:
        read.get_episode_row(uow.session, episode_id)
        rows = read.read_measurements(uow.session, episode_id)
        return rows, distance_travelled(rows)


def areas_used(uow: UnitOfWork, episode_id: int) -> tuple[str, ...]:
    """Areas already scored in this episode, then the suggested ones (for the form's list)."""
    with uow:
        used = list(dict.fromkeys(uow.session.scalars(
            select(OutcomeMeasurement.area).where(OutcomeMeasurement.episode_id == episode_id)
            .order_by(OutcomeMeasurement.measured_on))))
        return tuple(used + [a for a in AREAS if a not in used])


__all__ = ["AREAS", "TOOLS", "add_measurement", "areas_used", "delete_measurement", "list_measurements"]

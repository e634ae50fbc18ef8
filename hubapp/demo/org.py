"""Demo organisation: hubs, teams, workers with roles, and partner agencies (created if absent)."""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from hubapp.data.models import Agency, Hub, Team, Worker, WorkerHub, WorkerRole

from .sink import Sink

HUBS = (
    ("NORTH", "North Hub"), ("SOUTH", "South Hub"), ("EAST", "East Hub"), ("WEST", "West Hub"),
    ("CENTRAL", "Central Hub"), ("NORTHEAST", "North East Hub"), ("NORTHWEST", "North West Hub"),
    ("SOUTHEAST", "South East Hub"), ("SOUTHWEST", "South West Hub"),
)
#: (families in the database at least, hubs): more families, more hubs (up to nine).
_HUB_STEPS = ((0, 2), (50, 3), (150, 4), (500, 5), (5000, 6), (20000, 7), (50000, 8), (90000, 9))

AGENCIES = (
    ("Small Heath Primary School", "SCHOOL"), ("Sparkhill Academy", "SCHOOL"),
    ("Erdington Community School", "SCHOOL"), ("Kings Norton Girls' School", "SCHOOL"),
    ("0-19 Health Visiting Service", "HEALTH"), ("School Nursing Service", "HEALTH"),
    ("Forward Thinking CAMHS", "HEALTH"), ("Heartlands Hospital Midwifery", "HEALTH"),
    ("West Midlands Police", "POLICE"), ("Council Housing Services", "HOUSING"),
    ("Jobcentre Plus", "DWP"), ("Citizens Advice", "VOLUNTARY"),
    ("Women's Aid", "VOLUNTARY"), ("Change Grow Live", "VOLUNTARY"),
    ("Youth Justice Service", "LA"), ("Children's Social Care", "CSC"),
)

GIVEN = (
    "Amy", "Ben", "Chloë", "Daniel", "Emma", "Farah", "Grace", "Harpreet", "Imran", "Jade",
    "Karen", "Liam", "Megan", "Niamh", "Oliver", "Priya", "Rachel", "Sam", "Tomasz", "Yasmin",
)
FAMILY = (
    "Ahmed", "Bennett", "Clarke", "Davies", "Evans", "Fletcher", "Green", "Hussain", "Jones",
    "Kaur", "Lewis", "Morgan", "Nowak", "O'Connor", "Patel", "Rahman", "Shaw", "Walsh", "Young",
)
_ROLES = (
    ("manager", "mgr", "Early help team manager"),
    ("coordinator", "coord", "Early help coordinator"),
    ("hub_worker", "hw", "Hub worker"),
    ("family_support_worker", "fsw", "Family support worker"),
)


@dataclass
class Staff:
    """A worker, as the generator needs it."""

    id: int
    name: str
    team_id: int | None


@dataclass
class HubStaff:
    """One hub and its people by role."""

    id: int
    code: str
    name: str
    teams: list[int] = field(default_factory=list)
    by_role: dict[str, list[Staff]] = field(default_factory=dict)


@dataclass
class Org:
    """Everything the families hang off."""

    hubs: list[HubStaff]
    agencies: list[tuple[int, str, str]]


def hubs_for(total_families: int) -> int:
    """How many hubs a database of this many families has."""
    return max(n for floor, n in _HUB_STEPS if total_families >= floor)


def _sizes(families_per_hub: float) -> dict[str, int]:
    return {
        "manager": 1,
        "coordinator": 1 + int(families_per_hub // 2000),
        "hub_worker": 2 + int(families_per_hub // 500),
        "family_support_worker": max(3, math.ceil(families_per_hub / 30)),
    }


def ensure_org(session: Session, sink: Sink, total_families: int, since: dt.date) -> Org:
    """Create what is missing of the demo organisation for ``total_families`` families.

    Names are derived from the usernames, so the same worker always has the same name.
    Rows are queued on ``sink`` and flushed here.
    """
    created_at = dt.datetime.combine(since, dt.time(9, 0), tzinfo=dt.UTC)
    n_hubs = hubs_for(total_families)
    hubs_by_code: dict[str, Hub] = {}
    for h in session.scalars(select(Hub)):
        hubs_by_code[h.code] = hubs_by_code[h.name] = h
    teams = {(t.hub_id, t.name): t.id for t in session.scalars(select(Team))}
    workers = {w.username: w for w in session.scalars(select(Worker))}
    roles = {(r.worker_id, r.role) for r in session.scalars(select(WorkerRole))}
    links = {(x.worker_id, x.hub_id) for x in session.scalars(select(WorkerHub))}
    agencies = {a.name: a for a in session.scalars(select(Agency))}

    def worker(username: str, team_id: int | None, hub_ids: list[int], role: str,
               title: str) -> Staff:
        existing = workers.get(username)
        if existing is not None:
            wid, name, team = existing.id, existing.display_name, existing.team_id
        else:
            r = random.Random(username)
            name = f"{r.choice(GIVEN)} {r.choice(FAMILY)}"
            wid, team = sink.new_id(Worker), team_id
            sink.add(Worker, {"id": wid, "username": username, "display_name": name,
                              "email": f"{username}@example.org", "job_title": title,
                              "team_id": team_id, "created_at": created_at})
        if (wid, role) not in roles:
            sink.add(WorkerRole, {"worker_id": wid, "role": role})
            roles.add((wid, role))
        for hub_id in hub_ids:
            if (wid, hub_id) not in links:
                sink.add(WorkerHub, {"worker_id": wid, "hub_id": hub_id})
                links.add((wid, hub_id))
        return Staff(wid, name, team)

    def team(hub_id: int, name: str) -> int:
        if (hub_id, name) not in teams:
            teams[(hub_id, name)] = sink.new_id(Team)
            sink.add(Team,
                     {"id": teams[(hub_id, name)], "hub_id": hub_id, "name": name, "version": 1})
        return teams[(hub_id, name)]

    org = Org(hubs=[], agencies=[])
    sizes = _sizes(total_families / n_hubs)
    for code, name in HUBS[:n_hubs]:
        hub = hubs_by_code.get(code) or hubs_by_code.get(name)
        hub_id = hub.id if hub is not None else sink.new_id(Hub)
        if hub is None:
            sink.add(Hub, {"id": hub_id, "code": code, "name": name, "version": 1})
        staff = HubStaff(hub_id, code, name)
        front = team(hub_id, "Front Door Team")
        n_fsw_teams = math.ceil(sizes["family_support_worker"] / 8)
        support = [team(hub_id, f"Family Support Team {i + 1}") for i in range(n_fsw_teams)]
        staff.teams = [front, *support]
        for role, short, title in _ROLES:
            people = []
            for i in range(sizes[role]):
                team_id = support[i // 8] if role == "family_support_worker" else front
                username = f"demo_{code.lower()}_{short}{i + 1:02d}"
                people.append(worker(username, team_id, [hub_id], role, title))
            staff.by_role[role] = people
        org.hubs.append(staff)
    all_hub_ids = [h.id for h in org.hubs]
    worker("demo_admin", None, all_hub_ids, "hub_admin", "Hub systems administrator")
    worker("demo_head_of_service", None, all_hub_ids, "manager", "Head of early help")
    for name, kind in AGENCIES:
        agency = agencies.get(name)
        agency_id = agency.id if agency is not None else sink.new_id(Agency)
        if agency is None:
            sink.add(Agency, {"id": agency_id, "name": name, "kind": kind})
        org.agencies.append((agency_id, name, kind))
    sink.flush()
    return org

"""A small data set for the dashboard tests, made through the services (never the data layer).

On top of ``seed`` (three families in one hub, three undecided requests, one request received 20
days ago and decided today): the Smiths' new request, received two hours ago with consent and
accepted at once, runs to an agreed, active plan with three needs mapped to headline outcomes; the
Khans arrive as a step-down from social care, accepted and waiting for a lead practitioner; the
Nowaks too, allocated, with their assessment started and not yet authorised; and a second hub has
no families at all.

Worked out by hand, for the rolling twelve months up to today:

* indicator 1, front-door timeliness: two requests decided (the old one after 20 days, late; the
  Smiths' new one within the day), so 50% (1 of 2), below the 90% target;
* the front-door list holds those two decisions, both the Smith family's;
* recording quality, "assessments not authorised": one record, the Nowaks'.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hubapp.domain.plan_dto import AllocationInput, EpisodeActionInput, NeedInput
from hubapp.services import admin, context, episodes, needs, reference
from hubapp.services.session import Backend
from tests.unit.ui.episode_seed import running_plan
from tests.unit.ui.seed import Seeded, seed
from tests.unit.ui.transfer_seed import act, step_down

EMPTY_HUB = "Quiet Hub"


@dataclass(frozen=True)
class DashboardWorld:
    """What was made."""

    seeded: Seeded
    smith_episode_id: int
    empty_hub_id: int


def seed_dashboard(backend: Backend) -> DashboardWorld:
    """Make the data set described in the module docstring."""
    seeded = seed(backend)
    episode_id = running_plan(backend, seeded)
    for text, outcome in (("Sarah's debts are growing.", "SF07"), ("Arguments at home scare Lily.", "SF05")):
        needs.save_need(backend.uow(), NeedInput(episode_id, text, outcome))
    act(backend, step_down(backend, seeded, "Khan", "CSC-K1"), "accept", note="Fine for early help.")
    nowak = act(backend, step_down(backend, seeded, "Nowak", "CSC-N1"), "accept", note="Fine for early help.")
    assert nowak.row.episode_id is not None and backend.actor is not None
    e = episodes.get_episode(backend.uow(), nowak.row.episode_id)
    e = episodes.allocate(backend.uow(), AllocationInput(e.id, e.version, backend.actor.worker_id))
    episodes.episode_action(backend.uow(), EpisodeActionInput(e.id, e.version, "start_assessment"))
    admin.add_hub(backend.uow(), "QUIET", EMPTY_HUB)
    # The signed-in worker (every role, as on the embedded database) joins the new hub too.
    backend.actor = context.ensure_local_worker(backend.uow(), backend.actor.username)
    empty = next(h.id for h in reference.hubs(backend.uow()) if h.name == EMPTY_HUB)
    return DashboardWorld(seeded, episode_id, empty)


TODAY = dt.date.today()

"""Transfers for the UI tests, made through the services on top of ``seed`` (never the data layer)."""

from __future__ import annotations

from dataclasses import dataclass

from hubapp.domain.transfer_dto import NewStepDown, NewStepUp, TransferActionInput, TransferDetail
from hubapp.services import transfers
from hubapp.services.session import Backend
from tests.unit.ui.seed import Seeded


@dataclass(frozen=True)
class Transfers:
    """The step-downs by family surname and one step-up."""

    step_downs: dict[str, TransferDetail]
    step_up: TransferDetail


def step_down(backend: Backend, seeded: Seeded, surname: str, reference: str) -> TransferDetail:
    return transfers.create_step_down(backend.uow(), NewStepDown(
        family_id=seeded.family_ids[surname], hub_id=seeded.hub_id, reason="CIN plan complete; routines remain.",
        csc_reference=reference, requested_by_name="Sam Social", outstanding_needs="School attendance."))


def act(backend: Backend, t: TransferDetail, action: str, **kw: object) -> TransferDetail:
    return transfers.advance(backend.uow(), TransferActionInput(t.id, t.version, action, **kw))  # type: ignore[arg-type]


def seed_transfers(backend: Backend, seeded: Seeded) -> Transfers:
    """Smith: submitted; Khan: accepted (an episode awaits allocation); Nowak: accepted, then a step-up
    from its episode, sent to social care."""
    smith = step_down(backend, seeded, "Smith", "CSC-1")
    khan = act(backend, step_down(backend, seeded, "Khan", "CSC-2"), "accept", note="Fine for early help.")
    nowak = act(backend, step_down(backend, seeded, "Nowak", "CSC-3"), "accept", note="Fine for early help.")
    assert nowak.row.episode_id is not None
    up = transfers.create_step_up(backend.uow(), NewStepUp(nowak.row.episode_id, "Police called twice this week."))
    up = act(backend, act(backend, up, "endorse"), "send")
    return Transfers({"Smith": smith, "Khan": khan, "Nowak": nowak}, up)

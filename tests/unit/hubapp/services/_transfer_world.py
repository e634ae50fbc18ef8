"""Builders for the transfer, queue, closure and revolving-door tests: a hub with a coordinator and
two family support workers, a family, and episodes in whatever state a test needs."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from hubapp.data.db import Database
from hubapp.data.models import Episode, EpisodeChild, FamilyMembership, Need, Worker, WorkerHub, WorkerRole
from hubapp.data.uow import UnitOfWork
from hubapp.domain.transfer_dto import NewStepDown, NewStepUp, TransferActionInput, TransferDetail
from hubapp.services import families, transfers

from ._world import World, child, household, parent

TODAY = dt.date.today()
NOW = dt.datetime.now(dt.UTC)


class TransferWorld(World):
    """Two hubs; Amira Khan (coordinator, every role) and Ben Ortiz (family support worker) in North."""

    def __init__(self, db: Database) -> None:
        super().__init__(db)
        with UnitOfWork(db) as uow:
            s = uow.session
            for role in ("family_support_worker", "manager", "coordinator"):
                s.add(WorkerRole(worker_id=self.worker_id, role=role))
            ben = Worker(username="ben.ortiz", display_name="Ben Ortiz")
            cara = Worker(username="cara.south", display_name="Cara South")
            s.add_all([ben, cara])
            uow.flush()
            s.add_all([WorkerHub(worker_id=ben.id, hub_id=self.north), WorkerRole(worker_id=ben.id,
                                                                                  role="family_support_worker"),
                       WorkerHub(worker_id=cara.id, hub_id=self.south)])
            uow.commit()
            self.ben, self.cara = ben.id, cara.id

    def family(self, surname: str = "Smith") -> int:
        """A family of a mother and two children in North."""
        detail = families.create_family(self.uow(), household(
            self.north, parent(family=surname), child("Ella", surname), child("Max", surname, dt.date(2019, 1, 2))))
        return detail.id

    def children(self, family_id: int) -> list[int]:
        with UnitOfWork(self.db) as uow:
            return list(uow.session.scalars(select_children(family_id)))

    def episode(self, family_id: int, status: str = "PLAN_ACTIVE", start: dt.date | None = None,
                end: dt.date | None = None, end_reason: str | None = None, needs: int = 2) -> int:
        """An episode straight into the database (the episode flow is another service's)."""
        start = start or TODAY - dt.timedelta(days=60)
        with UnitOfWork(self.db) as uow:
            s = uow.session
            e = Episode(family_id=family_id, hub_id=self.north, status=status, start_date=start, end_date=end,
                        end_reason=end_reason, lead_worker_id=self.worker_id,
                        accepted_at=dt.datetime.combine(start, dt.time(10), tzinfo=dt.UTC))
            s.add(e)
            uow.flush()
            for person_id in s.scalars(select_children(family_id)):
                s.add(EpisodeChild(episode_id=e.id, person_id=person_id))
            for i in range(needs):
                s.add(Need(episode_id=e.id, description=f"Need number {i + 1}", sf_outcome="SF01",
                           identified_on=start))
            uow.flush()
            episode_id = e.id
            uow.commit()
            return episode_id

    def episode_row(self, episode_id: int) -> SimpleNamespace:
        """The episode's columns, read now."""
        with UnitOfWork(self.db) as uow:
            e = uow.session.get(Episode, episode_id)
            assert e is not None
            return SimpleNamespace(**{c.key: getattr(e, c.key) for c in Episode.__table__.columns})

    def step_up(self, episode_id: int) -> TransferDetail:
        return transfers.create_step_up(self.uow(), NewStepUp(episode_id, "Risk has risen despite the plan.",
                                                               "Police called twice this month."))

    def step_down(self, family_id: int, **kw: object) -> TransferDetail:
        base: dict[str, object] = dict(family_id=family_id, hub_id=self.north, reason="CIN plan complete.",
                                       csc_reference="CSC-2026-001", requested_by_name="Sam Social")
        base.update(kw)
        return transfers.create_step_down(self.uow(), NewStepDown(**base))  # type: ignore[arg-type]

    def act(self, t: TransferDetail, action: str, **kw: object) -> TransferDetail:
        return transfers.advance(self.uow(), TransferActionInput(t.id, t.version, action, **kw))  # type: ignore[arg-type]


def select_children(family_id: int):  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    return select(FamilyMembership.person_id).where(
        FamilyMembership.family_id == family_id, FamilyMembership.relation.in_(("SIBLING", "SELF")))

"""Builders for service tests: a small organisation and typical inputs."""

from __future__ import annotations

import datetime as dt

from hubapp.data.db import Database
from hubapp.data.models import Hub, Worker, WorkerHub, WorkerRole
from hubapp.data.uow import UnitOfWork
from hubapp.domain.dto import AddressInput, ConsentInput, NewFamily, NewPerson, NewRequest


class World:
    """A small organisation on a fresh database: two hubs and one worker."""

    def __init__(self, db: Database) -> None:
        self.db = db
        with UnitOfWork(db) as uow:
            s = uow.session
            north, south = Hub(code="N", name="North Hub"), Hub(code="S", name="South Hub")
            worker = Worker(username="amira.khan", display_name="Amira Khan")
            s.add_all([north, south, worker])
            s.flush()
            s.add_all([WorkerHub(worker_id=worker.id, hub_id=north.id), WorkerRole(worker_id=worker.id, role="hub_worker")])
            uow.commit()
            self.north, self.south, self.worker_id = north.id, south.id, worker.id

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.db, self.worker_id)


def child(given: str = "Ella", family: str = "Smith", dob: dt.date = dt.date(2016, 3, 4), **kw: object) -> NewPerson:
    return NewPerson(given_name=given, family_name=family, date_of_birth=dob, sex="F", relation="SIBLING", **kw)  # type: ignore[arg-type]


def parent(given: str = "Joanne", family: str = "Smith", dob: dt.date = dt.date(1988, 7, 1), **kw: object) -> NewPerson:
    kw.setdefault("has_parental_responsibility", True)
    return NewPerson(given_name=given, family_name=family, date_of_birth=dob, sex="F", relation="MOTHER", **kw)  # type: ignore[arg-type]


def household(hub_id: int, *members: NewPerson, postcode: str = "b11 1aa") -> NewFamily:
    return NewFamily(hub_id=hub_id, members=members or (parent(), child()),
                     address=AddressInput(line1="1 High Street", town="Birmingham", postcode=postcode))


def consent(agreed: bool = True, sharing: bool | None = None) -> ConsentInput:
    return ConsentInput(giver_name="Joanne Smith", giver_relationship="MOTHER", capacity="PARENTAL_RESPONSIBILITY",
                        agreed=agreed, method="VERBAL", given_on=dt.date.today(),
                        scope_sharing=agreed if sharing is None else sharing)


def request(hub_id: int, **kw: object) -> NewRequest:
    base: dict[str, object] = dict(
        hub_id=hub_id, received_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1), source="SCHOOL_DSL",
        referrer_name="Mr Patel", referrer_organisation="Oak Primary", level_of_need=2,
        presenting_needs=("MENTAL_HEALTH",), summary="Attendance has fallen; mum asked for help.",
    )
    base.update(kw)
    return NewRequest(**base)  # type: ignore[arg-type]


"""Who is working: the worker record behind the current database login."""

from __future__ import annotations

import getpass

from sqlalchemy import select, text

from hubapp.data.models import Hub, Worker, WorkerHub, WorkerRole
from hubapp.data.uow import UnitOfWork
from hubapp.domain.dto import Actor
from hubapp.domain.errors import NotFound

ALL_ROLES = ("hub_worker", "family_support_worker", "coordinator", "manager", "hub_admin")


def local_username() -> str:
    """The operating-system user name, used as the worker name on the embedded database."""
    try:
        return getpass.getuser() or "local"
    except (KeyError, OSError):
        return "local"


def _actor(uow: UnitOfWork, worker: Worker) -> Actor:
    s = uow.session
    roles = tuple(sorted(s.scalars(select(WorkerRole.role).where(WorkerRole.worker_id == worker.id))))
    hubs = tuple(sorted(s.scalars(select(WorkerHub.hub_id).where(WorkerHub.worker_id == worker.id))))
    return Actor(worker.id, worker.username, worker.display_name, roles, hubs)


def whoami(uow: UnitOfWork) -> Actor:
    """The worker behind this connection: the PostgreSQL login role, or the OS user on SQLite.

    Raises:
        NotFound: no worker record exists for the login.
    """
    with uow:
        s = uow.session
        if uow.dialect == "postgresql":
            username = s.execute(text("SELECT current_user")).scalar_one()
        else:
            username = local_username()
        worker = s.scalars(select(Worker).where(Worker.username == username)).first()
        if worker is None:
            raise NotFound("worker", username)
        return _actor(uow, worker)


def ensure_local_worker(uow: UnitOfWork, username: str | None = None) -> Actor:
    """On the embedded database, make sure the PC's user has a worker record in every hub.

    The embedded database has one user at a time, who does every job (it is for training, demos
    and small hubs), so the worker holds every role and belongs to every hub, including hubs
    added later (demo data).
    """
    username = username or local_username()
    with uow:
        s = uow.session
        worker = s.scalars(select(Worker).where(Worker.username == username)).first()
        if worker is None:
            worker = Worker(username=username, display_name=username.replace(".", " ").title())
            s.add(worker)
            s.flush()
        have_roles = set(s.scalars(select(WorkerRole.role).where(WorkerRole.worker_id == worker.id)))
        for role in ALL_ROLES:
            if role not in have_roles:
                s.add(WorkerRole(worker_id=worker.id, role=role))
        have_hubs = set(s.scalars(select(WorkerHub.hub_id).where(WorkerHub.worker_id == worker.id)))
        for hub_id in s.scalars(select(Hub.id).where(Hub.active.is_(True))):
            if hub_id not in have_hubs:
                s.add(WorkerHub(worker_id=worker.id, hub_id=hub_id))
        uow.flush()
        actor = _actor(uow, worker)
        uow.commit()
        return actor


def ensure_default_hub(uow: UnitOfWork, name: str = "My hub") -> int:
    """Create a first hub on an empty embedded database, so requests can be logged at once."""
    with uow:
        s = uow.session
        existing = s.scalars(select(Hub.id).order_by(Hub.id)).first()
        if existing is not None:
            return existing
        hub = Hub(code="HUB1", name=name)
        s.add(hub)
        uow.flush()
        hub_id = hub.id
        uow.commit()
        return hub_id

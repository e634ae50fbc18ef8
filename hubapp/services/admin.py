"""Provisioning for administrators: hubs, teams, users and their PostgreSQL login roles.

Every function is idempotent (running it twice changes nothing the second time) and returns the
lines it wants printed: what it did, or that there was nothing to do. On PostgreSQL each user
gets a login role of their own, member of the group roles that carry the grants (migration
0002); on the embedded SQLite database only the worker records are kept.
"""

from __future__ import annotations

import re

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from hubapp.data.models import Hub, Setting, Team, Worker, WorkerHub, WorkerRole
from hubapp.data.uow import UnitOfWork
from hubapp.domain.errors import NotFound, ValidationError
from hubapp.domain.validation import SHORT_TEXT_MAX, check_length, require

#: Worker roles (``worker_role``) and the PostgreSQL group role each one joins.
ROLE_GROUPS = {
    "hub_worker": "hub_worker",
    "family_support_worker": "family_support_worker",
    "coordinator": "coordinator",
    "manager": "coordinator",
    "hub_admin": "hub_admin",
}
_USERNAME = re.compile(r"^[a-z][a-z0-9_.-]{1,62}$")
_HUB_CODE = re.compile(r"^[A-Z0-9_-]{1,20}$")
MIN_PASSWORD = 10


def _prefix(s: Session) -> str:
    value = s.scalar(select(Setting.value).where(Setting.key == "security.role_prefix"))
    return value if isinstance(value, str) else "hubapp_"


def _ident(s: Session, name: str) -> str:
    """``name`` quoted as an SQL identifier by the driver."""
    from psycopg import sql

    return sql.Identifier(name).as_string(s.connection().connection.driver_connection)


def _literal(s: Session, value: str) -> str:
    from psycopg import sql

    return sql.Literal(value).as_string(s.connection().connection.driver_connection)


def _role_exists(s: Session, name: str) -> bool:
    return s.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}) is not None


def check_password(password: str, field: str = "password") -> None:
    """A password must be at least ``MIN_PASSWORD`` characters."""
    if len(password) < MIN_PASSWORD:
        raise ValidationError.single(field, "min_length",
                                     f"Password must be at least {MIN_PASSWORD} characters long.")


def _hub(s: Session, code: str) -> Hub:
    hub = s.scalars(select(Hub).where(Hub.code == code.upper())).first()
    if hub is None:
        raise NotFound("hub", code)
    return hub


def _worker(s: Session, username: str) -> Worker:
    worker = s.scalars(select(Worker).where(Worker.username == username)).first()
    if worker is None:
        raise NotFound("user", username)
    return worker


def add_hub(uow: UnitOfWork, code: str, name: str) -> list[str]:
    """Create a hub (``code`` like ``NORTH``), or say it exists."""
    code = code.strip().upper()
    if not _HUB_CODE.match(code):
        raise ValidationError.single("code", "format", "Hub code must be up to 20 capital letters, digits, - or _.")
    if not name.strip():
        raise ValidationError.single("name", "required", "Hub name is required.")
    check_length(name, "name", "Hub name", SHORT_TEXT_MAX)
    with uow:
        s = uow.session
        if s.scalars(select(Hub).where(Hub.code == code)).first() is not None:
            return [f"hub {code} already exists"]
        s.add(Hub(code=code, name=name.strip()))
        uow.commit()
        return [f"created hub {code} ({name.strip()})"]


def add_team(uow: UnitOfWork, hub_code: str, name: str) -> list[str]:
    """Create a team in a hub, or say it exists."""
    require(name, "name", "Team name")
    check_length(name, "name", "Team name", SHORT_TEXT_MAX)
    with uow:
        s = uow.session
        hub = _hub(s, hub_code)
        if s.scalars(select(Team).where(Team.hub_id == hub.id, Team.name == name.strip())).first():
            return [f"team {name.strip()!r} already exists in hub {hub.code}"]
        s.add(Team(hub_id=hub.id, name=name.strip()))
        uow.commit()
        return [f"created team {name.strip()!r} in hub {hub.code}"]


def add_user(
    uow: UnitOfWork,
    username: str,
    display_name: str,
    roles: list[str],
    hub_codes: list[str],
    password: str | None = None,
) -> list[str]:
    """Create a user: a worker record with roles and hubs and, on PostgreSQL, a login role.

    Run again, it adds missing roles and hubs and leaves the password alone unless one is given.

    Raises:
        ValidationError: a malformed user name, an unknown role, a short password.
        NotFound: an unknown hub.
    """
    username = username.strip().lower()
    if not _USERNAME.match(username):
        raise ValidationError.single(
            "username", "format",
            "User name must start with a letter and use only lower-case letters, digits, '.', '_' or '-'.")
    unknown = [r for r in roles if r not in ROLE_GROUPS]
    if unknown or not roles:
        raise ValidationError.single("roles", "code", f"Roles must be some of {', '.join(ROLE_GROUPS)}.")
    check_length(display_name, "display_name", "Display name", SHORT_TEXT_MAX)
    if password is not None:
        check_password(password)
    done: list[str] = []
    with uow:
        s = uow.session
        hubs = [_hub(s, c) for c in hub_codes]
        worker = s.scalars(select(Worker).where(Worker.username == username)).first()
        if worker is None:
            worker = Worker(username=username, display_name=display_name.strip() or username)
            s.add(worker)
            s.flush()
            done.append(f"created worker {username} ({worker.display_name})")
        have_roles = set(s.scalars(select(WorkerRole.role).where(WorkerRole.worker_id == worker.id)))
        for role in roles:
            if role not in have_roles:
                s.add(WorkerRole(worker_id=worker.id, role=role))
                done.append(f"gave {username} the role {role}")
        have_hubs = set(s.scalars(select(WorkerHub.hub_id).where(WorkerHub.worker_id == worker.id)))
        for hub in hubs:
            if hub.id not in have_hubs:
                s.add(WorkerHub(worker_id=worker.id, hub_id=hub.id))
                done.append(f"added {username} to hub {hub.code}")
        if uow.dialect == "postgresql":
            done.extend(_ensure_login_role(s, username, roles, password))
        uow.commit()
    return done or [f"user {username} already set up; nothing to do"]


def _ensure_login_role(s: Session, username: str, roles: list[str], password: str | None) -> list[str]:
    done = []
    prefix = _prefix(s)
    who = _ident(s, username)
    if not _role_exists(s, username):
        if password is None:
            raise ValidationError.single("password", "required", "A new user needs a password.")
        s.execute(text(f"CREATE ROLE {who} LOGIN PASSWORD {_literal(s, password)}"))
        done.append(f"created login role {username}")
    elif password is not None:
        s.execute(text(f"ALTER ROLE {who} PASSWORD {_literal(s, password)}"))
        done.append(f"set a new password for {username}")
    for group in sorted({ROLE_GROUPS[r] for r in roles}):
        member = s.scalar(text(
            "SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
            "JOIN pg_roles u ON u.oid = m.member WHERE g.rolname = :g AND u.rolname = :u"
        ), {"g": prefix + group, "u": username})
        if member is None:
            s.execute(text(f"GRANT {_ident(s, prefix + group)} TO {who}"))
            done.append(f"granted {prefix + group} to {username}")
    return done


def disable_user(uow: UnitOfWork, username: str) -> list[str]:
    """Stop a user signing in (the worker record and everything they did stay)."""
    with uow:
        s = uow.session
        worker = _worker(s, username)
        done = []
        if worker.active:
            worker.active = False
            done.append(f"disabled worker {username}")
        if uow.dialect == "postgresql" and _role_exists(s, username):
            can_login = s.scalar(text("SELECT rolcanlogin FROM pg_roles WHERE rolname = :n"), {"n": username})
            if can_login:
                s.execute(text(f"ALTER ROLE {_ident(s, username)} NOLOGIN"))
                done.append(f"login role {username} can no longer sign in")
        uow.commit()
        return done or [f"user {username} is already disabled"]


def enable_user(uow: UnitOfWork, username: str) -> list[str]:
    """Let a disabled user sign in again."""
    with uow:
        s = uow.session
        worker = _worker(s, username)
        done = []
        if not worker.active:
            worker.active = True
            done.append(f"enabled worker {username}")
        if uow.dialect == "postgresql" and _role_exists(s, username):
            s.execute(text(f"ALTER ROLE {_ident(s, username)} LOGIN"))
            done.append(f"login role {username} may sign in")
        uow.commit()
        return done


def reset_password(uow: UnitOfWork, username: str, password: str) -> list[str]:
    """Set a user's password (PostgreSQL only: the embedded database has no passwords)."""
    check_password(password)
    with uow:
        s = uow.session
        _worker(s, username)
        if uow.dialect != "postgresql":
            return ["the embedded database has no passwords; nothing to do"]
        s.execute(text(f"ALTER ROLE {_ident(s, username)} PASSWORD {_literal(s, password)}"))
        uow.commit()
        return [f"set a new password for {username}"]


def change_own_password(uow: UnitOfWork, new_password: str) -> None:
    """The signed-in person changes their own password (PostgreSQL)."""
    check_password(new_password, "new_password")
    with uow:
        s = uow.session
        if uow.dialect != "postgresql":
            raise ValidationError.single("new_password", "embedded", "The embedded database has no passwords.")
        s.execute(text(f"ALTER ROLE CURRENT_USER PASSWORD {_literal(s, new_password)}"))
        uow.commit()


def move_user(uow: UnitOfWork, username: str, from_hub: str, to_hub: str) -> list[str]:
    """Move a user from one hub to another (row-level security follows at once)."""
    with uow:
        s = uow.session
        worker = _worker(s, username)
        source, target = _hub(s, from_hub), _hub(s, to_hub)
        done = []
        link = s.get(WorkerHub, (worker.id, source.id))
        if link is not None:
            s.delete(link)
            done.append(f"removed {username} from hub {source.code}")
        if s.get(WorkerHub, (worker.id, target.id)) is None:
            s.add(WorkerHub(worker_id=worker.id, hub_id=target.id))
            done.append(f"added {username} to hub {target.code}")
        uow.commit()
        return done or [f"{username} is already in hub {target.code} and not in {source.code}"]

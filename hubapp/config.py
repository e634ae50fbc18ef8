"""Where hubapp keeps its files, and which database a profile points at.

A profile names a database: the embedded SQLite file (the default, in the user's data
directory) or a shared PostgreSQL server. Profiles live in ``profiles.json`` in the user's
config directory; IT may drop a default one in. A password is never stored here: it is asked
for, or kept in the operating system's keyring (see ``hubapp.services.secrets``).

Environment variables, for tests and administrators:
    HUBAPP_DATABASE_URL: use this database URL and ignore profiles.
    HUBAPP_DATA_DIR: keep data (the SQLite file, drafts, logs) here instead.
    HUBAPP_CONFIG_DIR: read profiles from here instead.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import platformdirs
from sqlalchemy.engine import URL, make_url

APP_NAME = "hubapp"
APP_AUTHOR = "hubapp"


def data_dir() -> Path:
    """The per-user data directory (created if missing)."""
    override = os.environ.get("HUBAPP_DATA_DIR")
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_dir() -> Path:
    """The per-user config directory (created if missing)."""
    override = os.environ.get("HUBAPP_CONFIG_DIR")
    path = Path(override) if override else Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_sqlite_path() -> Path:
    """The embedded database file."""
    return data_dir() / "hubapp.sqlite"


@dataclass(frozen=True, slots=True)
class Profile:
    """A named database connection, without any secret.

    Args:
        name: what the person sees in the connection dialog.
        kind: ``"sqlite"`` or ``"postgresql"``.
        path: the SQLite file (for ``sqlite``); empty means the default file.
        host, port, database, username: the PostgreSQL server (for ``postgresql``).
    """

    name: str
    kind: str = "sqlite"
    path: str = ""
    host: str = ""
    port: int = 5432
    database: str = ""
    username: str = ""

    def url(self, password: str | None = None) -> str:
        """The SQLAlchemy URL for this profile (with the password only if given)."""
        if self.kind == "sqlite":
            return f"sqlite:///{Path(self.path) if self.path else default_sqlite_path()}"
        return URL.create(
            "postgresql+psycopg",
            username=self.username or None,
            password=password,
            host=self.host or None,
            port=self.port,
            database=self.database,
        ).render_as_string(hide_password=False)

    @property
    def sqlite_path(self) -> Path | None:
        """The SQLite file, for the embedded kind."""
        if self.kind != "sqlite":
            return None
        return Path(self.path) if self.path else default_sqlite_path()


EMBEDDED = Profile(name="This PC (embedded)")


def profiles_file() -> Path:
    """The file holding the saved profiles."""
    return config_dir() / "profiles.json"


def load_profiles() -> list[Profile]:
    """The saved profiles, with the embedded one first. A broken file raises ``ValueError``."""
    path = profiles_file()
    profiles = [EMBEDDED]
    if not path.exists():
        return profiles
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        items = raw.get("profiles", []) if isinstance(raw, dict) else raw
        profiles.extend(Profile(**item) for item in items)
    except (OSError, ValueError, TypeError) as exc:
        raise ValueError(f"The profile file {path} cannot be read: {exc}") from exc
    return profiles


def save_profiles(profiles: list[Profile]) -> None:
    """Save the profiles (the embedded one is implicit and not saved)."""
    items = [asdict(p) for p in profiles if p != EMBEDDED]
    profiles_file().write_text(json.dumps({"profiles": items}, indent=2), encoding="utf-8")


def url_from_environment() -> str | None:
    """``HUBAPP_DATABASE_URL`` if set."""
    return os.environ.get("HUBAPP_DATABASE_URL") or None


def sqlite_path_of(url: str) -> Path | None:
    """The file of a SQLite URL, or ``None`` for other databases and in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)

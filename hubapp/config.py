"""Where hubapp keeps its files, and which database a profile points at.

A profile names a database: the embedded SQLite file (the default, in the user's data
directory) or a shared PostgreSQL server. Profiles live in ``profiles.json`` in the user's
config directory; IT may drop a default one in. A password is never stored here: it is asked
for, or kept in the operating system's keyring (see ``hubapp.services.secrets``).

Environment variables, for tests and administrators:
    HUBAPP_DATABASE_URL: use this database URL and ignore profiles.
    HUBAPP_DATA_DIR: keep data (the SQLite file, drafts, logs) here instead.
    HUBAPP_CONFIG_DIR: read profiles from here instead.
    HUBAPP_SITE_CONFIG_DIR: read the machine-wide profiles (the ones IT drops in) from here.

The machine-wide ``profiles.json`` (``C:\\ProgramData\\hubapp\\hubapp`` on Windows, ``/etc/xdg/hubapp``
on Linux) is read after the user's: a profile of the same name in the user's file wins. A file's
``"default"`` names the profile the program opens when no URL is given (the user's default wins)::

    {"default": "County hubs", "profiles": [{"name": "County hubs", "kind": "postgresql",
     "host": "db.example.gov.uk", "port": 5432, "database": "hubapp"}]}
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


class ProfileError(ValueError):
    """A profile file cannot be read, or the profile asked for is in none of them."""


def site_config_dir() -> Path:
    """The machine-wide config directory, where IT may drop a default ``profiles.json`` (not created)."""
    override = os.environ.get("HUBAPP_SITE_CONFIG_DIR")
    return Path(override) if override else Path(platformdirs.site_config_dir(APP_NAME, APP_AUTHOR))


def site_profiles_file() -> Path:
    """The machine-wide profile file (read after the user's)."""
    return site_config_dir() / "profiles.json"


def _read_profile_file(path: Path) -> tuple[list[Profile], str | None]:
    """The profiles in one file and the name of its default; a missing file holds none.

    Raises:
        ProfileError: the file cannot be read, is not a profile file, or holds a password.
    """
    if not path.exists():
        return [], None
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        items = raw.get("profiles", []) if isinstance(raw, dict) else raw
        default = raw.get("default") if isinstance(raw, dict) else None
        if any("password" in item for item in items):
            raise ValueError("a profile file must never hold a password; remove it")
        profiles = [Profile(**item) for item in items]
        if any(p.kind not in ("sqlite", "postgresql") for p in profiles):
            raise ValueError('"kind" must be "sqlite" or "postgresql"')
    except (OSError, ValueError, TypeError, AttributeError) as exc:
        raise ProfileError(f"The profile file {path} cannot be read: {exc}") from exc
    return profiles, str(default) if default else None


def load_profiles() -> list[Profile]:
    """The profiles: the embedded one, the user's, then the machine-wide ones not named alike.

    Raises:
        ProfileError: (a ``ValueError``) a profile file cannot be read.
    """
    profiles = [EMBEDDED]
    for path in (profiles_file(), site_profiles_file()):
        names = {p.name for p in profiles}
        profiles.extend(p for p in _read_profile_file(path)[0] if p.name not in names)
    return profiles


def startup_profile(name: str | None = None) -> Profile:
    """The profile to open: ``name``, else the user's default, else the machine's, else embedded.

    Raises:
        ProfileError: a profile file cannot be read, or no profile has the name asked for.
    """
    profiles = load_profiles()
    files = (profiles_file(), site_profiles_file())
    wanted = name or next((d for d in (_read_profile_file(f)[1] for f in files) if d), None)
    if not wanted:
        return EMBEDDED
    for profile in profiles:
        if profile.name == wanted:
            return profile
    looked = " and ".join(f"{f}{'' if f.exists() else ' (missing)'}" for f in files)
    raise ProfileError(f"There is no connection profile called “{wanted}”. Looked in {looked}.")


def save_profiles(profiles: list[Profile]) -> None:
    """Save the user's profiles (the embedded one and unchanged machine-wide ones are not saved)."""
    try:
        site = set(_read_profile_file(site_profiles_file())[0])
    except ProfileError:
        site = set()
    items = [asdict(p) for p in profiles if p != EMBEDDED and p not in site]
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

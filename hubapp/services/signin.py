"""Signing in again and changing one's own password, for the UI's lock screen and password dialog.

Kept here (Qt-free) so the UI never touches the data layer: the lock checks a password by letting
the server accept or refuse a fresh connection, and a changed password is used for the
connections the open pool makes from then on, and replaces a remembered one in the keyring.
"""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import make_url

from hubapp.config import Profile
from hubapp.data.db import make_engine
from hubapp.data.uow import translate_db_error

from . import admin, secrets
from .session import Backend


def needs_password(url: str) -> bool:
    """Whether signing in to this database takes a password (a PostgreSQL server)."""
    return make_url(url).get_backend_name() == "postgresql"


def verify_password(url: str, password: str) -> bool:
    """Whether the server accepts ``password`` for the URL's login (call from a worker).

    Raises:
        SignInFailed: the server refused the password (or the account is disabled).
        DatabaseUnavailable: the server cannot be reached.
    """
    engine = make_engine(make_url(url).set(password=password).render_as_string(hide_password=False),
                         pool_size=1)
    try:
        with engine.connect():
            return True
    except Exception as exc:
        translated = translate_db_error(exc)
        if translated is not None:
            raise translated from exc
        raise
    finally:
        engine.dispose()


def profile_of(url: str) -> Profile:
    """The connection profile (for the keyring key) of a server URL."""
    parsed = make_url(url)
    return Profile(name="", kind="postgresql", host=parsed.host or "", port=parsed.port or 5432,
                   database=parsed.database or "", username=parsed.username or "")


def change_password(backend: Backend, new_password: str) -> str:
    """Change the signed-in person's password; update the keyring if it remembered the old one.

    Returns:
        What to tell the person.

    Raises:
        ValidationError: too short, or the embedded database (which has no passwords).
    """
    admin.change_own_password(backend.uow(), new_password)

    @event.listens_for(backend.db.engine, "do_connect")
    def _new_password(_dialect: object, _record: object, _cargs: object, cparams: dict[str, object]) -> None:
        cparams["password"] = new_password

    profile = profile_of(backend.url)
    if secrets.load_password(profile) is not None:
        try:
            secrets.save_password(profile, new_password)
        except secrets.KeyringUnavailable as exc:
            return f"Your password was changed. {exc}"
        return "Your password was changed, and the password store remembers the new one."
    return "Your password was changed."

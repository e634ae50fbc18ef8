"""Passwords in the operating system's keyring, and nowhere else.

Keys are ``user@host:port/database`` under one service name. There is no plaintext fallback:
when no usable keyring backend exists, saving says so (``KeyringUnavailable``) and the person
types the password each time. Keyring calls can block while the OS unlocks its store, so the UI
calls these from a worker thread. ``keyring`` is imported at the first call (a tenth of a second
of start-up that a program opening its embedded file, or given its database, never needs).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from hubapp.config import Profile
from hubapp.domain.errors import DomainError

if TYPE_CHECKING:
    import keyring.backend

SERVICE = "hubapp"

# Backends that keep secrets in plain files or nowhere: never used for a password.
_REFUSED = ("keyrings.alt.file.PlaintextKeyring", "keyring.backends.null.Keyring",
            "keyring.backends.fail.Keyring")


class KeyringUnavailable(DomainError):
    """No secure keyring is available, so the password cannot be remembered."""

    def __init__(self, backend: str) -> None:
        super().__init__(
            f"This computer has no secure password store hubapp can use ({backend}). The password "
            "will not be remembered; you will be asked for it each time you sign in."
        )


@dataclass(frozen=True, slots=True)
class BackendInfo:
    """The keyring backend in use, for the connection dialog."""

    name: str
    usable: bool


def key_for(profile: Profile) -> str:
    """The keyring entry name of a profile's password."""
    return f"{profile.username}@{profile.host}:{profile.port}/{profile.database}"


def _qualified(backend: keyring.backend.KeyringBackend) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def backend_info() -> BackendInfo:
    """Which backend keyring would use, and whether hubapp accepts it."""
    import keyring

    backend = keyring.get_keyring()
    name = _qualified(backend)
    chained = getattr(backend, "backends", None)
    if chained is not None:
        usable = any(_qualified(b) not in _REFUSED for b in chained)
    else:
        usable = name not in _REFUSED
    return BackendInfo(name=name, usable=usable)


def save_password(profile: Profile, password: str) -> None:
    """Remember the password for a profile (the person opted in).

    Raises:
        KeyringUnavailable: no secure backend; nothing was stored anywhere.
    """
    import keyring
    from keyring.errors import KeyringError, NoKeyringError

    info = backend_info()
    if not info.usable:
        raise KeyringUnavailable(info.name)
    try:
        keyring.set_password(SERVICE, key_for(profile), password)
    except (NoKeyringError, KeyringError) as exc:
        raise KeyringUnavailable(f"{info.name}: {exc}") from exc


def load_password(profile: Profile) -> str | None:
    """The remembered password, or ``None`` (none saved, or no usable keyring)."""
    import keyring
    from keyring.errors import KeyringError, NoKeyringError

    if not backend_info().usable:
        return None
    try:
        return keyring.get_password(SERVICE, key_for(profile))
    except (NoKeyringError, KeyringError):
        return None


def forget_password(profile: Profile) -> None:
    """Remove a remembered password, if there is one."""
    import keyring
    from keyring.errors import KeyringError, NoKeyringError, PasswordDeleteError

    try:
        keyring.delete_password(SERVICE, key_for(profile))
    except (PasswordDeleteError, NoKeyringError, KeyringError):
        pass

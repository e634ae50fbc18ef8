"""Passwords go to the keyring only; without a secure backend nothing is stored."""

from __future__ import annotations

import keyring
import pytest
from keyring.backends import fail, null

from hubapp.config import Profile
from hubapp.services import secrets

PROFILE = Profile(name="Hub server", kind="postgresql", host="db.example.org", database="hubapp",
                  username="amira.khan")


def test_save_load_forget(memory_keyring) -> None:  # type: ignore[no-untyped-def]
    assert secrets.load_password(PROFILE) is None
    secrets.save_password(PROFILE, "s3cret-enough")
    assert memory_keyring.store == {("hubapp", "amira.khan@db.example.org:5432/hubapp"): "s3cret-enough"}
    assert secrets.load_password(PROFILE) == "s3cret-enough"
    secrets.forget_password(PROFILE)
    assert secrets.load_password(PROFILE) is None
    secrets.forget_password(PROFILE)  # forgetting twice is fine


@pytest.mark.parametrize("backend", [fail.Keyring(), null.Keyring()])
def test_no_secure_backend_means_a_clear_refusal_and_nothing_stored(backend) -> None:  # type: ignore[no-untyped-def]
    keyring.set_keyring(backend)
    info = secrets.backend_info()
    assert not info.usable
    with pytest.raises(secrets.KeyringUnavailable) as caught:
        secrets.save_password(PROFILE, "s3cret-enough")
    assert "will not be remembered" in str(caught.value)
    assert secrets.load_password(PROFILE) is None


def test_profile_urls_never_carry_a_password_unless_given() -> None:
    assert "s3cret" not in PROFILE.url()
    assert PROFILE.url("s3cret").startswith("postgresql+psycopg://amira.khan:s3cret@db.example.org")

"""The lock screen's password check and "change my password" against real login roles.

The test server may trust local connections (no password check); the wrong-password parts then
say so and are skipped, while a disabled account is refused either way.
"""

from __future__ import annotations

import pytest

from hubapp.data.uow import UnitOfWork
from hubapp.domain.errors import SignInFailed
from hubapp.services import admin, secrets, signin
from tests.integration.test_security_pg import PASSWORD, Org, org  # noqa: F401 - the fixture

pytestmark = pytest.mark.postgres


def _passwords_checked(url: str) -> bool:
    try:
        signin.verify_password(url, "surely not the password")
    except SignInFailed:
        return True
    return False


def test_the_lock_checks_the_password_with_the_server(org: Org) -> None:  # noqa: F811
    url = org.url_for("alice")
    assert signin.needs_password(url) and not signin.needs_password("sqlite:////tmp/x.sqlite")
    assert signin.verify_password(url, PASSWORD)
    admin.disable_user(UnitOfWork(org.db), org.user("alice"))
    with pytest.raises(SignInFailed, match="disabled"):
        signin.verify_password(url, PASSWORD)


def test_change_my_password_keeps_the_session_and_the_keyring_in_step(org: Org) -> None:  # noqa: F811
    alice = org.backend("alice")
    profile = signin.profile_of(alice.url)
    secrets.save_password(profile, PASSWORD)
    new = "a much better passphrase"
    assert "remembers the new one" in signin.change_password(alice, new)
    assert secrets.load_password(profile) == new
    alice.db.engine.dispose()  # connections made from now on use the new password
    assert alice.is_empty() is False
    assert signin.verify_password(alice.url, new)
    if not _passwords_checked(alice.url):
        alice.close()
        pytest.skip("the test server trusts local connections, so an old password cannot be refused")
    with pytest.raises(SignInFailed):
        signin.verify_password(alice.url, PASSWORD)
    alice.close()

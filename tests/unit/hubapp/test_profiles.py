"""Connection profiles: the user's file, the machine-wide one IT drops in, and the default."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hubapp import config
from hubapp.config import EMBEDDED, Profile, ProfileError

SHARED = {
    "name": "County hubs",
    "kind": "postgresql",
    "host": "db.example.gov.uk",
    "database": "hubapp",
}


def _write(path: Path, content: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")


def test_without_files_the_embedded_database_is_opened() -> None:
    assert config.load_profiles() == [EMBEDDED]
    assert config.startup_profile() == EMBEDDED


def test_the_machine_wide_default_is_used_and_reads_after_the_users() -> None:
    _write(config.site_profiles_file(), {"default": "County hubs", "profiles": [SHARED]})
    _write(
        config.profiles_file(), {"profiles": [{"name": "Training", "path": "/tmp/training.sqlite"}]}
    )
    names = [p.name for p in config.load_profiles()]
    assert names == [EMBEDDED.name, "Training", "County hubs"]
    chosen = config.startup_profile()
    assert (chosen.kind, chosen.host, chosen.database) == (
        "postgresql",
        "db.example.gov.uk",
        "hubapp",
    )
    assert chosen.url() == "postgresql+psycopg://db.example.gov.uk:5432/hubapp"


def test_the_users_profile_and_default_win_over_the_machines() -> None:
    _write(config.site_profiles_file(), {"default": "County hubs", "profiles": [SHARED]})
    _write(
        config.profiles_file(),
        {"default": "County hubs", "profiles": [{**SHARED, "host": "test-db.example.gov.uk"}]},
    )
    assert config.startup_profile().host == "test-db.example.gov.uk"
    assert [p.name for p in config.load_profiles()].count("County hubs") == 1


def test_a_profile_asked_for_by_name_must_exist() -> None:
    _write(config.site_profiles_file(), {"profiles": [SHARED]})
    assert config.startup_profile("County hubs").database == "hubapp"
    with pytest.raises(ProfileError, match="no connection profile called “Live”") as caught:
        config.startup_profile("Live")
    assert "(missing)" in str(caught.value)  # the user's file does not exist


def test_a_default_naming_no_profile_is_an_error() -> None:
    _write(config.site_profiles_file(), {"default": "Gone", "profiles": [SHARED]})
    with pytest.raises(ProfileError, match="Gone"):
        config.startup_profile()


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        {"profiles": [{"name": "x", "colour": "red"}]},
        {"profiles": [{"name": "x", "kind": "oracle"}]},
        {"profiles": "County hubs"},
    ],
)
def test_a_broken_file_is_named_in_the_error(content: object) -> None:
    _write(config.site_profiles_file(), content)
    with pytest.raises(ProfileError, match="cannot be read") as caught:
        config.load_profiles()
    assert str(config.site_profiles_file()) in str(caught.value)


def test_a_profile_file_with_a_password_is_refused() -> None:
    _write(config.profiles_file(), {"profiles": [{**SHARED, "password": "secret"}]})
    with pytest.raises(ProfileError, match="never hold a password"):
        config.startup_profile()


def test_an_unreadable_file_is_an_error() -> None:
    # A folder where the file should be cannot be read, even by root (who reads any file).
    config.site_profiles_file().mkdir(parents=True)
    with pytest.raises(ProfileError, match="cannot be read"):
        config.load_profiles()


def test_saving_keeps_machine_wide_profiles_out_of_the_users_file() -> None:
    _write(config.site_profiles_file(), {"profiles": [SHARED]})
    mine = Profile(name="Training", path="/tmp/training.sqlite")
    config.save_profiles([*config.load_profiles(), mine])
    saved = json.loads(config.profiles_file().read_text(encoding="utf-8"))
    assert [p["name"] for p in saved["profiles"]] == ["Training"]


def test_the_machine_wide_folder_follows_platformdirs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HUBAPP_SITE_CONFIG_DIR")
    import platformdirs

    assert config.site_config_dir() == Path(platformdirs.site_config_dir("hubapp", "hubapp"))

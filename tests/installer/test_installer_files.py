"""installer/ is code (STYLE R25): the spec, the version resource, the Inno Setup script, the
icons and the desktop entry are checked here without building anything (``installer/build``
builds and smoke-tests the bundle)."""

from __future__ import annotations

import ast
import configparser
import importlib.util
import os
import re
import runpy
import subprocess
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pytest
from PIL import Image

from hubapp import config

ROOT = Path(__file__).resolve().parents[2]
INSTALLER = ROOT / "installer"
SPEC = (INSTALLER / "hubapp.spec").read_text(encoding="utf-8")
ISS = (INSTALLER / "hubapp.iss").read_text(encoding="utf-8")
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _spec_value(name: str) -> object:
    """A top-level literal-ish assignment of the spec, evaluated with ``ROOT`` and ``Path`` only."""
    for node in ast.parse(SPEC).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            return eval(
                compile(ast.Expression(node.value), "hubapp.spec", "eval"),
                {"ROOT": ROOT, "Path": Path},
            )
    raise AssertionError(f"{name} is not assigned in hubapp.spec")


def _literal_strings(name: str) -> list[str]:
    """The string literals of a list assigned in the spec (calls left out)."""
    for node in ast.parse(SPEC).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            assert isinstance(node.value, ast.List)
            return [
                e.value
                for e in node.value.elts
                if isinstance(e, ast.Constant) and isinstance(e.value, str)
            ]
    raise AssertionError(f"{name} is not assigned in hubapp.spec")


def _versioninfo() -> ModuleType:
    spec = importlib.util.spec_from_file_location("versioninfo", INSTALLER / "versioninfo.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---- The spec ------------------------------------------------------------------------------------


def test_bundled_folders_exist_and_land_where_the_resolver_and_the_wheel_put_them() -> None:
    data_dirs = _spec_value("DATA_DIRS")
    assert isinstance(data_dirs, list)
    for source, _dest in data_dirs:
        assert source.is_dir() and any(source.iterdir()), source
    bundled = {source.relative_to(ROOT).as_posix(): dest for source, dest in data_dirs}
    wheel = PYPROJECT["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert bundled == wheel  # the frozen bundle and the wheel agree
    # hubapp.paths looks in <hubapp package>/_migrations and <ui package>/_resources.
    assert bundled == {"migrations": "hubapp/_migrations", "resources": "ui/_resources"}
    assert (ROOT / "migrations" / "env.py").is_file() and (ROOT / "resources" / "fonts").is_dir()


def test_the_spec_makes_three_executables_without_upx() -> None:
    for name, console in (("hubapp", False), ("hubapp-debug", True), ("hubapp-admin", True)):
        assert re.search(rf'_exe\(\w+, \w+, "{name}", console={console}\)', SPEC), name
    assert "upx=True" not in SPEC and SPEC.count("upx=False") == 2
    assert 'name="hubapp"' in SPEC  # the COLLECT folder the .iss installs
    assert (INSTALLER / "launch_hubapp.py").is_file() and (INSTALLER / "launch_admin.py").is_file()


def test_the_icon_and_keyring_and_qtpdf_are_bundled() -> None:
    icon = _spec_value("ICON")
    assert isinstance(icon, Path) and icon.is_file() and icon.suffix == ".ico"
    assert 'collect_submodules("keyring.backends")' in SPEC and 'copy_metadata("keyring")' in SPEC
    # The plan preview: QtPdf comes from PySide6-Addons up to 6.11 and from PySide6-Pdf after.
    assert {"PySide6.QtPdf", "PySide6.QtPdfWidgets"} <= set(_literal_strings("hiddenimports"))


def test_hidden_imports_exist() -> None:
    import psycopg  # noqa: F401 - psycopg_binary refuses to be imported first

    for name in _literal_strings("hiddenimports"):
        assert importlib.util.find_spec(name) is not None, f"hidden import {name} is not installed"


def test_no_excluded_module_is_one_the_program_imports() -> None:
    excluded = set(_literal_strings("excludes"))
    imported = set()
    for path in [*(ROOT / "hubapp").rglob("*.py"), *(ROOT / "ui").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imported.add(node.module)
            elif isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
    clash = {m for m in imported for e in excluded if m == e or m.startswith(e + ".")}
    assert not clash, f"excluded but imported: {sorted(clash)}"
    assert {
        "PySide6.QtQml",
        "PySide6.QtWebEngineCore",
        "PySide6.QtMultimedia",
        "PySide6.Qt3DCore",
    } <= excluded


def test_the_faker_hook_keeps_english_and_the_lorem_default_only() -> None:
    hook = (
        runpy.run_path(str(INSTALLER / "hooks" / "hook-faker.py"), run_name="hook")
        if importlib.util.find_spec("PyInstaller")
        else None
    )
    if hook is None:
        pytest.skip("PyInstaller is not installed (pip install -e '.[build]')")
    kept = hook["_kept"]
    assert kept("faker.providers.person.en_GB") and kept("faker.providers.lorem.la")
    assert kept("faker.providers.person") and kept("faker.providers")
    assert not kept("faker.providers.person.fr_FR") and not kept(
        "faker/providers/address/ja_JP/__init__.py"
    )


# ---- The version resource ------------------------------------------------------------------------


def test_the_version_resource_is_pyprojects_version() -> None:
    versioninfo = _versioninfo()
    version = PYPROJECT["project"]["version"]
    assert versioninfo.project_version() == version
    text = versioninfo.version_file_text(version, "hubapp")
    ast.parse(text)  # PyInstaller evaluates it as Python
    numbers = versioninfo.version_tuple(version)
    assert f"filevers={numbers!r}" in text and f"prodvers={numbers!r}" in text
    assert f"StringStruct('ProductVersion', '{version}')" in text
    assert "StringStruct('OriginalFilename', 'hubapp.exe')" in text


@pytest.mark.parametrize(
    ("version", "numbers"),
    [
        ("0.1.0", (0, 1, 0, 0)),
        ("1.2.3rc1", (1, 2, 3, 0)),
        ("2", (2, 0, 0, 0)),
        ("1.2.3.4.5", (1, 2, 3, 4)),
    ],
)
def test_version_numbers_for_windows(version: str, numbers: tuple[int, ...]) -> None:
    assert _versioninfo().version_tuple(version) == numbers


def test_build_tools_are_pinned() -> None:
    build = PYPROJECT["project"]["optional-dependencies"]["build"]
    assert any(pin.startswith("pyinstaller==") for pin in build)
    assert all(re.fullmatch(r"[\w.-]+==[\w.]+", pin) for pin in build)


def test_the_build_command_is_executable_and_documents_itself() -> None:
    build = INSTALLER / "build"
    if os.name != "nt":
        assert os.access(build, os.X_OK)
    result = subprocess.run(
        [sys.executable, str(build), "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and "--smoke-only" in result.stdout


# ---- The Inno Setup script -----------------------------------------------------------------------


def _iss_section(name: str) -> str:
    match = re.search(rf"^\[{name}\]\n(.*?)(?=^\[|\Z)", ISS, re.S | re.M)
    assert match, f"no [{name}] section"
    return match.group(1)


def test_the_installer_is_per_machine_with_a_start_menu_entry_and_an_uninstaller() -> None:
    setup = _iss_section("Setup")
    assert re.search(r"^PrivilegesRequired=admin$", setup, re.M)
    assert "PrivilegesRequiredOverridesAllowed" not in setup
    assert re.search(r"^AppId=\{\{[0-9A-F-]{36}\}$", setup, re.M)
    assert re.search(r"^DefaultDirName=\{autopf\}", setup, re.M)
    assert "Uninstallable=no" not in setup and "UninstallDisplayIcon=" in setup
    assert re.search(
        r'^Name: "\{autoprograms\}\\\{#AppName\}"; Filename: "\{app\}\\\{#AppExe\}"',
        _iss_section("Icons"),
        re.M,
    )
    icon = re.search(r"^SetupIconFile=(.+)$", setup, re.M)
    assert icon and (INSTALLER / icon.group(1).replace("\\", "/")).resolve().is_file()


def test_the_installer_takes_the_bundle_pyinstaller_makes() -> None:
    assert r'"..\dist\hubapp"' in ISS and 'AppExe "hubapp.exe"' in ISS
    assert 'GetFileProductVersionString(AddBackslash(SourceDir) + "hubapp.exe")' in ISS


def test_the_profile_goes_where_the_program_reads_it_and_never_holds_a_password() -> None:
    files = _iss_section("Files")
    dest = re.search(
        r'Source: "\{code:ProfileSource\}"; DestDir: "([^"]+)"; DestName: "profiles.json"', files
    )
    assert dest, "the optional profile file is not installed"
    # platformdirs' site_config_dir on Windows is C:\ProgramData\<author>\<name>.
    assert dest.group(1) == rf"{{commonappdata}}\{config.APP_AUTHOR}\{config.APP_NAME}"
    assert config.site_profiles_file().name == "profiles.json"
    assert "Check: HasProfile" in files and "external" in files
    assert "Pos('password', Lowercase(" in ISS  # setup refuses a profile with a password
    assert "{param:PROFILE|}" in ISS


def test_no_user_data_goes_into_the_install_folder() -> None:
    for line in _iss_section("Files").splitlines():
        if line.startswith("Source:") and "{app}" in line:
            assert "{userappdata}" not in line and "{localappdata}" not in line
    for section in ("Files", "Dirs", "Icons", "Run"):
        body = _iss_section(section)
        assert "{userappdata}" not in body and "{localappdata}" not in body
    assert "UninstallDelete" not in ISS  # the uninstaller never removes anyone's data


# ---- Icons and the Linux desktop entry -----------------------------------------------------------


def test_the_app_icon_exists_as_svg_png_and_ico() -> None:
    icons = ROOT / "resources" / "icons"
    assert (icons / "hubapp.svg").read_text(encoding="utf-8").lstrip().startswith("<svg")
    assert Image.open(icons / "hubapp.png").size == (256, 256)
    ico = Image.open(icons / "hubapp.ico")
    assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= set(ico.info["sizes"])


def test_the_desktop_entry_is_complete() -> None:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(ROOT / "resources" / "hubapp.desktop", encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application" and entry["Name"] == "hubapp"
    assert entry["Exec"].split()[0] == "hubapp" and entry["Terminal"] == "false"
    assert (ROOT / "resources" / "icons" / f"{entry['Icon']}.svg").is_file()
    assert entry["Categories"].endswith(";")

"""The Windows version resource of the frozen executables, generated from ``pyproject.toml``.

``pyproject.toml``'s ``[project] version`` is the one version number: the spec calls
:func:`write_version_file` for each executable, so Explorer's Properties > Details, the installer
(``hubapp.iss`` reads ``hubapp.exe``'s product version) and the self-test all agree. Standard
library only, so the tests check it without PyInstaller.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"

COMPANY = "hubapp"
DESCRIPTION = "hubapp - Early Help hub desktop client"
COPYRIGHT = "Proprietary; fonts: Noto Sans, SIL Open Font License 1.1"


def project_version(pyproject: Path = PYPROJECT) -> str:
    """The ``[project] version`` string, e.g. ``"0.1.0"``."""
    with pyproject.open("rb") as f:
        return str(tomllib.load(f)["project"]["version"])


def version_tuple(version: str) -> tuple[int, int, int, int]:
    """The four numbers Windows wants: ``"1.2.3rc1"`` -> ``(1, 2, 3, 0)``.

    Raises:
        ValueError: the version does not start with a number.
    """
    match = re.match(r"\d+(?:\.\d+)*", version)
    if match is None:
        raise ValueError(f"not a version number: {version!r}")
    # A pre-release (1.2.3rc1) keeps only its release numbers; the text version says the rest.
    numbers = [int(n) for n in match.group(0).split(".")][:4]
    numbers += [0] * (4 - len(numbers))
    return (numbers[0], numbers[1], numbers[2], numbers[3])


def version_file_text(version: str, exe_name: str) -> str:
    """The text of a PyInstaller version file (``VSVersionInfo``) for one executable."""
    numbers = version_tuple(version)
    strings = {
        "CompanyName": COMPANY,
        "FileDescription": DESCRIPTION,
        "FileVersion": version,
        "InternalName": exe_name,
        "LegalCopyright": COPYRIGHT,
        "OriginalFilename": f"{exe_name}.exe",
        "ProductName": "hubapp",
        "ProductVersion": version,
    }
    string_structs = ",\n".join(f"          StringStruct({k!r}, {v!r})" for k, v in strings.items())
    return f"""# Generated from pyproject.toml by installer/versioninfo.py; do not edit.
VSVersionInfo(
  ffi=FixedFileInfo(
    filevers={numbers!r},
    prodvers={numbers!r},
    mask=0x3f,
    flags=0x0,
    OS=0x40004,
    fileType=0x1,
    subtype=0x0,
    date=(0, 0)
  ),
  kids=[
    StringFileInfo([
      StringTable(
        '080904B0',
        [
{string_structs}
        ])
    ]),
    VarFileInfo([VarStruct('Translation', [2057, 1200])])
  ]
)
"""


def write_version_file(folder: Path, exe_name: str, version: str | None = None) -> Path:
    """Write ``<folder>/version-<exe_name>.txt`` and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"version-{exe_name}.txt"
    path.write_text(version_file_text(version or project_version(), exe_name), encoding="utf-8")
    return path

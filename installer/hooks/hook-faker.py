"""PyInstaller hook for Faker, used instead of the contributed one: English locales only.

The demo data generator asks for ``Faker("en_GB")`` (providers without it fall back to their
default locale, ``en_US`` or lorem's ``la``); the
contributed hook ships every locale of every provider (about 25 MB over two executables). Faker
lists its providers and locales from the ``__init__.py`` files on disk when frozen, so those are
shipped as data for the kept locales, and the modules themselves go into the archive.
"""

from pathlib import Path

from PyInstaller.utils.hooks import collect_data_files, collect_submodules, get_package_paths

# "la" is the lorem provider's own default, used for any locale it lacks (en_GB among them).
KEEP_LOCALES = {"en", "en_GB", "en_US", "la"}


def _kept(module_or_path: str) -> bool:
    """Whether a provider module (or file) is generic or one of the kept locales."""
    parts = module_or_path.replace("\\", "/").replace(".", "/").split("/")
    try:
        at = parts.index("providers")
    except ValueError:
        return True
    rest = [p for p in parts[at + 1 :] if p not in ("__init__", "py")]
    # providers/<provider>/<locale>/...: a locale folder sits two levels below "providers".
    return len(rest) < 2 or rest[1] in KEEP_LOCALES


hiddenimports = collect_submodules("faker.providers", filter=_kept)
_, _providers = get_package_paths("faker.providers")
datas = collect_data_files("text_unidecode") + [
    (src, dest)
    for src, dest in collect_data_files("faker.providers", include_py_files=True)
    if _kept(str(Path(src).relative_to(Path(_providers).parent.parent)))
]

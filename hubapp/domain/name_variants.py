"""Name variants: spellings of one name that phonetic codes miss ("Siobhan" and "Shivaun").

The table is data, not code: ``name_variants.json`` beside this module ships the defaults, and
an authority adds its own groups in a file of the same format (see
:func:`hubapp.services.duplicates.variant_table`, which merges ``name_variants.json`` from the
user's config directory). Each group is one name; a name may sit in several groups (``alex`` is
short for Alexander and Alexandra), and two names are variants when one group holds both.
Matching is on folded text (:func:`hubapp.domain.names.fold`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from hubapp.domain.names import fold

RESOURCE = "name_variants.json"


@dataclass(frozen=True)
class VariantTable:
    """Groups of names that are one name, indexed by each folded spelling.

    Args:
        groups: the groups, each an iterable of spellings.
    """

    groups: tuple[frozenset[str], ...]
    _index: dict[str, frozenset[str]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, set[str]] = {}
        for group in self.groups:
            for name in group:
                index.setdefault(name, set()).update(group)
        object.__setattr__(self, "_index", {k: frozenset(v) for k, v in index.items()})

    @classmethod
    def from_groups(cls, groups: Iterable[Iterable[str]]) -> VariantTable:
        """Build a table from raw spellings (folded here; groups of fewer than two are dropped)."""
        folded = []
        for group in groups:
            names = frozenset(n for n in (fold(str(x)) for x in group) if n)
            if len(names) >= 2:
                folded.append(names)
        return cls(tuple(folded))

    def merged(self, other: VariantTable) -> VariantTable:
        """This table with another's groups added."""
        return VariantTable(self.groups + other.groups)

    def variants_of(self, name: str) -> frozenset[str]:
        """Every spelling that is a variant of ``name`` (folded), not including ``name`` itself."""
        key = fold(name)
        return self._index.get(key, frozenset()) - {key}

    def are_variants(self, a: str, b: str) -> bool:
        """Whether two different spellings are variants of one name."""
        fa, fb = fold(a), fold(b)
        return fa != fb and fb in self._index.get(fa, frozenset())

    def __len__(self) -> int:
        return len(self.groups)


def parse(text: str) -> VariantTable:
    """Read a table from JSON text: ``{"groups": [["siobhan", "shivaun"], ...]}`` or a bare list.

    Raises:
        ValueError: the text is not JSON of that shape.
    """
    raw = json.loads(text)
    groups = raw.get("groups") if isinstance(raw, dict) else raw
    if not isinstance(groups, list) or not all(isinstance(g, list) for g in groups):
        raise ValueError("a name variant table is a list of groups, each a list of names")
    return VariantTable.from_groups(groups)


def shipped() -> VariantTable:
    """The default table shipped with hubapp."""
    text = resources.files("hubapp.domain").joinpath(RESOURCE).read_text(encoding="utf-8")
    return parse(text)


def load(extra: Path | None = None) -> VariantTable:
    """The shipped table, with the groups of ``extra`` added when that file exists.

    Raises:
        ValueError: ``extra`` exists but is not a valid table (say so rather than ignore it).
    """
    table = shipped()
    if extra is not None and extra.is_file():
        try:
            table = table.merged(parse(extra.read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            raise ValueError(f"The name variant file {extra} cannot be read: {exc}") from exc
    return table

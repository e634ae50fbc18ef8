"""The name variant table: shipped as data, folded, merged with an authority's own groups."""

from __future__ import annotations

from pathlib import Path

import pytest

from hubapp.domain import name_variants


def test_shipped_table_knows_the_names_phonetic_codes_miss() -> None:
    table = name_variants.shipped()
    assert len(table) > 40
    assert table.are_variants("Siobhan", "Shivaun")
    assert table.are_variants("MOHAMMED", "Muhammad")
    assert table.are_variants("Zoë", "zoey")  # accents are folded
    assert not table.are_variants("Siobhan", "Siobhan")
    assert not table.are_variants("Siobhan", "Sarah")
    assert "shivaun" in table.variants_of("Siobhan")
    assert "siobhan" not in table.variants_of("Siobhan")


def test_a_name_in_two_groups_is_not_a_bridge_between_them() -> None:
    table = name_variants.VariantTable.from_groups([["alexander", "alex"], ["alexandra", "alex"], ["x"]])
    assert len(table) == 2  # a group of one is dropped
    assert table.are_variants("alex", "alexandra") and table.are_variants("alex", "alexander")
    assert not table.are_variants("alexander", "alexandra")


def test_load_merges_a_local_file_and_refuses_a_broken_one(tmp_path: Path) -> None:
    extra = tmp_path / "name_variants.json"
    assert name_variants.load(extra).are_variants("Siobhan", "Shivaun")  # missing file: shipped only
    extra.write_text('{"groups": [["Tolly", "Bartholomew"]]}', encoding="utf-8")
    assert name_variants.load(extra).are_variants("tolly", "bartholomew")
    extra.write_text('{"groups": "no"}', encoding="utf-8")
    with pytest.raises(ValueError, match="cannot be read"):
        name_variants.load(extra)

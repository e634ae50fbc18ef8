"""The draft journal: atomic JSON files in the data directory, offered back until saved or discarded."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hubapp.config import data_dir
from hubapp.drafts import DraftJournal, new_id


def test_save_load_list_and_discard() -> None:
    journal = DraftJournal()
    assert journal.directory == data_dir() / "drafts"
    assert journal.drafts() == []
    first, second = new_id(), new_id()
    journal.save("request", first, "Request about Ella Smith", "db-a", {"referrer": "Mr Patel", "n": [1, 2]})
    journal.save("request", second, "Request about Jack Jones", "db-b", {"referrer": "Dr Khan"})
    journal.save("request", first, "Request about Ella Smith", "db-a", {"referrer": "Mr Patel, DSL"})
    loaded = journal.load(first)
    assert loaded is not None and loaded.data == {"referrer": "Mr Patel, DSL"} and loaded.kind == "request"
    assert [d.id for d in journal.drafts()] == [first, second]  # newest first
    assert [d.id for d in journal.drafts(database="db-b")] == [second]
    assert journal.drafts(kind="plan") == []
    journal.discard(first)
    journal.discard(first)  # twice is fine
    assert journal.load(first) is None
    assert [d.id for d in journal.drafts()] == [second]


def test_writes_are_atomic_and_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    journal = DraftJournal(tmp_path / "drafts")
    draft_id = new_id()
    journal.save("request", draft_id, "t", "db", {"text": "first"})
    path = journal.path_of(draft_id)
    if os.name == "posix":
        assert path.stat().st_mode & 0o077 == 0

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        journal.save("request", draft_id, "t", "db", {"text": "second"})
    monkeypatch.undo()
    # The previous version survives whole, and no temporary file is left behind.
    loaded = journal.load(draft_id)
    assert loaded is not None and loaded.data == {"text": "first"}
    assert sorted(p.name for p in (tmp_path / "drafts").iterdir()) == [f"{draft_id}.json"]


def test_bad_ids_and_broken_files(tmp_path: Path) -> None:
    journal = DraftJournal(tmp_path)
    with pytest.raises(ValueError):
        journal.path_of("../../etc/passwd")
    (tmp_path / f"{new_id()}.json").write_text("{ not json", encoding="utf-8")
    good = new_id()
    journal.save("request", good, "t", "db", {})
    assert [d.id for d in journal.drafts()] == [good]

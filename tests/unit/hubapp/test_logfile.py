"""The log file: in the person's data directory, installed once, never in the way when it cannot be."""

from __future__ import annotations

import logging
import logging.handlers
from collections.abc import Iterator
from pathlib import Path

import pytest

from hubapp import logfile
from hubapp.config import data_dir


@pytest.fixture
def root_handlers() -> Iterator[None]:
    """Remove whatever handlers a test adds to the root logger."""
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    yield
    for handler in root.handlers:
        if handler not in before:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def test_the_log_goes_to_the_data_directory_once(root_handlers: None) -> None:
    path = logfile.install()
    assert path == data_dir() / "logs" / "hubapp.log"
    assert logfile.install() == path  # a second call adds no second handler
    files = [h for h in logging.getLogger().handlers if isinstance(h, logging.handlers.RotatingFileHandler)]
    assert len(files) == 1
    logging.getLogger("hubapp.test").info("opened the database")
    files[0].flush()
    assert "INFO hubapp.test: opened the database" in path.read_text(encoding="utf-8")


def test_a_folder_that_cannot_be_written_is_no_error(
    root_handlers: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file where the data folder should be", encoding="utf-8")
    monkeypatch.setenv("HUBAPP_DATA_DIR", str(blocker))
    assert logfile.install() is None

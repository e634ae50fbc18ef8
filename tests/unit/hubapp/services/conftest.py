"""Fixtures for service tests: a small organisation on each database."""

from __future__ import annotations

import pytest

from hubapp.data.db import Database

from ._world import World


@pytest.fixture
def world(db: Database) -> World:
    """Two hubs and one worker, on SQLite and on PostgreSQL."""
    return World(db)

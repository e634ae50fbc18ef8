"""The change feed between two connections: what one client commits, the other hears within two seconds
(LISTEN/NOTIFY on PostgreSQL, ``PRAGMA data_version`` on SQLite)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from hubapp.data.db import Database
from hubapp.data.models import Hub
from hubapp.data.uow import UnitOfWork
from hubapp.domain.dto import Changes
from hubapp.domain.errors import ValidationError
from hubapp.services import changefeed

from ._transfer_world import TransferWorld

LIVE_S = 2.0


@pytest.fixture
def pair(db: Database) -> Iterator[tuple[TransferWorld, Database, changefeed.ChangeFeed]]:
    """A writer (with notifications installed), and a second client's database with an open feed."""
    changefeed.install(db)
    url = db.engine.url.render_as_string(hide_password=False)
    other = Database(url)
    changefeed.install(other)
    feed = changefeed.make_feed(other)
    tw = TransferWorld(db)
    feed.open()
    feed.wait(0.6)  # drain what setting the world up announced
    yield tw, other, feed
    feed.close()
    other.dispose()


def test_a_commit_reaches_the_other_client_within_two_seconds(
    pair: tuple[TransferWorld, Database, changefeed.ChangeFeed]
) -> None:
    tw, _other, feed = pair
    family_id = tw.family()
    feed.wait(0.6)
    started = time.monotonic()
    tw.step_down(family_id)
    heard = feed.wait(LIVE_S)
    elapsed = time.monotonic() - started
    assert heard and changefeed.merge(heard).transfers
    assert elapsed < LIVE_S
    if tw.db.dialect == "postgresql":
        assert changefeed.merge(heard) == Changes(transfers=True)
        assert feed.fileno() is not None
    else:
        assert heard == [changefeed.EVERYTHING] and feed.fileno() is None


def test_nothing_is_heard_from_a_rolled_back_or_refused_write(
    pair: tuple[TransferWorld, Database, changefeed.ChangeFeed]
) -> None:
    tw, _other, feed = pair
    family_id = tw.family()
    feed.wait(0.6)
    with pytest.raises(ValidationError):
        tw.step_down(family_id, reason="")
    with UnitOfWork(tw.db) as uow:
        uow.session.execute(text("UPDATE family SET name = 'Changed' WHERE id = :id"), {"id": family_id})
        # leaving without a commit rolls back
    assert feed.wait(0.7) == []


def test_a_feed_skips_its_own_clients_commits(db: Database) -> None:
    changefeed.install(db)
    own = changefeed.make_feed(db)
    own.open()
    try:
        tw = TransferWorld(db)
        tw.step_down(tw.family())
        assert own.wait(0.7) == []
    finally:
        own.close()


def test_sqlite_someone_elses_commit_just_before_ours_is_still_heard(sqlite_url: str) -> None:
    mine, theirs = Database(sqlite_url), Database(sqlite_url)
    changefeed.install(mine)
    changefeed.install(theirs)
    feed = changefeed.make_feed(mine)
    feed.open()
    try:
        TransferWorld(theirs)  # another PC commits ...
        with UnitOfWork(mine) as uow:  # ... and then this program commits, before the next poll
            hub = uow.session.get(Hub, 1)
            assert hub is not None
            hub.name = "North Hub (renamed)"
            uow.commit()
        assert feed.read() == [changefeed.EVERYTHING]
        assert feed.read() == []
    finally:
        feed.close()
        mine.dispose()
        theirs.dispose()


@pytest.mark.postgres
def test_postgres_notification_names_the_kind_of_change(pg_db: Database) -> None:
    listener = Database(pg_db.engine.url.render_as_string(hide_password=False))
    feed = changefeed.make_feed(listener)
    feed.open()
    try:
        changefeed.install(pg_db)
        tw = TransferWorld(pg_db)
        feed.wait(0.5)
        tw.family()
        heard = changefeed.merge(feed.wait(LIVE_S))
        assert heard.families and not heard.transfers
    finally:
        feed.close()
        listener.dispose()


def test_changes_for_tables() -> None:
    assert changefeed.changes_for_tables(["transfer_event", "episode"]) == Changes(transfers=True, episodes=True)
    assert changefeed.changes_for_tables(["audit_event"]) == Changes()

"""Tools for the fault tests (issue 7): kill a connection mid-save, count every table, and a TCP
proxy that can cut a client off its PostgreSQL server and let it back.

Everything here talks only to 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import select
import socket
import threading
from collections.abc import Iterator
from typing import Any

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Engine

from hubapp.data.db import Database
from tests.conftest import PG_ADMIN_URL

#: Tables whose rows are written by reads too (who looked), so they are left out of "nothing written".
NOT_COUNTED = {"access_log", "alembic_version"}


def table_counts(db: Database) -> dict[str, int]:
    """Rows in every table of the schema, read as the database owner."""
    engine = create_engine(db.engine.url, isolation_level="AUTOCOMMIT") if db.dialect == "postgresql" \
        else db.engine
    try:
        with engine.connect() as conn:
            names = [n for n in inspect(conn).get_table_names() if n not in NOT_COUNTED]
            return {n: int(conn.execute(text(f'SELECT count(*) FROM "{n}"')).scalar_one()) for n in names}
    finally:
        if engine is not db.engine:
            engine.dispose()


@contextlib.contextmanager
def killed_mid_save(engine: Engine, first: str = "INSERT", times: int = 1) -> Iterator[list[int]]:
    """While inside, the first ``first`` statement (``INSERT``, ``UPDATE``...) run on ``engine`` has
    its server process terminated by an administrator right after it ran (``pg_terminate_backend``),
    as if the server restarted or the network dropped halfway through a save. ``first="COMMIT"``
    kills it just before the transaction commits. Yields the pids killed.
    """
    killed: list[int] = []
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")

    def kill(conn: Any) -> None:
        pid = conn.connection.dbapi_connection.info.backend_pid
        with admin.connect() as c:
            # Waits (up to 5 s) until the process has gone, so the next statement surely fails.
            c.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid})
        killed.append(pid)

    def after(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if len(killed) < times and statement.lstrip().upper().startswith(first):
            kill(conn)

    def before_commit(conn: Any) -> None:
        if len(killed) < times:
            kill(conn)

    name, listener = ("commit", before_commit) if first == "COMMIT" else ("after_cursor_execute", after)
    event.listen(engine, name, listener)
    try:
        yield killed
    finally:
        event.remove(engine, name, listener)
        admin.dispose()


class CuttableProxy:
    """A TCP forwarder 127.0.0.1:<random port> → ``target`` that a test can cut and restore.

    ``cut()`` closes every forwarded connection and refuses new ones (accepted, then closed at
    once, as a server that is down would look to the client); ``restore()`` forwards again.
    One thread accepts; one thread per connection pumps bytes both ways with ``select``.

    Args:
        target: (host, port) of the real server, on loopback.
        up: whether to forward from the start.
    """

    def __init__(self, target: tuple[str, int] = ("127.0.0.1", 5432), up: bool = True) -> None:
        assert target[0] in ("127.0.0.1", "localhost", "::1"), "the fault tests talk to loopback only"
        self.target = target
        self._up = threading.Event()
        if up:
            self._up.set()
        self._lock = threading.Lock()
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.2)
        self.port = self._server.getsockname()[1]
        self._stopped = threading.Event()
        self._acceptor = threading.Thread(target=self._accept_loop, name="cuttable-proxy", daemon=True)
        self._acceptor.start()

    @property
    def is_up(self) -> bool:
        """Whether connections are forwarded."""
        return self._up.is_set()

    def url_for(self, url: str) -> str:
        """``url`` pointed at this proxy instead of the real server."""
        from sqlalchemy.engine import make_url

        return make_url(url).set(host="127.0.0.1", port=self.port).render_as_string(hide_password=False)

    def cut(self) -> None:
        """Drop every forwarded connection and refuse new ones."""
        self._up.clear()
        with self._lock:
            pairs, self._pairs = self._pairs, []
        for a, b in pairs:
            for s in (a, b):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                with contextlib.suppress(OSError):
                    s.close()

    def restore(self) -> None:
        """Forward new connections again."""
        self._up.set()

    def close(self) -> None:
        """Stop the proxy and its threads."""
        self._stopped.set()
        self.cut()
        self._acceptor.join(timeout=5)
        with contextlib.suppress(OSError):
            self._server.close()

    def _accept_loop(self) -> None:
        while not self._stopped.is_set():
            try:
                client, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if not self._up.is_set():
                with contextlib.suppress(OSError):
                    client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._pairs.append((client, upstream))
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    def _pump(self, a: socket.socket, b: socket.socket) -> None:
        peer = {a: b, b: a}
        try:
            while not self._stopped.is_set():
                readable, _, _ = select.select([a, b], [], [], 0.2)
                for s in readable:
                    data = s.recv(65536)
                    if not data:
                        return
                    peer[s].sendall(data)
        except (OSError, ValueError):
            return
        finally:
            for s in (a, b):
                with contextlib.suppress(OSError):
                    s.close()
            with self._lock:
                if (a, b) in self._pairs:
                    self._pairs.remove((a, b))

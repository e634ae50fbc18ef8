"""``hubapp-admin``: the administrator's command line (schema, demo data, hubs, users).

Usage::

    hubapp-admin [--url URL] db upgrade [--revision head]
    hubapp-admin [--url URL] db current
    hubapp-admin [--url URL] db check
    hubapp-admin [--url URL] db downgrade REVISION --yes
    hubapp-admin [--url URL] demo --families N [--seed S] [--today YYYY-MM-DD]
    hubapp-admin [--url URL] hub|team|user ...   (see hubapp.cli_users)

The database is ``--url``, else ``HUBAPP_DATABASE_URL``, else the embedded SQLite file. Every
command says what it did. Expected failures (server unreachable, wrong schema version, bad
revision) print one line to stderr and give a non-zero exit status, never a traceback.

Exit status: 0 done; 1 failed or not as expected (e.g. ``db current`` not at head, ``db check``
found drift); 2 refused (usage error, schema not at head for ``demo``, missing ``--yes``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

from sqlalchemy import Engine
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url

from hubapp import config
from hubapp.data import migrate
from hubapp.data.db import Database, make_engine
from hubapp import cli_users
from hubapp.domain.errors import DomainError, NotFound, SchemaMismatch, ValidationError

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_REFUSED = 2


class CliError(Exception):
    """An expected failure: its message is printed on one line and ``code`` is returned."""

    def __init__(self, message: str, code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.code = code


# ---- Helpers ------------------------------------------------------------------------------------


def _one_line(text: str, limit: int = 300) -> str:
    """The text on one line: lines joined, runs of blanks squeezed, cut at ``limit``."""
    joined = " ".join(part.strip() for part in str(text).splitlines() if part.strip())
    return joined if len(joined) <= limit else joined[: limit - 3] + "..."


def _resolve_url(args: argparse.Namespace) -> str:
    url = getattr(args, "url", None) or config.url_from_environment() or config.EMBEDDED.url()
    try:
        make_url(url)
    except sa_exc.ArgumentError as exc:
        raise CliError(f"'{url}' is not a database URL: {_one_line(str(exc))}",
                       EXIT_REFUSED) from None
    return url


def _shown(url: str) -> str:
    """The URL with any password hidden."""
    return make_url(url).render_as_string(hide_password=True)


def _engine(url: str, *, create_sqlite_file: bool = False) -> Engine:
    path = config.sqlite_path_of(url)
    if path is not None:
        if create_sqlite_file:
            path.parent.mkdir(parents=True, exist_ok=True)
        elif not path.exists():
            raise CliError(
                f"There is no database file at {path}. Create it with 'hubapp-admin db upgrade'."
            )
    return make_engine(url)


def _rev(value: str | None) -> str:
    return value if value is not None else "(empty: no hubapp tables)"


def _db_error_message(exc: sa_exc.DBAPIError | sa_exc.SQLAlchemyError, url: str) -> str:
    orig = getattr(exc, "orig", None)
    detail = _one_line(str(orig if orig is not None else exc))
    unreachable = ("connect", "connection", "unable to open", "timeout", "resolve",
                   "could not translate host")
    if isinstance(exc, (sa_exc.OperationalError, sa_exc.InterfaceError)) and any(
        word in detail.lower() for word in unreachable
    ):
        return f"Cannot reach the database {_shown(url)}: {detail}"
    return f"The database {_shown(url)} reported an error: {detail}"


# ---- Commands -----------------------------------------------------------------------------------


def _cmd_db_current(args: argparse.Namespace, url: str, out: TextIO) -> int:
    engine = _engine(url)
    try:
        current = migrate.current_revision(engine)
    finally:
        engine.dispose()
    head = migrate.head_revision()
    print(f"Database:  {_shown(url)}", file=out)
    print(f"Current:   {_rev(current)}", file=out)
    print(f"Head:      {head}", file=out)
    if current == head:
        print("The database is at head.", file=out)
        return EXIT_OK
    print("The database is NOT at head; run 'hubapp-admin db upgrade'.", file=out)
    return EXIT_FAILED


def _cmd_db_upgrade(args: argparse.Namespace, url: str, out: TextIO) -> int:
    _known_revision(args.revision)
    engine = _engine(url, create_sqlite_file=True)
    try:
        before = migrate.current_revision(engine)
        print(f"Database:  {_shown(url)}", file=out)
        print(f"Before:    {_rev(before)}", file=out)
        if args.revision == "head" and before == migrate.head_revision():
            print("Nothing to do: the database is already at head.", file=out)
            return EXIT_OK
        _backup(url, before, engine, out)
        migrate.upgrade(engine, args.revision)
        after = migrate.current_revision(engine)
    finally:
        engine.dispose()
    print(f"After:     {_rev(after)}", file=out)
    if before == after:
        print("Nothing to do: the database was already at that revision.", file=out)
    else:
        print(f"Upgraded from {_rev(before)} to {_rev(after)}.", file=out)
    return EXIT_OK


def _known_revision(revision: str) -> None:
    """Refuse an unknown revision before anything is touched."""
    from alembic.script import ScriptDirectory
    from alembic.util.exc import CommandError

    if revision in ("head", "heads", "base") or revision[:1] in "+-" or "@" in revision:
        return  # relative revisions are resolved by Alembic itself
    try:
        ScriptDirectory.from_config(migrate.alembic_config()).get_revision(revision)
    except CommandError as exc:
        raise CliError(f"Unknown revision '{revision}': {_one_line(str(exc))}",
                       EXIT_REFUSED) from None


def _backup(url: str, before: str | None, engine: Engine, out: TextIO) -> None:
    """Copy a SQLite file that holds a schema aside before its schema changes."""
    path = config.sqlite_path_of(url)
    if path is None or before is None:
        return
    engine.dispose()  # let the backup see every committed page
    backup = migrate.backup_sqlite(path)
    if backup is not None:
        print(f"Backed up the SQLite file to {backup}", file=out)


def _cmd_db_downgrade(args: argparse.Namespace, url: str, out: TextIO) -> int:
    if not args.yes:
        raise CliError(
            f"Downgrading {_shown(url)} to {args.revision} can drop tables and data; "
            "run again with --yes to confirm.",
            EXIT_REFUSED,
        )
    _known_revision(args.revision)
    engine = _engine(url)
    try:
        before = migrate.current_revision(engine)
        print(f"Database:  {_shown(url)}", file=out)
        print(f"Before:    {_rev(before)}", file=out)
        _backup(url, before, engine, out)
        migrate.downgrade(engine, args.revision)
        after = migrate.current_revision(engine)
    finally:
        engine.dispose()
    print(f"After:     {_rev(after)}", file=out)
    print(f"Downgraded from {_rev(before)} to {_rev(after)}.", file=out)
    return EXIT_OK


def _cmd_db_check(args: argparse.Namespace, url: str, out: TextIO) -> int:
    from alembic.util.exc import AutogenerateDiffsDetected

    engine = _engine(url)
    try:
        migrate.verify_schema(engine)
        try:
            migrate.check(engine)
        except AutogenerateDiffsDetected as exc:
            print(f"Database:  {_shown(url)}", file=out)
            print(str(exc), file=out)
            raise CliError(
                "The database schema differs from the models (see the differences above)."
            ) from None
    finally:
        engine.dispose()
    print(f"Database:  {_shown(url)}", file=out)
    print("No differences between the models and the database schema.", file=out)
    return EXIT_OK


def _cmd_demo(args: argparse.Namespace, url: str, out: TextIO) -> int:
    from hubapp.demo import generate

    if args.families < 1:
        raise CliError("--families must be at least 1.", EXIT_REFUSED)
    engine = _engine(url)
    db = Database(engine=engine)
    try:
        migrate.verify_schema(engine)
        print(
            f"Generating {args.families} demo families (seed {args.seed}) in {_shown(url)}...",
            file=out,
        )
        shown = [-1]

        def progress(done: int, total: int) -> None:
            tenth = done * 10 // total
            if tenth > shown[0]:  # at most about ten lines
                shown[0] = tenth
                print(f"  {done}/{total} families", file=out, flush=True)

        summary = generate(db, args.families, args.seed, today=args.today, progress=progress)
    finally:
        db.dispose()
    print("Rows added:", file=out)
    width = max(len(name) for name in summary.counts) if summary.counts else 0
    for name, count in summary.counts.items():
        print(f"  {name:<{width}}  {count:>9}", file=out)
    print(f"  {'total':<{width}}  {summary.total:>9}", file=out)
    print(f"Done in {summary.seconds:.1f} s.", file=out)
    return EXIT_OK


# ---- Parser -------------------------------------------------------------------------------------


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date like 2026-03-31") from None


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (subcommands ``db`` and ``demo``; room for more)."""
    # --url is accepted before or after the subcommand.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--url",
        default=argparse.SUPPRESS,
        help="database URL (default: $HUBAPP_DATABASE_URL, else the embedded SQLite file)",
    )
    parser = argparse.ArgumentParser(
        prog="hubapp-admin",
        description="Administer a hubapp database: schema migrations and demo data.",
        parents=[common],
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    db = commands.add_parser("db", help="schema migrations", parents=[common])
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    up = db_commands.add_parser(
        "upgrade", parents=[common], help="upgrade the schema (a SQLite file is backed up first)"
    )
    up.add_argument("--revision", default="head", help="target revision (default: head)")
    up.set_defaults(handler=_cmd_db_upgrade)
    cur = db_commands.add_parser(
        "current", parents=[common],
        help="show the current and head revision (exit 1 if not at head)"
    )
    cur.set_defaults(handler=_cmd_db_current)
    chk = db_commands.add_parser(
        "check", parents=[common], help="compare the models with the schema (exit 0 if no drift)"
    )
    chk.set_defaults(handler=_cmd_db_check)
    down = db_commands.add_parser(
        "downgrade", parents=[common], help="downgrade the schema to REVISION (needs --yes)"
    )
    down.add_argument("revision", metavar="REVISION",
                      help="target revision ('base' empties the database)")
    down.add_argument("--yes", action="store_true", help="confirm: data in dropped tables is lost")
    down.set_defaults(handler=_cmd_db_downgrade)

    demo = commands.add_parser(
        "demo", parents=[common], help="add synthetic demo families (database must be at head)"
    )
    demo.add_argument("--families", type=int, required=True, metavar="N", help="how many families")
    demo.add_argument("--seed", type=int, default=1, metavar="S", help="random seed (default 1)")
    demo.add_argument(
        "--today", type=_iso_date, default=None, metavar="YYYY-MM-DD",
        help="the date the history runs up to (default: today)",
    )
    demo.set_defaults(handler=_cmd_demo)
    cli_users.add_commands(commands, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``hubapp-admin`` with ``argv`` (default ``sys.argv[1:]``) and return the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(list(argv) if argv is not None else None)
    except SystemExit as exc:  # --help, or a usage error already printed by argparse
        return exc.code if isinstance(exc.code, int) else EXIT_REFUSED
    handler: Callable[[argparse.Namespace, str, TextIO], int] = args.handler
    url = ""
    try:
        url = _resolve_url(args)
        return handler(args, url, sys.stdout)
    except CliError as exc:
        _error(str(exc))
        return exc.code
    except SchemaMismatch as exc:
        _error(str(exc))
        return EXIT_REFUSED
    except (ValidationError, NotFound) as exc:
        _error(str(exc))
        return EXIT_REFUSED
    except DomainError as exc:
        _error(str(exc))
        return EXIT_FAILED
    except sa_exc.SQLAlchemyError as exc:
        _error(_db_error_message(exc, url))
        return EXIT_FAILED
    except FileNotFoundError as exc:
        _error(f"A file hubapp needs is missing: {exc}")
        return EXIT_FAILED
    except KeyboardInterrupt:
        _error("Interrupted.")
        return 130
    except Exception as exc:
        from alembic.util.exc import CommandError

        if isinstance(exc, CommandError):
            _error(f"Alembic refused: {_one_line(str(exc))}")
            return EXIT_FAILED
        raise


def _error(message: str) -> None:
    print(f"hubapp-admin: error: {_one_line(message, 500)}", file=sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

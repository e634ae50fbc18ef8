"""``hubapp-admin`` commands for hubs, teams and users (provisioning; see ``services.admin``).

Usage::

    hubapp-admin hub add CODE NAME
    hubapp-admin team add HUB NAME
    hubapp-admin user add USERNAME --name "Full Name" --role ROLE [--role ...] [--hub CODE ...]
                 [--password-stdin]
    hubapp-admin user disable USERNAME | user enable USERNAME
    hubapp-admin user reset-password USERNAME [--password-stdin]
    hubapp-admin user move USERNAME --from CODE --to CODE

A password is never taken on the command line (where other users of the PC could see it): it
is read from standard input with ``--password-stdin``, else asked for without echo.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import TextIO

from hubapp.data.db import Database
from hubapp.data.uow import UnitOfWork
from hubapp.services import admin


def _uow(url: str) -> tuple[Database, UnitOfWork]:
    db = Database(url)
    return db, UnitOfWork(db)


def _password(args: argparse.Namespace, required: bool) -> str | None:
    if getattr(args, "password_stdin", False):
        line = sys.stdin.readline().rstrip("\n")
        return line or None
    if not required:
        return None
    if not sys.stdin.isatty():
        return None
    first = getpass.getpass("New password: ")
    if getpass.getpass("Again: ") != first:
        raise admin.ValidationError.single("password", "mismatch", "The two passwords differ.")
    return first


def _run(url: str, out: TextIO, call) -> int:  # type: ignore[no-untyped-def]
    db, uow = _uow(url)
    try:
        for line in call(uow):
            print(line, file=out)
    finally:
        db.dispose()
    return 0


def _hub_add(args: argparse.Namespace, url: str, out: TextIO) -> int:
    return _run(url, out, lambda uow: admin.add_hub(uow, args.code, args.name))


def _team_add(args: argparse.Namespace, url: str, out: TextIO) -> int:
    return _run(url, out, lambda uow: admin.add_team(uow, args.hub, args.name))


def _user_add(args: argparse.Namespace, url: str, out: TextIO) -> int:
    needs_password = url.startswith("postgresql")
    password = _password(args, required=needs_password)
    return _run(url, out, lambda uow: admin.add_user(
        uow, args.username, args.name or args.username, args.role, args.hub or [], password))


def _user_disable(args: argparse.Namespace, url: str, out: TextIO) -> int:
    return _run(url, out, lambda uow: admin.disable_user(uow, args.username))


def _user_enable(args: argparse.Namespace, url: str, out: TextIO) -> int:
    return _run(url, out, lambda uow: admin.enable_user(uow, args.username))


def _user_reset(args: argparse.Namespace, url: str, out: TextIO) -> int:
    password = _password(args, required=True)
    if password is None:
        raise admin.ValidationError.single("password", "required", "Give the new password on standard input.")
    return _run(url, out, lambda uow: admin.reset_password(uow, args.username, password))


def _user_move(args: argparse.Namespace, url: str, out: TextIO) -> int:
    return _run(url, out, lambda uow: admin.move_user(uow, args.username, args.from_hub, args.to_hub))


def add_commands(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    """Register ``hub``, ``team`` and ``user`` on the top-level subparsers."""
    hub = commands.add_parser("hub", parents=[common], help="hubs")
    hub_cmds = hub.add_subparsers(dest="hub_command", metavar="ACTION", required=True)
    add = hub_cmds.add_parser("add", parents=[common], help="create a hub")
    add.add_argument("code", help="short code, e.g. NORTH")
    add.add_argument("name", help="the hub's name, e.g. 'North Hub'")
    add.set_defaults(handler=_hub_add)

    team = commands.add_parser("team", parents=[common], help="teams")
    team_cmds = team.add_subparsers(dest="team_command", metavar="ACTION", required=True)
    tadd = team_cmds.add_parser("add", parents=[common], help="create a team in a hub")
    tadd.add_argument("hub", help="hub code")
    tadd.add_argument("name", help="team name")
    tadd.set_defaults(handler=_team_add)

    user = commands.add_parser("user", parents=[common], help="users and their database logins")
    user_cmds = user.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    uadd = user_cmds.add_parser("add", parents=[common], help="create a user (idempotent)")
    uadd.add_argument("username", help="login name, e.g. amira.khan")
    uadd.add_argument("--name", default="", help="full name shown in the program")
    uadd.add_argument("--role", action="append", required=True, choices=sorted(admin.ROLE_GROUPS),
                      help="a role (repeat for several)")
    uadd.add_argument("--hub", action="append", help="a hub code (repeat for several)")
    uadd.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    uadd.set_defaults(handler=_user_add)
    for name, handler, text in (("disable", _user_disable, "stop a user signing in"),
                                ("enable", _user_enable, "let a disabled user sign in again")):
        cmd = user_cmds.add_parser(name, parents=[common], help=text)
        cmd.add_argument("username")
        cmd.set_defaults(handler=handler)
    reset = user_cmds.add_parser("reset-password", parents=[common], help="set a new password")
    reset.add_argument("username")
    reset.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    reset.set_defaults(handler=_user_reset)
    move = user_cmds.add_parser("move", parents=[common], help="move a user between hubs")
    move.add_argument("username")
    move.add_argument("--from", dest="from_hub", required=True, help="hub code to leave")
    move.add_argument("--to", dest="to_hub", required=True, help="hub code to join")
    move.set_defaults(handler=_user_move)

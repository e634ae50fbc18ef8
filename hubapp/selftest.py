"""The program's self-test, Qt-free part: ``hubapp --self-test`` (and ``hubapp-debug --self-test``).

It proves that an installed or frozen hubapp has everything it needs, without touching the
person's own data: in a temporary folder it opens a new embedded database, upgrades it to head,
loads a little synthetic demo data, renders a plan PDF, and reports the keyring backend. Each step
prints one line; a failed step says why, and the whole test returns non-zero. The UI part
(``ui.self_test``) adds one step: the main window opened and closed offscreen on that database.

IT can run ``hubapp-debug.exe --self-test`` on an office PC after installing; the frozen build's
smoke test (``installer/build``) runs it too.
"""

from __future__ import annotations

import contextlib
import io
import os
import platform
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import metadata
from importlib.util import find_spec
from pathlib import Path
from typing import TextIO

from sqlalchemy import select

from hubapp import paths
from hubapp.data import migrate
from hubapp.data.models import Plan
from hubapp.domain.dto import Actor
from hubapp.domain.meeting_dto import COPY_PROFESSIONAL
from hubapp.printing import render_pdf
from hubapp.printing.document import Document, Facts, Heading, Para
from hubapp.services import printouts, secrets
from hubapp.services.session import Backend

EXIT_OK, EXIT_FAILED = 0, 1
DEMO_FAMILIES = 3
PREFIX = "self-test:"

#: The keyring backend module each platform needs; a frozen build without it cannot keep passwords.
NATIVE_KEYRING = {"win32": "keyring.backends.Windows", "darwin": "keyring.backends.macOS"}
NATIVE_KEYRING_DEFAULT = "keyring.backends.SecretService"


class StepFailed(Exception):
    """A step found something wrong (its message is the one-line reason)."""


@dataclass(frozen=True, slots=True)
class StepResult:
    """How one step went.

    Args:
        name: the step's short name.
        ok: whether it passed.
        detail: what it found, or why it failed.
        seconds: how long it took.
    """

    name: str
    ok: bool
    detail: str
    seconds: float


def version() -> str:
    """hubapp's version (from the installed metadata; the frozen build carries it too)."""
    try:
        return metadata.version("hubapp")
    except metadata.PackageNotFoundError:
        return "unknown"


def _one_line(text: str, limit: int = 300) -> str:
    joined = " ".join(part.strip() for part in text.splitlines() if part.strip())
    return joined if len(joined) <= limit else joined[: limit - 3] + "..."


class SelfTest:
    """Runs the steps in order against a database in ``workdir`` and prints a line for each.

    Args:
        workdir: an empty folder the test may fill (the database and the PDF go here).
        out: where the lines go (``None``: nowhere, as in a windowed program without a console).
    """

    def __init__(self, workdir: Path, out: TextIO | None = None) -> None:
        self.workdir = workdir
        self.out = out
        self.results: list[StepResult] = []
        self.backend: Backend | None = None
        self.actor: Actor | None = None
        self.pdf_path = workdir / "self-test-plan.pdf"

    @property
    def ok(self) -> bool:
        """Whether every step so far passed (and at least one ran)."""
        return bool(self.results) and all(r.ok for r in self.results)

    @property
    def exit_code(self) -> int:
        """0 when every step passed, 1 otherwise."""
        return EXIT_OK if self.ok else EXIT_FAILED

    def say(self, text: str) -> None:
        """Print one line (if there is anywhere to print it)."""
        if self.out is not None:
            print(f"{PREFIX} {text}", file=self.out, flush=True)

    def step(self, name: str, action: Callable[[], str]) -> bool:
        """Run one step: ``action`` returns what it found or raises; returns whether it passed."""
        started = time.perf_counter()
        try:
            detail, ok = action(), True
        except StepFailed as exc:
            detail, ok = str(exc), False
        except Exception as exc:  # noqa: BLE001 - every failure is reported as a failed step
            detail, ok = f"{type(exc).__name__}: {_one_line(str(exc))}", False
            if os.environ.get("HUBAPP_SELF_TEST_TRACEBACK") == "1" and self.out is not None:
                traceback.print_exc(file=self.out)
        seconds = time.perf_counter() - started
        self.results.append(StepResult(name, ok, detail, seconds))
        self.say(f"{'ok  ' if ok else 'FAIL'} {name:<12} {detail} ({seconds:.2f} s)")
        return ok

    def run_core(self, families: int = DEMO_FAMILIES) -> bool:
        """The Qt-free steps; later steps are skipped once one fails. Returns whether all passed."""
        steps: list[tuple[str, Callable[[], str]]] = [
            ("bundle", self._check_bundle),
            ("database", self._open_database),
            ("demo data", lambda: self._load_demo(families)),
            ("plan pdf", self._render_plan_pdf),
            ("keyring", self._check_keyring),
        ]
        for name, action in steps:
            if not self.step(name, action):
                return False
        return True

    def summary(self) -> str:
        """The last line: passed or failed, with the total time."""
        total = sum(r.seconds for r in self.results)
        failed = [r.name for r in self.results if not r.ok]
        verdict = "PASSED" if self.ok else f"FAILED ({', '.join(failed) or 'nothing ran'})"
        return f"{verdict}: {len(self.results)} steps in {total:.2f} s"

    def close(self) -> None:
        """Close the database (the caller removes the folder)."""
        if self.backend is not None:
            self.backend.close()
            self.backend = None

    # ---- Steps

    def _check_bundle(self) -> str:
        migrations = paths.migrations_dir()
        resources = paths.resources_dir()
        missing = [
            str(p)
            for p in (migrations / "env.py", resources / "icons" / "hubapp.svg")
            if not p.is_file()
        ]
        fonts = sorted(p.name for p in (resources / "fonts").glob("*.ttf"))
        if missing:
            raise StepFailed(f"missing: {', '.join(missing)}")
        if not fonts:
            raise StepFailed(f"no fonts in {resources / 'fonts'}")
        frozen = "frozen" if getattr(sys, "frozen", False) else "from source"
        return (
            f"hubapp {version()} {frozen}, Python {platform.python_version()} on "
            f"{platform.system()} {platform.release()}; {len(fonts)} fonts"
        )

    def _open_database(self) -> str:
        url = f"sqlite:///{self.workdir / 'self-test.sqlite'}"
        self.backend = Backend(url)
        result = self.backend.prepare()
        current = migrate.current_revision(self.backend.db.engine)
        head = migrate.head_revision()
        if current != head:
            raise StepFailed(f"the new database is at {current}, not at head {head}")
        self.actor = self.backend.sign_in()
        made = "created" if result.created else "opened"
        return f"embedded database {made} and upgraded to head {head}"

    def _load_demo(self, families: int) -> str:
        backend = self._backend()
        summary = backend.load_demo(families=families, seed=1)
        self.actor = backend.actor
        total = getattr(summary, "total", 0)
        return f"{families} synthetic families, {total} rows"

    def _render_plan_pdf(self) -> str:
        backend = self._backend()
        with backend.db.sessionmaker() as session:
            plan_id = session.scalar(select(Plan.id).order_by(Plan.id).limit(1))
        if plan_id is not None:
            printout = printouts.render_plan(backend.uow(), plan_id, COPY_PROFESSIONAL)
            if printout.problem:
                raise StepFailed(f"plan {plan_id} cannot be printed: {printout.problem}")
            pdf, pages, what = printout.pdf, printout.pages, f"plan {plan_id} (professional copy)"
        else:
            pdf, pages, what = self._render_sample(), 1, "a sample document (the demo made no plan)"
        if not pdf.startswith(b"%PDF-") or pages < 1:
            raise StepFailed(f"{what} did not render as a PDF")
        self.pdf_path.write_bytes(pdf)
        return f"{what}: {pages} page(s), {len(pdf) // 1024} KB, fonts embedded"

    @staticmethod
    def _render_sample() -> bytes:
        document = Document(
            kind="PLAN",
            copy=COPY_PROFESSIONAL,
            title="hubapp self-test",
            subtitle="A sample page",
            header=("Self-test",),
            provenance="hubapp self-test",
            blocks=(
                Heading("Fonts"),
                Para("Zoë, Łukasz and Siobhán: accented names print whole."),
                Facts((("Version", version()), ("Printed with", "Noto Sans"))),
            ),
            draft=True,
        )
        buffer = io.BytesIO()
        render_pdf(document, buffer)
        return buffer.getvalue()

    @staticmethod
    def _check_keyring() -> str:
        native = NATIVE_KEYRING.get(sys.platform, NATIVE_KEYRING_DEFAULT)
        if find_spec(native) is None:
            raise StepFailed(f"the platform's keyring backend {native} is missing from this build")
        info = secrets.backend_info()
        use = (
            "passwords can be remembered"
            if info.usable
            else ("no secure store here: passwords will be asked for each time")
        )
        return f"{info.name}; {use}"

    def _backend(self) -> Backend:
        if self.backend is None:
            raise StepFailed("the database is not open")
        return self.backend


@contextlib.contextmanager
def isolated_environment(workdir: Path) -> Iterator[None]:
    """Point hubapp's data and config folders into ``workdir`` for the duration, then restore them.

    The self-test must not read the person's profiles or write their settings, drafts or logs.
    """
    names = (
        "HUBAPP_DATA_DIR",
        "HUBAPP_CONFIG_DIR",
        "HUBAPP_SITE_CONFIG_DIR",
        "HUBAPP_DATABASE_URL",
    )
    saved = {name: os.environ.get(name) for name in names}
    os.environ["HUBAPP_DATA_DIR"] = str(workdir / "data")
    os.environ["HUBAPP_CONFIG_DIR"] = str(workdir / "config")
    os.environ["HUBAPP_SITE_CONFIG_DIR"] = str(workdir / "site-config")
    os.environ.pop("HUBAPP_DATABASE_URL", None)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def run(
    out: TextIO | None = None,
    families: int = DEMO_FAMILIES,
    extra: Callable[[SelfTest], None] | None = None,
) -> int:
    """Run the self-test in a temporary folder that is removed afterwards; returns the exit code.

    Args:
        out: where the lines go (default: standard output, if there is one).
        families: how many demo families to load.
        extra: more steps to run once the Qt-free ones passed (the UI adds the main window).
    """
    out = out if out is not None else sys.stdout
    with tempfile.TemporaryDirectory(prefix="hubapp-self-test-") as tmp:
        workdir = Path(tmp)
        test = SelfTest(workdir, out)
        test.say(f"hubapp {version()} in {workdir}")
        with isolated_environment(workdir):
            try:
                if test.run_core(families) and extra is not None:
                    extra(test)
            finally:
                test.close()
        test.say(test.summary())
        return test.exit_code


__all__ = ["SelfTest", "StepFailed", "StepResult", "isolated_environment", "run", "version"]

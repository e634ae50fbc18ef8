"""The self-test's Qt-free part: each step passes on a temporary database, and a failure shows."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from hubapp import selftest
from hubapp.selftest import SelfTest, StepFailed


def test_every_step_passes_and_says_what_it_found(tmp_path: Path) -> None:
    out = io.StringIO()
    test = SelfTest(tmp_path, out)
    try:
        assert test.run_core()
    finally:
        test.close()
    assert [r.name for r in test.results] == [
        "bundle",
        "database",
        "demo data",
        "plan pdf",
        "keyring",
    ]
    assert test.exit_code == 0
    assert test.pdf_path.read_bytes().startswith(b"%PDF-")
    lines = out.getvalue().splitlines()
    assert len(lines) == 5 and all(line.startswith("self-test: ok") for line in lines)
    assert "upgraded to head" in lines[1]
    # The in-memory test keyring is reported by name.
    assert "MemoryKeyring" in lines[4]


def test_run_cleans_up_and_leaves_the_environment_as_it_was(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HUBAPP_DATABASE_URL", "sqlite:///somewhere-else.sqlite")
    before = dict(os.environ)
    seen: list[Path] = []
    out = io.StringIO()
    code = selftest.run(out, families=2, extra=lambda test: seen.append(test.workdir))
    assert code == 0
    assert dict(os.environ) == before
    assert seen and not seen[0].exists()  # the temporary folder is gone
    assert out.getvalue().splitlines()[-1].startswith("self-test: PASSED: 5 steps")


def test_a_failing_step_fails_the_test_and_stops_it(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: SelfTest) -> str:
        raise StepFailed("no fonts in /nowhere")

    monkeypatch.setattr(SelfTest, "_check_bundle", broken)
    out = io.StringIO()
    assert selftest.run(out) == 1
    lines = out.getvalue().splitlines()
    assert any(
        line.startswith("self-test: FAIL bundle") and "no fonts in /nowhere" in line
        for line in lines
    )
    assert not any("database" in line for line in lines)  # later steps did not run
    assert lines[-1].startswith("self-test: FAILED (bundle)")


def test_an_unexpected_error_is_one_line_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HUBAPP_SELF_TEST_TRACEBACK", raising=False)
    out = io.StringIO()
    test = SelfTest(tmp_path, out)
    assert not test.step("plan pdf", lambda: str(1 / 0))
    assert out.getvalue().startswith("self-test: FAIL plan pdf")
    assert "ZeroDivisionError: division by zero" in out.getvalue()
    assert "Traceback" not in out.getvalue()


def test_no_console_means_no_output(tmp_path: Path) -> None:
    test = SelfTest(tmp_path, out=None)  # the windowed program on Windows has no stdout
    assert test.step("bundle", test._check_bundle)

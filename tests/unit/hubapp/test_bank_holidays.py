"""Bank holidays kept on the PC between runs (hubapp.bank_holidays): the same tables as the
``holidays`` package, without importing it at a later start."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from hubapp import bank_holidays
from hubapp.domain.workdays import WorkingCalendar, england_bank_holidays


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    bank_holidays.forget()  # each test has its own data directory (tests/conftest.py)
    yield
    bank_holidays.forget()


def test_the_kept_tables_are_the_packages() -> None:
    years = range(2000, 2041)
    first = {y: dict(bank_holidays.for_year(y)) for y in years}  # worked out and written
    assert bank_holidays.cache_file().is_file()
    bank_holidays.forget()
    again = {y: dict(bank_holidays.for_year(y)) for y in years}  # read back from the file
    assert first == again == {y: england_bank_holidays(y) for y in years}
    assert first[2026][dt.date(2026, 12, 28)] == "Boxing Day (observed)"
    assert dt.date(2022, 9, 19) in first[2022]  # a one-off: the State Funeral of Queen Elizabeth II


def test_a_later_start_does_not_import_the_package(tmp_path: Path) -> None:
    code = ("import sys, datetime as dt\n"
            "from hubapp.services.reference import bank_holidays\n"
            "from hubapp.domain.workdays import WorkingCalendar\n"
            "cal = WorkingCalendar(bank_holidays=bank_holidays.for_year)\n"
            "print(cal.working_days_between(dt.date(2026, 12, 20), dt.date(2027, 1, 5)), 'holidays' in sys.modules)\n")
    env = {"HUBAPP_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    runs = [subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True,
                           cwd=Path(__file__).resolve().parents[3]).stdout.split() for _ in range(2)]
    assert runs == [["9", "True"], ["9", "False"]]  # 21 Dec 2026 to 5 Jan 2027: 9 working days


def test_a_file_from_another_package_or_unreadable_is_not_used() -> None:
    bank_holidays.for_year(2026)
    path = bank_holidays.cache_file()
    data = json.loads(path.read_text(encoding="utf-8"))
    data["package"] = "another holidays release"
    data["years"]["2026"] = {"2026-03-03": "Not a bank holiday"}
    path.write_text(json.dumps(data), encoding="utf-8")
    bank_holidays.forget()
    assert dict(bank_holidays.for_year(2026)) == england_bank_holidays(2026)
    assert json.loads(path.read_text(encoding="utf-8"))["package"] != "another holidays release"  # written again

    path.write_text("{not json", encoding="utf-8")
    bank_holidays.forget()
    assert dict(bank_holidays.for_year(2026)) == england_bank_holidays(2026)


def test_nowhere_to_keep_them_still_counts_days() -> None:
    cache_dir = bank_holidays.cache_file().parent
    cache_dir.parent.mkdir(parents=True, exist_ok=True)
    cache_dir.write_text("a file where the folder should be", encoding="utf-8")
    cal = WorkingCalendar(bank_holidays=bank_holidays.for_year)
    # 25 and 28 December 2026 are bank holidays (Christmas, Boxing Day observed), 26 and 27 a weekend.
    assert cal.working_days_between(dt.date(2026, 12, 24), dt.date(2026, 12, 29)) == 1
    assert cal.holidays_in(2026) == WorkingCalendar().holidays_in(2026)
    assert not bank_holidays.cache_file().exists()

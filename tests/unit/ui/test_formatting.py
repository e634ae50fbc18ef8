"""How values read on screen."""

from __future__ import annotations

import datetime as dt

from ui import formatting as fmt


def test_dates_and_nhs_numbers() -> None:
    assert fmt.uk_date(dt.date(2015, 4, 3)) == "03/04/2015"
    assert fmt.uk_date(None) == ""
    assert fmt.nhs("9434765919") == "943 476 5919"
    assert fmt.nhs(None) == ""
    stamp = dt.datetime(2025, 1, 15, 9, 5, tzinfo=dt.UTC)
    assert fmt.uk_datetime(stamp) == fmt.local_time(stamp).strftime("%d/%m/%Y %H:%M")


def test_ages() -> None:
    assert fmt.age_text(7, dt.date(2018, 1, 1)) == "7"
    assert fmt.age_text(0, dt.date(2025, 1, 1)) == "Under 1"
    assert fmt.age_text(None, dt.date(2030, 1, 1), expected=True) == "Unborn (due 01/01/2030)"


def test_statuses_in_words() -> None:
    assert fmt.request_status("SUBMITTED", None) == "Submitted"
    assert fmt.request_status("AWAITING_INFO", None) == "Awaiting information"
    assert fmt.request_status("DECIDED", "NFA") == "No further action"
    assert fmt.request_status("CLOSED", "ACCEPT_EH") == "Closed: Accepted for early help"
    assert fmt.status_words("SUBMITTED_TO_EH") == "Submitted to early help"
    assert fmt.status_words("PLAN_ACTIVE") == "Plan active"
    assert fmt.level_text(2) == "2 – Additional"
    assert fmt.level_text(None) == "Not set"


def test_status_filter_starts_with_undecided() -> None:
    choices = fmt.request_status_choices()
    assert choices[0][0] == "Undecided"
    assert set(choices[0][1]) == {"SUBMITTED", "SCREENING", "AWAITING_INFO"}
    assert choices[1] == ("All statuses", ())

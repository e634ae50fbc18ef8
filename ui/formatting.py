"""How values read on screen: UK dates, NHS numbers, ages, statuses. Plain functions, no widgets."""

from __future__ import annotations

import datetime as dt

from hubapp.domain import codes
from hubapp.domain.states import REQUEST_UNDECIDED_STATES, RequestState
from hubapp.domain.validation import format_nhs_number, format_uk_date

_REQUEST_STATUS = {
    RequestState.DRAFT: "Draft",
    RequestState.SUBMITTED: "Submitted",
    RequestState.SCREENING: "Screening",
    RequestState.AWAITING_INFO: "Awaiting information",
    RequestState.DECIDED: "Decided",
    RequestState.CLOSED: "Closed",
}


def uk_date(value: dt.date | None) -> str:
    """dd/mm/yyyy, or empty."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = local_time(value).date()
    return format_uk_date(value)


def local_time(value: dt.datetime) -> dt.datetime:
    """An aware timestamp in the PC's time zone (a naive one is taken to be UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone()


def uk_datetime(value: dt.datetime | None) -> str:
    """dd/mm/yyyy HH:MM in local time, or empty."""
    if value is None:
        return ""
    return format_uk_date(local_time(value))


def nhs(value: str | None) -> str:
    """An NHS number as ``999 123 4567``, or empty."""
    return format_nhs_number(value) if value else ""


def age_text(age: int | None, dob: dt.date | None, expected: bool = False) -> str:
    """A person's age for a table: "7", "Unborn (due 12/03/2026)", "Under 1", or empty."""
    if expected:
        return f"Unborn (due {uk_date(dob)})" if dob else "Unborn"
    if age is None:
        return ""
    return "Under 1" if age == 0 else str(age)


def yes_no(value: bool) -> str:
    """"Yes" or "No"."""
    return "Yes" if value else "No"


def request_status(status: str, outcome: str | None) -> str:
    """A request's status in words; a decided request shows its outcome."""
    if outcome and status in (RequestState.DECIDED, RequestState.CLOSED):
        label = codes.label_of(codes.REQUEST_OUTCOME, outcome, outcome)
        return label if status == RequestState.DECIDED else f"Closed: {label}"
    return _REQUEST_STATUS.get(status, status.replace("_", " ").capitalize())


def request_status_choices() -> list[tuple[str, tuple[str, ...]]]:
    """The status filter's entries: (label, states), "Undecided" first."""
    undecided = tuple(s.value for s in RequestState if s in REQUEST_UNDECIDED_STATES)
    return [("Undecided", undecided), ("All statuses", ())] + [
        (label, (state.value,)) for state, label in _REQUEST_STATUS.items()
    ]


def level_text(level: int | None) -> str:
    """Level of need as "2 – Additional", or "Not set"."""
    if level is None:
        return "Not set"
    for item in codes.CODE_LISTS[codes.LEVEL_OF_NEED]:
        if item.ordinal == level:
            return f"{level} – {item.label}"
    return str(level)


_STATUS_WORDS = {"eh": "early help", "csc": "CSC", "cin": "CIN", "taf": "TAF", "nfa": "NFA", "s47": "S47"}


def status_words(value: str) -> str:
    """An upper-case state code as words: ``PLAN_ACTIVE`` → "Plan active", ``SUBMITTED_TO_EH`` →
    "Submitted to early help"."""
    if not value:
        return ""
    words = [_STATUS_WORDS.get(w, w) for w in value.lower().split("_") if w]
    text = " ".join(words)
    return text[:1].upper() + text[1:]

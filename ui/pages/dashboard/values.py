"""How the dashboard's figures read on screen: a value with its unit, a table cell by column kind.

Plain functions, no widgets. Percentages arrive from the services as numbers from 0 to 100.
"""

from __future__ import annotations

import datetime as dt

from hubapp.domain.report_dto import ColumnKind, Unit
from ui import formatting as fmt

#: What the figure of each unit is followed by (singular, plural).
UNIT_WORDS: dict[str, tuple[str, str]] = {
    "wd": ("working day", "working days"),
    "days": ("day", "days"),
}
NUMERIC_KINDS = frozenset({"int", "float", "percent"})
NOTHING = "–"


def number_text(value: float, decimals: int = 1) -> str:
    """A number without a needless ".0": 12, 12.5, 1,234."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.{decimals}f}"


def figure_text(value: float | None, unit: Unit | str) -> str:
    """A figure with its unit, short enough for a tile: "87.5%", "3 working days", "+1.2", "–"."""
    if value is None:
        return NOTHING
    if unit == "percent":
        return f"{number_text(value)}%"
    if unit == "score":
        return f"{value:+.1f}"
    if unit in UNIT_WORDS:
        one, many = UNIT_WORDS[unit]
        return f"{number_text(value)} {one if value == 1 else many}"
    return number_text(value)


def short_figure(value: float | None, unit: Unit | str) -> str:
    """A figure for an axis or a target: "85%", "10 wd", "1.5"."""
    if value is None:
        return NOTHING
    if unit == "percent":
        return f"{number_text(value, 0)}%"
    if unit == "wd":
        return f"{number_text(value)} wd"
    if unit == "days":
        return f"{number_text(value)} d"
    return number_text(value)


def cell_text(value: object, kind: ColumnKind | str) -> str:
    """A table cell as text: dd/mm/yyyy dates, Yes/No, numbers without needless decimals."""
    if value is None:
        return ""
    if isinstance(value, bool) or kind == "bool":
        return fmt.yes_no(bool(value))
    if isinstance(value, dt.datetime):
        return fmt.uk_datetime(value)
    if isinstance(value, dt.date):
        return fmt.uk_date(value)
    if kind == "percent" and isinstance(value, int | float):
        return f"{number_text(value)}%"
    if isinstance(value, int | float):
        return number_text(value, 2 if kind == "float" else 1)
    return str(value)


def sort_key(value: object) -> tuple[int, object]:
    """A key that orders a column's values, blanks last and texts without regard to case."""
    if value is None or value == "":
        return (2, "")
    if isinstance(value, bool):
        return (0, int(value))
    if isinstance(value, dt.datetime):
        return (0, value.timestamp() if value.tzinfo else value.replace(tzinfo=dt.UTC).timestamp())
    if isinstance(value, dt.date):
        return (0, value.toordinal())
    if isinstance(value, int | float):
        return (0, float(value))
    return (1, str(value).casefold())


_ACRONYMS = {"sf": "SF", "csc": "CSC", "eh": "EH", "wd": "WD", "taf": "TAF"}


def key_words(key: str) -> str:
    """A drill-down key as words: ``front_door_late`` → "Front door late", ``sf_claimable`` → "SF claimable"."""
    words = [_ACRONYMS.get(w, w) for w in key.replace("-", "_").split("_") if w]
    text = " ".join(words)
    return text[:1].upper() + text[1:]

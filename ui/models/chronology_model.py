"""The family page's Chronology and Access tables, thin over the chronology service's rows."""

from __future__ import annotations

from hubapp.services.chronology import AccessRow, ChronologyEntry
from ui import formatting as fmt
from ui.models.base import Column, RowTableModel

#: What each chronology kind is called in the filter and the table.
KIND_LABELS = {
    "request": "Request", "decision": "Decision", "consent": "Agreement", "episode": "Episode",
    "assessment": "Assessment", "plan": "Plan", "review": "Review", "transfer": "Transfer",
    "closure": "Closure", "note": "Case note",
}
#: What each access-log action is called.
ACTION_LABELS = {"VIEW": "Looked at", "PRINT": "Printed", "EXPORT": "Exported"}


class ChronologyModel(RowTableModel[ChronologyEntry]):
    """A family's chronology: when, what kind, what happened, details, by whom."""

    columns = (
        Column("When", lambda e: fmt.uk_datetime(e.at)),
        Column("Kind", lambda e: KIND_LABELS.get(e.kind, e.kind.title())),
        Column("What happened", lambda e: e.title, tooltip=lambda e: e.title),
        Column("Details", lambda e: " ".join(e.detail.split()), tooltip=lambda e: e.detail),
        Column("By", lambda e: e.by or ""),
    )


class AccessModel(RowTableModel[AccessRow]):
    """Who has looked at, printed or exported a family's record, newest first."""

    columns = (
        Column("When", lambda a: fmt.uk_datetime(a.at)),
        Column("What", lambda a: ACTION_LABELS.get(a.action, a.action.title())),
        Column("Who", lambda a: a.who),
        Column("Details", lambda a: a.detail or "", tooltip=lambda a: a.detail or ""),
    )

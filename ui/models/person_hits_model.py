"""The search results table: one row per person found, with their family and why they matched."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QFont

from hubapp.domain.dto import PersonHit
from ui import formatting as fmt
from ui.models.base import FONT, TOOLTIP, Column, RowTableModel


def _name(h: PersonHit) -> str:
    return f"{h.given_name} {h.family_name}"


def _reasons(h: PersonHit) -> str:
    return "; ".join(h.reasons)


class PersonHitsModel(RowTableModel[PersonHit]):
    """Rows of ``PersonHit``, best match first (the service's order)."""

    columns = (
        Column("Name", _name),
        Column("Date of birth", lambda h: fmt.uk_date(h.date_of_birth)),
        Column("NHS number", lambda h: fmt.nhs(h.nhs_number)),
        Column("Family", lambda h: h.family_name_display or "Not in a family"),
        Column("Postcode", lambda h: h.postcode or ""),
        Column("Hub", lambda h: h.hub_name or ""),
        Column("Open episode", lambda h: "Open" if h.open_episode else "",
               header_tip="The family has an open early help episode"),
        Column("Why it matched", _reasons, tooltip=_reasons),
    )
    NAME, DOB, NHS, FAMILY, POSTCODE, HUB, OPEN, WHY = range(8)

    def key(self, row: PersonHit) -> object:
        """The person's id."""
        return row.person_id

    def family_id(self, row: PersonHit) -> int | None:
        """The person's current family, if any."""
        return row.family_id

    def extra_data(self, row: PersonHit, column: int, role: int) -> Any:
        """An open episode stands out; a person without a family says so in a tooltip."""
        if role == FONT and column == self.OPEN and row.open_episode:
            font = QFont()
            font.setBold(True)
            return font
        if role == TOOLTIP and column == self.FAMILY and row.family_id is None:
            return "This person is not linked to a family yet."
        return None

"""The family view's tables: members, episodes and history, each thin over the ``FamilyDetail`` rows."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QFont

from hubapp.domain import codes
from hubapp.domain.dto import EpisodeRow, HistoryItem, MemberRow
from ui import formatting as fmt
from ui.models.base import CENTRE, FONT, TOOLTIP, Column, RowTableModel


def _member_name(m: MemberRow) -> str:
    return m.full_name


def _dob(m: MemberRow) -> str:
    if m.dob_is_expected:
        return f"Due {fmt.uk_date(m.date_of_birth)}" if m.date_of_birth else "Unborn"
    return fmt.uk_date(m.date_of_birth)


class MembersModel(RowTableModel[MemberRow]):
    """The household: adults first, then children (the service's order)."""

    columns = (
        Column("Name", _member_name),
        Column("Relationship", lambda m: m.relation_label),
        Column("Age", lambda m: fmt.age_text(m.age, m.date_of_birth, m.dob_is_expected), align=CENTRE),
        Column("Date of birth", _dob),
        Column("PR", lambda m: fmt.yes_no(m.has_parental_responsibility), align=CENTRE,
               header_tip="Has parental responsibility"),
        Column("Lives in household", lambda m: fmt.yes_no(m.lives_in_household), align=CENTRE),
        Column("NHS number", lambda m: fmt.nhs(m.nhs_number)),
    )

    def key(self, row: MemberRow) -> object:
        """The person's id."""
        return row.person_id

    def extra_data(self, row: MemberRow, column: int, role: int) -> Any:
        """The index child's name is bold."""
        if role == FONT and column == 0 and row.is_index_child:
            font = QFont()
            font.setBold(True)
            return font
        if role == TOOLTIP and column == 0 and row.is_index_child:
            return "The index child: the child the family's record is about"
        return None


def _end_reason(e: EpisodeRow) -> str:
    if not e.end_reason:
        return ""
    return codes.label_of(codes.EPISODE_CLOSURE_REASON, e.end_reason, fmt.status_words(e.end_reason))


class EpisodesModel(RowTableModel[EpisodeRow]):
    """The family's early help episodes, newest first."""

    columns = (
        Column("Status", lambda e: fmt.status_words(e.status)),
        Column("Hub", lambda e: e.hub_name),
        Column("Started", lambda e: fmt.uk_date(e.start_date)),
        Column("Ended", lambda e: fmt.uk_date(e.end_date)),
        Column("Lead practitioner", lambda e: e.lead_worker or "Not allocated"),
        Column("End reason", _end_reason, tooltip=_end_reason),
    )

    def key(self, row: EpisodeRow) -> object:
        """The episode's id."""
        return row.id


def _history_status(h: HistoryItem) -> str:
    if h.kind == "request":
        return fmt.request_status(h.status, None)
    if h.kind == "decision":
        return "Decided"  # the outcome is already in the title
    if h.kind == "closure":
        return "Closed"
    return fmt.status_words(h.status)


class HistoryModel(RowTableModel[HistoryItem]):
    """What happened to the family, newest first."""

    columns = (
        Column("Date", lambda h: fmt.uk_date(h.at)),
        Column("What happened", lambda h: h.title),
        Column("Detail", lambda h: " ".join(h.detail.split()), tooltip=lambda h: h.detail),
        Column("Status", _history_status),
    )

    def key(self, row: HistoryItem) -> object:
        """The record's id (its kind is in the row)."""
        return row.record_id

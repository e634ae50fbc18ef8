"""A family's needs (DOMAIN §4, §8.1): what the assessment found, who it affects, the Supporting
Families headline outcome it maps to, and whether it has been met.
"""

from __future__ import annotations

from sqlalchemy import delete

from hubapp.data.models import Need, NeedPerson
from hubapp.data.uow import UnitOfWork
from hubapp.domain import codes
from hubapp.domain.dto import Changes
from hubapp.domain.errors import ConcurrencyConflict, NotFound
from hubapp.domain.plan_dto import NeedInput, NeedRow
from hubapp.domain.validation import check_date_range, check_length, format_uk_date, require

from . import _plan_read as read
from . import families
from ._checks import Checks

#: What can become of a need.
NEED_STATUSES = (("OPEN", "Open"), ("MET", "Met"), ("NOT_MET", "Not met"), ("WITHDRAWN", "Withdrawn"))


def save_need(uow: UnitOfWork, data: NeedInput) -> tuple[NeedRow, ...]:
    """Add a need (``need_id`` None) or change one; returns the episode's needs.

    Raises:
        ValidationError: no description, an unknown headline outcome or status, a person outside
            the family, a future date, or "met" without the evidence.
        ConcurrencyConflict: someone changed the need since it was opened.
    """
    with uow:
        s = uow.session
        episode = read.get_episode_row(s, data.episode_id)
        today = read.today()
        checks = Checks()
        checks.run(require, data.description, "description", "What the need is")
        checks.run(check_length, data.description, "description", "What the need is", 20000)
        if not codes.is_valid(codes.SF_OUTCOME, data.sf_outcome):
            checks.add("sf_outcome", "code", "Choose the headline outcome this need belongs to.")
        if data.status not in dict(NEED_STATUSES):
            checks.add("status", "code", "Status must be open, met, not met or withdrawn.")
        if data.status == "MET" and not data.outcome_evidence.strip():
            checks.add("outcome_evidence", "required", "Say what shows the need has been met.")
        checks.run(check_length, data.evidence_source, "evidence_source", "Where the evidence comes from", 200)
        checks.run(check_length, data.outcome_evidence, "outcome_evidence", "Outcome evidence", 20000)
        identified = data.identified_on or today
        if identified > today:
            checks.add("identified_on", "not_future", f"Identified on {format_uk_date(identified)} is in the future.")
        else:
            checks.run(check_date_range, identified, "identified_on", "Identified on")
        members = families.family_people(s, episode.family_id)
        if any(p not in members for p in data.person_ids):
            checks.add("person_ids", "member", "A need can only be about members of this family.")
        checks.raise_if_any()
        if data.need_id is None:
            need = Need(episode_id=episode.id, identified_on=identified, description="")
            s.add(need)
        else:
            found = s.get(Need, data.need_id, with_for_update=uow.dialect == "postgresql")
            if found is None or found.episode_id != episode.id:
                raise NotFound("need", data.need_id)
            if data.expected_version is not None and found.version != data.expected_version:
                raise ConcurrencyConflict("need", data.need_id)
            need = found
            need.identified_on = identified
        need.description = data.description.strip()
        need.sf_outcome, need.sf_taxonomy = data.sf_outcome, codes.SF_TAXONOMY
        need.evidence_source = data.evidence_source.strip() or None
        need.status = data.status
        need.outcome_evidence = data.outcome_evidence.strip() or None
        if data.status == "MET" and need.sustained_from is None:
            need.sustained_from = today
        s.flush()
        s.execute(delete(NeedPerson).where(NeedPerson.need_id == need.id))
        for person_id in dict.fromkeys(data.person_ids):
            s.add(NeedPerson(need_id=need.id, person_id=person_id))
        uow.flush()
        rows = read.read_needs(s, episode.id)
        uow.commit()
        return rows


def changes() -> Changes:
    """What saving a need touches."""
    return Changes(episodes=True)


__all__ = ["NEED_STATUSES", "changes", "save_need"]

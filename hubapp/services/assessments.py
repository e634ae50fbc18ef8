"""The Early Help Assessment (DOMAIN §1.3, §8.4): whole family, three domains, strengths, needs
and the child's voice, optional CIN factors; submitted by the worker, authorised by a manager.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from sqlalchemy import delete, select
from sqlalchemy.orm.attributes import flag_modified

from hubapp.data.models import Assessment, AssessmentFactor, CaseNote, Episode
from hubapp.data.uow import UnitOfWork
from hubapp.domain import codes, states
from hubapp.domain.dto import Changes
from hubapp.domain.errors import ConcurrencyConflict, NotFound
from hubapp.domain.plan_dto import AssessmentDetail, AssessmentInput
from hubapp.domain.states import AssessmentAction, AssessmentState
from hubapp.domain.validation import LONG_TEXT_MAX, check_length, require

from . import _plan_read as read
from . import families
from ._checks import Checks

A = AssessmentState
#: The text fields of an assessment: (field, label). Each holds up to 20,000 characters.
TEXT_FIELDS = (
    ("strengths", "Strengths"),
    ("needs_child_development", "Child's development"),
    ("needs_parenting_capacity", "Parents' and carers' capacity"),
    ("needs_family_environment", "Family and environment"),
    ("child_voice", "Child's voice"),
    ("analysis", "Analysis"),
)
NEEDS_DOMAINS = ("needs_child_development", "needs_parenting_capacity", "needs_family_environment")
NO_FACTORS = "21"


def open_assessment(uow: UnitOfWork, episode: Episode, on: dt.date) -> Assessment:
    """Start the episode's assessment (called as the episode starts assessing; the caller commits)."""
    s = uow.session
    previous = s.scalars(select(Assessment).where(Assessment.episode_id == episode.id)
                         .order_by(Assessment.id.desc()).limit(1)).first()
    assessment = Assessment(
        episode_id=episode.id, kind="EHA" if previous is None else "REASSESSMENT",
        status=states.ASSESSMENT.apply(A.NOT_STARTED, AssessmentAction.START), started_on=on,
        previous_id=previous.id if previous is not None else None, level_of_need=episode.level_of_need,
    )
    s.add(assessment)
    return assessment


def _locked(uow: UnitOfWork, assessment_id: int, expected_version: int) -> Assessment:
    a = uow.session.get(Assessment, assessment_id, with_for_update=uow.dialect == "postgresql")
    if a is None:
        raise NotFound("assessment", assessment_id)
    if a.version != expected_version:
        raise ConcurrencyConflict("assessment", assessment_id)
    return a


def _detail(uow: UnitOfWork, a: Assessment, changes: Changes) -> AssessmentDetail:
    uow.flush()
    detail = read.read_assessment(uow.session, a.episode_id)
    assert detail is not None
    return replace(detail, changes=changes)


def save_assessment(uow: UnitOfWork, data: AssessmentInput) -> AssessmentDetail:
    """Save what the worker typed (only while the assessment is in progress).

    Raises:
        ValidationError: the assessment is not in progress (submitted ones are read-only), text
            too long, a level of need outside 1–4, an unknown factor, a factor about someone
            outside the family, or "no factors" alongside other factors.
        ConcurrencyConflict: someone saved it since it was opened.
    """
    with uow:
        s = uow.session
        a = _locked(uow, data.assessment_id, data.expected_version)
        checks = Checks()
        if a.status != A.IN_PROGRESS:
            checks.add("assessment", "read_only",
                       "This assessment has been submitted, so it is read-only. A manager can return it for "
                       "changes." if a.status == A.SUBMITTED else "This assessment is finished and read-only.")
            checks.raise_if_any()
        for name, label in TEXT_FIELDS:
            checks.run(check_length, getattr(data, name), name, label, 20000)
        if data.level_of_need is not None and data.level_of_need not in (1, 2, 3, 4):
            checks.add("level_of_need", "range", "Level of need must be 1, 2, 3 or 4.")
        episode = read.get_episode_row(s, a.episode_id)
        members = families.family_people(s, episode.family_id)
        seen: set[tuple[str, int | None]] = set()
        for i, f in enumerate(data.factors):
            if not codes.is_valid(codes.ASSESSMENT_FACTOR, f.code):
                checks.add(f"factors[{i}].code", "code", f"Factor {f.code!r} is not a CIN factor code.")
            if f.person_id is not None and f.person_id not in members:
                checks.add(f"factors[{i}].person_id", "member", "A factor can only be about a member of this family.")
            if (f.code, f.person_id) in seen:
                checks.add(f"factors[{i}].code", "unique", "The same factor is listed twice for the same person.")
            seen.add((f.code, f.person_id))
        if any(f.code == NO_FACTORS for f in data.factors) and len(data.factors) > 1:
            checks.add("factors", "no_factors_alone", "“No factors identified” must be the only factor.")
        checks.raise_if_any()
        for name, _ in TEXT_FIELDS:
            setattr(a, name, getattr(data, name).strip() or None)
        a.level_of_need = data.level_of_need
        s.execute(delete(AssessmentFactor).where(AssessmentFactor.assessment_id == a.id))
        for f in data.factors:
            s.add(AssessmentFactor(assessment_id=a.id, factor_code=f.code, person_id=f.person_id))
        # Factors live in their own table: touch the assessment row so its version moves too.
        flag_modified(a, "strengths")
        s.flush()
        detail = _detail(uow, a, Changes(episodes=True))
        uow.commit()
        return detail


def submit_assessment(uow: UnitOfWork, assessment_id: int, expected_version: int) -> AssessmentDetail:
    """Hand the assessment to a manager. It needs strengths, at least one of the three domains,
    the child's voice, an analysis and a level of need.

    Raises:
        ValidationError: what is missing, by field.
    """
    with uow:
        a = _locked(uow, assessment_id, expected_version)
        new_state = states.ASSESSMENT.apply(a.status, AssessmentAction.SUBMIT)
        checks = Checks()
        checks.run(require, a.strengths, "strengths", "Strengths")
        if not any((getattr(a, n) or "").strip() for n in NEEDS_DOMAINS):
            checks.add("needs_child_development", "required",
                       "Describe the family's needs in at least one of the three domains.")
        checks.run(require, a.child_voice, "child_voice", "Child's voice")
        checks.run(require, a.analysis, "analysis", "Analysis")
        if a.level_of_need is None:
            checks.add("level_of_need", "required", "Level of need is required.")
        checks.raise_if_any()
        a.status = new_state
        a.completed_on = read.today()
        a.completed_by_id = uow.actor_id
        detail = _detail(uow, a, Changes(episodes=True))
        uow.commit()
        return detail


def authorise_assessment(uow: UnitOfWork, assessment_id: int, expected_version: int) -> AssessmentDetail:
    """A manager authorises a submitted assessment.

    Raises:
        ValidationError: the signed-in worker is not a manager.
    """
    with uow:
        a = _locked(uow, assessment_id, expected_version)
        new_state = states.ASSESSMENT.apply(a.status, AssessmentAction.AUTHORISE)
        read.require_role(uow, "manager", "authorised_by", "Only a manager can authorise an assessment.")
        a.status = new_state
        a.authorised_by_id = uow.actor_id
        a.authorised_at = read.now()
        episode = read.get_episode_row(uow.session, a.episode_id)
        if a.level_of_need is not None:
            episode.level_of_need = a.level_of_need
        detail = _detail(uow, a, Changes(episodes=True))
        uow.commit()
        return detail


def return_assessment(uow: UnitOfWork, assessment_id: int, expected_version: int, reason: str) -> AssessmentDetail:
    """A manager sends a submitted assessment back for changes; the reason becomes a case note.

    Raises:
        ValidationError: no reason, or the signed-in worker is not a manager.
    """
    with uow:
        s = uow.session
        a = _locked(uow, assessment_id, expected_version)
        new_state = states.ASSESSMENT.apply(a.status, AssessmentAction.RETURN_FOR_CHANGES)
        read.require_role(uow, "manager", "authorised_by", "Only a manager can return an assessment.")
        checks = Checks()
        text = checks.run(require, reason, "reason", "What needs changing")
        if text is not None:
            text = checks.run(check_length, reason, "reason", "What needs changing", LONG_TEXT_MAX)
        checks.raise_if_any()
        a.status = new_state
        a.completed_on = None
        episode = read.get_episode_row(s, a.episode_id)
        s.add(CaseNote(family_id=episode.family_id, episode_id=episode.id, author_id=uow.actor_id,
                       kind="NOTE", subject="Assessment returned for changes", text=text or ""))
        detail = _detail(uow, a, Changes(episodes=True))
        uow.commit()
        return detail


__all__ = ["authorise_assessment", "open_assessment", "return_assessment", "save_assessment", "submit_assessment"]

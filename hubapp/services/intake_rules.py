"""The front door's rules for consent, the basis for sharing, and a request's texts and dates.

Consent is two things (DOMAIN.md §1.2): **agreement to early help** (who gave it, their
relationship, whether they hold parental responsibility or are competent, how and when) and the
**basis for sharing information**, recorded separately. Sharing "with agreement" needs an
agreement that covers sharing; sharing without it needs one of the recorded reasons. Every rule
adds a :class:`~hubapp.domain.errors.FieldError` to a :class:`Checks`, so a form hears about
every problem at once.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from hubapp.data.models import ConsentRecord
from hubapp.domain import codes
from hubapp.domain.dto import ConsentInput, DecisionInput, NewRequest, ShareInput
from hubapp.domain.validation import check_age_at_request, check_length, format_uk_date, require

from ._checks import Checks
from .families import CHILD_RELATIONS

#: Nothing the front door records happened before this.
EARLIEST_DATE = dt.date(1900, 1, 1)
SHORT, LONG, CSC_REFERENCE = 200, 20000, 60
ADULT_RELATIONS = frozenset(
    {"MOTHER", "FATHER", "STEP_PARENT", "PARTNER_OF_PARENT", "GRANDPARENT", "KINSHIP_CARER", "OTHER_ADULT"}
)
_OWN_CONSENT = ("YOUNG_PERSON_16_PLUS", "GILLICK_COMPETENT")


def _too_early(value: dt.date) -> bool:
    day = value.date() if isinstance(value, dt.datetime) else value
    return day < EARLIEST_DATE


def check_timestamp(checks: Checks, value: dt.datetime, field: str, label: str, on: dt.datetime) -> bool:
    """A timestamp a person entered: with a time zone, not before 1900, not in the future.

    Returns:
        Whether it can be compared with other timestamps (it has a time zone).
    """
    if value.tzinfo is None or value.utcoffset() is None:
        checks.add(field, "timezone", f"{label} must include a time zone.")
        return False
    if _too_early(value):
        checks.add(field, "too_early", f"{label} {format_uk_date(value.date())} is before "
                                       f"{format_uk_date(EARLIEST_DATE)}.")
        return False
    if value > on + dt.timedelta(minutes=5):
        checks.add(field, "not_future", f"{label} cannot be in the future.")
    return True


# ---- Agreement to early help ----------------------------------------------------------------------


def check_consent(checks: Checks, c: ConsentInput, today: dt.date) -> None:
    """Agreement to early help (or its refusal): giver, relationship, capacity, method, date, scope."""
    checks.run(require, c.giver_name, "consent.giver_name", "Name of the person giving consent")
    checks.run(check_length, c.giver_name, "consent.giver_name", "Name of the person giving consent", SHORT)
    relationship_ok = codes.is_valid(codes.RELATIONSHIP, c.giver_relationship)
    if not relationship_ok:
        checks.add("consent.giver_relationship", "code",
                   "Relationship of the person giving consent must be chosen from the list.")
    if not codes.is_valid(codes.CONSENT_GIVER_CAPACITY, c.capacity):
        checks.add("consent.capacity", "code",
                   "Consent capacity must say whether they hold parental responsibility or are competent.")
    elif relationship_ok:
        if c.capacity == "PARENTAL_RESPONSIBILITY" and c.giver_relationship in CHILD_RELATIONS:
            checks.add("consent.capacity", "capacity_relationship",
                       "A child does not hold parental responsibility: a young person consents as 16 or "
                       "over, or as Gillick-competent.")
        if c.capacity in _OWN_CONSENT and c.giver_relationship in ADULT_RELATIONS:
            checks.add("consent.capacity", "capacity_relationship",
                       "Only the child or young person can consent as 16 or over or as Gillick-competent; "
                       "an adult consents with parental responsibility (or choose Other and say why).")
    if c.capacity in ("GILLICK_COMPETENT", "OTHER") and not c.capacity_note.strip():
        why = ("why they are competent to make this decision" if c.capacity == "GILLICK_COMPETENT"
               else "on what basis they can give consent")
        checks.add("consent.capacity_note", "required", f"Consent capacity note is required: record {why}.")
    checks.run(check_length, c.capacity_note, "consent.capacity_note", "Consent capacity note", LONG)
    if not codes.is_valid(codes.CONSENT_METHOD, c.method):
        checks.add("consent.method", "code", "Consent method must be signed, verbal or electronic.")
    if c.given_on > today:
        checks.add("consent.given_on", "not_future", f"Consent date {format_uk_date(c.given_on)} is in the future.")
    elif _too_early(c.given_on):
        checks.add("consent.given_on", "too_early",
                   f"Consent date {format_uk_date(c.given_on)} is before {format_uk_date(EARLIEST_DATE)}.")
    if c.agreed and not (c.scope_engagement or c.scope_sharing or c.scope_national_evaluation):
        checks.add("consent.scope_engagement", "scope",
                   "Agreement must cover something: early help, sharing with agencies or national evaluation.")
    if c.scope_sharing and not c.agreed:
        checks.add("consent.scope_sharing", "refused_scope",
                   "A refusal cannot cover sharing: untick sharing, or record that they agreed.")
    checks.run(check_length, c.scope_agencies, "consent.scope_agencies", "Agencies they agreed to share with", LONG)
    checks.run(check_length, c.restrictions, "consent.restrictions", "Restrictions", LONG)


# ---- The basis for sharing ------------------------------------------------------------------------


def family_has_sharing_agreement(s: Session, family_id: int) -> bool:
    """Whether the family has a current (not withdrawn) agreement that covers sharing."""
    return s.scalar(select(ConsentRecord.id).where(
        ConsentRecord.family_id == family_id, ConsentRecord.agreed.is_(True),
        ConsentRecord.scope_sharing.is_(True), ConsentRecord.withdrawn_on.is_(None),
    ).limit(1)) is not None


def check_share(checks: Checks, sh: ShareInput, agreement_covers_sharing: bool) -> None:
    """The basis for sharing: what, with whom, why, the lawful basis, and agreement or its reason.

    Args:
        checks: where broken rules go.
        sh: the share as recorded.
        agreement_covers_sharing: whether an agreement that covers sharing is recorded (on this
            request, or earlier for the family and not withdrawn).
    """
    for name, label, limit in (("what", "What was shared", LONG), ("with_whom", "Shared with", SHORT),
                               ("purpose", "Purpose of sharing", LONG)):
        value = getattr(sh, name)
        checks.run(require, value, f"share.{name}", label)
        checks.run(check_length, value, f"share.{name}", label, limit)
    if not codes.is_valid(codes.LAWFUL_BASIS, sh.lawful_basis):
        checks.add("share.lawful_basis", "code", "Lawful basis for sharing must be chosen from the list.")
    if sh.with_agreement:
        if not agreement_covers_sharing:
            checks.add("share.with_agreement", "agreement_missing",
                       "Sharing is recorded as agreed, but no agreement to share is recorded. Record the "
                       "family's agreement to sharing, or the reason for sharing without it.")
    elif not sh.without_agreement_reason or not codes.is_valid(
        codes.SHARE_WITHOUT_AGREEMENT_REASON, sh.without_agreement_reason
    ):
        checks.add("share.without_agreement_reason", "required",
                   "Sharing without the family's agreement needs a recorded reason.")
    checks.run(check_length, sh.without_agreement_note, "share.without_agreement_note", "Note", LONG)


# ---- The request as a whole -----------------------------------------------------------------------


def check_request_extras(s: Session, checks: Checks, data: NewRequest, today: dt.date) -> None:
    """The front door's rules beyond the basics: dates, children's ages, consent and sharing."""
    if data.received_at.tzinfo is not None and data.received_at.utcoffset() is not None:
        if _too_early(data.received_at):
            checks.add("received_at", "too_early", f"Received date {format_uk_date(data.received_at.date())} "
                                                   f"is before {format_uk_date(EARLIEST_DATE)}.")
        elif data.new_family is not None:
            for i, member in enumerate(data.new_family.members):
                if member.relation in CHILD_RELATIONS and member.date_of_birth is not None:
                    checks.run(check_age_at_request, member.date_of_birth, data.received_at.date(),
                               f"new_family.members[{i}].date_of_birth", expected=member.dob_is_expected)
    if data.consent is not None:
        check_consent(checks, data.consent, today)
    if data.share is not None:
        covered = data.consent is not None and data.consent.agreed and data.consent.scope_sharing
        if not covered and data.family_id is not None:
            covered = family_has_sharing_agreement(s, data.family_id)
        check_share(checks, data.share, covered)


def check_decision_extras(checks: Checks, data: DecisionInput, on: dt.datetime) -> bool:
    """Texts and the decision time of a decision; returns whether ``decided_at`` can be compared."""
    checks.run(check_length, data.rationale, "rationale", "Rationale for the decision", LONG)
    checks.run(check_length, data.csc_reference, "csc_reference", "Social care reference", CSC_REFERENCE)
    checks.run(check_length, data.feedback_note, "feedback_note", "Feedback to the referrer", LONG)
    if data.decided_at is None:
        return True
    return check_timestamp(checks, data.decided_at, "decided_at", "Decision date", on)

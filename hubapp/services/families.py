"""Families and their members: create a household, read everything the family view shows."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from hubapp.data.models import (
    Address, CodeListItem, Episode, Family, FamilyMembership, Hub, Person, PersonDobHistory, PersonIdentifier,
    RequestForSupport, RequestPerson, TransferRequest, Worker,
)
from hubapp.data.models.episodes import Closure
from hubapp.data.uow import UnitOfWork
from hubapp.domain import codes, states
from hubapp.domain.dto import (
    AddressInput, AddressRow, EpisodeRow, FamilyDetail, HistoryItem, MemberRow, NewFamily, NewPerson,
)
from hubapp.domain.errors import NotFound
from hubapp.domain.names import name_keys
from hubapp.domain.validation import (
    SHORT_TEXT_MAX, age_on, check_date_of_birth, check_length, check_nhs_number, check_upn, normalise_postcode,
    require,
)

from ._checks import Checks
from .access import record_access

CHILD_RELATIONS = {"SELF", "SIBLING", "HALF_SIBLING", "OTHER_CHILD"}
REREFERRAL_DAYS = 365


def today() -> dt.date:
    """Today's date (a function, so tests can patch it)."""
    return dt.date.today()


# ---- Create ------------------------------------------------------------------------------------


def check_person(checks: Checks, p: NewPerson, prefix: str, on: dt.date) -> None:
    """Record every broken rule of one new person under ``prefix`` (e.g. ``members[0]``)."""
    checks.run(require, p.given_name, f"{prefix}.given_name", "Given name")
    checks.run(require, p.family_name, f"{prefix}.family_name", "Family name")
    checks.run(check_length, p.given_name, f"{prefix}.given_name", "Given name", 200)
    checks.run(check_length, p.family_name, f"{prefix}.family_name", "Family name", 200)
    if p.date_of_birth is not None:
        checks.run(
            check_date_of_birth, p.date_of_birth, on, f"{prefix}.date_of_birth", expected=p.dob_is_expected
        )
    elif p.dob_is_expected:
        checks.add(f"{prefix}.date_of_birth", "required", "Expected date of birth is required for an unborn child.")
    if p.sex not in ("M", "F", "U"):
        checks.add(f"{prefix}.sex", "code", f"Sex must be M, F or U, not {p.sex!r}.")
    if p.dob_is_expected and p.sex != "U":
        checks.add(f"{prefix}.sex", "unborn_sex", "Sex of an unborn child is recorded as U (not known).")
    if not codes.is_valid(codes.RELATIONSHIP, p.relation):
        checks.add(f"{prefix}.relation", "code", f"Relationship {p.relation!r} is not in the list.")
    for name, label in (("other_names", "Other names"), ("language", "Language")):
        checks.run(check_length, getattr(p, name), f"{prefix}.{name}", label, 200)
    if p.ethnicity is not None and not codes.is_valid(codes.ETHNICITY, p.ethnicity):
        checks.add(f"{prefix}.ethnicity", "code", "Ethnicity must be chosen from the list.")
    if p.nhs_number.strip():
        checks.run(check_nhs_number, p.nhs_number, f"{prefix}.nhs_number")
    if p.upn.strip():
        checks.run(check_upn, p.upn, f"{prefix}.upn")


def check_address(checks: Checks, a: AddressInput, prefix: str = "address") -> str | None:
    """Record broken rules of an address; returns the normalised postcode."""
    for name, label in (("line1", "Address line 1"), ("line2", "Address line 2"), ("town", "Town")):
        checks.run(check_length, getattr(a, name), f"{prefix}.{name}", label, 200)
    if a.no_fixed_abode:
        return None
    if not a.postcode.strip():
        return None
    return checks.run(normalise_postcode, a.postcode, f"{prefix}.postcode")


def check_new_family(session: Session, checks: Checks, data: NewFamily, on: dt.date, prefix: str = "") -> None:
    """Record every broken rule of a new household (used on its own and inside a request)."""
    if session.get(Hub, data.hub_id) is None:
        checks.add(f"{prefix}hub_id", "exists", "Hub must be chosen from the list.")
    checks.run(check_length, data.name, f"{prefix}name", "Family name", 200)
    if not data.members:
        checks.add(f"{prefix}members", "required", "A family needs at least one member.")
    for i, member in enumerate(data.members):
        check_person(checks, member, f"{prefix}members[{i}]", on)
    if sum(1 for m in data.members if m.is_index_child) > 1:
        checks.add(f"{prefix}members", "one_index_child", "Only one member can be the index child.")
    seen: dict[str, int] = {}
    for i, member in enumerate(data.members):
        digits = "".join(ch for ch in member.nhs_number if ch.isdigit())
        if digits and digits in seen:
            checks.add(
                f"{prefix}members[{i}].nhs_number", "unique",
                f"NHS number is the same as member {seen[digits] + 1}'s.",
            )
        if digits:
            seen.setdefault(digits, i)
    check_address(checks, data.address, f"{prefix}address")


def add_family(session: Session, data: NewFamily, actor_id: int | None, on: dt.date) -> Family:
    """Insert a checked household with its members and address; returns the flushed family."""
    index = next((i for i, m in enumerate(data.members) if m.is_index_child), None)
    if index is None:
        children = [i for i, m in enumerate(data.members) if m.relation in CHILD_RELATIONS]
        if children:
            index = min(children, key=lambda i: data.members[i].date_of_birth or dt.date.max)
    name = data.name.strip() or _default_family_name(data.members, index)
    family = Family(name=name, hub_id=data.hub_id, created_by_id=actor_id)
    session.add(family)
    session.flush()
    people: list[Person] = []
    for i, m in enumerate(data.members):
        person = _new_person(m)
        session.add(person)
        people.append(person)
    session.flush()
    for i, (m, person) in enumerate(zip(data.members, people, strict=True)):
        relation = "SELF" if i == index else m.relation
        session.add(
            FamilyMembership(
                family_id=family.id, person_id=person.id, relation=relation,
                has_parental_responsibility=m.has_parental_responsibility,
                lives_in_household=m.lives_in_household, start_date=on,
            )
        )
        session.add(PersonDobHistory(
            person_id=person.id, date_of_birth=m.date_of_birth, dob_is_expected=m.dob_is_expected,
            recorded_by_id=actor_id,
        ))
        if person.nhs_number:
            session.add(PersonIdentifier(person_id=person.id, id_type="NHS", value=person.nhs_number, valid_from=on))
        if person.upn:
            session.add(PersonIdentifier(person_id=person.id, id_type="UPN", value=person.upn, valid_from=on))
    if index is not None:
        family.index_child_id = people[index].id
    a = data.address
    if a.no_fixed_abode or a.postcode.strip() or a.line1.strip():
        session.add(Address(
            family_id=family.id, line1=a.line1.strip() or None, line2=a.line2.strip() or None,
            town=a.town.strip() or None,
            postcode=normalise_postcode(a.postcode) if a.postcode.strip() and not a.no_fixed_abode else None,
            no_fixed_abode=a.no_fixed_abode, valid_from=on,
        ))
    session.flush()
    return family


def _new_person(m: NewPerson) -> Person:
    keys = name_keys(m.given_name.strip(), m.family_name.strip(), m.other_names.strip() or None)
    return Person(
        given_name=m.given_name.strip(), family_name=m.family_name.strip(),
        other_names=m.other_names.strip() or None, date_of_birth=m.date_of_birth,
        dob_is_expected=m.dob_is_expected, sex=m.sex, ethnicity=m.ethnicity,
        language=m.language.strip() or None,
        nhs_number=check_nhs_number(m.nhs_number) if m.nhs_number.strip() else None,
        upn=check_upn(m.upn) if m.upn.strip() else None,
        given_name_key=keys.given_key, family_name_key=keys.family_key, search_name=keys.search_name,
        given_phonetic=keys.given_phonetic, family_phonetic=keys.family_phonetic,
    )


def _default_family_name(members: tuple[NewPerson, ...], index: int | None) -> str:
    """"Smith family", after the index child (or the first member), cut to fit a one-line field."""
    chosen = members[index] if index is not None else members[0]
    suffix = " family"
    return f"{chosen.family_name.strip()[:SHORT_TEXT_MAX - len(suffix)].rstrip()}{suffix}"


def create_family(uow: UnitOfWork, data: NewFamily) -> FamilyDetail:
    """Create a household with its members and current address.

    Raises:
        ValidationError: every broken rule, by field (``members[1].nhs_number`` ...).
    """
    with uow:
        on = today()
        checks = Checks()
        check_new_family(uow.session, checks, data, on)
        checks.raise_if_any()
        family = add_family(uow.session, data, uow.actor_id, on)
        family_id = family.id
        uow.commit()
    return get_family(uow, family_id, log_view=False)


# ---- Read --------------------------------------------------------------------------------------


def get_family(uow: UnitOfWork, family_id: int, *, log_view: bool = True) -> FamilyDetail:
    """Everything the family view shows: members, addresses, episodes, history and flags.

    Opening a family's record is a disclosure: unless ``log_view`` is false (a refresh after
    the person's own save), the look is written to the access log in the same transaction.
    """
    with uow:
        detail = read_family(uow.session, family_id, today())
        if log_view:
            record_access(uow, "VIEW", "family", family_id, family_id)
            uow.commit()
        return detail


def read_family(s: Session, family_id: int, on: dt.date) -> FamilyDetail:
    """Build a ``FamilyDetail`` inside an open session (a handful of queries, no N+1)."""
    row = s.execute(
        select(Family, Hub.name, Worker.display_name)
        .join(Hub, Hub.id == Family.hub_id)
        .outerjoin(Worker, Worker.id == Family.lead_worker_id)
        .where(Family.id == family_id)
    ).first()
    if row is None:
        raise NotFound("family", family_id)
    family, hub_name, lead = row
    relation_labels = {c.code: c.label for c in codes.CODE_LISTS[codes.RELATIONSHIP]}
    relation_labels.update(_relation_labels(s))
    members = []
    for m, p in s.execute(
        select(FamilyMembership, Person)
        .join(Person, Person.id == FamilyMembership.person_id)
        .where(FamilyMembership.family_id == family_id, FamilyMembership.end_date.is_(None))
        .order_by(Person.date_of_birth.is_(None), Person.date_of_birth)
    ):
        age = age_on(p.date_of_birth, on) if p.date_of_birth and not p.dob_is_expected else None
        members.append(MemberRow(
            person_id=p.id, given_name=p.given_name, family_name=p.family_name,
            date_of_birth=p.date_of_birth, dob_is_expected=p.dob_is_expected, age=age, sex=p.sex,
            relation=m.relation, relation_label=relation_labels.get(m.relation, m.relation),
            has_parental_responsibility=m.has_parental_responsibility,
            lives_in_household=m.lives_in_household, nhs_number=p.nhs_number, upn=p.upn,
            is_index_child=p.id == family.index_child_id,
        ))
    # Adults first, then children, each by age (oldest first) - how a worker reads a household.
    members.sort(key=lambda r: (r.relation in CHILD_RELATIONS or r.is_index_child,
                                r.date_of_birth or dt.date.max))
    addresses = [
        AddressRow(a.line1, a.line2, a.town, a.postcode, a.no_fixed_abode, a.valid_from, a.valid_to)
        for a in s.scalars(
            select(Address).where(Address.family_id == family_id)
            .order_by(Address.valid_to.is_not(None), Address.valid_from.desc())
        )
    ]
    current = next((a for a in addresses if a.valid_to is None), None)
    previous = tuple(a for a in addresses if a is not current)

    episodes = []
    open_episode_id = None
    for e, e_hub, e_lead in s.execute(
        select(Episode, Hub.name, Worker.display_name)
        .join(Hub, Hub.id == Episode.hub_id)
        .outerjoin(Worker, Worker.id == Episode.lead_worker_id)
        .where(Episode.family_id == family_id)
        .order_by(Episode.start_date.desc())
    ):
        episodes.append(EpisodeRow(e.id, e.status, e_hub, e.start_date, e.end_date, e_lead, e.end_reason))
        if e.status in states.EPISODE_OPEN_STATES and open_episode_id is None:
            open_episode_id = e.id

    history = _history(s, family_id)
    flags = _flags(s, family_id, episodes, on)
    from .revolving import family_flag_texts  # the revolving-door flags (DOMAIN §9)

    flags += tuple(f for f in family_flag_texts(s, family_id, on) if f not in flags)
    return FamilyDetail(
        id=family.id, name=family.name, hub_id=family.hub_id, hub_name=hub_name, lead_worker=lead,
        version=family.version, members=tuple(members), address=current, previous_addresses=previous,
        episodes=tuple(episodes), history=history, open_episode_id=open_episode_id, flags=flags,
    )


def _relation_labels(s: Session) -> dict[str, str]:
    """Relationship labels from the database (the authority may have relabelled them)."""
    return dict(s.execute(
        select(CodeListItem.code, CodeListItem.label).where(CodeListItem.list_name == codes.RELATIONSHIP)
    ).all())


def _history(s: Session, family_id: int) -> tuple[HistoryItem, ...]:
    items: list[HistoryItem] = []
    source_labels = {c.code: c.label for c in codes.CODE_LISTS[codes.REFERRAL_SOURCE]}
    for r in s.scalars(select(RequestForSupport).where(RequestForSupport.family_id == family_id)):
        detail = f"From {r.referrer_name or 'unknown'} ({source_labels.get(r.source, r.source)})"
        items.append(HistoryItem(r.received_at, "request", "Request for support", detail, r.status, r.id))
        if r.decided_at is not None and r.outcome:
            outcome = codes.label_of(codes.REQUEST_OUTCOME, r.outcome, r.outcome)
            items.append(HistoryItem(r.decided_at, "decision", f"Decision: {outcome}",
                                     r.decision_rationale or "", r.outcome, r.id))
    for e in s.scalars(select(Episode).where(Episode.family_id == family_id)):
        items.append(HistoryItem(e.accepted_at, "episode", "Early help episode opened",
                                 f"Level of need {e.level_of_need or 'not set'}", e.status, e.id))
    for c, e in s.execute(
        select(Closure, Episode).join(Episode, Episode.id == Closure.episode_id).where(Episode.family_id == family_id)
    ):
        at = dt.datetime.combine(c.closed_on, dt.time(12), tzinfo=dt.UTC)
        reason = codes.label_of(codes.EPISODE_CLOSURE_REASON, c.reason, c.reason)
        items.append(HistoryItem(at, "closure", f"Episode closed: {reason}", c.narrative or "", c.reason, e.id))
    for t in s.scalars(select(TransferRequest).where(TransferRequest.family_id == family_id)):
        title = "Step-up to social care" if t.direction == states.TransferDirection.STEP_UP else "Step-down from social care"
        items.append(HistoryItem(t.requested_at, "transfer", title, t.reason[:200], t.status, t.id))
    items.sort(key=lambda i: i.at, reverse=True)
    return tuple(items)


def _flags(s: Session, family_id: int, episodes: list[EpisodeRow], on: dt.date) -> tuple[str, ...]:
    flags: list[str] = []
    if any(e.status in states.EPISODE_OPEN_STATES for e in episodes):
        flags.append("Open early help episode")
    pending = s.scalar(
        select(TransferRequest.id).where(
            TransferRequest.family_id == family_id,
            TransferRequest.status.not_in(_TRANSFER_DONE),
        ).limit(1)
    )
    if pending is not None:
        flags.append("Transfer in progress")
    received = sorted(s.scalars(
        select(RequestForSupport.received_at).where(RequestForSupport.family_id == family_id)
    ), reverse=True)
    # DfE's CIN sense (a request within 12 months of the previous one); the §9 early help
    # "Re-referral within 12 months" (after an episode closed) comes from services.revolving.
    if len(received) >= 2 and (received[0] - received[1]).days <= REREFERRAL_DAYS:
        flags.append("Referred before within 12 months")
    recent_closed = [e for e in episodes if e.end_date and (on - e.end_date).days <= REREFERRAL_DAYS]
    if recent_closed:
        flags.append("Episode closed in the last 12 months")
    return tuple(flags)


_TRANSFER_DONE = tuple(
    {states.StepUpState.CLOSED, states.StepDownState.COMPLETE, states.StepDownState.CLOSED} | set(states.STEP_DOWN_FAILED_STATES)
)


def family_people(s: Session, family_id: int) -> set[int]:
    """Ids of the family's current members (inside an open session)."""
    return set(s.scalars(
        select(FamilyMembership.person_id).where(
            FamilyMembership.family_id == family_id, FamilyMembership.end_date.is_(None)
        )
    ))


def request_people(s: Session, request_id: int) -> list[int]:
    """Ids of the people a request is about (inside an open session)."""
    return list(s.scalars(select(RequestPerson.person_id).where(RequestPerson.request_id == request_id)))

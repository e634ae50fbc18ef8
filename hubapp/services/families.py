"""Families and their members: create a household, read everything the family view shows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import cache
from typing import Any, NamedTuple, cast

from sqlalchemy import Integer, Row, Select, Table, and_, bindparam, select
from sqlalchemy.orm import Session

from hubapp.data.models import (
    Address, Base, CodeListItem, Episode, Family, FamilyMembership, Hub, Person, PersonDobHistory,
    PersonIdentifier, RequestForSupport, RequestPerson, TransferRequest, Worker,
)
from hubapp.data.models.episodes import Closure, EpisodeChild
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
    """Build a ``FamilyDetail`` inside an open session: six reads of plain columns, each fetching
    what it names once for every part of the view (history, flags and revolving-door flags are
    worked out from the rows the lists were built from)."""
    from . import revolving  # the revolving-door flags (DOMAIN §9)

    q = _reads()
    params = {"family_id": family_id}
    family = s.execute(q.family, params).first()
    if family is None:
        raise NotFound("family", family_id)
    members = []
    facts = revolving.FamilyFacts()
    for p in s.execute(q.members, params):
        age = age_on(p.date_of_birth, on) if p.date_of_birth and not p.dob_is_expected else None
        members.append(MemberRow(
            person_id=p.id, given_name=p.given_name, family_name=p.family_name,
            date_of_birth=p.date_of_birth, dob_is_expected=p.dob_is_expected, age=age, sex=p.sex,
            relation=p.relation,
            relation_label=p.label if p.label is not None else _RELATION_LABELS.get(p.relation, p.relation),
            has_parental_responsibility=p.has_parental_responsibility,
            lives_in_household=p.lives_in_household, nhs_number=p.nhs_number, upn=p.upn,
            is_index_child=p.id == family.index_child_id,
        ))
        if p.relation in CHILD_RELATIONS:
            facts.children[p.id] = f"{p.given_name} {p.family_name}"
    # Adults first, then children, each by age (oldest first) - how a worker reads a household.
    members.sort(key=lambda r: (r.relation in CHILD_RELATIONS or r.is_index_child,
                                r.date_of_birth or dt.date.max))
    addresses = [AddressRow(*a) for a in s.execute(q.addresses, params)]
    current = next((a for a in addresses if a.valid_to is None), None)
    previous = tuple(a for a in addresses if a is not current)

    episode_rows, episode_children = revolving.grouped(s.execute(q.episodes, params), "child_id")
    episodes = [EpisodeRow(e.id, e.status, e.hub_name, e.start_date, e.end_date, e.lead, e.end_reason)
                for e in episode_rows]
    open_episode_id = next((e.id for e in episodes if e.status in states.EPISODE_OPEN_STATES), None)
    requests, subjects = revolving.grouped(s.execute(q.requests, params), "subject_id")
    transfers = s.execute(q.transfers, params).all()

    for e in episode_rows:
        facts.add_episode(e, episode_children[e.id])
    for r in requests:
        if r.status != states.RequestState.DRAFT:
            facts.add_request(r, subjects[r.id])
    for t in transfers:
        facts.add_transfer(t)
    history = _history(requests, episode_rows, transfers)
    flags = _flags(episodes, requests, transfers, on)
    flags += tuple(f for f in (flag.text for flag in facts.flags(on)) if f not in flags)  # DOMAIN §9
    return FamilyDetail(
        id=family.id, name=family.name, hub_id=family.hub_id, hub_name=family.hub_name, lead_worker=family.lead,
        version=family.version, members=tuple(members), address=current, previous_addresses=previous,
        episodes=tuple(episodes), history=history, open_episode_id=open_episode_id, flags=flags,
    )


#: Relationship labels of the code list as shipped; a label the authority gave a code in the
#: database (``code_list_item``, read with the members) wins.
_RELATION_LABELS = {c.code: c.label for c in codes.CODE_LISTS[codes.RELATIONSHIP]}
_SOURCE_LABELS = {c.code: c.label for c in codes.CODE_LISTS[codes.REFERRAL_SOURCE]}


class _Reads(NamedTuple):
    """The family view's statements, built once (plain columns of the tables, not ORM entities: the
    rows only feed DTOs, and a statement built once is compiled once and keeps its cache key)."""

    family: Select[Any]
    members: Select[Any]
    addresses: Select[Any]
    episodes: Select[Any]
    requests: Select[Any]
    transfers: Select[Any]


@cache
def _reads() -> _Reads:
    f, h, w = _table(Family), _table(Hub), _table(Worker)
    m, p, c, a = _table(FamilyMembership), _table(Person), _table(CodeListItem), _table(Address)
    e, cl, ec = _table(Episode), _table(Closure), _table(EpisodeChild)
    r, rp, t = _table(RequestForSupport), _table(RequestPerson), _table(TransferRequest)
    family_id = bindparam("family_id", type_=Integer)
    return _Reads(
        family=select(f.c.id, f.c.name, f.c.hub_id, f.c.index_child_id, f.c.version,
                      h.c.name.label("hub_name"), w.c.display_name.label("lead"))
        .select_from(f.join(h, h.c.id == f.c.hub_id).outerjoin(w, w.c.id == f.c.lead_worker_id))
        .where(f.c.id == family_id),
        members=select(p.c.id, p.c.given_name, p.c.family_name, p.c.date_of_birth, p.c.dob_is_expected, p.c.sex,
                       m.c.relation, c.c.label, m.c.has_parental_responsibility, m.c.lives_in_household,
                       p.c.nhs_number, p.c.upn)
        .select_from(m.join(p, p.c.id == m.c.person_id).outerjoin(
            c, and_(c.c.list_name == codes.RELATIONSHIP, c.c.code == m.c.relation)))
        .where(m.c.family_id == family_id, m.c.end_date.is_(None))
        .order_by(p.c.date_of_birth.is_(None), p.c.date_of_birth),
        addresses=select(a.c.line1, a.c.line2, a.c.town, a.c.postcode, a.c.no_fixed_abode, a.c.valid_from,
                         a.c.valid_to)
        .where(a.c.family_id == family_id)
        .order_by(a.c.valid_to.is_not(None), a.c.valid_from.desc()),
        # An episode has at most one closure; a row for each of its children.
        episodes=select(e.c.id, e.c.status, h.c.name.label("hub_name"), e.c.start_date, e.c.end_date,
                        w.c.display_name.label("lead"), e.c.end_reason, e.c.accepted_at, e.c.level_of_need,
                        cl.c.id.label("closure_id"), cl.c.closed_on, cl.c.reason.label("closure_reason"),
                        cl.c.narrative, ec.c.person_id.label("child_id"))
        .select_from(e.join(h, h.c.id == e.c.hub_id).outerjoin(w, w.c.id == e.c.lead_worker_id)
                     .outerjoin(cl, cl.c.episode_id == e.c.id).outerjoin(ec, ec.c.episode_id == e.c.id))
        .where(e.c.family_id == family_id)
        .order_by(e.c.start_date.desc()),
        # A row for each person a request is about.
        requests=select(r.c.id, r.c.status, r.c.received_at, r.c.referrer_name, r.c.source, r.c.outcome,
                        r.c.decided_at, r.c.decision_rationale, rp.c.person_id.label("subject_id"))
        .select_from(r.outerjoin(rp, rp.c.request_id == r.c.id))
        .where(r.c.family_id == family_id),
        transfers=select(t.c.id, t.c.direction, t.c.status, t.c.requested_at, t.c.reason, t.c.decided_at,
                         t.c.decision_outcome)
        .where(t.c.family_id == family_id),
    )


def _table(model: type[Base]) -> Table:
    return cast(Table, model.__table__)


def _history(requests: list[Row[Any]], episodes: list[Row[Any]], transfers: Sequence[Row[Any]]
             ) -> tuple[HistoryItem, ...]:
    items: list[HistoryItem] = []
    for r in requests:
        detail = f"From {r.referrer_name or 'unknown'} ({_SOURCE_LABELS.get(r.source, r.source)})"
        items.append(HistoryItem(r.received_at, "request", "Request for support", detail, r.status, r.id))
        if r.decided_at is not None and r.outcome:
            outcome = codes.label_of(codes.REQUEST_OUTCOME, r.outcome, r.outcome)
            items.append(HistoryItem(r.decided_at, "decision", f"Decision: {outcome}",
                                     r.decision_rationale or "", r.outcome, r.id))
    for e in episodes:
        items.append(HistoryItem(e.accepted_at, "episode", "Early help episode opened",
                                 f"Level of need {e.level_of_need or 'not set'}", e.status, e.id))
    for e in episodes:
        if e.closure_id is not None:
            at = dt.datetime.combine(e.closed_on, dt.time(12), tzinfo=dt.UTC)
            reason = codes.label_of(codes.EPISODE_CLOSURE_REASON, e.closure_reason, e.closure_reason)
            items.append(HistoryItem(at, "closure", f"Episode closed: {reason}", e.narrative or "",
                                     e.closure_reason, e.id))
    for t in transfers:
        title = "Step-up to social care" if t.direction == states.TransferDirection.STEP_UP else "Step-down from social care"
        items.append(HistoryItem(t.requested_at, "transfer", title, t.reason[:200], t.status, t.id))
    items.sort(key=lambda i: i.at, reverse=True)
    return tuple(items)


def _flags(episodes: list[EpisodeRow], requests: list[Row[Any]], transfers: Sequence[Row[Any]],
           on: dt.date) -> tuple[str, ...]:
    flags: list[str] = []
    if any(e.status in states.EPISODE_OPEN_STATES for e in episodes):
        flags.append("Open early help episode")
    if any(t.status not in _TRANSFER_DONE for t in transfers):
        flags.append("Transfer in progress")
    received = sorted((r.received_at for r in requests), reverse=True)
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

"""Is this family already known? The check the intake form runs while the worker types.

Each person typed (a :class:`PersonProbe`) is compared with the people on record by NHS number,
date of birth (day and month swaps tolerated), and name: exact, a known variant spelling (the
editable table of :mod:`hubapp.domain.name_variants`), the same Metaphone code (jellyfish), or a
close spelling (rapidfuzz, Jaro-Winkler with Soundex for transposed letters). The household's
postcode matches families who live or lived there. Candidates come from indexed look-ups (NHS
number, date of birth, family-name keys and phonetic codes, postcode; trigram similarity with
``pg_trgm`` on PostgreSQL); the scoring happens here. Matches are grouped by family, each with
the reasons it matched and what the hubs already know of it (:class:`Involvement`).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass, field

import jellyfish
from rapidfuzz import fuzz
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from hubapp.config import config_dir
from hubapp.data.models import (
    Address, Episode, Family, FamilyMembership, Hub, Person, Plan, RequestForSupport, TransferRequest, Worker,
)
from hubapp.data.uow import UnitOfWork
from hubapp.domain import name_variants, states
from hubapp.domain.errors import ValidationError
from hubapp.domain.front_door import DuplicateCandidate, DuplicateQuery, Involvement, MatchedPerson, PersonProbe
from hubapp.domain.names import fold, phonetic
from hubapp.domain.validation import check_nhs_number, format_uk_date, normalise_postcode

from .families import REREFERRAL_DAYS, _TRANSFER_DONE, today

log = logging.getLogger(__name__)

VARIANTS_FILE = "name_variants.json"
CANDIDATE_LIMIT = 400
#: A family is shown when its score reaches this (e.g. a close name and a date of birth).
SHOW_FLOOR = 45.0
NHS_POINTS, DOB_POINTS, DOB_SWAPPED_POINTS = 100.0, 35.0, 25.0
NAME_POINTS = 50.0
POSTCODE_POINTS, PREVIOUS_POSTCODE_POINTS = 20.0, 10.0
#: A person counts as matched (and is listed under the family) from this score: more than a shared
#: family name or given name alone.
PERSON_FLOOR = 30.0

_EXACT, _VARIANT, _SOUNDS, _SIMILAR, _PREFIX = 1.0, 0.9, 0.85, 0.8, 0.6

_table_lock = threading.Lock()
_table_cache: tuple[tuple[str, int | None], name_variants.VariantTable] | None = None


def variant_table() -> name_variants.VariantTable:
    """The shipped name variants plus the authority's own (``name_variants.json`` in the config dir).

    Re-read when that file changes. A broken local file is logged and ignored, so the check
    still runs on the shipped table.
    """
    global _table_cache
    path = config_dir() / VARIANTS_FILE
    try:
        stamp: int | None = path.stat().st_mtime_ns
    except OSError:
        stamp = None
    key = (str(path), stamp)
    with _table_lock:
        if _table_cache is not None and _table_cache[0] == key:
            return _table_cache[1]
        try:
            table = name_variants.load(path)
        except ValueError as exc:
            log.warning("%s; using the shipped name variants only", exc)
            table = name_variants.shipped()
        _table_cache = (key, table)
        return table


# ---- Scoring --------------------------------------------------------------------------------------


def _part_match(typed: str, known: str, table: name_variants.VariantTable) -> float:
    """How well one typed name part (folded) matches a known one: 0, or one of the levels above."""
    if not typed or not known:
        return 0.0
    if typed == known:
        return _EXACT
    if table.are_variants(typed, known):
        return _VARIANT
    if len(typed) >= 3 and jellyfish.metaphone(typed) == jellyfish.metaphone(known):
        return _SOUNDS
    if fuzz.ratio(typed, known) >= 80 or (
        jellyfish.jaro_winkler_similarity(typed, known) >= 0.9 and jellyfish.soundex(typed) == jellyfish.soundex(known)
    ):
        return _SIMILAR
    if len(typed) >= 2 and known.startswith(typed):
        return _PREFIX
    return 0.0


def _part_reason(part: str, level: float, typed_raw: str, known_raw: str) -> str:
    typed_raw = typed_raw.strip()
    if level == _EXACT:
        return f"{part} name matches"
    if level == _VARIANT:
        return f"{part} name {typed_raw} is a variant of {known_raw}"
    if level == _SOUNDS:
        return f"{part} name sounds the same ({typed_raw} / {known_raw})"
    if level == _SIMILAR:
        return f"{part} name spelt similarly ({typed_raw} / {known_raw})"
    return f"{part} name starts with {typed_raw}"


def name_score(probe: PersonProbe, person: Person, table: name_variants.VariantTable) -> tuple[float, list[str]]:
    """Points (0–50) for how well a typed name matches a person's, with the reasons."""
    g, f = fold(probe.given_name), fold(probe.family_name)
    gp = _part_match(g, person.given_name_key, table) if g else 0.0
    fp = _part_match(f, person.family_name_key, table) if f else 0.0
    if g and f:
        if gp == fp == _EXACT:
            return NAME_POINTS, ["Name matches"]
        swapped = min(_part_match(g, person.family_name_key, table), _part_match(f, person.given_name_key, table))
        if swapped >= _SOUNDS and swapped > max(gp, fp):
            return NAME_POINTS * 0.8 * swapped, ["Given and family names swapped"]
        score = NAME_POINTS * (0.5 * gp + 0.5 * fp)
    elif f:
        score = NAME_POINTS * 0.8 * fp
    else:
        score = NAME_POINTS * 0.5 * gp
    reasons = []
    if gp:
        reasons.append(_part_reason("Given", gp, probe.given_name, person.given_name))
    if fp:
        reasons.append(_part_reason("Family", fp, probe.family_name, person.family_name))
    return score, reasons


def _swapped(d: dt.date) -> dt.date | None:
    if d.day > 12 or d.day == d.month:
        return None
    try:
        return dt.date(d.year, d.day, d.month)
    except ValueError:
        return None


def _valid_nhs(text: str) -> str | None:
    if not text.strip():
        return None
    try:
        return check_nhs_number(text)
    except ValidationError:
        return None


def _valid_postcode(text: str) -> str | None:
    if not text.strip():
        return None
    try:
        return normalise_postcode(text)
    except ValidationError:
        return None


@dataclass
class _Best:
    """The best match found so far for one known person."""

    person: Person
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)
    probe_key: str = ""


def person_score(probe: PersonProbe, person: Person, table: name_variants.VariantTable) -> tuple[float, list[str]]:
    """Points and reasons for one typed person against one known person."""
    score, reasons = 0.0, []
    nhs = _valid_nhs(probe.nhs_number)
    if nhs and person.nhs_number == nhs:
        score += NHS_POINTS
        reasons.append("NHS number matches")
    d, known = probe.date_of_birth, person.date_of_birth
    if d is not None and known is not None:
        if d == known:
            score += DOB_POINTS
            reasons.append("Date of birth matches")
        elif _swapped(d) == known:
            score += DOB_SWAPPED_POINTS
            reasons.append(f"Date of birth matches with day and month swapped ({format_uk_date(d)} / "
                           f"{format_uk_date(known)})")
    points, why = name_score(probe, person, table)
    return score + points, reasons + why


# ---- Candidates -----------------------------------------------------------------------------------


def _next_prefix(text: str) -> str:
    """The smallest string greater than every string starting with ``text`` (for a range scan)."""
    return text[:-1] + chr(ord(text[-1]) + 1)


def _candidates(s: Session, probe: PersonProbe, dialect: str, table: name_variants.VariantTable) -> list[Person]:
    """People worth scoring for one probe, from indexed look-ups only."""
    conditions = []
    nhs = _valid_nhs(probe.nhs_number)
    if nhs:
        conditions.append(Person.nhs_number == nhs)
    if probe.date_of_birth is not None:
        days = [probe.date_of_birth] + [d for d in (_swapped(probe.date_of_birth),) if d]
        conditions.append(Person.date_of_birth.in_(days))
    f = fold(probe.family_name)
    if len(f) >= 2:
        prefix = f if dialect == "postgresql" or len(f) < 4 else f[:3]
        conditions.append(and_(Person.family_name_key >= prefix, Person.family_name_key < _next_prefix(prefix)))
        variants = table.variants_of(f)
        if variants:
            conditions.append(Person.family_name_key.in_(sorted(variants)))
        if len(f) >= 3:
            conditions.append(Person.family_phonetic == phonetic(f))
        if dialect == "postgresql":
            whole = " ".join(p for p in (fold(probe.given_name), f) if p)
            conditions.append(Person.search_name.op("%")(whole))
    if not conditions:
        return []
    return list(s.scalars(select(Person).where(or_(*conditions)).limit(CANDIDATE_LIMIT)))


def find_duplicates(s: Session, query: DuplicateQuery, dialect: str, on: dt.date) -> tuple[DuplicateCandidate, ...]:
    """``check_duplicates`` inside an open session."""
    table = variant_table()
    pool: dict[int, Person] = {}
    for probe in query.people:
        for person in _candidates(s, probe, dialect, table):
            pool.setdefault(person.id, person)
    postcode = _valid_postcode(query.postcode)
    at_postcode: dict[int, bool] = {}
    if postcode:
        for family_id, valid_to in s.execute(
            select(Address.family_id, Address.valid_to).where(Address.postcode == postcode).limit(CANDIDATE_LIMIT)
        ):
            at_postcode[family_id] = at_postcode.get(family_id, False) or valid_to is None
        if at_postcode and query.people:
            for person in s.scalars(
                select(Person).join(FamilyMembership, FamilyMembership.person_id == Person.id)
                .where(FamilyMembership.family_id.in_(list(at_postcode)), FamilyMembership.end_date.is_(None))
                .limit(CANDIDATE_LIMIT)
            ):
                pool.setdefault(person.id, person)

    best: dict[int, _Best] = {}
    for person in pool.values():
        for probe in query.people:
            score, reasons = person_score(probe, person, table)
            if score >= PERSON_FLOOR and score > best.get(person.id, _Best(person)).score:
                best[person.id] = _Best(person, score, reasons, probe.key)
    return _by_family(s, best, at_postcode, postcode, query.limit, on)


def _by_family(
    s: Session, best: dict[int, _Best], at_postcode: dict[int, bool], postcode: str | None, limit: int, on: dt.date,
) -> tuple[DuplicateCandidate, ...]:
    members: dict[int, list[tuple[_Best, str]]] = {}
    if best:
        for person_id, family_id, relation in s.execute(
            select(FamilyMembership.person_id, FamilyMembership.family_id, FamilyMembership.relation)
            .where(FamilyMembership.person_id.in_(list(best)), FamilyMembership.end_date.is_(None))
        ):
            members.setdefault(family_id, []).append((best[person_id], relation))
    scored: list[tuple[float, int, list[str]]] = []
    for family_id in set(members) | set(at_postcode):
        matched = sorted(members.get(family_id, []), key=lambda m: -m[0].score)
        score = matched[0][0].score if matched else 0.0
        score += min(15.0, 5.0 * sum(1 for m, _ in matched[1:] if m.score >= 30))
        reasons: list[str] = []
        if family_id in at_postcode and postcode:
            current = at_postcode[family_id]
            score += POSTCODE_POINTS if current else PREVIOUS_POSTCODE_POINTS
            reasons.append(f"Lives at {postcode}" if current else f"Previously lived at {postcode}")
        if score >= SHOW_FLOOR:
            scored.append((score, family_id, reasons))
    scored.sort(key=lambda t: (-t[0], t[1]))
    scored = scored[:limit]
    if not scored:
        return ()
    ids = [family_id for _, family_id, _ in scored]
    facts = _family_facts(s, ids)
    involvement = involvement_of(s, ids, on)
    out = []
    for score, family_id, reasons in scored:
        name, hub_id, hub_name, pc, address = facts[family_id]
        people = tuple(
            MatchedPerson(
                person_id=b.person.id, given_name=b.person.given_name, family_name=b.person.family_name,
                date_of_birth=b.person.date_of_birth, dob_is_expected=b.person.dob_is_expected,
                nhs_number=b.person.nhs_number, relation=relation, probe_key=b.probe_key,
                score=round(min(b.score, 100.0), 1), reasons=tuple(b.reasons),
            )
            for b, relation in sorted(members.get(family_id, []), key=lambda m: -m[0].score)
        )
        out.append(DuplicateCandidate(
            family_id=family_id, family_name=name, hub_id=hub_id, hub_name=hub_name, postcode=pc, address=address,
            score=round(min(score, 100.0), 1), reasons=tuple(reasons), people=people,
            involvement=involvement[family_id],
        ))
    return tuple(out)


def _family_facts(s: Session, ids: list[int]) -> dict[int, tuple[str, int, str, str | None, str]]:
    facts: dict[int, tuple[str, int, str, str | None, str]] = {}
    for family_id, name, hub_id, hub_name in s.execute(
        select(Family.id, Family.name, Hub.id, Hub.name).join(Hub, Hub.id == Family.hub_id).where(Family.id.in_(ids))
    ):
        facts[family_id] = (name, hub_id, hub_name, None, "No current address recorded")
    for a in s.scalars(select(Address).where(Address.family_id.in_(ids), Address.valid_to.is_(None))):
        name, hub_id, hub_name, _, _ = facts[a.family_id]
        one_line = "No fixed abode" if a.no_fixed_abode else ", ".join(
            p for p in (a.line1, a.line2, a.town, a.postcode) if p)
        facts[a.family_id] = (name, hub_id, hub_name, a.postcode, one_line)
    return facts


# ---- Involvement ----------------------------------------------------------------------------------


def involvement_of(s: Session, family_ids: list[int], on: dt.date) -> dict[int, Involvement]:
    """What the hubs know today of each family, in five queries whatever the number of families."""
    if not family_ids:
        return {}
    found: dict[int, dict[str, object]] = {f: {} for f in family_ids}
    for family_id, episode_id, status, hub_name, lead in s.execute(
        select(Episode.family_id, Episode.id, Episode.status, Hub.name, Worker.display_name)
        .join(Hub, Hub.id == Episode.hub_id).outerjoin(Worker, Worker.id == Episode.lead_worker_id)
        .where(Episode.family_id.in_(family_ids), Episode.status.in_(tuple(states.EPISODE_OPEN_STATES)))
        .order_by(Episode.start_date.desc())
    ):
        found[family_id].setdefault("open_episode_id", episode_id)
        found[family_id].setdefault("open_episode_status", status)
        found[family_id].setdefault("open_episode_hub", hub_name)
        found[family_id].setdefault("lead_worker", lead)
    for family_id, plan_id in s.execute(
        select(Episode.family_id, Plan.id).join(Episode, Episode.id == Plan.episode_id)
        .where(Episode.family_id.in_(family_ids),
               Plan.status.in_((states.PlanState.AGREED, states.PlanState.ACTIVE)))
    ):
        found[family_id].setdefault("active_plan_id", plan_id)
    for family_id, transfer_id, direction, status in s.execute(
        select(TransferRequest.family_id, TransferRequest.id, TransferRequest.direction, TransferRequest.status)
        .where(TransferRequest.family_id.in_(family_ids), TransferRequest.status.not_in(_TRANSFER_DONE))
    ):
        found[family_id].setdefault("pending_transfer_id", transfer_id)
        kind = "Step-up" if direction == states.TransferDirection.STEP_UP else "Step-down"
        found[family_id].setdefault("pending_transfer", f"{kind}: {status.replace('_', ' ').lower()}")
    year_ago = on - dt.timedelta(days=REREFERRAL_DAYS)
    closures: dict[int, list[dt.date]] = {}
    for family_id, end in s.execute(
        select(Episode.family_id, Episode.end_date)
        .where(Episode.family_id.in_(family_ids), Episode.end_date.is_not(None), Episode.end_date >= year_ago)
    ):
        closures.setdefault(family_id, []).append(end)
    for family_id, last in s.execute(
        select(RequestForSupport.family_id, func.max(RequestForSupport.received_at))
        .where(RequestForSupport.family_id.in_(family_ids)).group_by(RequestForSupport.family_id)
    ):
        found[family_id]["last_request_at"] = last
    for family_id, request_id in s.execute(
        select(RequestForSupport.family_id, RequestForSupport.id)
        .where(RequestForSupport.family_id.in_(family_ids),
               RequestForSupport.status.in_(tuple(states.REQUEST_UNDECIDED_STATES)))
        .order_by(RequestForSupport.received_at.desc())
    ):
        found[family_id].setdefault("undecided_request_id", request_id)
    out = {}
    for family_id, f in found.items():
        last = f.get("last_request_at")
        out[family_id] = Involvement(
            open_episode_id=f.get("open_episode_id"),  # type: ignore[arg-type]
            open_episode_status=f.get("open_episode_status"),  # type: ignore[arg-type]
            open_episode_hub=f.get("open_episode_hub"),  # type: ignore[arg-type]
            lead_worker=f.get("lead_worker"),  # type: ignore[arg-type]
            active_plan_id=f.get("active_plan_id"),  # type: ignore[arg-type]
            pending_transfer_id=f.get("pending_transfer_id"),  # type: ignore[arg-type]
            pending_transfer=f.get("pending_transfer"),  # type: ignore[arg-type]
            closures_last_12_months=tuple(sorted(closures.get(family_id, []), reverse=True)),
            last_request_at=last,  # type: ignore[arg-type]
            undecided_request_id=f.get("undecided_request_id"),  # type: ignore[arg-type]
            re_referral=isinstance(last, dt.datetime) and last.date() >= year_ago,
        )
    return out


# ---- The service ----------------------------------------------------------------------------------


def check_duplicates(uow: UnitOfWork, query: DuplicateQuery) -> tuple[DuplicateCandidate, ...]:
    """Known families that may be the household being typed, best first, each with its reasons.

    Partial input is fine: a malformed NHS number or postcode is simply not used yet. Nothing is
    written and nothing is logged as a disclosure: only the names, dates of birth and
    involvement flags needed to recognise the family are returned.
    """
    with uow:
        return find_duplicates(uow.session, query, uow.dialect, today())


__all__ = ["check_duplicates", "find_duplicates", "involvement_of", "name_score", "person_score", "variant_table"]

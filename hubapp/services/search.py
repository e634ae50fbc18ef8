"""Find people and families by name (fuzzy and phonetic), date of birth, NHS number, postcode.

Candidates come from indexed SQL look-ups (trigram similarity on PostgreSQL, prefix and phonetic
keys on both); they are then scored in Python with rapidfuzz, and each hit says why it matched.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from hubapp.data.models import Address, Episode, Family, FamilyMembership, Hub, Person
from hubapp.data.uow import UnitOfWork
from hubapp.domain import states
from hubapp.domain.dto import PersonHit, SearchCriteria
from hubapp.domain.errors import ValidationError
from hubapp.domain.names import fold, phonetic
from hubapp.domain.validation import check_nhs_number, normalise_postcode, parse_uk_date

CANDIDATES_PER_KEY = 300
#: People read who match a two-word name on one side only (see ``_name_candidates``).
ONE_SIDE_SAMPLE = 100
#: The longest name word given close spellings ("smtih" -> "smith"). A longer "word" is text pasted
#: by mistake: its one-edit variants would run to hundreds of thousands (5,000 letters: 250,000, past
#: what one statement may carry on PostgreSQL), and its prefix is searched all the same.
CLOSE_SPELLING_MAX = 40
NAME_SCORE_FLOOR = 60.0

_DATE = re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$")
_DIGITS = re.compile(r"^[\d\s-]{10,13}$")
_POSTCODE = re.compile(r"^[A-Za-z]{1,2}\d[A-Za-z\d]?\s*\d[A-Za-z]{2}$")


def parse_query(text: str) -> SearchCriteria:
    """Turn what was typed in the global search box into criteria.

    Words that look like a date (dd/mm/yyyy), an NHS number or a postcode are taken as such; the
    rest is the name. "Smith 03/04/2015" searches the name Smith born on that day (or 04/03).
    """
    text = text.strip()
    if _POSTCODE.match(text):
        return SearchCriteria(postcode=text)
    if _DIGITS.match(text) and len(re.sub(r"\D", "", text)) == 10:
        return SearchCriteria(nhs_number=text)
    name_words: list[str] = []
    dob: dt.date | None = None
    for word in text.split():
        if _DATE.match(word) and dob is None:
            try:
                dob = parse_uk_date(word, "search")
                continue
            except ValidationError:
                pass
        name_words.append(word)
    return SearchCriteria(name=" ".join(name_words), date_of_birth=dob)


@dataclass
class _Candidate:
    person: Person
    score: float = 0.0
    reasons: list[str] | None = None

    def add(self, points: float, reason: str) -> None:
        self.score += points
        if self.reasons is None:
            self.reasons = []
        if reason not in self.reasons:
            self.reasons.append(reason)


def quick_search(uow: UnitOfWork, text: str, limit: int = 50) -> tuple[PersonHit, ...]:
    """The global search box: parse ``text`` and search."""
    criteria = parse_query(text)
    return search_people(uow, SearchCriteria(
        name=criteria.name, date_of_birth=criteria.date_of_birth, nhs_number=criteria.nhs_number,
        postcode=criteria.postcode, limit=limit,
    ))


def search_people(uow: UnitOfWork, criteria: SearchCriteria) -> tuple[PersonHit, ...]:
    """People matching any of the criteria, best first, each with the reasons it matched.

    Raises:
        ValidationError: a malformed NHS number or postcode (field ``nhs_number``/``postcode``).
    """
    with uow:
        return find_people(uow.session, criteria, uow.dialect)


def find_people(s: Session, criteria: SearchCriteria, dialect: str) -> tuple[PersonHit, ...]:
    """``search_people`` inside an open session (also used by the duplicate check)."""
    found: dict[int, _Candidate] = {}

    def candidate(p: Person) -> _Candidate:
        return found.setdefault(p.id, _Candidate(p))

    if criteria.nhs_number.strip():
        nhs = check_nhs_number(criteria.nhs_number)
        for p in s.scalars(select(Person).where(Person.nhs_number == nhs)):
            candidate(p).add(100, "NHS number matches")

    if criteria.date_of_birth is not None:
        d = criteria.date_of_birth
        days = [d]
        if d.day <= 12 and d.day != d.month:
            try:
                days.append(dt.date(d.year, d.day, d.month))
            except ValueError:
                pass
        for p in s.scalars(select(Person).where(Person.date_of_birth.in_(days)).limit(CANDIDATES_PER_KEY * 3)):
            if p.date_of_birth == d:
                candidate(p).add(40, "Date of birth matches")
            else:
                candidate(p).add(25, "Date of birth matches with day and month swapped")

    postcode_people: set[int] = set()
    if criteria.postcode.strip():
        pc = normalise_postcode(criteria.postcode)
        rows = s.execute(
            select(Person, Address.valid_to)
            .join(FamilyMembership, FamilyMembership.person_id == Person.id)
            .join(Address, Address.family_id == FamilyMembership.family_id)
            .where(Address.postcode == pc)
            .limit(CANDIDATES_PER_KEY)
        )
        for p, valid_to in rows:
            postcode_people.add(p.id)
            if valid_to is None:
                candidate(p).add(30, f"Lives at {pc}")
            else:
                candidate(p).add(15, f"Previously lived at {pc}")

    name = fold(criteria.name)
    if name:
        _name_candidates(s, name, dialect, candidate, found)

    hits = [c for c in found.values() if c.score > 0]
    if name and not (criteria.nhs_number or criteria.date_of_birth or criteria.postcode):
        hits = [c for c in hits if c.score >= NAME_SCORE_FLOOR]
    hits.sort(key=lambda c: (-c.score, c.person.family_name_key, c.person.given_name_key))
    hits = hits[: criteria.limit]
    return _to_hits(s, hits)


def _name_candidates(s: Session, name: str, dialect: str, candidate, found) -> None:  # type: ignore[no-untyped-def]
    words = name.split()
    last = words[-1]
    first = words[0] if len(words) > 1 else None
    close = _close_names(s, last, dialect, Person.family_name_key)
    # Only comparisons PostgreSQL knows to be leakproof (=, <, >=, IN): row-level security lets
    # those, and not LIKE or pg_trgm's %, use an index before the row's policy is checked.
    family_keys = [_starts_with(Person.family_name_key, last), Person.family_phonetic == phonetic(last)]
    given_keys = [_starts_with(Person.given_name_key, words[0])]
    family_side = family_keys + ([Person.family_name_key.in_(close)] if close else [])
    if first is None:
        statements = [select(Person).where(or_(*family_side, *given_keys)).limit(CANDIDATES_PER_KEY * 4)]
    else:
        close_given = _close_names(s, first, dialect, Person.given_name_key)
        given_side = given_keys + ([Person.given_name_key.in_(close_given)] if close_given else [])
        # Everyone whose family name and given name both match, however common each name is on its
        # own (5,000 people called Ali and 3,600 called Aisha at city scale): a LIMIT over either
        # side alone could drop the very person asked for. Then a sample of those matching one side
        # only by its keys (a sibling, a given name misspelt further off), who score lower; without
        # the lists of close spellings, whose row estimates would make PostgreSQL scan the table.
        statements = [
            select(Person).where(or_(*family_side), or_(*given_side)).limit(CANDIDATES_PER_KEY * 4),
            select(Person).where(or_(*family_keys, *given_keys)).limit(ONE_SIDE_SAMPLE),
        ]
    if dialect == "postgresql" and first is not None:
        # pg_trgm through the GIN index, in a definer-rights function that keeps to the people the
        # signed-in worker may see (migrations 0003 and 0006; its threshold is set there): whole
        # names misspelt further than one edit a word. One word alone is left to the keys above:
        # as a whole name it is "like" every short name that contains it ("ali": 2,000 people).
        similar = s.scalars(select(func.hubapp_person_ids_named_like(name, CANDIDATES_PER_KEY * 4))).all()
        if similar:
            statements.append(select(Person).where(Person.id.in_(similar)))
    scored: set[int] = set()
    for stmt in statements:
        for p in s.scalars(stmt):
            if p.id in scored:
                continue
            scored.add(p.id)
            score, reason = _name_score(p, words, first, last)
            if score > 0:
                candidate(p).add(score, reason)
    # People already found by other criteria (date of birth, postcode) get their name compared too.
    for person_id, c in found.items():
        if person_id not in scored:
            score, reason = _name_score(c.person, words, first, last)
            if score > 0:
                c.add(score, reason)


def _starts_with(column, prefix: str):  # type: ignore[no-untyped-def]
    """``column`` starts with ``prefix``, a folded word (a-z, 0-9), as a range of the index.

    The end of the range is the next word of the same length in either collation PostgreSQL
    might use (C or a language's): trailing "z"s are dropped and the last letter stepped on
    ("smiz" -> "smj", "ab9" -> "aba"); a word of only "z"s has no end.
    """
    stem = prefix.rstrip("z")
    if not stem:
        return column >= prefix
    step = "a" if stem[-1] == "9" else chr(ord(stem[-1]) + 1)
    return and_(column >= prefix, column < stem[:-1] + step)


def _close_names(s: Session, word: str, dialect: str, column) -> list[str]:  # type: ignore[no-untyped-def]
    """Name keys of ``column`` spelt like ``word`` ("smtih" finds "smith"), starting with the same letter.

    SQLite: the distinct names under one letter are few even at city scale and come off the index
    as a range scan; rapidfuzz picks the close ones. PostgreSQL: that scan would check row-level
    security on every person under the letter (100 ms at city scale), so the names one edit away
    (a letter dropped, added, changed or two swapped) that rapidfuzz counts as close are looked up
    instead, with the other name keys; misspellings further off are pg_trgm's (``_name_candidates``).
    """
    if not 3 <= len(word) <= CLOSE_SPELLING_MAX:
        return []
    if dialect == "postgresql":
        return [e for e in sorted(_one_edit_away(word)) if fuzz.ratio(word, e) >= 75]
    first = word[0]
    keys = s.scalars(select(column).distinct().where(column >= first, column < chr(ord(first) + 1))).all()
    matches = process.extract(word, keys, scorer=fuzz.ratio, score_cutoff=75, limit=25)
    return [key for key, _score, _index in matches]


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _one_edit_away(word: str) -> set[str]:
    """Words one edit from ``word`` that keep its first letter (Norvig's ``edits1``)."""
    splits = [(word[:i], word[i:]) for i in range(1, len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    swaps = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    changes = {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    inserts = {a + c + b for a, b in splits for c in _LETTERS}
    return (deletes | swaps | changes | inserts) - {word}


def _name_score(p: Person, words: list[str], first: str | None, last: str) -> tuple[float, str]:
    whole = " ".join(words)
    if p.search_name == whole or f"{p.given_name_key} {p.family_name_key}" == whole:
        return 100.0, "Name matches exactly"
    fam = fuzz.ratio(last, p.family_name_key)
    fam_sound = phonetic(last) == p.family_phonetic
    if first is None:
        # One word: a family name or a given name.
        given = fuzz.ratio(last, p.given_name_key)
        best = max(fam, given)
        if fam == 100 or given == 100:
            return 80.0, "Name matches"
        if fam_sound:
            return 70.0, "Family name sounds the same"
        return (best * 0.75, "Name is similar") if best >= 80 else (0.0, "")
    given = fuzz.ratio(first, p.given_name_key)
    given_sound = phonetic(first) == p.given_phonetic
    if fam == 100 and given == 100:
        return 100.0, "Name matches exactly"
    score = 0.5 * max(fam, 90 if fam_sound else 0) + 0.5 * max(given, 90 if given_sound else 0)
    if p.given_name_key.startswith(first) and fam >= 90:
        score = max(score, 90)
    if score < 70:
        return 0.0, ""
    if fam_sound or given_sound:
        return score, "Name sounds the same"
    return score, "Name is similar (possible misspelling)"


def _to_hits(s: Session, hits: list[_Candidate]) -> tuple[PersonHit, ...]:
    if not hits:
        return ()
    ids = [c.person.id for c in hits]
    family_of: dict[int, tuple[int, str, str]] = {}
    for person_id, family_id, family_name, hub_name in s.execute(
        select(FamilyMembership.person_id, Family.id, Family.name, Hub.name)
        .join(Family, Family.id == FamilyMembership.family_id)
        .join(Hub, Hub.id == Family.hub_id)
        .where(FamilyMembership.person_id.in_(ids), FamilyMembership.end_date.is_(None))
        .order_by(FamilyMembership.id)
    ):
        family_of[person_id] = (family_id, family_name, hub_name)
    family_ids = {f[0] for f in family_of.values()}
    postcode_of = dict(s.execute(
        select(Address.family_id, func.max(Address.postcode))
        .where(Address.family_id.in_(family_ids), Address.valid_to.is_(None))
        .group_by(Address.family_id)
    ).all()) if family_ids else {}
    open_families = set(s.scalars(
        select(Episode.family_id).where(
            Episode.family_id.in_(family_ids), Episode.status.in_(tuple(states.EPISODE_OPEN_STATES))
        )
    )) if family_ids else set()
    out = []
    for c in hits:
        p = c.person
        fam = family_of.get(p.id)
        out.append(PersonHit(
            person_id=p.id, given_name=p.given_name, family_name=p.family_name,
            date_of_birth=p.date_of_birth, nhs_number=p.nhs_number,
            family_id=fam[0] if fam else None, family_name_display=fam[1] if fam else None,
            postcode=postcode_of.get(fam[0]) if fam else None, hub_name=fam[2] if fam else None,
            score=round(min(c.score, 100.0), 1), reasons=tuple(c.reasons or ()),
            open_episode=bool(fam and fam[0] in open_families),
        ))
    return tuple(out)

"""Synthetic households: names, dates of birth, addresses with history, NHS numbers and UPNs.

Names come from Faker's en_GB lists plus small lists of Irish, Polish, Romanian, South Asian,
African and Caribbean names (with their diacritics: Zoë, Siobhán, Łukasz). NHS numbers are
only ever from the never-issued 999 range, with a valid Modulus 11 check digit; UPNs carry
a valid check letter. Postcodes have a valid format and look like Birmingham's; they are not
claimed to exist.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from functools import lru_cache

from faker import Faker
from stdnum.gb import upn as _upn

from hubapp.data.models import (
    Address,
    Family,
    FamilyMembership,
    Person,
    PersonAlias,
    PersonDobHistory,
    PersonIdentifier,
)
from hubapp.domain.names import NameKeys, fold, name_keys

from .sink import Sink

DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Group:
    """Names and census codes typical of one community (weights roughly like Birmingham's)."""

    weight: int
    ethnicity: tuple[str, ...]
    languages: tuple[str, ...]
    religions: tuple[str | None, ...]
    female: tuple[str, ...] = ()
    male: tuple[str, ...] = ()
    surnames: tuple[str, ...] = ()
    mothers_surnames: tuple[str, ...] = ()


GROUPS: dict[str, Group] = {
    "british": Group(46, ("WBRI",), ("English",), ("Christian", "No religion", None)),
    "irish": Group(
        4, ("WIRI",), ("English",), ("Christian", None),
        ("Siobhán", "Aoife", "Niamh", "Róisín", "Caoimhe", "Saoirse", "Clodagh", "Órla"),
        ("Seán", "Ciarán", "Pádraig", "Oisín", "Eoin", "Cian", "Darragh", "Tadhg"),
        ("O'Brien", "Murphy", "O'Sullivan", "Ó Súilleabháin", "McCarthy", "Byrne", "Doherty",
         "Ó Ceallaigh", "Gallagher", "O'Neill"),
    ),
    "polish": Group(
        5, ("WOTH",), ("Polish", "English"), ("Christian",),
        ("Zofia", "Małgorzata", "Agnieszka", "Katarzyna", "Zuzanna", "Joanna", "Magdalena", "Ewa"),
        ("Łukasz", "Wojciech", "Krzysztof", "Paweł", "Jakub", "Tomasz", "Michał", "Piotr"),
        ("Kowalski", "Nowak", "Wiśniewski", "Wójcik", "Lewandowski", "Kamiński", "Zieliński",
         "Woźniak", "Dąbrowski", "Mazur"),
    ),
    "romanian": Group(
        2, ("WOTH", "WROM"), ("Romanian", "English"), ("Christian",),
        ("Andreea", "Ioana", "Mădălina", "Elena", "Ana-Maria"),
        ("Ionuț", "Ștefan", "Andrei", "Mihai", "Florin"),
        ("Popescu", "Ionescu", "Stoica", "Rădulescu", "Dumitru"),
    ),
    "pakistani": Group(
        13, ("APKN",), ("English", "Urdu", "Punjabi"), ("Muslim",),
        ("Ayesha", "Fatima", "Aisha", "Zainab", "Maryam", "Hafsa", "Iqra", "Sana"),
        ("Muhammad", "Mohammed", "Imran", "Bilal", "Hamza", "Zain", "Ibrahim", "Yusuf"),
        ("Khan", "Ahmed", "Hussain", "Ali", "Iqbal", "Akhtar", "Mahmood", "Butt", "Rashid", "Shah"),
        ("Bibi", "Akhtar", "Kausar"),
    ),
    "bangladeshi": Group(
        5, ("ABAN",), ("English", "Bengali", "Sylheti"), ("Muslim",),
        ("Nusrat", "Jannat", "Tahmina", "Sumaiya", "Ruksana", "Fatema"),
        ("Abdul", "Rahim", "Shahid", "Ayaan", "Arif", "Mahfuz"),
        ("Rahman", "Miah", "Uddin", "Chowdhury", "Islam", "Hoque"),
        ("Begum", "Khatun"),
    ),
    "indian": Group(
        5, ("AIND",), ("English", "Punjabi", "Gujarati"), ("Sikh", "Hindu", None),
        ("Priya", "Anjali", "Harpreet", "Gurpreet", "Simran", "Pooja"),
        ("Arjun", "Rajinder", "Harjit", "Manpreet", "Vikram", "Rohan"),
        ("Patel", "Singh", "Sharma", "Gill", "Sandhu", "Mistry"),
        ("Kaur",),
    ),
    "african": Group(
        6, ("BAFR",), ("English", "Yoruba", "Somali", "Igbo"), ("Christian", "Muslim"),
        ("Ngozi", "Adaeze", "Amara", "Abimbola", "Chiamaka", "Hodan", "Ayan"),
        ("Chidi", "Tunde", "Kwame", "Olumide", "Emeka", "Abdirahman"),
        ("Okafor", "Adeyemi", "Mensah", "Osei", "Okonkwo", "Abdi", "Nwosu"),
    ),
    "caribbean": Group(
        4, ("BCRB",), ("English",), ("Christian", None),
        ("Shanice", "Keisha", "Tiana", "Marcia", "Jada"),
        ("Jerome", "Tyrone", "Marcus", "Andre", "Jermaine"),
        ("Campbell", "Brown", "Thompson", "Robinson", "Francis", "Grant"),
    ),
    "chinese": Group(
        1, ("CHNE",), ("English", "Cantonese", "Mandarin"), (None, "Buddhist"),
        ("Mei", "Xiu", "Lina", "Yan"), ("Wei", "Jun", "Hao", "Ming"),
        ("Chen", "Li", "Wang", "Wong"),
    ),
}
_GROUP_NAMES = tuple(GROUPS)
_GROUP_WEIGHTS = tuple(g.weight for g in GROUPS.values())
_MIXED = {"caribbean": "MWBC", "african": "MWBA", "pakistani": "MWAS", "indian": "MWAS",
          "bangladeshi": "MWAS"}
_ACCENTED_F = ("Zoë", "Chloë", "Renée", "Anaïs", "Léa", "Zoé", "Noëlle")
_ACCENTED_M = ("Noël", "Joël", "José", "Rónán", "Séamus")
_DISABILITY = ("Autism", "ADHD", "Hearing impairment", "Speech and language needs",
               "Cerebral palsy", "Learning disability")

#: Birmingham-like localities and their postcode districts.
AREAS = (
    ("Sparkbrook", "B11"), ("Small Heath", "B10"), ("Bordesley Green", "B9"), ("Erdington", "B23"),
    ("Kingstanding", "B44"), ("Handsworth", "B21"), ("Aston", "B6"), ("Nechells", "B7"),
    ("Ladywood", "B16"), ("Selly Oak", "B29"), ("Northfield", "B31"), ("Kings Heath", "B14"),
    ("Hall Green", "B28"), ("Acocks Green", "B27"), ("Yardley", "B25"), ("Stechford", "B33"),
    ("Castle Vale", "B35"), ("Perry Barr", "B42"), ("Moseley", "B13"), ("Sparkhill", "B11"),
    ("Balsall Heath", "B12"), ("Shard End", "B34"), ("Ward End", "B8"), ("Sheldon", "B26"),
)
OUT_OF_AREA = (("Wolverhampton", "WV10"), ("Coventry", "CV2"), ("Walsall", "WS2"),
               ("Dudley", "DY1"))
_UNIT = "ABDEFGHJLNPQRSTUWXYZ"


class Pools:
    """Name and street lists drawn once from a seeded Faker, then picked from with ``random``."""

    def __init__(self, seed: int) -> None:
        fake = Faker("en_GB")
        fake.seed_instance(seed)
        self.female = tuple(sorted({fake.first_name_female() for _ in range(300)}))
        self.male = tuple(sorted({fake.first_name_male() for _ in range(300)}))
        self.surnames = tuple(sorted({fake.last_name() for _ in range(500)}))
        self.streets = tuple(sorted({fake.street_name() for _ in range(300)}))
        self.given_all = self.female + self.male

    def given(self, rng: random.Random, group: Group, sex: str) -> str:
        own = group.female if sex == "F" else group.male
        if own:
            return rng.choice(own)
        if rng.random() < 0.06:
            return rng.choice(_ACCENTED_F if sex == "F" else _ACCENTED_M)
        return rng.choice(self.female if sex == "F" else self.male)

    def surname(self, rng: random.Random, group: Group) -> str:
        return rng.choice(group.surnames) if group.surnames else rng.choice(self.surnames)


def gendered(surname: str, sex: str) -> str:
    """Polish surnames in -ski/-cki take -ska/-cka for women and girls."""
    if sex == "F" and surname.endswith(("ski", "cki", "dzki")):
        return surname[:-1] + "a"
    return surname


@lru_cache(maxsize=65536)
def keys_for(given: str, family: str, other: str | None) -> NameKeys:
    """``name_keys``, remembered (the same names recur across thousands of people)."""
    return name_keys(given, family, other)


@dataclass
class Member:
    """One person of a household, before it is written."""

    id: int
    given: str
    family: str
    sex: str
    relation: str
    dob: dt.date
    child: bool
    pr: bool = False
    lives: bool = True
    expected: bool = False
    ethnicity: str | None = None
    language: str | None = None
    religion: str | None = None
    other_names: str | None = None
    disability: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    deceased_on: dt.date | None = None

    @property
    def name(self) -> str:
        return f"{self.given} {self.family}"

    def age_on(self, day: dt.date) -> int:
        return day.year - self.dob.year - ((day.month, day.day) < (self.dob.month, self.dob.day))


@dataclass
class Household:
    """A family's people and where they live."""

    members: list[Member]
    group: str
    area: tuple[str, str]
    name: str = ""
    moved_out_on: dt.date | None = None
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def children(self) -> list[Member]:
        """Children already born, oldest first."""
        return [m for m in self.members if m.child and not m.expected]

    @property
    def carers(self) -> list[Member]:
        """Adults with parental responsibility."""
        return [m for m in self.members if m.pr]

    @property
    def index_child(self) -> Member:
        return next(m for m in self.members if m.relation == "SELF")


def make_household(rng: random.Random, pools: Pools, sink: Sink, today: dt.date,
                   areas: tuple[tuple[str, str], ...]) -> Household:
    """Draw a household: 1–2 carers with PR (sometimes a kinship carer or a grandparent),
    1–5 children under 18 (the oldest at least 4), sometimes an unborn baby."""
    gname = rng.choices(_GROUP_NAMES, _GROUP_WEIGHTS)[0]
    group = GROUPS[gname]
    other = GROUPS[rng.choices(_GROUP_NAMES, _GROUP_WEIGHTS)[0]] if rng.random() < 0.08 else group
    kind = rng.choices(("couple", "mother", "blended", "father", "kinship"), (45, 32, 11, 6, 6))[0]
    members: list[Member] = []

    def person(grp: Group, sex: str, surname: str, relation: str, dob: dt.date, child: bool,
               **kw: object) -> Member:
        m = Member(sink.new_id(Person), pools.given(rng, grp, sex), gendered(surname, sex), sex,
                   relation, dob, child, **kw)  # type: ignore[arg-type]
        known = rng.random() < 0.93
        m.ethnicity = rng.choice(grp.ethnicity if known else ("REFU", "NOBT"))
        m.language = grp.languages[0] if child or rng.random() < 0.6 else rng.choice(grp.languages)
        m.religion = rng.choice(grp.religions)
        if rng.random() < 0.3:
            m.other_names = pools.given(rng, grp, sex if sex != "U" else "F")
        members.append(m)
        return m

    # Children: the oldest 4–17 today, each younger one 1–4 years younger.
    ages = [rng.randint(4 * 365, 17 * 365 + 300)]
    for _ in range(rng.choices((0, 1, 2, 3, 4), (35, 30, 20, 10, 5))[0]):
        nxt = ages[-1] - rng.randint(330, 1500)
        if nxt < 40:
            break
        ages.append(nxt)
    oldest_dob = today - ages[0] * DAY
    father_surname = pools.surname(rng, other if kind in ("couple", "father") else group)
    mother_surname = pools.surname(rng, group)
    if group.mothers_surnames and rng.random() < 0.5:
        mother_surname = rng.choice(group.mothers_surnames)
    kids_surname = father_surname if kind in ("couple",
                                              "father") or rng.random() < 0.35 else mother_surname
    mother_dob = oldest_dob - rng.randint(17 * 365 + 30, 40 * 365) * DAY
    mother_dob = max(mother_dob, today - (70 * 365 - 30) * DAY)
    partner_dob = mother_dob + rng.randint(-8 * 365, 3 * 365) * DAY
    partner_dob = min(max(partner_dob, today - (70 * 365 - 30) * DAY), today - 19 * 365 * DAY)
    home = oldest_dob

    if kind == "kinship":
        gran_dob = max(mother_dob - rng.randint(18 * 365, 28 * 365) * DAY,
                       today - (70 * 365 - 30) * DAY)
        person(group, "F", mother_surname, "KINSHIP_CARER", gran_dob, False, pr=True,
               start=today - rng.randint(200, 2000) * DAY)
        if rng.random() < 0.5:
            person(group, "F", mother_surname, "MOTHER", mother_dob, False, pr=True, lives=False,
                   start=home)
    else:
        if kind != "father":
            person(group, "F",
                   mother_surname if kind != "couple" or rng.random() < 0.4 else kids_surname,
                   "MOTHER", mother_dob, False, pr=True, start=home)
        if kind in ("couple", "father"):
            person(other, "M", father_surname, "FATHER", partner_dob, False, pr=True, start=home)
        elif kind == "mother" and kids_surname != mother_surname and rng.random() < 0.4:
            left = home + rng.randint(200, max(201, ages[0] - 30)) * DAY
            person(other, "M", kids_surname, "FATHER", partner_dob, False, pr=True, lives=False,
                   start=home, end=left)
        elif kind == "blended":
            since = today - rng.randint(300, 2500) * DAY
            person(other, "M", pools.surname(rng, other),
                   rng.choice(("STEP_PARENT", "PARTNER_OF_PARENT")),
                   partner_dob, False, start=since)
    if kind != "kinship" and rng.random() < 0.06:
        gran = max(mother_dob - rng.randint(19 * 365, 28 * 365) * DAY,
                   today - (70 * 365 - 30) * DAY)
        person(group, "F", mother_surname, "GRANDPARENT", gran, False,
               start=today - rng.randint(100, 1500) * DAY)

    pair = {gname, _name_of(other)}
    mixed = next((_MIXED[n] for n in sorted(pair) if n in _MIXED),
                 "MOTH") if "british" in pair else "MOTH"
    for i, age in enumerate(ages):
        sex = rng.choice("MF")
        half = kind == "blended" and i == len(ages) - 1 and i > 0 and rng.random() < 0.7
        partner = next((m for m in members if m.relation in ("STEP_PARENT", "PARTNER_OF_PARENT")),
                       None)
        surname = partner.family if half and partner else kids_surname
        relation = "SELF" if i == 0 else ("HALF_SIBLING" if half else "SIBLING")
        dob = today - age * DAY
        child = person(group, sex, surname, relation, dob, True, start=dob)
        if other is not group:
            child.ethnicity = mixed
        child.language = "English" if rng.random() < 0.8 else child.language
        if rng.random() < 0.06:
            child.disability = rng.choice(_DISABILITY)
    if any(m.relation == "MOTHER" and m.lives for m in members) and rng.random() < 0.06:
        mum = next(m for m in members if m.relation == "MOTHER")
        if mum.age_on(today) <= 43:
            due = today + rng.randint(10, 270) * DAY
            baby = person(group, "U", kids_surname, "SIBLING", due, True, expected=True,
                          start=today - rng.randint(1, 60) * DAY)
            baby.given, baby.other_names, baby.ethnicity = "Baby", None, mum.ethnicity
    carers = {m.family for m in members if m.pr and m.lives}
    shown = kids_surname
    if carers and kids_surname not in carers:
        shown = f"{kids_surname} / {min(carers)}"
    return Household(members, gname, rng.choice(areas), name=shown)


def _name_of(group: Group) -> str:
    return next(n for n, g in GROUPS.items() if g is group)


def nhs_number(person_id: int, salt: int) -> str | None:
    """A synthetic NHS number in the never-issued 999 range, unique per person id below 10⁶.

    Returns ``None`` for the 1 in 11 bodies whose Modulus 11 check would be 10 (invalid).
    """
    digits = f"999{(person_id * 7919 + salt) % 1_000_000:06d}"
    remainder = 11 - sum(int(d) * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
    if remainder == 10:
        return None
    return digits + str(0 if remainder == 11 else remainder)


def upn(person_id: int, dob: dt.date) -> str:
    """A synthetic UPN (LA 330) with a valid check letter, unique per person id below 3·10⁶."""
    year = (dob.year + (5 if dob.month >= 9 else 4)) % 100
    body = f"330{2000 + (person_id // 1000) % 3000:04d}{year:02d}{person_id % 1000:03d}"
    return _upn.calc_check_digit(body) + body


def postcode(rng: random.Random, district: str) -> str:
    return f"{district} {rng.randint(0, 9)}{rng.choice(_UNIT)}{rng.choice(_UNIT)}"


def emit_household(sink: Sink, rng: random.Random, pools: Pools, hh: Household, *, family_id: int,
                   hub_id: int, created_at: dt.datetime, created_by: int,
                   lead_worker_id: int | None,
                   today: dt.date, salt: int) -> None:
    """Queue the family, its people (keys, identifiers, DOB history), memberships, addresses."""
    yesterday = today - DAY
    sink.add(Family, {"id": family_id, "name": hh.name, "hub_id": hub_id,
                      "index_child_id": hh.index_child.id, "lead_worker_id": lead_worker_id,
                      "created_at": created_at, "created_by_id": created_by, "version": 1})
    for m in hh.members:
        made = created_at
        if m.expected:
            made = max(created_at,
                       dt.datetime.combine(m.start or yesterday, dt.time(11), tzinfo=dt.UTC))
        keys = keys_for(m.given, m.family, m.other_names)
        recorded = not m.expected and rng.random() <= (0.96 if m.child else 0.8)
        nhs = nhs_number(m.id, salt) if recorded else None
        school = m.child and not m.expected and m.age_on(today) >= 5 and rng.random() < 0.85
        pupil = upn(m.id, m.dob) if school else None
        sink.add(Person, {
            "id": m.id, "given_name": m.given, "family_name": m.family,
            "other_names": m.other_names,
            "date_of_birth": m.dob, "dob_is_expected": m.expected, "sex": m.sex,
            "ethnicity": m.ethnicity, "language": m.language, "religion": m.religion,
            "disability": m.disability, "deceased_on": m.deceased_on, "nhs_number": nhs,
            "upn": pupil,
            "given_name_key": keys.given_key, "family_name_key": keys.family_key,
            "search_name": keys.search_name, "given_phonetic": keys.given_phonetic,
            "family_phonetic": keys.family_phonetic, "created_at": made, "version": 1,
        })
        if nhs:
            sink.add(PersonIdentifier, {"id": sink.new_id(PersonIdentifier), "person_id": m.id,
                                        "id_type": "NHS", "value": nhs, "valid_from": m.dob})
        if pupil:
            sink.add(PersonIdentifier, {"id": sink.new_id(PersonIdentifier), "person_id": m.id,
                                        "id_type": "UPN", "value": pupil,
                                        "valid_from": dt.date(2000 + int(pupil[8:10]), 9, 1)})
        wrong = m.dob.replace(day=m.dob.month, month=m.dob.day) if m.dob.day <= 12 else m.dob
        if not m.expected and wrong != m.dob and wrong < made.date() and rng.random() < 0.02:
            sink.add(PersonDobHistory, {"id": sink.new_id(PersonDobHistory), "person_id": m.id,
                                        "date_of_birth": wrong, "recorded_at": made,
                                        "recorded_by_id": created_by})
            made = min(made + rng.randint(1, 40) * DAY,
                       dt.datetime.combine(yesterday, dt.time(17), dt.UTC))
        sink.add(PersonDobHistory, {"id": sink.new_id(PersonDobHistory), "person_id": m.id,
                                    "date_of_birth": m.dob, "dob_is_expected": m.expected,
                                    "recorded_at": made, "recorded_by_id": created_by})
        if m.relation == "MOTHER" and m.family != hh.index_child.family and rng.random() < 0.4:
            sink.add(PersonAlias, {"id": sink.new_id(PersonAlias), "person_id": m.id,
                                   "given_name": m.given, "family_name": hh.index_child.family,
                                   "kind": "previous_name",
                                   "search_name": fold(f"{m.given} {hh.index_child.family}")})
        sink.add(FamilyMembership, {
            "id": sink.new_id(FamilyMembership), "family_id": family_id, "person_id": m.id,
            "relation": m.relation, "has_parental_responsibility": m.pr,
            "lives_in_household": m.lives,
            "start_date": m.start, "end_date": m.end,
        })
    # Address history: an older address, sometimes one or two moves inside the three years.
    n_moves = rng.choices((0, 1, 2), (62, 30, 8))[0]
    moves = sorted(today - rng.randint(30, 1100) * DAY for _ in range(n_moves))
    starts = [today - rng.randint(1300, 4000) * DAY, *moves]
    if hh.moved_out_on is not None:
        starts = [s for s in starts if s < hh.moved_out_on] + [hh.moved_out_on]
    homeless = rng.random() < 0.01
    for i, start in enumerate(starts):
        end = starts[i + 1] - DAY if i + 1 < len(starts) else None
        out = hh.moved_out_on is not None and end is None
        town, district = rng.choice(OUT_OF_AREA) if out else ("Birmingham", hh.area[1])
        nfa = homeless and end is None and not out
        flat = rng.random() < 0.25
        flat_no = f"Flat {rng.randint(1, 40)}, " if flat else ""
        line1 = f"{flat_no}{rng.randint(1, 240)} {rng.choice(pools.streets)}"
        sink.add(Address, {
            "id": sink.new_id(Address), "family_id": family_id,
            "line1": None if nfa else line1, "line2": None if nfa or out else hh.area[0],
            "town": None if nfa else town, "postcode": None if nfa else postcode(rng, district),
            "no_fixed_abode": nfa, "valid_from": start, "valid_to": end,
        })

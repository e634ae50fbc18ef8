"""A small, known data set for UI tests, made through the services (never the data layer)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hubapp.domain.dto import AddressInput, DecisionInput, NewFamily, NewPerson, NewRequest
from hubapp.services import context, families, reference, referrals
from hubapp.services.session import Backend


def nhs_number(seed: int) -> str:
    """A valid (checksummed) NHS number in the 999 test range, different for each seed."""
    n = seed * 10
    while True:
        digits = f"999{n:06d}"
        total = sum(int(d) * w for d, w in zip(digits, range(10, 1, -1), strict=True))
        check = 11 - total % 11
        check = 0 if check == 11 else check
        if check != 10:
            return digits + str(check)
        n += 1


def signed_in(url: str) -> Backend:
    """A backend on ``url``, at head and signed in; on PostgreSQL as the test server's login, made a
    worker of a default hub (as a person signing in for the first time would be)."""
    b = Backend(url)
    b.prepare()
    if not b.is_embedded:
        context.ensure_default_hub(b.uow(), "My hub")
        context.ensure_local_worker(b.uow(), "postgres")  # the test server's login
    b.sign_in()
    return b


@dataclass(frozen=True)
class Seeded:
    """What was made: family ids by surname, and the request ids."""

    hub_id: int
    family_ids: dict[str, int]
    undecided_request_ids: tuple[int, ...]
    decided_request_ids: tuple[int, ...]


def _family(backend: Backend, hub_id: int, surname: str, postcode: str, people: list[tuple]) -> int:
    members = tuple(
        NewPerson(given_name=given, family_name=surname, date_of_birth=dob, relation=relation,
                  has_parental_responsibility=relation in ("MOTHER", "FATHER"),
                  nhs_number=nhs_number(seed), sex=sex)
        for given, dob, relation, seed, sex in people
    )
    detail = families.create_family(backend.uow(), NewFamily(
        hub_id=hub_id, members=members,
        address=AddressInput(line1=f"{len(surname)} Station Road", town="Ashford", postcode=postcode),
    ))
    return detail.id


def seed(backend: Backend) -> Seeded:
    """Three families, three undecided requests and one decided request, in the first hub."""
    backend.start_empty()
    hub_id = reference.hubs(backend.uow())[0].id
    ids = {
        "Smith": _family(backend, hub_id, "Smith", "AB1 2CD", [
            ("Sarah", dt.date(1988, 6, 1), "MOTHER", 11, "F"),
            ("Jack", dt.date(2015, 4, 3), "SIBLING", 12, "M"),
            ("Lily", dt.date(2019, 9, 20), "SIBLING", 13, "F"),
        ]),
        "Khan": _family(backend, hub_id, "Khan", "EF3 4GH", [
            ("Ayesha", dt.date(1990, 2, 14), "MOTHER", 21, "F"),
            ("Mohammed", dt.date(2012, 11, 5), "SIBLING", 22, "M"),
        ]),
        "Nowak": _family(backend, hub_id, "Nowak", "JK5 6LM", [
            ("Piotr", dt.date(1985, 3, 30), "FATHER", 31, "M"),
            ("Zofia", dt.date(2017, 7, 7), "SIBLING", 32, "F"),
        ]),
    }
    now = dt.datetime.now(dt.UTC)
    undecided = []
    for n, (name, source, level) in enumerate(
        (("Smith", "SCHOOL_DSL", 2), ("Khan", "POLICE", 3), ("Nowak", "HEALTH_VISITOR", 2))
    ):
        detail = referrals.log_request(backend.uow(), NewRequest(
            hub_id=hub_id, received_at=now - dt.timedelta(days=n, hours=1), source=source,
            referrer_name=f"Referrer {n + 1}", referrer_organisation="Ashford services",
            level_of_need=level, family_id=ids[name],
        ))
        undecided.append(detail.id)
    old = referrals.log_request(backend.uow(), NewRequest(
        hub_id=hub_id, received_at=now - dt.timedelta(days=20), source="GP", referrer_name="Dr Patel",
        level_of_need=1, family_id=ids["Smith"],
    ))
    decided = referrals.decide_request(backend.uow(), DecisionInput(
        request_id=old.id, expected_version=old.version, outcome="NFA",
        rationale="Needs met by universal services.",
    ))
    return Seeded(hub_id, ids, tuple(undecided), (decided.id,))

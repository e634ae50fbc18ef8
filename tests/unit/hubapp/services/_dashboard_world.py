"""A hand-built world for the dashboard tests: rows written straight into the database with the
exact dates each test works its answer out from (the services stamp "now", which a hand count
cannot use).

The period is August to October 2025, "today" its last day. Monday 25 August 2025 is the summer
bank holiday in England and Wales.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from hubapp.data.db import Database
from hubapp.data.models import (
    Assessment, ConsentRecord, Episode, EpisodeChild, Family, FamilyMembership, Hub, Meeting, Need,
    OutcomeMeasurement, Person, Plan, RequestForSupport, RequestPerson, Setting, SFClaim, Team, TransferEvent,
    TransferRequest, Worker, WorkerHub,
)
from hubapp.data.uow import UnitOfWork
from hubapp.domain.report_dto import ReportFilter

START, END = dt.date(2025, 8, 1), dt.date(2025, 10, 31)
TODAY = END


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    """A UTC timestamp on ``day``."""
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


def d(y: int, m: int, day: int) -> dt.date:
    return dt.date(y, m, day)


class DashWorld:
    """Hubs North and South (and East, empty); teams A and B in North; workers Ana (A), Bo (B),
    Dee (A, no cases) in North and Cy in South."""

    def __init__(self, db: Database) -> None:
        self.db = db
        with UnitOfWork(db) as uow:
            s = uow.session
            hubs = [Hub(code=c, name=n) for c, n in (("N", "North Hub"), ("S", "South Hub"), ("E", "East Hub"))]
            s.add_all(hubs)
            s.flush()
            self.north, self.south, self.east = (h.id for h in hubs)
            team_a, team_b = Team(hub_id=self.north, name="Team A"), Team(hub_id=self.north, name="Team B")
            s.add_all([team_a, team_b])
            s.flush()
            self.team_a, self.team_b = team_a.id, team_b.id
            people = {}
            for user, name, team, hub in (("ana", "Ana", team_a.id, self.north), ("bo", "Bo", team_b.id, self.north),
                                          ("dee", "Dee", team_a.id, self.north), ("cy", "Cy", None, self.south)):
                w = Worker(username=user, display_name=name, team_id=team)
                s.add(w)
                s.flush()
                s.add(WorkerHub(worker_id=w.id, hub_id=hub))
                people[user] = w.id
            self.ana, self.bo, self.dee, self.cy = people["ana"], people["bo"], people["dee"], people["cy"]
            uow.commit()

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.db)

    def flt(self, **kw: object) -> ReportFilter:
        kw.setdefault("hub_id", self.north)
        return ReportFilter(START, END, **kw)  # type: ignore[arg-type]

    # ---- Rows

    def _add(self, row: object) -> int:
        with UnitOfWork(self.db) as uow:
            uow.session.add(row)
            uow.flush()
            new_id = row.id  # type: ignore[attr-defined]
            uow.commit()
            return new_id  # type: ignore[no-any-return]

    def family(self, name: str = "Smith", hub: int | None = None, children: Sequence[str] = ("Ella",),
               lead: int | None = None) -> tuple[int, list[int]]:
        """A family with its children; returns its id and the children's ids."""
        with UnitOfWork(self.db) as uow:
            s = uow.session
            f = Family(name=name, hub_id=hub or self.north, lead_worker_id=lead)
            s.add(f)
            s.flush()
            kids = []
            for given in children:
                p = Person(given_name=given, family_name=name, sex="F", given_name_key=given.lower(),
                           family_name_key=name.lower(), search_name=f"{given} {name}".lower(),
                           family_phonetic=name[:4].upper(), given_phonetic=given[:4].upper(),
                           date_of_birth=d(2015, 1, 1))
                s.add(p)
                s.flush()
                s.add(FamilyMembership(family_id=f.id, person_id=p.id, relation="SIBLING"))
                kids.append(p.id)
            uow.commit()
            return f.id, kids

    def request(self, family: int, received: dt.datetime, decided: dt.datetime | None = None,
                outcome: str | None = None, hub: int | None = None, by: int | None = None,
                children: Sequence[int] = (), episode: int | None = None) -> int:
        with UnitOfWork(self.db) as uow:
            s = uow.session
            r = RequestForSupport(family_id=family, hub_id=hub or self.north, received_at=received,
                                  status="DECIDED" if decided else "SUBMITTED", source="SCHOOL_DSL",
                                  decided_at=decided, outcome=outcome, decided_by_id=by, created_by_id=by,
                                  episode_id=episode)
            s.add(r)
            s.flush()
            for c in children:
                s.add(RequestPerson(request_id=r.id, person_id=c))
            uow.commit()
            return r.id

    def episode(self, family: int, accepted: dt.date, *, status: str = "PLAN_ACTIVE", hub: int | None = None,
                team: int | None = None, lead: int | None = None, allocated: dt.date | None = None,
                end: dt.date | None = None, end_reason: str | None = None, children: Sequence[int] = (),
                front_door: bool = False) -> int:
        """An episode; ``front_door`` adds the ACCEPT_EH request that opened it."""
        with UnitOfWork(self.db) as uow:
            s = uow.session
            e = Episode(family_id=family, hub_id=hub or self.north, team_id=team, status=status,
                        start_date=accepted, accepted_at=at(accepted, 9), lead_worker_id=lead,
                        allocated_at=at(allocated, 15) if allocated else None, end_date=end, end_reason=end_reason)
            s.add(e)
            s.flush()
            for c in children:
                s.add(EpisodeChild(episode_id=e.id, person_id=c))
            if front_door:
                s.add(RequestForSupport(family_id=family, hub_id=hub or self.north, received_at=at(accepted, 8),
                                        status="DECIDED", source="SCHOOL_DSL", decided_at=at(accepted, 9),
                                        outcome="ACCEPT_EH", episode_id=e.id))
            uow.commit()
            return e.id

    def assessment(self, episode: int, status: str = "AUTHORISED", authorised: dt.date | None = None,
                   kind: str = "EHA") -> int:
        return self._add(Assessment(episode_id=episode, kind=kind, status=status,
                                    authorised_at=at(authorised) if authorised else None))

    def plan(self, episode: int, agreed: dt.date, *, version: int = 1, status: str = "ACTIVE",
             ended: dt.date | None = None, interval: int = 42) -> int:
        return self._add(Plan(episode_id=episode, version_no=version, status=status, agreed_on=agreed,
                              started_on=agreed, ended_on=ended, review_interval_days=interval))

    def review(self, episode: int, held: dt.date, kind: str = "TAF_REVIEW", status: str = "HELD") -> int:
        return self._add(Meeting(episode_id=episode, kind=kind, status=status,
                                 held_on=held if status == "HELD" else None, decision="CONTINUE"))

    def consent(self, family: int, episode: int, given: dt.date, *, sharing: bool = True,
                withdrawn: dt.date | None = None) -> int:
        return self._add(ConsentRecord(family_id=family, episode_id=episode, giver_name="Joanne Smith",
                                       capacity="PARENTAL_RESPONSIBILITY", agreed=True, scope_engagement=True,
                                       scope_sharing=sharing, method="VERBAL", given_on=given, withdrawn_on=withdrawn))

    def transfer(self, direction: str, family: int, status: str, requested: dt.datetime, *,
                 episode: int | None = None, events: Sequence[tuple[str, dt.datetime]] = (),
                 decided: dt.datetime | None = None, outcome: str | None = None, allocated: dt.date | None = None,
                 meeting: dt.date | None = None, worker: int | None = None, hub: int | None = None,
                 changed: dt.datetime | None = None) -> int:
        """A transfer with its history: ``events`` are ``(to_status, at)`` in order."""
        with UnitOfWork(self.db) as uow:
            s = uow.session
            t = TransferRequest(direction=direction, family_id=family, episode_id=episode, hub_id=hub or self.north,
                                status=status, state_changed_at=changed or (events[-1][1] if events else requested),
                                from_service="CSC" if direction == "STEP_DOWN" else "TARGETED_EH",
                                to_service="TARGETED_EH" if direction == "STEP_DOWN" else "CSC", reason="Because.",
                                requested_at=requested, decided_at=decided, decision_outcome=outcome,
                                allocated_on=allocated, meeting_on=meeting, receiving_worker_id=worker)
            s.add(t)
            s.flush()
            before = None
            for to_status, when in events:
                s.add(TransferEvent(transfer_id=t.id, from_status=before, to_status=to_status, action="step", at=when))
                before = to_status
            uow.commit()
            return t.id

    def need(self, episode: int, sf: str | None, status: str = "MET", evidence: str | None = "School report") -> int:
        return self._add(Need(episode_id=episode, description="A need", sf_outcome=sf, identified_on=d(2025, 1, 1),
                              status=status, outcome_evidence=evidence))

    def score(self, family: int, episode: int, area: str, score: int, on: dt.date) -> int:
        return self._add(OutcomeMeasurement(family_id=family, episode_id=episode, tool="Family scaling", area=area,
                                            score=score, measured_on=on))

    def claim(self, family: int, episode: int, submitted: dt.date, audit: str | None) -> int:
        return self._add(SFClaim(family_id=family, episode_id=episode, claim_period="2025-09", status="SUBMITTED",
                                 submitted_on=submitted, audit_status=audit))

    def setting(self, key: str, value: object) -> None:
        with UnitOfWork(self.db) as uow:
            uow.session.add(Setting(key=key, value=value))
            uow.commit()

"""One family's history: which story it has, the timeline of each request or step-down, the rows.

A family gets a *final* scenario (where it stands today) and up to three earlier, finished
segments laid out backwards in time with gaps, some under 12 months (re-referrals). A step-down
segment is often preceded by a step-up closure (the revolving door). The first families of a
run take the scenarios of :data:`CYCLE` in turn, so every state of every machine in
``hubapp.domain.states`` appears once there are as many families as ``len(CYCLE)`` (52).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from hubapp.data.models import (
    ConsentRecord,
    Family,
    InformationShare,
    RequestForSupport,
    RequestNeed,
    RequestPerson,
    TransferEvent,
    TransferRequest,
)
from hubapp.domain import codes
from hubapp.domain.states import RequestOutcome as O
from hubapp.domain.states import RequestState as S
from hubapp.domain.states import StepDownState as SD

from . import texts
from .episodes import CLOSE_REASONS, DAY, OPEN_TARGETS, EpisodeRows, dates_in, shifted, wd
from .org import HubStaff
from .people import Household, Member, Pools, emit_household, make_household
from .sink import Sink

Scenario = tuple[str, str, str | None, str | None]
_NOT_ACCEPTED = (O.ADVICE_SIGNPOST, O.PASS_TO_CSC, O.RETURN_NO_CONSENT, O.NFA, O.WITHDRAWN)
_SD_EPISODE = {SD.ACCEPTED: "AWAITING_ALLOCATION", SD.ALLOCATED: "ALLOCATED",
               SD.HANDOVER_MEETING_HELD: "ALLOCATED", SD.CSC_CLOSED: "ASSESSING_IP",
               SD.COMPLETE: "PLAN_ACTIVE"}
_SD_MAIN = (SD.PROPOSED_AT_CIN_REVIEW, SD.CONSENT_OBTAINED, SD.SUBMITTED_TO_EH, SD.TRIAGED,
            SD.ACCEPTED, SD.ALLOCATED, SD.HANDOVER_MEETING_HELD, SD.CSC_CLOSED, SD.COMPLETE)
_SD_ACTIONS = ("propose", "record_consent", "submit", "triage", "accept", "allocate",
               "hold_handover_meeting", "close_csc", "complete")
_SD_GAPS = ((0, 0), (2, 10), (1, 5), (0, 3), (0, 5))
_SD_FAILED = (SD.DECLINED, SD.CLOSED, SD.FAMILY_DECLINED, SD.NOT_SUITABLE, SD.WITHDRAWN)

CYCLE: tuple[Scenario, ...] = (
    *(("request", s, None, None)
      for s in ("DRAFT", "SUBMITTED", "SCREENING", "AWAITING_INFO", "DISCARDED")),
    ("request", "DECIDED", O.ADVICE_SIGNPOST, None), ("request", "CLOSED", O.PASS_TO_CSC, None),
    ("request", "CLOSED", O.RETURN_NO_CONSENT, None), ("request", "DECIDED", O.NFA, None),
    ("request", "CLOSED", O.WITHDRAWN, None),
    *(("request", "DECIDED" if t == "AWAITING_ALLOCATION" else "CLOSED", O.ACCEPT_EH, t)
      for t in OPEN_TARGETS),
    *(("request", "CLOSED", O.ACCEPT_EH, f"CLOSED:{reason}") for reason in CLOSE_REASONS),
    *(("stepdown", s, _SD_EPISODE.get(s), None) for s in _SD_MAIN),
    *(("stepdown", s, None, None) for s in _SD_FAILED),
)
_OPEN_WEIGHTS = {"AWAITING_ALLOCATION": 4, "ALLOCATED": 3, "ASSESSING_IP": 4, "ASSESSING_SUB": 2,
                 "ASSESSING_AGREED": 1, "PLAN_ACTIVE": 14, "PLAN_ACTIVE_REVISED": 4,
                 "PLAN_ACTIVE_EXISTING": 1, "IN_REVIEW": 2, "ON_HOLD": 1, "PAUSED_STEPPED_UP": 1,
                 "CLOSING": 2}
_CLOSE_WEIGHTS = {"OUTCOMES_MET": 14, "STEP_DOWN_UNIVERSAL_OR_SINGLE_AGENCY": 6,
                  "STEPPED_UP_CSC": 3, "CONSENT_WITHDRAWN": 2, "DISENGAGED": 4,
                  "MOVED_OUT_OF_AREA": 2,
                  "NO_LONGER_ELIGIBLE": 1.5, "CHILD_DIED": 0.05, "OPENED_IN_ERROR": 0.5}
_SOURCES, _SOURCE_WEIGHTS = zip(*texts.SOURCES, strict=True)
_PRIVATE = ("SELF", "FAMILY_MEMBER", "ANONYMOUS")
_BASIS = {False: "ART6_1E_PUBLIC_TASK", True: "ART9_2G_SUBSTANTIAL_PUBLIC_INTEREST"}
_PAST_CLOSE = {k: v for k, v in _CLOSE_WEIGHTS.items()
               if k not in ("CHILD_DIED", "MOVED_OUT_OF_AREA")}
_STEP_UP_WEIGHTS = {t: 0.4 for t in OPEN_TARGETS if t.startswith("STEPUP")}
_AFTER_ALLOCATION = {k: v for k, v in _OPEN_WEIGHTS.items()
                     if k not in ("AWAITING_ALLOCATION", "ALLOCATED")}
_UNDECIDED = ("DRAFT", "SUBMITTED", "SCREENING", "SCREENING", "AWAITING_INFO")


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(tuple(weights), tuple(weights.values()))[0]


def random_final(rng: random.Random) -> Scenario:
    """Where a family beyond the first :data:`CYCLE` stands today."""
    x = rng.random()
    if x < 0.06:
        return ("request", rng.choice(_UNDECIDED), None, None)
    if x < 0.26:
        outcome = rng.choices(_NOT_ACCEPTED, (40, 20, 10, 20, 10))[0]
        return ("request", "DECIDED" if rng.random() < 0.3 else "CLOSED", outcome, None)
    if x < 0.91:
        if rng.random() < 0.45:
            target = _pick(rng, _OPEN_WEIGHTS | _STEP_UP_WEIGHTS)
        else:
            target = "CLOSED:" + _pick(rng, _CLOSE_WEIGHTS)
        return ("request", "DECIDED" if rng.random() < 0.2 else "CLOSED", O.ACCEPT_EH, target)
    state = rng.choices(_SD_MAIN + _SD_FAILED, (2, 1, 1, 1, 1, 1, 1, 1, 12, 1, 1, 1, 1, 1))[0]
    target = _SD_EPISODE.get(state)
    if state == SD.COMPLETE:
        target = _pick(rng, _AFTER_ALLOCATION)
    return ("stepdown", state, target, None)


def random_past(rng: random.Random, before_stepdown: bool) -> Scenario:
    """A finished segment of a family's earlier history."""
    if before_stepdown and rng.random() < 0.6:
        return ("request", "CLOSED", O.ACCEPT_EH, "CLOSED:STEPPED_UP_CSC")
    x = rng.random()
    if x < 0.42:
        outcome = rng.choices(_NOT_ACCEPTED, (40, 20, 10, 20, 10))[0]
        return ("request", "DECIDED" if rng.random() < 0.1 else "CLOSED", outcome, None)
    if x < 0.9:
        return ("request", "CLOSED", O.ACCEPT_EH, "CLOSED:" + _pick(rng, _PAST_CLOSE))
    state = rng.choices((SD.COMPLETE, SD.FAMILY_DECLINED, SD.NOT_SUITABLE, SD.WITHDRAWN, SD.CLOSED),
                        (6, 1, 1, 1, 1))[0]
    allocated = {k: v for k, v in _PAST_CLOSE.items() if k != "OPENED_IN_ERROR"}
    target = "CLOSED:" + _pick(rng, allocated) if state == SD.COMPLETE else None
    return ("stepdown", state, target, None)


class Case(EpisodeRows):
    """Builds one family: household, history of segments, and all their rows."""

    def __init__(self, rng: random.Random, sink: Sink, pools: Pools, hub: HubStaff,
                 areas: tuple[tuple[str, str], ...], agencies: list[tuple[int, str, str]],
                 today: dt.date, flip: dict[str, int], salt: int) -> None:
        self.rng, self.sink, self.pools, self.hub, self.today = rng, sink, pools, hub, today
        self.agencies, self.flip, self.salt = agencies, flip, salt
        self.family_id = sink.new_id(Family)
        self.hh: Household = make_household(rng, pools, sink, today, areas)
        self.lead_now: int | None = None
        self.created_at: dt.datetime | None = None
        self.creator = rng.choice(hub.by_role["hub_worker"])

    # ---- Timeline of the whole family ----------------------------------------------------------

    def run(self, scenario: Scenario | None) -> None:
        r = self.rng
        final = scenario or random_final(r)
        yesterday = self.today - DAY
        slack = {"DRAFT": 2, "SUBMITTED": 2, "SCREENING": 4, "AWAITING_INFO": 8,
                 "DISCARDED": 30}.get(final[1])
        if slack is None:
            closed = (final[3] or "").startswith("CLOSED") or final[1] in _SD_FAILED
            waiting = final[3] == "AWAITING_ALLOCATION"
            slack = 200 if closed else 120 if final[2] in _NOT_ACCEPTED else 8 if waiting else 25
        segments = [(final, self.segment(final, yesterday - r.randint(0, slack) * DAY))]
        window = self.today - 3 * 365 * DAY
        wanted = r.choices((1, 2, 3, 4), (55, 28, 13, 4))[0]
        while len(segments) < wanted:
            gap = r.randint(20, 330) if r.random() < 0.45 else r.randint(330, 900)
            first = min(dates_in(segments[-1][1]))
            past = random_past(r, segments[-1][0][0] == "stepdown")
            sk = self.segment(past, first - gap * DAY)
            if min(dates_in(sk)) < window:
                break
            segments.append((past, sk))
        segments.reverse()
        for i, (scenario_, sk) in enumerate(segments):
            if scenario_[0] == "request":
                self.emit_request(sk, scenario_, final=i == len(segments) - 1)
            else:
                self.emit_stepdown(sk, scenario_)
        assert self.created_at is not None
        emit_household(self.sink, r, self.pools, self.hh, family_id=self.family_id,
                       hub_id=self.hub.id, created_at=self.created_at, created_by=self.creator.id,
                       lead_worker_id=self.lead_now, today=self.today, salt=self.salt)

    def segment(self, scenario: Scenario, end_by: dt.date) -> dict[str, Any]:
        """The skeleton of a segment, moved back by whole weeks so it ends by ``end_by``."""
        kind, state, a, b = scenario
        start = wd(end_by)
        if kind == "request":
            sk = self.request_sk(start, state, a, b)
        else:
            sk = self.stepdown_sk(start, state, a)
        late = (max(dates_in(sk)) - end_by).days
        return shifted(sk, -((late + 6) // 7) * 7 * DAY) if late > 0 else sk

    def request_sk(self, start: dt.date, status: str, outcome: str | None,
                   target: str | None) -> dict[str, Any]:
        r = self.rng
        sk: dict[str, Any] = {"received": start}
        if status in ("DRAFT", "SUBMITTED"):
            return sk
        if status == "DISCARDED":
            sk["discarded"] = self.step(start, 0, 10)
            return sk
        c = sk["screening"] = self.step(start, 0, 1)
        if status == "SCREENING":
            return sk
        if status == "AWAITING_INFO" or r.random() < 0.15:
            c = sk["info_requested"] = self.step(c, 0, 2)
            if status == "AWAITING_INFO":
                return sk
            c = sk["info_received"] = self.step(c, 1, 6)
        lo, hi = r.choice(((0, 0), (0, 1), (1, 1), (1, 3), (2, 6)))
        c = sk["decided"] = self.step(c, lo, hi)
        if status == "CLOSED":
            sk["closed"] = self.step(c, 0, 3)
        elif r.random() < 0.5:
            sk["feedback"] = self.step(c, 0, 2)
        if outcome == O.ACCEPT_EH:
            sk["episode"] = self.episode_sk(c, target or "PLAN_ACTIVE")
        return sk

    def stepdown_sk(self, start: dt.date, state: str, target: str | None) -> dict[str, Any]:
        r = self.rng
        exits: list[tuple[str, str]] = []
        stop = state
        if state in (SD.DECLINED, SD.CLOSED, SD.NOT_SUITABLE):
            stop = SD.TRIAGED
            exits = {SD.DECLINED: [("decline", SD.DECLINED)],
                     SD.NOT_SUITABLE: [("mark_not_suitable", state)],
                     SD.CLOSED: [("decline", SD.DECLINED), ("close", SD.CLOSED)]}[state]
        elif state == SD.FAMILY_DECLINED:
            stop, exits = r.choice(_SD_MAIN[:3]), [("family_declines", state)]
        elif state == SD.WITHDRAWN:
            stop, exits = r.choice(((SD.SUBMITTED_TO_EH, [("withdraw", state)]),
                                    (SD.TRIAGED, [("decline", SD.DECLINED), ("withdraw", state)])))
        events: list[tuple[str, str, dt.date]] = [("propose", SD.PROPOSED_AT_CIN_REVIEW, start)]
        sk: dict[str, Any] = {"events": events}
        for i in range(1, 5):
            if events[-1][1] == stop:
                break
            if _SD_MAIN[i] == SD.ACCEPTED and r.random() < 0.15:
                events.append(("decline", SD.DECLINED, self.step(events[-1][2], 0, 3)))
                events.append(("escalate", SD.TRIAGED, self.step(events[-1][2], 1, 5)))
                sk["escalated"] = True
            events.append((_SD_ACTIONS[i], _SD_MAIN[i], self.step(events[-1][2], *_SD_GAPS[i])))
        for action, to in exits:
            events.append((action, to, self.step(events[-1][2], 1, 6)))
        if any(e[1] == SD.ACCEPTED for e in events):
            ep = sk["episode"] = self.episode_sk(events[-1][2], target or "PLAN_ACTIVE")
            after = _SD_MAIN.index(state) if state in _SD_MAIN else 4
            day = ep.get("allocated")
            for i in range(5, after + 1):
                gap = ((1, 5), (0, 4), (0, 2))[i - 6] if i > 5 else (0, 0)
                day = ep["allocated"] if i == 5 else self.step(day, *gap)
                events.append((_SD_ACTIONS[i], _SD_MAIN[i], day))
                if i == 6:
                    ep["handover"] = day
        return sk

    # ---- Rows ----------------------------------------------------------------------------------

    def eligible(self, day: dt.date) -> list[Member]:
        return [c for c in self.hh.children if c.dob < day and c.deceased_on is None]

    def agency_for(self, source: str) -> str:
        """An agency a referrer from ``source`` plausibly works for."""
        kind = texts.SOURCE_AGENCY.get(source)
        fitting = [a for a in self.agencies if a[2] == kind] or self.agencies
        return self.rng.choice(fitting)[1]

    def stamp_first(self, when: dt.datetime) -> None:
        if self.created_at is None or when < self.created_at:
            self.created_at = when

    def consent(self, day: dt.date, agreed: bool, request_id: int | None,
                recorder: int) -> dict[str, Any]:
        r = self.rng
        carers = self.hh.carers
        giver = r.choice(carers) if carers else self.hh.index_child
        young = [c for c in self.eligible(day) if c.age_on(day) >= 16]
        capacity = "PARENTAL_RESPONSIBILITY"
        if young and r.random() < 0.3:
            giver, capacity = young[0], "YOUNG_PERSON_16_PLUS"
        sharing = agreed and r.random() < 0.9
        return self.sink.add(ConsentRecord, {
            "id": self.sink.new_id(ConsentRecord), "family_id": self.family_id,
            "request_id": request_id,
            "giver_name": giver.name, "giver_person_id": giver.id,
            "giver_relationship": giver.relation,
            "capacity": capacity, "agreed": agreed, "scope_engagement": agreed,
            "scope_sharing": sharing,
            "scope_agencies": "School; health visiting; GP" if sharing else None,
            "scope_national_evaluation": agreed and r.random() < 0.6,
            "method": r.choice(("SIGNED", "VERBAL", "VERBAL", "ELECTRONIC")), "given_on": day,
            "restrictions": "Do not share with father's family." if r.random() < 0.03 else None,
            "withdrawn_on": None, "recorded_by_id": recorder, "recorded_at": self.at(day),
            "version": 1,
        })

    def emit_request(self, sk: dict[str, Any], scenario: Scenario, final: bool) -> None:
        r, add, new = self.rng, self.sink.add, self.sink.new_id
        _, status, outcome, _ = scenario
        rid = new(RequestForSupport)
        received_at = self.at(sk["received"])
        self.stamp_first(received_at)
        worker = r.choice(self.hub.by_role["hub_worker"] + self.hub.by_role["coordinator"])
        source = r.choices(_SOURCES, _SOURCE_WEIGHTS)[0]
        subjects = self.eligible(sk["received"])
        if r.random() > 0.7:
            subjects = r.sample(subjects, r.randint(1, len(subjects)))
        reasons = r.sample(codes.codes_of(codes.REASON_FOR_INVOLVEMENT), r.randint(1, 3))
        level = {O.PASS_TO_CSC: 4, O.ADVICE_SIGNPOST: 2}.get(outcome or "") or r.choice((2, 3, 3))
        decided_at = self.at(sk["decided"], received_at) if "decided" in sk else None
        done = sk.get("closed") or sk.get("feedback")
        feedback_at = self.at(done, decided_at) if done and decided_at else None
        consent = None
        if "screening" in sk or (status == "SUBMITTED" and r.random() < 0.5):
            refused = outcome == O.RETURN_NO_CONSENT or (
                outcome != O.ACCEPT_EH and r.random() < 0.05)
            consent = self.consent(sk.get("screening", sk["received"]), not refused, rid, worker.id)
            if "screening" in sk:
                share_day = sk.get("info_received") or sk["screening"]
                for _ in range(r.randint(1, 2)):
                    harm = outcome == O.PASS_TO_CSC
                    add(InformationShare, {
                        "id": new(InformationShare), "family_id": self.family_id, "request_id": rid,
                        "what": "Attendance, health and police involvement checks.",
                        "with_whom": r.choice(self.agencies)[1], "purpose": "Front-door screening",
                        "lawful_basis": _BASIS[harm],
                        "with_agreement": not refused and not harm,
                        "without_agreement_reason": "RISK_OF_SIGNIFICANT_HARM" if harm else None,
                        "refused": refused and not harm, "decided_by_id": worker.id,
                        "shared_at": self.at(share_day, received_at),
                    })
        episode_id = None
        if outcome == O.ACCEPT_EH:
            assert decided_at is not None
            episode_id = self.emit_episode(sk["episode"], decided_at, subjects, reasons, consent,
                                           level=level)
        state = {"DISCARDED": S.CLOSED, "DECIDED": S.DECIDED, "CLOSED": S.CLOSED}.get(
            status, status)
        role = texts.REFERRER_ROLE.get(source, "Practitioner")
        to_csc = outcome == O.PASS_TO_CSC
        add(RequestForSupport, {
            "id": rid, "family_id": self.family_id, "hub_id": self.hub.id, "status": state,
            "received_at": received_at,
            "channel": r.choice(("PHONE", "EMAIL", "PORTAL", "PORTAL", "IN_PERSON", "LETTER")),
            "referrer_name": None if source == "ANONYMOUS" else self.person_name(),
            "referrer_organisation": None if source in _PRIVATE else self.agency_for(source),
            "referrer_role": role, "referrer_contact": f"0121 496 0{r.randint(0, 999):03d}",
            "source": source, "cin_source": codes.maps_to(codes.REFERRAL_SOURCE, source),
            "urgency": r.choices(("ROUTINE", "PRIORITY", "URGENT"), (80, 15, 5))[0],
            "level_of_need": level,
            "summary": " ".join(texts.NEEDS[c] for c in reasons),
            "involvement_check": {"open_eh": False, "open_csc": outcome == O.PASS_TO_CSC,
                                  "checked_by": worker.name} if "screening" in sk else None,
            "outcome": outcome if decided_at else None,
            "decided_by_id": worker.id if decided_at else None,
            "decided_at": decided_at,
            "decision_rationale": texts.RATIONALE[outcome] if decided_at and outcome else None,
            "decision_hub_id": self.hub.id if decided_at else None,
            "csc_reference": f"CSC-{sk['decided'].year}-{rid:06d}" if to_csc else None,
            "episode_id": episode_id, "feedback_at": feedback_at,
            "feedback_method": r.choice(("EMAIL", "PHONE", "LETTER")) if feedback_at else None,
            "feedback_note": "Outcome explained to the referrer." if feedback_at else None,
            "created_by_id": worker.id, "created_at": received_at, "version": 1,
        })
        people = list(subjects)
        if final and sk["received"] >= self.today - 150 * DAY:  # a pre-birth request
            people += [m for m in self.hh.members if m.expected]
        for m in people:
            add(RequestPerson, {"request_id": rid, "person_id": m.id, "role": "child"})
        for code in reasons:
            add(RequestNeed, {"request_id": rid, "need_code": code})
        ep = sk.get("episode", {})
        if ep.get("reason") == "CHILD_DIED":
            r.choice(subjects).deceased_on = ep["closing"] - r.randint(1, 10) * DAY
        if ep.get("reason") == "MOVED_OUT_OF_AREA" and final:
            self.hh.moved_out_on = ep["closed"]

    def existing_plan_request(self, day: dt.date, plan_id: int, episode_id: int) -> None:
        """A new request for a family whose plan is already active: decided EXISTING_PLAN."""
        r, add = self.rng, self.sink.add
        rid = self.sink.new_id(RequestForSupport)
        worker = r.choice(self.hub.by_role["hub_worker"])
        received = self.at(day)
        decided = self.at(day, received)
        source = r.choice(("SCHOOL_DSL", "HEALTH_VISITOR", "POLICE", "GP"))
        add(RequestForSupport, {
            "id": rid, "family_id": self.family_id, "hub_id": self.hub.id, "status": S.CLOSED,
            "received_at": received, "channel": "EMAIL", "referrer_name": self.person_name(),
            "referrer_organisation": self.agency_for(source),
            "referrer_role": texts.REFERRER_ROLE.get(source),
            "source": source, "cin_source": codes.maps_to(codes.REFERRAL_SOURCE, source),
            "urgency": "ROUTINE",
            "level_of_need": 3, "summary": texts.NEEDS["WELLBEING_DEVELOPMENT"],
            "outcome": O.EXISTING_PLAN,
            "decided_by_id": worker.id, "decided_at": decided,
            "decision_rationale": texts.RATIONALE[O.EXISTING_PLAN],
            "decision_hub_id": self.hub.id, "linked_plan_id": plan_id,
            "feedback_at": self.at(day, decided),
            "feedback_method": "EMAIL", "created_by_id": worker.id, "created_at": received,
            "version": 1,
        })
        for child in self.eligible(day)[:2]:
            add(RequestPerson, {"request_id": rid, "person_id": child.id, "role": "child"})
        add(RequestNeed, {"request_id": rid, "need_code": "WELLBEING_DEVELOPMENT"})

    def emit_stepdown(self, sk: dict[str, Any], scenario: Scenario) -> None:
        r, add, new = self.rng, self.sink.add, self.sink.new_id
        tid = new(TransferRequest)
        events = sk["events"]
        stamps: list[dt.datetime] = []
        for _, _, day in events:
            stamps.append(self.at(day, stamps[-1] if stamps else None))
        self.stamp_first(stamps[0])
        when = {to: (day, stamp) for (_, to, day), stamp in zip(events, stamps, strict=True)}
        coordinator = self.hub.by_role["coordinator"][0]
        social_worker = self.person_name()
        consent = None
        if SD.CONSENT_OBTAINED in when:
            consent = self.consent(when[SD.CONSENT_OBTAINED][0], True, None, coordinator.id)
        lead = r.choice(self.hub.by_role["family_support_worker"])
        children = self.eligible(events[0][2])
        reasons = r.sample(codes.codes_of(codes.REASON_FOR_INVOLVEMENT), r.randint(1, 3))
        episode_id = None
        if "episode" in sk:
            episode_id = self.emit_episode(sk["episode"], when[SD.ACCEPTED][1], children, reasons,
                                           consent, lead=lead)
        decision = next(((to, stamps[i]) for i, (_, to, _) in reversed(list(enumerate(events)))
                         if to in (SD.ACCEPTED, SD.DECLINED)), None)
        escalated = next((stamps[i] for i, e in enumerate(events) if e[0] == "escalate"), None)
        csc_closed = when.get(SD.CSC_CLOSED)
        accepted = decision is not None and decision[0] == SD.ACCEPTED
        declined = decision is not None and decision[0] == SD.DECLINED
        handover = when.get(SD.HANDOVER_MEETING_HELD)
        add(TransferRequest, {
            "id": tid, "direction": "STEP_DOWN", "family_id": self.family_id,
            "episode_id": episode_id,
            "hub_id": self.hub.id, "status": events[-1][1], "state_changed_at": stamps[-1],
            "from_service": "CSC", "to_service": "TARGETED_EH", "reason": texts.STEP_DOWN_REASON,
            "risk_summary": "Risks reduced; CIN plan outcomes achieved.",
            "outstanding_needs": "; ".join(texts.NEEDS[c] for c in reasons),
            "consent_id": consent["id"] if consent else None, "requested_by_name": social_worker,
            "requested_at": stamps[0], "decided_by_id": coordinator.id if decision else None,
            "decided_by_name": coordinator.name if decision else None,
            "decider_role": "Early help coordinator" if decision else None,
            "decided_at": decision[1] if decision else None,
            "decision_outcome": decision[0] if decision else None,
            "rationale": "Needs can be met at early help level." if accepted else None,
            "decline_reason": "Risk still too high for early help." if declined else None,
            "escalated_at": escalated,
            "escalation_note": "Escalated by CSC team manager." if escalated else None,
            "meeting_on": handover[0] if handover else None,
            "joint_visit": handover is not None and r.random() < 0.6,
            "receiving_worker_id": lead.id if SD.ALLOCATED in when else None,
            "allocated_on": when[SD.ALLOCATED][0] if SD.ALLOCATED in when else None,
            "csc_reference": f"CSC-{events[0][2].year}-{tid:06d}",
            "csc_outcome": texts.CSC_CLOSED if csc_closed else None,
            "csc_closure_code": r.choice(("RC9", "RC9", "RC9", "RC7")) if csc_closed else None,
            "created_at": stamps[0], "version": 1,
        })
        before = None
        for (action, to, _), stamp in zip(events, stamps, strict=True):
            by = {"propose": None, "close_csc": None, "hold_handover_meeting": lead.id}.get(
                action, coordinator.id)
            add(TransferEvent, {"id": new(TransferEvent), "transfer_id": tid, "from_status": before,
                                "to_status": to, "action": action, "at": stamp, "by_id": by,
                                "note": None if by else "Recorded from the CSC case record."})
            before = to

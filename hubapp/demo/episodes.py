"""Early help episodes: first the timeline of one episode (its skeleton of dates), then its rows.

A skeleton is a dict of dates built forward from the acceptance date, stopping where the
episode's *target* says (e.g. ``"ASSESSING_SUB"``, ``"STEPUP_SENT"``, ``"CLOSED:DISENGAGED"``).
The caller shifts it in time so that it ends before today, then :meth:`EpisodeRows.emit_episode`
writes the episode, assessment and factors, needs, plan versions with goals and actions,
meetings with attendees and goal progress, outcome measurements, case notes, the closure and
any step-up request with its event history.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from hubapp.data.models import (
    Assessment, AssessmentFactor, CaseNote, Closure, Episode, EpisodeChild, EpisodeReason,
    GoalProgress, Meeting, MeetingAttendee, Need, NeedPerson, OutcomeMeasurement, Plan, PlanAction,
    PlanGoal, SFClaim, TransferEvent, TransferRequest,
)
from hubapp.domain import codes
from hubapp.domain.states import (
    AssessmentState, EpisodeState, PlanItemState, PlanState, ProgressRating, ReviewDecision,
    ReviewState, StepUpOutcome, StepUpState, TransferDirection,
)

from . import texts
from .org import HubStaff, Staff
from .people import Household, Member, Pools
from .sink import Sink

A, E, I, P = AssessmentState, EpisodeState, PlanItemState, PlanState
D, R, U = ReviewDecision, ReviewState, StepUpState
DAY = dt.timedelta(days=1)
_EARLY = {"AWAITING_ALLOCATION": E.AWAITING_ALLOCATION, "ALLOCATED": E.ALLOCATED,
          "ASSESSING_IP": E.ASSESSING, "ASSESSING_SUB": E.ASSESSING,
          "ASSESSING_AGREED": E.ASSESSING,
          "IN_REVIEW": E.IN_REVIEW, "ON_HOLD": E.ON_HOLD, "PAUSED_STEPPED_UP": E.PAUSED_STEPPED_UP,
          "CLOSING": E.CLOSING}
#: Open targets whose episode status is PLAN_ACTIVE.
PLAN_ACTIVE_TARGETS = (
    "PLAN_ACTIVE", "PLAN_ACTIVE_REVISED", "PLAN_ACTIVE_EXISTING", "STEPUP_DRAFT",
    "STEPUP_MANAGER_ENDORSED", "STEPUP_SENT", "STEPUP_RECEIVED_BY_FRONT_DOOR", "STEPUP_RETURNED",
    "STEPUP_NFA", "STEPUP_WITHDRAWN",
)
OPEN_TARGETS = (*_EARLY, *PLAN_ACTIVE_TARGETS)
CLOSE_REASONS = codes.codes_of(codes.EPISODE_CLOSURE_REASON)
_STEP_UP_CHAIN = (("endorse", U.MANAGER_ENDORSED, 0, 2), ("send", U.SENT, 0, 1),
                  ("receive", U.RECEIVED_BY_FRONT_DOOR, 0, 1), ("decide", U.DECIDED, 0, 2),
                  ("close", U.CLOSED, 1, 10))
_STEP_UP_STOP = {"STEPUP_DRAFT": U.DRAFT, "STEPUP_MANAGER_ENDORSED": U.MANAGER_ENDORSED,
                 "STEPUP_SENT": U.SENT, "STEPUP_RECEIVED_BY_FRONT_DOOR": U.RECEIVED_BY_FRONT_DOOR,
                 "PAUSED_STEPPED_UP": U.DECIDED}
_ACCEPTED = (StepUpOutcome.ACCEPTED_CIN_ASSESSMENT, StepUpOutcome.ACCEPTED_S47_STRATEGY)
_DESTINATION = {"OUTCOMES_MET": "UNIVERSAL",
                "STEP_DOWN_UNIVERSAL_OR_SINGLE_AGENCY": "SINGLE_AGENCY",
                "STEPPED_UP_CSC": "CSC", "MOVED_OUT_OF_AREA": "OUT_OF_AREA"}


def wd(day: dt.date) -> dt.date:
    """The day itself, or the Monday after when it falls at a weekend."""
    return day + (7 - day.weekday()) * DAY if day.weekday() >= 5 else day


def dates_in(obj: Any) -> list[dt.date]:
    """Every date in a skeleton (nested dicts, lists and tuples)."""
    if isinstance(obj, dt.date):
        return [obj]
    if isinstance(obj, dict):
        return [d for v in obj.values() for d in dates_in(v)]
    if isinstance(obj, (list, tuple)):
        return [d for v in obj for d in dates_in(v)]
    return []


def shifted(obj: Any, delta: dt.timedelta) -> Any:
    """A copy of a skeleton with every date moved by ``delta``."""
    if isinstance(obj, dt.date):
        return obj + delta
    if isinstance(obj, dict):
        return {k: shifted(v, delta) for k, v in obj.items()}
    if isinstance(obj, list):
        return [shifted(v, delta) for v in obj]
    if isinstance(obj, tuple):
        return tuple(shifted(v, delta) for v in obj)
    return obj


class EpisodeRows:
    """Episode timelines and rows; mixed into the per-family ``Case``."""

    rng: random.Random
    sink: Sink
    pools: Pools
    hub: HubStaff
    hh: Household
    family_id: int
    today: dt.date
    agencies: list[tuple[int, str, str]]
    lead_now: int | None
    flip: dict[str, int]

    def at(self, day: dt.date, after: dt.datetime | None = None) -> dt.datetime:
        """A timestamp on ``day`` in working hours, later than ``after`` if that is the same day."""
        if after is not None and after.date() >= day:
            return after + dt.timedelta(minutes=self.rng.randint(5, 40))
        minutes = self.rng.randint(8 * 60 + 30, 16 * 60)
        return dt.datetime(day.year, day.month, day.day, minutes // 60, minutes % 60, tzinfo=dt.UTC)

    def step(self, day: dt.date, lo: int, hi: int) -> dt.date:
        return wd(day + self.rng.randint(lo, hi) * DAY)

    def existing_plan_request(self, day: dt.date, plan_id: int, episode_id: int) -> None:
        raise NotImplementedError

    def alternate(self, key: str, options: tuple[Any, ...]) -> Any:
        """Cycle through ``options`` across the run, so each appears (deterministically)."""
        n = self.flip.get(key, 0)
        self.flip[key] = n + 1
        return options[n % len(options)]

    def person_name(self) -> str:
        r = self.rng
        return f"{r.choice(self.pools.given_all)} {r.choice(self.pools.surnames)}"

    # ---- Timeline ----------------------------------------------------------------------------

    def episode_sk(self, accepted: dt.date, target: str) -> dict[str, Any]:
        """The dates of one episode from acceptance to where ``target`` says it stops."""
        r = self.rng
        reason = target.removeprefix("CLOSED:") if target.startswith("CLOSED:") else None
        sk: dict[str, Any] = {"target": target, "reason": reason, "accepted": accepted}
        if target == "AWAITING_ALLOCATION":
            return sk
        if reason == "OPENED_IN_ERROR":
            sk["closing"] = sk["closed"] = self.step(accepted, 1, 5)
            return sk
        c = sk["allocated"] = self.step(accepted, 1, 12)
        if target == "ALLOCATED":
            return sk
        if reason in ("NO_LONGER_ELIGIBLE", "MOVED_OUT_OF_AREA") and r.random() < 0.4:
            return self._close(sk, self.step(c, 12, 30))
        c = sk["assess_start"] = self.step(c, 1, 8)
        if target == "ASSESSING_IP":
            return sk
        if reason == "CONSENT_WITHDRAWN" or (reason == "DISENGAGED" and r.random() < 0.5):
            c = sk["abandoned"] = self.step(c, 5, 20)
            return self._close(sk, self.step(c, 0, 5))
        c = sk["assess_submitted"] = self.step(c, 5, 20)
        if target == "ASSESSING_SUB":
            return sk
        c = sk["authorised"] = self.step(c, 0, 5)
        c = sk["plan_agreed"] = self.step(c, 0, 7)
        if target == "ASSESSING_AGREED":
            return sk
        c = sk["plan_start"] = self.step(c, 0, 3)
        c = sk["initial_taf"] = self.step(c, 0, 14)
        interval = sk["interval"] = r.choice((42, 42, 42, 56, 84))
        stepup = target.startswith("STEPUP") or target == "PAUSED_STEPPED_UP"
        stepup = stepup or reason == "STEPPED_UP_CSC"
        stepped_down = reason == "STEP_DOWN_UNIVERSAL_OR_SINGLE_AGENCY"
        final: str | None = None
        if stepup:
            final = D.STEP_UP
        elif reason == "OUTCOMES_MET" or target == "CLOSING":
            final = D.CLOSE
        elif stepped_down:
            final = D.STEP_DOWN_TO_UNIVERSAL
        if reason == "OUTCOMES_MET" or stepped_down:
            n = r.randint(2, 6)
        elif final or reason or target in ("PLAN_ACTIVE_REVISED", "IN_REVIEW"):
            n = r.randint(1, 4)
        else:
            n = r.randint(0, 4)
        force = -1  # which review revises the plan, for PLAN_ACTIVE_REVISED
        if target == "PLAN_ACTIVE_REVISED":
            force = r.randrange(n - 1) if n > 1 else 0
        reviews: list[tuple[dt.date, str, str | None]] = []
        for i in range(n):
            day = self.step(c, interval - 4, interval + 4)
            if r.random() < 0.1:
                reviews.append((day, R.CANCELLED, None))
                day = self.step(day, 5, 14)
            if i == n - 1 and final and i != force:
                decision = final
            elif i == force or r.random() < 0.2:
                decision = D.REVISE_PLAN
            else:
                decision = D.CONTINUE
            reviews.append((day, R.HELD, decision))
            c = day
        if force == n - 1 and final:  # the forced revision took the last slot: add the final one
            c = self.step(c, interval - 4, interval + 4)
            reviews.append((c, R.HELD, final))
        sk["reviews"] = reviews
        if target == "IN_REVIEW":
            sk["review_started"] = self.step(c, interval - 3, interval + 3)
        elif target == "ON_HOLD":
            sk["hold_from"] = self.step(c, 5, 20)
        elif stepup:
            events = [("create", U.DRAFT, self.step(c, 0, 2))]
            stop = _STEP_UP_STOP.get(target, U.CLOSED)
            for action, state, lo, hi in _STEP_UP_CHAIN:
                if events[-1][1] == stop:
                    break
                if target == "STEPUP_WITHDRAWN" and state == U.SENT:
                    events.append(("withdraw", U.CLOSED, self.step(events[-1][2], 0, 3)))
                    break
                events.append((action, state, self.step(events[-1][2], lo, hi)))
            sk["stepup"] = events
            c = events[-1][2]
            if reason == "STEPPED_UP_CSC":
                sk["closed"] = c
            elif target in ("STEPUP_RETURNED", "STEPUP_NFA") and r.random() < 0.6:
                c = self.step(c, 20, 40)
                reviews.append((c, R.HELD, D.CONTINUE))
        elif target == "CLOSING":
            sk["closing"] = self.step(c, 1, 10)
        elif reason:
            if reason == "OUTCOMES_MET":
                c = sk["closure_taf"] = self.step(c, 5, 20)
            self._close(sk, self.step(c, 2, 10 if reason == "OUTCOMES_MET" else 30))
        else:
            sk["last_activity"] = self.step(c, 0, 20)
        if target == "PLAN_ACTIVE_EXISTING" or r.random() < 0.05:
            top = sk.get("closing") or max(dates_in(sk))
            span = max(1, (top - sk["plan_start"]).days - 1)
            sk["existing_request"] = sk["plan_start"] + r.randint(1, span) * DAY
        return sk

    def _close(self, sk: dict[str, Any], closing: dt.date) -> dict[str, Any]:
        sk["closing"] = closing
        sk["closed"] = self.step(closing, 0, 7)
        return sk

    # ---- Rows --------------------------------------------------------------------------------

    def emit_episode(self, sk: dict[str, Any], accepted_at: dt.datetime, children: list[Member],
                     reasons: list[str], consent: dict[str, Any] | None,
                     lead: Staff | None = None, level: int = 3) -> int:
        """Queue one episode and everything in it. Returns the episode id."""
        r, add, new = self.rng, self.sink.add, self.sink.new_id
        target, reason = sk["target"], sk["reason"]
        ep = new(Episode)
        status = E.CLOSED if reason else _EARLY.get(target, E.PLAN_ACTIVE)
        if "allocated" in sk:
            lead = lead or r.choice(self.hub.by_role["family_support_worker"])
        else:
            lead = None
        manager = self.hub.by_role["manager"][0]
        allocated_at = self.at(sk["allocated"], accepted_at) if "allocated" in sk else None
        service = r.choices(("TARGETED_EH", "FAMILY_HELP", "PARTNER_LED"), (80, 15, 5))[0]
        hold_until = self.step(sk["hold_from"], 14, 56) if "hold_from" in sk else None
        last_day = max(dates_in(sk))
        carers = self.hh.carers or [m for m in self.hh.members if not m.child][:1]
        subjects = children + [m for m in carers if m.lives]

        # Assessment and what it found.
        need_ids: list[tuple[int, str, str]] = []
        if "allocated" in sk:
            if "authorised" in sk:
                a_status = A.AUTHORISED
            elif "assess_submitted" in sk:
                a_status = A.SUBMITTED
            elif reason:
                a_status = A.ABANDONED
            else:
                a_status = A.IN_PROGRESS if "assess_start" in sk else A.NOT_STARTED
            assessment = new(Assessment)
            done = "assess_submitted" in sk
            add(Assessment, {
                "id": assessment, "episode_id": ep, "kind": "EHA", "status": a_status,
                "started_on": sk.get("assess_start"),
                "completed_on": sk.get("assess_submitted") or sk.get("abandoned"),
                "authorised_by_id": manager.id if "authorised" in sk else None,
                "authorised_at": self.at(sk["authorised"]) if "authorised" in sk else None,
                "strengths": texts.STRENGTHS if "assess_start" in sk else None,
                "child_voice": texts.CHILD_VOICE if done else None,
                "needs_child_development": texts.NEEDS[reasons[0]] if done else None,
                "analysis": texts.ANALYSIS if done else None,
                "level_of_need": level if done else None,
                "completed_by_id": lead.id if done else None,
                "version": 1,
            })
            if done:
                for code in r.sample(texts.FACTORS, r.randint(1, 3)):
                    who = r.choice(subjects).id if r.random() < 0.6 else None
                    add(AssessmentFactor, {"id": new(AssessmentFactor), "assessment_id": assessment,
                                           "factor_code": code, "person_id": who})
                last_review = sk["reviews"][-1][0] if sk.get("reviews") else None
                met_on = sk.get("closure_taf") or sk.get("closed") or last_review
                for sf in r.sample(sorted(texts.SF), r.randint(2, 5)):
                    nid = new(Need)
                    n_status = self._need_status(reason, len(sk.get("reviews", ())))
                    add(Need, {
                        "id": nid, "episode_id": ep, "description": texts.SF[sf][0],
                        "sf_outcome": sf,
                        "sf_taxonomy": codes.SF_TAXONOMY, "descriptor": texts.SF[sf][1],
                        "evidence_source": r.choice(texts.EVIDENCE),
                        "identified_on": sk["assess_start"], "status": n_status,
                        "outcome_evidence": texts.MET_EVIDENCE if n_status == "MET" else None,
                        "sustained_from": met_on if n_status == "MET" else None, "version": 1,
                    })
                    for person in r.sample(subjects, min(len(subjects), r.randint(1, 2))):
                        add(NeedPerson, {"need_id": nid, "person_id": person.id})
                    need_ids.append((nid, sf, n_status))

        closed = sk.get("closed")
        add(Episode, {
            "id": ep, "family_id": self.family_id, "hub_id": self.hub.id,
            "team_id": lead.team_id if lead else None, "status": status, "service": service,
            "level_of_need": level, "start_date": sk["accepted"], "end_date": closed,
            "accepted_at": accepted_at, "lead_worker_id": lead.id if lead else None,
            "allocated_at": allocated_at, "sf_eligible": len(need_ids) >= 3,
            "on_hold_until": hold_until,
            "status_before_hold": E.PLAN_ACTIVE if hold_until else None, "end_reason": reason,
            "created_at": accepted_at, "version": 1,
        })
        for child in children:
            add(EpisodeChild, {"episode_id": ep, "person_id": child.id})
        for code in reasons:
            add(EpisodeReason, {"episode_id": ep, "reason_code": code})
        if consent is not None:
            consent["episode_id"] = ep
            if reason == "CONSENT_WITHDRAWN":
                consent["withdrawn_on"] = sk.get("abandoned") or sk["closing"]
        if lead and status != E.CLOSED:
            self.lead_now = lead.id

        plans = self._plans(sk, ep, lead, need_ids, carers)
        self._meetings(sk, ep, lead, plans, carers, level)
        if "existing_request" in sk and plans:
            day = sk["existing_request"]
            live = [p for p in plans if p["start"] and p["start"] <= day] or plans[:1]
            self.existing_plan_request(day, live[-1]["id"], ep)
        if "assess_submitted" in sk:
            self._measurements(sk, ep, lead)
        self._notes(sk, ep, lead, last_day)
        if reason:
            add(Closure, {
                "id": new(Closure), "episode_id": ep, "reason": reason,
                "narrative": texts.CLOSURE[reason],
                "destination": _DESTINATION.get(reason, r.choice(("UNIVERSAL", "SINGLE_AGENCY"))),
                "closed_on": closed, "authorised_by_id": manager.id,
                "authorised_at": self.at(closed),
                "post_closure_actions": texts.AFTER_CLOSURE if reason == "OUTCOMES_MET" else None,
                "version": 1,
            })
            met = sum(1 for _, _, st in need_ids if st == "MET")
            sustained = closed + 200 * DAY <= self.today  # six months and more since closure
            if reason == "OUTCOMES_MET" and met >= 3 and sustained and r.random() < 0.6:
                wait = r.randint(190, max(190, min(300, (self.today - closed).days)))
                submitted = min(closed + wait * DAY, self.today - DAY)
                add(SFClaim, {"id": new(SFClaim), "family_id": self.family_id, "episode_id": ep,
                              "claim_period": f"{submitted.year}-{submitted.month:02d}",
                              "status": "SUBMITTED", "submitted_on": submitted, "version": 1,
                              "audit_status": r.choice(("PASSED", "PASSED", "FAILED", None))})
        if "stepup" in sk:
            self._step_up(sk, ep, lead or manager, service, consent, need_ids)
        return ep

    def _need_status(self, reason: str | None, reviews: int) -> str:
        r = self.rng
        if reason in ("OUTCOMES_MET", "STEP_DOWN_UNIVERSAL_OR_SINGLE_AGENCY"):
            return "MET" if r.random() < 0.75 else "NOT_MET"
        if reason in ("CONSENT_WITHDRAWN", "DISENGAGED", "OPENED_IN_ERROR"):
            return "WITHDRAWN"
        if reason:
            return "NOT_MET" if r.random() < 0.6 else "WITHDRAWN"
        return "MET" if reviews >= 2 and r.random() < 0.2 else "OPEN"

    def _plans(self, sk: dict[str, Any], ep: int, lead: Staff | None,
               needs: list[tuple[int, str, Any]],
               carers: list[Member]) -> list[dict[str, Any]]:
        """Plan versions with goals and actions. Returns ``[{id, start, end, goals}]``."""
        r, add, new = self.rng, self.sink.add, self.sink.new_id
        if "assess_submitted" not in sk or not needs:
            return []
        versions: list[dict[str, Any]] = []
        if "plan_start" not in sk:
            agreed = sk.get("plan_agreed")
            versions.append({"status": P.AGREED if agreed else P.DRAFT, "start": None,
                             "created": agreed or sk["assess_submitted"], "end": None,
                             "agreed": agreed})
        else:
            starts = [sk["plan_start"]] + [d for d, s, dec in sk["reviews"] if dec == D.REVISE_PLAN]
            for i, start in enumerate(starts):
                last = i == len(starts) - 1
                end = (sk["closed"] if sk["reason"] else None) if last else starts[i + 1]
                status = (P.ENDED if sk["reason"] else P.ACTIVE) if last else P.SUPERSEDED
                agreed = sk["plan_agreed"] if i == 0 else start
                versions.append({"status": status, "start": start, "created": agreed, "end": end,
                                 "agreed": agreed})
        previous = None
        giver = carers[0].name if carers else None
        for no, v in enumerate(versions, 1):
            pid = v["id"] = new(Plan)
            add(Plan, {
                "id": pid, "episode_id": ep, "version_no": no, "status": v["status"],
                "previous_plan_id": previous, "started_on": v["start"], "agreed_on": v["agreed"],
                "agreed_by": giver if v["agreed"] else None,
                "agreement_method": r.choice(texts.METHODS) if v["agreed"] else None,
                "ended_on": v["end"], "review_interval_days": sk.get("interval", 42),
                "network_contribution": texts.NETWORK if r.random() < 0.4 else None,
                "services_provided": texts.SERVICES,
                "created_by_id": lead.id if lead else None, "created_at": self.at(v["created"]),
                "version": 1,
            })
            previous = pid
            v["goals"] = []
            base = v["start"] or v["created"]
            until = v["end"] or self.today - DAY
            for pos, (nid, sf, _) in enumerate(needs[:4]):
                gid = new(PlanGoal)
                add(PlanGoal, {"id": gid, "plan_id": pid, "need_id": nid, "sf_outcome": sf,
                               "description": texts.SF[sf][2], "position": pos})
                v["goals"].append(gid)
                for apos in range(r.randint(1, 3)):
                    due = base + r.randint(14, 84) * DAY
                    status, completed = self._action_status(v["status"], base, due, until)
                    who = r.random()
                    agency = r.choice(self.agencies)
                    add(PlanAction, {
                        "id": new(PlanAction), "goal_id": gid, "what": r.choice(texts.ACTIONS),
                        "who_person_id": carers[0].id if who < 0.4 and carers else None,
                        "who_worker_id": lead.id if 0.4 <= who < 0.7 and lead else None,
                        "who_agency_id": agency[0] if who >= 0.7 else None,
                        "who_text": agency[1] if who >= 0.7 else None, "due_on": due,
                        "status": status,
                        "completed_on": completed, "position": apos,
                    })
        return versions

    def _action_status(self, plan_status: str, start: dt.date, due: dt.date,
                       until: dt.date) -> tuple[str, dt.date | None]:
        r = self.rng
        if plan_status in (P.DRAFT, P.AGREED):
            return I.OPEN, None
        if due >= until:
            if plan_status == P.ACTIVE:
                return r.choice((I.OPEN, I.OPEN, I.IN_PROGRESS)), None
            if plan_status == P.SUPERSEDED:
                return I.CANCELLED, None
            return r.choice((I.NOT_DONE, I.CANCELLED)), None
        pick = r.choices((I.DONE, I.NOT_DONE, I.CANCELLED, I.IN_PROGRESS),
                         (60, 20, 10, 10 if plan_status == P.ACTIVE else 0))[0]
        if pick == I.DONE:
            return pick, start + r.randint(0, max(0, (due - start).days)) * DAY
        return pick, None

    def _meetings(self, sk: dict[str, Any], ep: int, lead: Staff | None,
                  plans: list[dict[str, Any]],
                  carers: list[Member], level: int) -> None:
        r, add, new = self.rng, self.sink.add, self.sink.new_id
        interval = sk.get("interval", 42)

        def plan_at(day: dt.date) -> dict[str, Any] | None:
            current = [p for p in plans if p["start"] and p["start"] < day]
            return current[-1] if current else (plans[0] if plans else None)

        def meeting(kind: str, day: dt.date, status: str, decision: str | None = None,
                    plan: dict[str, Any] | None = None, rate: bool = False) -> None:
            mid = new(Meeting)
            held = status == R.HELD
            goes_on = decision in (None, D.CONTINUE, D.REVISE_PLAN) and kind != "CLOSURE_TAF"
            nxt = day + interval * DAY if held and goes_on else None
            add(Meeting, {
                "id": mid, "episode_id": ep, "plan_id": plan["id"] if plan else None, "kind": kind,
                "status": status, "scheduled_for": self.at(day), "held_on": day if held else None,
                "location": r.choice(("Family home", "School", "Family hub", "Online")),
                "decision": decision,
                "decision_notes": "Agreed by all present." if decision else None,
                "level_of_need": level if held else None, "next_review_due": nxt, "version": 1,
            })
            people: list[dict[str, Any]] = []
            if lead:
                people.append({"name": lead.name, "agency": "Early Help",
                               "role": "Lead practitioner", "worker_id": lead.id})
            for c in carers[:2]:
                people.append({"name": c.name, "role": c.relation.replace("_", " ").title(),
                               "person_id": c.id})
            for _ in range(r.randint(1, 2)):
                people.append({"name": self.person_name(), "agency": r.choice(self.agencies)[1]})
            for p in people:
                add(MeetingAttendee, {"id": new(MeetingAttendee), "meeting_id": mid,
                                      "attended": held and r.random() < 0.9, **p})
            if rate and plan:
                for i, gid in enumerate(plan["goals"]):
                    weights = (15, 50, 35) if sk["reason"] == "DISENGAGED" else (55, 35, 10)
                    add(GoalProgress, {
                        "id": new(GoalProgress), "meeting_id": mid, "goal_id": gid,
                        "rating": r.choices(list(ProgressRating), weights)[0],
                        "scaling_score": min(10, 3 + i + r.randint(0, 4)),
                        "comment": "Discussed with the family." if r.random() < 0.3 else None,
                    })

        if "handover" in sk:
            meeting("STEP_DOWN_MEETING", sk["handover"], R.HELD)
        if "initial_taf" not in sk:
            return
        meeting("INITIAL_TAF", sk["initial_taf"], R.HELD, None, plans[0] if plans else None)
        last = sk["initial_taf"]
        for day, status, decision in sk["reviews"]:
            meeting("TAF_REVIEW", day, status, decision, plan_at(day), rate=status == R.HELD)
            if status == R.HELD:
                last = day
        if "closure_taf" in sk:
            meeting("CLOSURE_TAF", sk["closure_taf"], R.HELD, None, plans[-1] if plans else None)
        elif "review_started" in sk:
            meeting("TAF_REVIEW", sk["review_started"], R.SCHEDULED, None,
                    plans[-1] if plans else None)
        elif sk["target"] == "CLOSING":
            meeting("CLOSURE_TAF", self.step(sk["closing"], 3, 15), R.SCHEDULED, None,
                    plans[-1] if plans else None)
        elif sk["target"] in PLAN_ACTIVE_TARGETS:
            meeting("TAF_REVIEW", wd(last + interval * DAY), R.SCHEDULED, None,
                    plans[-1] if plans else None)

    def _measurements(self, sk: dict[str, Any], ep: int, lead: Staff | None) -> None:
        r, add, new = self.rng, self.sink.add, self.sink.new_id
        days = [sk["assess_submitted"]] + [d for d, s, _ in sk.get("reviews", ()) if s == R.HELD]
        up = 2 if sk["reason"] in ("OUTCOMES_MET", "STEP_DOWN_UNIVERSAL_OR_SINGLE_AGENCY") else 1
        for area in r.sample(texts.AREAS, 3):
            score = r.randint(2, 5)
            for day in days:
                add(OutcomeMeasurement, {
                    "id": new(OutcomeMeasurement), "family_id": self.family_id, "episode_id": ep,
                    "tool": "Family scaling", "tool_version": "1", "area": area, "score": score,
                    "scale_min": 0, "scale_max": 10, "measured_on": day,
                    "completed_by_id": lead.id if lead else None,
                    "family_agreed": r.random() < 0.95,
                })
                score = max(0, min(10, score + r.randint(-1, up)))

    def _notes(self, sk: dict[str, Any], ep: int, lead: Staff | None, last_day: dt.date) -> None:
        r = self.rng
        first = sk.get("allocated", sk["accepted"])
        span = (last_day - first).days
        author = lead.id if lead else self.hub.by_role["hub_worker"][0].id
        for _ in range(max(1, min(8, span // 25))):
            day = first + r.randint(0, span) * DAY
            kind, subject = r.choice(texts.NOTE_KINDS)
            self.sink.add(CaseNote, {
                "id": self.sink.new_id(CaseNote), "family_id": self.family_id, "episode_id": ep,
                "author_id": author, "written_at": self.at(day), "kind": kind, "subject": subject,
                "text": r.choice(texts.NOTES), "confidential": r.random() < 0.05, "version": 1,
            })

    def _step_up(self, sk: dict[str, Any], ep: int, lead: Staff, service: str,
                 consent: dict[str, Any] | None, needs: list[tuple[int, str, Any]]) -> None:
        add, new = self.sink.add, self.sink.new_id
        tid = new(TransferRequest)
        target = sk["target"]
        events = sk["stepup"]
        manager = self.hub.by_role["manager"][0]
        coordinator = self.hub.by_role["coordinator"][0]
        stamps: list[dt.datetime] = []
        for _, _, day in events:
            stamps.append(self.at(day, stamps[-1] if stamps else None))
        decided = next((stamps[i] for i, e in enumerate(events) if e[1] == U.DECIDED), None)
        if decided is None:
            outcome = None
        elif target in ("PAUSED_STEPPED_UP", "CLOSED:STEPPED_UP_CSC"):
            outcome = self.alternate("step_up_accept", _ACCEPTED)
        elif target == "STEPUP_NFA":
            outcome = StepUpOutcome.NFA
        else:
            outcome = StepUpOutcome.ADVICE_RETURNED_TO_EH
        accepted = outcome in _ACCEPTED
        rationale = None
        if decided:
            rationale = "Threshold for social care met." if accepted else texts.ADVICE_RETURNED
        add(TransferRequest, {
            "id": tid, "direction": TransferDirection.STEP_UP, "family_id": self.family_id,
            "episode_id": ep, "hub_id": self.hub.id, "status": events[-1][1],
            "state_changed_at": stamps[-1],
            "from_service": service, "to_service": "CSC", "reason": texts.STEP_UP_REASON,
            "risk_summary": "Escalating concerns reported by school and police.",
            "outstanding_needs": "; ".join(texts.SF[sf][1] for _, sf, _ in needs) or None,
            "consent_id": consent["id"] if consent else None, "requested_by_id": lead.id,
            "requested_by_name": lead.name, "requested_at": stamps[0],
            "decided_by_name": self.person_name() if decided else None,
            "decider_role": "CSC team manager" if decided else None, "decided_at": decided,
            "decision_outcome": outcome,
            "rationale": rationale,
            "csc_reference": f"CSC-{decided.year}-{tid:06d}" if accepted and decided else None,
            "csc_outcome": "Child and family assessment opened." if accepted else None,
            "created_at": stamps[0], "version": 1,
        })
        before = None
        for (action, state, _), stamp in zip(events, stamps, strict=True):
            by = {"create": lead.id, "send": lead.id, "withdraw": lead.id,
                  "endorse": manager.id}.get(action, coordinator.id)
            add(TransferEvent, {"id": new(TransferEvent), "transfer_id": tid, "from_status": before,
                                "to_status": state, "action": action, "at": stamp, "by_id": by,
                                "note": None})
            before = state

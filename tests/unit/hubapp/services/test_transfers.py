"""Step-up and step-down transfers through the services, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from hubapp.data.db import Database
from hubapp.data.models import Closure, Episode, EpisodeChild, Need, Setting, TransferEvent
from hubapp.data.uow import UnitOfWork
from hubapp.domain.errors import IllegalTransition, ValidationError
from hubapp.domain.transfer_dto import TransferActionInput, TransferConflict
from hubapp.services import transfers

from ._transfer_world import TODAY, TransferWorld


@pytest.fixture
def tw(db: Database) -> TransferWorld:
    return TransferWorld(db)


def _events(tw: TransferWorld, transfer_id: int) -> list[tuple[str | None, str, str]]:
    with UnitOfWork(tw.db) as uow:
        return [(e.from_status, e.to_status, e.action) for e in uow.session.scalars(
            select(TransferEvent).where(TransferEvent.transfer_id == transfer_id).order_by(TransferEvent.id))]


# ---- Step-up -------------------------------------------------------------------------------------


def test_step_up_pauses_the_episode_until_social_care_decides(tw: TransferWorld) -> None:
    fam = tw.family()
    ep = tw.episode(fam)
    t = tw.step_up(ep)
    assert t.status == "DRAFT" and t.row.requested_by == "Amira Khan" and t.row.episode_id == ep
    t = tw.act(t, "endorse")
    t = tw.act(t, "send")
    assert t.status == "SENT" and tw.episode_row(ep).status == "PAUSED_STEPPED_UP"
    assert t.changes.transfers and t.changes.episodes
    t = tw.act(t, "receive")
    t = tw.act(t, "decide", outcome="ACCEPTED_CIN_ASSESSMENT", decided_by_name="Pat Front",
               decider_role="CSC team manager", note="Threshold met.", csc_reference="CSC-77")
    assert t.status == "DECIDED" and t.row.outcome_label.startswith("Accepted")
    assert t.row.csc_reference == "CSC-77" and t.row.decided_by == "Pat Front"
    assert tw.episode_row(ep).status == "PAUSED_STEPPED_UP"  # stays open (paused) by default policy
    t = tw.act(t, "close")
    assert [a for _, _, a in _events(tw, t.id)] == ["create", "endorse", "send", "receive", "decide", "close"]
    assert [e.action_label for e in t.events][:2] == ["Created", "Endorse"]


def test_step_up_returned_with_advice_resumes_the_plan_and_can_be_escalated(tw: TransferWorld) -> None:
    ep = tw.episode(tw.family())
    t = tw.act(tw.act(tw.act(tw.step_up(ep), "endorse"), "send"), "receive")
    t = tw.act(t, "decide", outcome="ADVICE_RETURNED_TO_EH", decided_by_name="Pat Front", note="Continue EH.")
    assert tw.episode_row(ep).status == "PLAN_ACTIVE"
    assert "escalate" in t.row.allowed_actions
    with pytest.raises(ValidationError) as err:
        tw.act(t, "escalate")
    assert err.value.for_field("note")
    t = tw.act(t, "escalate", note="Manager disagrees; raised with the CSC service manager.")
    assert t.escalated_at is not None and t.status == "DECIDED"


def test_step_up_decision_needs_outcome_decider_and_rationale(tw: TransferWorld) -> None:
    ep = tw.episode(tw.family())
    t = tw.act(tw.act(tw.act(tw.step_up(ep), "endorse"), "send"), "receive")
    with pytest.raises(ValidationError) as err:
        tw.act(t, "decide", outcome="ACCEPTED_S47_STRATEGY")
    fields = {e.field for e in err.value.errors}
    assert {"note", "decided_by_name", "csc_reference"} <= fields


def test_step_up_accepted_closes_the_episode_when_policy_says_so(tw: TransferWorld) -> None:
    with UnitOfWork(tw.db) as uow:
        uow.session.add(Setting(key="transfer.step_up_accepted", value="close"))
        uow.commit()
    ep = tw.episode(tw.family())
    t = tw.act(tw.act(tw.act(tw.step_up(ep), "endorse"), "send"), "receive")
    tw.act(t, "decide", outcome="ACCEPTED_S47_STRATEGY", decided_by_name="Pat Front", note="s47.",
           csc_reference="CSC-9")
    e = tw.episode_row(ep)
    assert e.status == "CLOSED" and e.end_reason == "STEPPED_UP_CSC" and e.end_date == TODAY
    with UnitOfWork(tw.db) as uow:
        closure = uow.session.scalars(select(Closure).where(Closure.episode_id == ep)).one()
        assert closure.destination == "CSC"
        assert {n.status for n in uow.session.scalars(select(Need).where(Need.episode_id == ep))} == {"NOT_MET"}


def test_withdrawing_a_sent_step_up_resumes_and_needs_a_reason(tw: TransferWorld) -> None:
    ep = tw.episode(tw.family())
    t = tw.act(tw.act(tw.step_up(ep), "endorse"), "send")
    with pytest.raises(ValidationError):
        tw.act(t, "withdraw")
    tw.act(t, "withdraw", note="Risk reduced after the strategy call.")
    assert tw.episode_row(ep).status == "PLAN_ACTIVE"


def test_only_one_pending_step_up_per_episode_and_only_from_an_open_one(tw: TransferWorld) -> None:
    fam = tw.family()
    ep = tw.episode(fam)
    tw.step_up(ep)
    with pytest.raises(ValidationError) as err:
        tw.step_up(ep)
    assert "DRAFT" in str(err.value)
    closed = tw.episode(fam, status="CLOSED", end=TODAY, end_reason="OUTCOMES_MET")
    with pytest.raises(ValidationError):
        tw.step_up(closed)


# ---- Step-down -----------------------------------------------------------------------------------


def test_step_down_end_to_end_opens_an_episode_and_allocates_it(tw: TransferWorld) -> None:
    fam = tw.family()
    t = tw.step_down(fam)
    assert t.status == "SUBMITTED_TO_EH" and t.row.csc_reference == "CSC-2026-001"
    assert [a for _, _, a in _events(tw, t.id)] == ["propose", "record_consent", "submit"]
    t = tw.act(t, "accept", note="Needs can be met at early help level.")
    assert t.status == "ACCEPTED" and t.row.decided_by == "Amira Khan"
    assert [a for _, _, a in _events(tw, t.id)][-2:] == ["triage", "accept"]
    e = tw.episode_row(t.row.episode_id or 0)
    assert e.status == "AWAITING_ALLOCATION" and e.hub_id == tw.north
    with UnitOfWork(tw.db) as uow:
        assert len(uow.session.scalars(select(EpisodeChild).where(EpisodeChild.episode_id == e.id)).all()) == 2
    t = tw.act(t, "allocate", worker_id=tw.ben)
    assert t.status == "ALLOCATED" and t.row.receiving_worker == "Ben Ortiz" and t.allocated_on == TODAY
    e = tw.episode_row(e.id)
    assert e.status == "ALLOCATED" and e.lead_worker_id == tw.ben
    t = tw.act(t, "hold_handover_meeting", meeting_on=TODAY, joint_visit=True)
    with pytest.raises(ValidationError) as err:
        tw.act(t, "close_csc", csc_closure_code="RC2")
    assert err.value.for_field("csc_closure_code")
    t = tw.act(t, "close_csc", csc_closure_code="RC9", csc_outcome="Closed to CSC, stepping across.")
    assert t.csc_closure_code == "RC9" and t.meeting_on == TODAY and t.joint_visit
    t = tw.act(t, "complete")
    assert t.status == "COMPLETE" and "complete" not in t.row.allowed_actions


def test_accepting_a_step_down_resumes_a_paused_episode(tw: TransferWorld) -> None:
    fam = tw.family()
    ep = tw.episode(fam, status="PAUSED_STEPPED_UP")
    t = tw.act(tw.step_down(fam), "accept", note="Back to the hub.")
    assert t.row.episode_id == ep and tw.episode_row(ep).status == "PLAN_ACTIVE"


def test_decline_needs_a_reason_and_a_declined_item_cannot_be_allocated(tw: TransferWorld) -> None:
    t = tw.step_down(tw.family())
    with pytest.raises(ValidationError) as err:
        tw.act(t, "decline")
    assert "reason" in err.value.errors[0].message
    t = tw.act(t, "decline", note="Risk still too high for early help.")
    assert t.status == "DECLINED" and t.decline_reason == "Risk still too high for early help."
    with pytest.raises(IllegalTransition) as illegal:
        tw.act(t, "allocate", worker_id=tw.ben)
    assert "DECLINED" in str(illegal.value) and "allocate" in str(illegal.value)
    t = tw.act(t, "escalate", note="CSC service manager escalated.")
    assert t.status == "TRIAGED" and t.escalation_note


def test_accepting_twice_is_refused_naming_the_state(tw: TransferWorld) -> None:
    t = tw.act(tw.step_down(tw.family()), "accept", note="OK.")
    with pytest.raises(IllegalTransition) as err:
        tw.act(t, "accept", note="again")
    assert "Cannot accept a step-down request that is ACCEPTED" in str(err.value)


def test_a_stale_screen_is_told_what_happened_and_nothing_is_written(tw: TransferWorld) -> None:
    stale = tw.step_down(tw.family())
    ben = UnitOfWork(tw.db, tw.ben)  # another coordinator, on another PC
    fresh = transfers.advance(ben, TransferActionInput(stale.id, stale.version, "accept", note="OK."))
    transfers.advance(UnitOfWork(tw.db, tw.ben), TransferActionInput(fresh.id, fresh.version, "allocate",
                                                                     worker_id=tw.worker_id))
    before = len(_events(tw, stale.id))
    with pytest.raises(TransferConflict) as err:
        tw.act(stale, "decline", note="too late")
    message = str(err.value)
    assert message.startswith("Someone else got there first: Ben Ortiz allocated this step-down request at ")
    assert "It is now ALLOCATED (allocated, allocated to Amira Khan)" in message
    assert err.value.state == "ALLOCATED" and len(_events(tw, stale.id)) == before


def test_acting_twice_from_ones_own_stale_screen_says_so(tw: TransferWorld) -> None:
    stale = tw.step_down(tw.family())
    tw.act(stale, "accept", note="OK.")
    with pytest.raises(TransferConflict) as err:
        tw.act(stale, "accept", note="OK.")
    assert str(err.value).startswith("This was already done: You accepted this step-down request at ")


def test_asking_for_information_is_recorded_without_moving(tw: TransferWorld) -> None:
    t = tw.step_down(tw.family())
    with pytest.raises(ValidationError):
        tw.act(t, "request_info")
    t = tw.act(t, "request_info", note="Please send the last CIN review.")
    assert t.status == "SUBMITTED_TO_EH" and t.row.info_requested
    assert _events(tw, t.id)[-1] == ("SUBMITTED_TO_EH", "SUBMITTED_TO_EH", "request_info")
    t = tw.act(t, "info_received")
    assert not t.row.info_requested
    t = tw.act(t, "accept", note="OK.")
    with pytest.raises(IllegalTransition):
        tw.act(t, "request_info", note="too late")


def test_step_down_needs_reference_social_worker_and_one_at_a_time(tw: TransferWorld) -> None:
    fam = tw.family()
    with pytest.raises(ValidationError) as err:
        tw.step_down(fam, csc_reference="", requested_by_name="", reason="")
    assert {e.field for e in err.value.errors} >= {"csc_reference", "requested_by_name", "reason"}
    tw.step_down(fam)
    with pytest.raises(ValidationError) as err:
        tw.step_down(fam)
    assert "SUBMITTED_TO_EH" in str(err.value)


def test_step_down_can_arrive_at_an_earlier_stage(tw: TransferWorld) -> None:
    t = tw.step_down(tw.family(), stage="PROPOSED_AT_CIN_REVIEW")
    assert t.status == "PROPOSED_AT_CIN_REVIEW" and t.row.rag == ""  # social care's clock, not the hub's
    t = tw.act(tw.act(t, "record_consent"), "submit")
    assert t.status == "SUBMITTED_TO_EH" and t.row.timescale_wd == 1


def test_allocation_needs_a_worker_of_the_receiving_hub(tw: TransferWorld) -> None:
    t = tw.act(tw.step_down(tw.family()), "accept", note="OK.")
    with pytest.raises(ValidationError) as err:
        tw.act(t, "allocate", worker_id=tw.cara)
    assert err.value.for_field("worker_id")
    with pytest.raises(ValidationError):
        tw.act(t, "allocate")


def test_handover_meeting_cannot_be_in_the_future(tw: TransferWorld) -> None:
    t = tw.act(tw.act(tw.step_down(tw.family()), "accept", note="OK."), "allocate", worker_id=tw.ben)
    with pytest.raises(ValidationError):
        tw.act(t, "hold_handover_meeting", meeting_on=TODAY + dt.timedelta(days=3))


def test_get_transfer_reads_every_field(tw: TransferWorld) -> None:
    t = tw.step_down(tw.family(), risk_summary="Reduced.", outstanding_needs="Routines.")
    got = transfers.get_transfer(tw.uow(), t.id)
    assert got.risk_summary == "Reduced." and got.outstanding_needs == "Routines."
    assert got.from_service == "CSC" and got.to_service == "TARGETED_EH"
    assert got.row.children == "Ella Smith, Max Smith" and got.row.family_name == "Smith family"


def test_episode_rows_untouched_by_a_refused_step(tw: TransferWorld) -> None:
    fam = tw.family()
    t = tw.step_down(fam)
    with pytest.raises(ValidationError):
        tw.act(t, "accept")  # no rationale: nothing written, not even the triage
    with UnitOfWork(tw.db) as uow:
        assert uow.session.scalars(select(Episode).where(Episode.family_id == fam)).all() == []
    assert transfers.get_transfer(tw.uow(), t.id).status == "SUBMITTED_TO_EH"

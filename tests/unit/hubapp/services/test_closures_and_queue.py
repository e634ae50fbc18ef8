"""Closing episodes, the step-down queue, the step-up list, bulk allocation and revolving-door flags,
on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from sqlalchemy import select

from hubapp.data.db import Database
from hubapp.data.models import Closure, Need, RequestForSupport, TransferRequest
from hubapp.data.uow import UnitOfWork
from hubapp.domain.errors import ConcurrencyConflict, IllegalTransition, ValidationError
from hubapp.domain.transfer_dto import (
    BulkAllocateInput, ClosureInput, NeedOutcomeInput, QueueFilter, StepUpFilter, TransferPending,
)
from hubapp.services import closures, families, queue, referrals

from ._transfer_world import NOW, TODAY, TransferWorld
from ._world import request


@pytest.fixture
def tw(db: Database) -> TransferWorld:
    return TransferWorld(db)


def _needs(tw: TransferWorld, episode_id: int) -> list[int]:
    with UnitOfWork(tw.db) as uow:
        return list(uow.session.scalars(select(Need.id).where(Need.episode_id == episode_id).order_by(Need.id)))


def _met(needs: list[int]) -> tuple[NeedOutcomeInput, ...]:
    return (NeedOutcomeInput(needs[0], "MET", "Attendance 97% for a term."),
            *(NeedOutcomeInput(n, "NOT_MET") for n in needs[1:]))


# ---- Closure ---------------------------------------------------------------------------------------


def test_closure_with_outcome_per_need(tw: TransferWorld) -> None:
    ep = tw.episode(tw.family())
    form = closures.closure_form(tw.uow(), ep)
    assert len(form.needs) == 2 and form.blocking_transfer is None and form.status == "PLAN_ACTIVE"
    result = closures.close_episode(tw.uow(), ClosureInput(
        ep, form.version, "OUTCOMES_MET", "Family thriving.", post_closure_actions="School checks in at half term.",
        need_outcomes=_met(_needs(tw, ep))))
    assert result.status == "CLOSED" and result.ssd_end_reason == "OUTCOMES_MET" and result.changes.episodes
    e = tw.episode_row(ep)
    assert e.status == "CLOSED" and e.end_reason == "OUTCOMES_MET" and e.end_date == TODAY
    with UnitOfWork(tw.db) as uow:
        closure = uow.session.scalars(select(Closure).where(Closure.episode_id == ep)).one()
        assert closure.destination == "UNIVERSAL" and closure.post_closure_actions
        met = uow.session.scalars(select(Need).where(Need.episode_id == ep, Need.status == "MET")).one()
        assert met.sustained_from == TODAY and met.outcome_evidence
    with pytest.raises(IllegalTransition) as err:
        closures.close_episode(tw.uow(), ClosureInput(ep, e.version, "OUTCOMES_MET"))
    assert "CLOSED" in str(err.value)


def test_closure_needs_a_reason_and_every_need_an_outcome(tw: TransferWorld) -> None:
    ep = tw.episode(tw.family())
    needs = _needs(tw, ep)
    with pytest.raises(ValidationError) as err:
        closures.close_episode(tw.uow(), ClosureInput(ep, 1, "NOT_A_REASON"))
    fields = {e.field for e in err.value.errors}
    assert "reason" in fields and f"need_outcomes[{needs[0]}]" in fields
    with pytest.raises(ValidationError) as err:
        closures.close_episode(tw.uow(), ClosureInput(ep, 1, "DISENGAGED", need_outcomes=(
            NeedOutcomeInput(needs[0], "MET"), NeedOutcomeInput(needs[1], "WITHDRAWN"))))
    assert err.value.errors[0].rule == "evidence"
    with pytest.raises(ValidationError) as err:
        closures.close_episode(tw.uow(), ClosureInput(ep, 1, "OUTCOMES_MET", need_outcomes=(
            NeedOutcomeInput(needs[0], "NOT_MET"), NeedOutcomeInput(needs[1], "WITHDRAWN"))))
    assert err.value.errors[0].rule == "outcomes_met"
    with pytest.raises(ConcurrencyConflict):
        closures.close_episode(tw.uow(), ClosureInput(ep, 99, "DISENGAGED"))


def test_closure_is_refused_while_a_transfer_is_pending(tw: TransferWorld) -> None:
    fam = tw.family()
    ep = tw.episode(fam)
    t = tw.act(tw.act(tw.step_up(ep), "endorse"), "send")
    assert "SENT" in (closures.closure_form(tw.uow(), ep).blocking_transfer or "")
    version = tw.episode_row(ep).version
    with pytest.raises(TransferPending) as err:
        closures.close_episode(tw.uow(), ClosureInput(ep, version, "STEPPED_UP_CSC",
                                                      need_outcomes=_met(_needs(tw, ep))))
    assert "SENT" in str(err.value) and err.value.transfer_id == t.id
    t = tw.act(tw.act(t, "receive"), "decide", outcome="ACCEPTED_CIN_ASSESSMENT", decided_by_name="Pat",
                note="Met.", csc_reference="C-1")
    version = tw.episode_row(ep).version
    result = closures.close_episode(tw.uow(), ClosureInput(ep, version, "STEPPED_UP_CSC", need_outcomes=(
        NeedOutcomeInput(_needs(tw, ep)[0], "NOT_MET"), NeedOutcomeInput(_needs(tw, ep)[1], "NOT_MET"))))
    assert result.ssd_end_reason == "STEP_UP"


def test_a_step_down_on_its_way_in_blocks_closing_the_family_episode(tw: TransferWorld) -> None:
    fam = tw.family()
    ep = tw.episode(fam, needs=0)
    tw.step_down(fam)
    with pytest.raises(TransferPending) as err:
        closures.close_episode(tw.uow(), ClosureInput(ep, tw.episode_row(ep).version, "DISENGAGED"))
    assert "SUBMITTED_TO_EH" in str(err.value)


# ---- Queue -----------------------------------------------------------------------------------------


def _age(tw: TransferWorld, transfer_id: int, days: int) -> None:
    with UnitOfWork(tw.db) as uow:
        t = uow.session.get(TransferRequest, transfer_id)
        assert t is not None
        t.state_changed_at = NOW - dt.timedelta(days=days)
        t.requested_at = NOW - dt.timedelta(days=days + 1)
        uow.commit()


def test_queue_lists_items_not_complete_with_age_rag_and_band(tw: TransferWorld) -> None:
    old = tw.step_down(tw.family("Old"))
    new = tw.step_down(tw.family("New"))
    done = tw.step_down(tw.family("Done"))
    done = tw.act(tw.act(done, "accept", note="OK"), "allocate", worker_id=tw.ben)
    done = tw.act(done, "hold_handover_meeting", meeting_on=TODAY)
    tw.act(tw.act(done, "close_csc", csc_closure_code="RC7"), "complete")
    _age(tw, old.id, 40)
    result = queue.step_down_queue(tw.uow(), QueueFilter())
    assert [r.family_name for r in result.rows] == ["Old family", "New family"]
    first = result.rows[0]
    assert first.age_wd >= 25 and first.rag == "red" and first.band == "Over 20 working days"
    assert result.rows[1].age_wd == 0 and result.rows[1].rag == "green" and result.rows[1].band == "0–1 working days"
    assert result.total == 2 and result.red == 1 and result.green == 1
    assert [r.id for r in queue.step_down_queue(tw.uow(), QueueFilter(rags=("red",))).rows] == [old.id]
    assert [r.id for r in queue.step_down_queue(tw.uow(), QueueFilter(text="new")).rows] == [new.id]
    assert queue.step_down_queue(tw.uow(), QueueFilter(hub_ids=(tw.south,))).total == 0
    assert queue.step_down_queue(tw.uow(), QueueFilter(bands=("0–1 working days",))).rows[0].id == new.id
    counts = queue.counts(tw.uow(), (tw.north,))
    assert counts.step_down_queue == 2 and counts.step_down_red == 1


def test_queue_comes_a_page_at_a_time_in_the_same_order_as_the_whole(tw: TransferWorld) -> None:
    made = [tw.step_down(tw.family(f"Page{n}")) for n in range(5)]
    for n, t in enumerate(made):
        _age(tw, t.id, 40 - n * 9)  # 40, 31, 22, 13 and 4 days in the state: oldest first
    whole = queue.step_down_queue(tw.uow(), QueueFilter(), limit=None)
    assert [r.id for r in whole.rows] == [t.id for t in made] and not whole.more and whole.matched == 5
    first = queue.step_down_queue(tw.uow(), QueueFilter(), limit=2)
    assert [r.id for r in first.rows] == [made[0].id, made[1].id] and first.more
    assert first.total == 5 and first.matched == 5 and (first.red, first.amber, first.green) == (whole.red, whole.amber,
                                                                                              whole.green)
    assert dict(first.band_counts) == Counter(r.band for r in whole.rows) and len(first.band_counts) >= 3
    assert dict(first.state_counts) == {whole.rows[0].status_label: 5}
    second = queue.step_down_queue(tw.uow(), QueueFilter(), limit=2, after=first.cursor)
    third = queue.step_down_queue(tw.uow(), QueueFilter(), limit=2, after=second.cursor)
    assert [r.id for r in second.rows] == [made[2].id, made[3].id] and second.more
    assert [r.id for r in third.rows] == [made[4].id] and not third.more
    assert queue.step_down_queue(tw.uow(), QueueFilter(), after=third.cursor).rows == ()
    reds = [r.id for r in whole.rows if r.rag == "red"]
    red = queue.step_down_queue(tw.uow(), QueueFilter(rags=("red",)), limit=1)
    assert len(reds) >= 2 and [r.id for r in red.rows] == reds[:1] and red.more and red.matched == len(reds)
    with pytest.raises(ValidationError) as err:
        queue.step_down_queue(tw.uow(), QueueFilter(), limit=0)
    assert err.value.errors[0].field == "limit"


def test_flagged_only_fills_its_page_from_further_down_the_queue(tw: TransferWorld) -> None:
    made = []
    for n in range(4):
        fam = tw.family(f"Flag{n}")
        if n % 2:  # the second and the fourth are re-referrals
            tw.episode(fam, status="CLOSED", start=TODAY - dt.timedelta(days=300),
                       end=TODAY - dt.timedelta(days=100), end_reason="DISENGAGED", needs=0)
        made.append(tw.step_down(fam))
        _age(tw, made[-1].id, 30 - n)
    page = queue.step_down_queue(tw.uow(), QueueFilter(flagged_only=True), limit=1)
    assert [r.id for r in page.rows] == [made[1].id] and page.more and page.matched is None
    rest = queue.step_down_queue(tw.uow(), QueueFilter(flagged_only=True), limit=1, after=page.cursor)
    assert [r.id for r in rest.rows] == [made[3].id]
    tail = queue.step_down_queue(tw.uow(), QueueFilter(flagged_only=True), limit=1, after=rest.cursor)
    assert tail.rows == () and not tail.more


def test_step_up_list_shows_state_age_and_outcome(tw: TransferWorld) -> None:
    ep = tw.episode(tw.family())
    t = tw.act(tw.act(tw.act(tw.step_up(ep), "endorse"), "send"), "receive")
    rows = queue.step_ups(tw.uow(), StepUpFilter())
    assert rows[0].status_label == "Received by front door" and rows[0].timescale_wd == 1
    tw.act(t, "decide", outcome="NFA", decided_by_name="Pat", note="No role for CSC.")
    row = queue.step_ups(tw.uow(), StepUpFilter())[0]
    assert row.outcome_label == "No further action" and row.rag == "" and row.episode_status == "PLAN_ACTIVE"
    counts = queue.counts(tw.uow())
    assert counts.step_up_open == 1 and counts.step_up_awaiting_decision == 0


def test_bulk_allocate_allocates_what_it_can_and_says_why_not(tw: TransferWorld) -> None:
    a = tw.act(tw.step_down(tw.family("A")), "accept", note="OK")
    b = tw.act(tw.step_down(tw.family("B")), "accept", note="OK")
    declined = tw.act(tw.step_down(tw.family("C")), "decline", note="Too risky")
    stale = tw.step_down(tw.family("D"))
    current = tw.act(stale, "accept", note="OK")
    result = queue.bulk_allocate(tw.uow(), BulkAllocateInput(
        ((a.id, a.version), (b.id, b.version), (declined.id, declined.version), (stale.id, stale.version)), tw.ben))
    assert set(result.allocated) == {a.id, b.id}
    reasons = dict(result.refused)
    assert "DECLINED" in reasons[declined.id] and "ACCEPTED" in reasons[stale.id]
    assert queue.step_down_queue(tw.uow(), QueueFilter(states=("ALLOCATED",))).total == 2
    with pytest.raises(ValidationError):
        queue.bulk_allocate(tw.uow(), BulkAllocateInput(((current.id, current.version),), tw.cara))


# ---- Revolving door ----------------------------------------------------------------------------------


def test_re_referral_within_a_year_of_an_episode_closing(tw: TransferWorld) -> None:
    fam = tw.family()
    tw.episode(fam, status="CLOSED", start=TODAY - dt.timedelta(days=300), end=TODAY - dt.timedelta(days=100),
               end_reason="DISENGAGED", needs=0)
    t = tw.step_down(fam)
    row = queue.step_down_queue(tw.uow(), QueueFilter()).rows[0]
    assert row.id == t.id and [f.text for f in row.flags] == ["Re-referral within 12 months"]
    assert "100 days after" in row.flags[0].detail
    assert "Re-referral within 12 months" in families.get_family(tw.uow(), fam).flags
    assert queue.step_down_queue(tw.uow(), QueueFilter(flagged_only=True)).total == 1


def test_no_re_referral_flag_when_the_last_episode_closed_long_ago(tw: TransferWorld) -> None:
    fam = tw.family()
    tw.episode(fam, status="CLOSED", start=TODAY - dt.timedelta(days=900), end=TODAY - dt.timedelta(days=500),
               end_reason="OUTCOMES_MET", needs=0)
    tw.step_down(fam)
    assert queue.step_down_queue(tw.uow(), QueueFilter()).rows[0].flags == ()
    assert queue.step_down_queue(tw.uow(), QueueFilter(flagged_only=True)).rows == ()


def test_three_episodes_in_two_years_and_step_up_soon_after_outcomes_met(tw: TransferWorld) -> None:
    fam = tw.family()
    for start, end in ((600, 500), (400, 300)):
        tw.episode(fam, status="CLOSED", start=TODAY - dt.timedelta(days=start), end=TODAY - dt.timedelta(days=end),
                   end_reason="OUTCOMES_MET", needs=0)
    ep = tw.episode(fam, start=TODAY - dt.timedelta(days=100))
    tw.act(tw.act(tw.step_up(ep), "endorse"), "send")
    flags = families.get_family(tw.uow(), fam).flags
    assert "3 episodes in 24 months" in flags
    assert "Step-up within 12 months of an outcomes-met closure" in flags
    assert "Re-referral within 12 months" not in flags  # the last referral is over a year old


def test_re_referral_from_a_request_for_one_of_the_children(tw: TransferWorld) -> None:
    fam = tw.family()
    tw.episode(fam, status="CLOSED", start=TODAY - dt.timedelta(days=200), end=TODAY - dt.timedelta(days=30),
               end_reason="OUTCOMES_MET", needs=0)
    referrals.log_request(tw.uow(), request(tw.north, family_id=fam, subject_person_ids=tuple(tw.children(fam)[:1])))
    with UnitOfWork(tw.db) as uow:
        assert uow.session.scalars(select(RequestForSupport)).one()
    assert "Re-referral within 12 months" in families.get_family(tw.uow(), fam).flags


def test_queue_page_and_counts_are_read_in_a_fixed_number_of_statements(tw: TransferWorld) -> None:
    # The queue's light columns, the calendar, the timescales, the page's rows with their names and
    # four reads of the families' facts for the flags; the counts in one read (with the calendar and
    # timescales): however many items, families and workers the page holds.
    from ._statements import statements

    def page_and_counts() -> tuple[list[str], list[str]]:
        with statements(tw.db) as page:
            result = queue.step_down_queue(tw.uow(), QueueFilter(hub_ids=(tw.north,)))
        with statements(tw.db) as counted:
            queue.counts(tw.uow(), (tw.north,))
        assert len(result.rows) == result.total
        return page, counted

    tw.step_down(tw.family("One"))
    small = page_and_counts()
    for n in range(3):
        fam = tw.family(f"More{n}")
        tw.episode(fam, status="CLOSED", start=TODAY - dt.timedelta(days=300), end=TODAY - dt.timedelta(days=100),
                   end_reason="DISENGAGED", needs=0)
        made = tw.step_down(fam)
        if n:
            tw.act(tw.act(made, "accept", note="OK"), "allocate", worker_id=tw.ben)
    large = page_and_counts()
    assert (len(small[0]), len(small[1])) == (len(large[0]), len(large[1])) == (8, 3), large

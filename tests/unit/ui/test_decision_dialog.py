"""The decision dialog: every outcome of DOMAIN §8.2 by keyboard, a lost race, and the request view."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from hubapp.data.models import Episode, Plan
from hubapp.data.uow import UnitOfWork
from hubapp.domain.dto import ConsentInput, DecisionInput, NewRequest
from hubapp.services import intake, referrals
from hubapp.services.session import Backend
from tests.unit.ui.keyboard import Keyboard
from tests.unit.ui.seed import Seeded
from ui.dialogs.decision_dialog import DecisionDialog
from ui.main_window import MainWindow

Key = Qt.Key


def request_with_agreement(backend: Backend, seeded: Seeded) -> int:
    """A request for the Khan family with the mother's agreement to early help."""
    detail = referrals.log_request(backend.uow(), NewRequest(
        hub_id=seeded.hub_id, received_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=2), source="SCHOOL_DSL",
        referrer_name="Mrs Green", family_id=seeded.family_ids["Khan"], level_of_need=2,
        consent=ConsentInput(giver_name="Ayesha Khan", giver_relationship="MOTHER",
                             capacity="PARENTAL_RESPONSIBILITY", agreed=True, method="SIGNED",
                             given_on=dt.date.today()),
    ))
    return detail.id


def active_plan(backend: Backend, family_id: int, hub_id: int) -> int:
    """An episode with an active plan for the family (made directly: plans are another screen's job)."""
    with UnitOfWork(backend.db) as uow:
        episode = Episode(family_id=family_id, hub_id=hub_id, status="PLAN_ACTIVE", start_date=dt.date.today(),
                          accepted_at=dt.datetime.now(dt.UTC))
        uow.session.add(episode)
        uow.session.flush()
        plan = Plan(episode_id=episode.id, status="ACTIVE")
        uow.session.add(plan)
        uow.commit()
        return plan.id


def open_decision(window: MainWindow, request_id: int, qtbot: QtBot) -> DecisionDialog:
    dialog = window.front_door.decide_request(request_id)
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.view is not None and dialog.isActiveWindow(), timeout=10_000)
    return dialog


# outcome typed, the extra field typed after it, what the saved request must hold
PATHS = [
    ("acc", "ACCEPT_EH", None),
    ("adv", "ADVICE_SIGNPOST", None),
    ("pass", "PASS_TO_CSC", "CSC-2026-0042"),
    ("exist", "EXISTING_PLAN", "plan"),
    ("ret", "RETURN_NO_CONSENT", None),
    ("no further", "NFA", None),
    ("withd", "WITHDRAWN", None),
]


@pytest.mark.parametrize(("typed", "outcome", "extra"), PATHS, ids=[p[1] for p in PATHS])
def test_each_decision_path_by_keyboard(main_window: MainWindow, backend: Backend, seeded: Seeded, qtbot: QtBot,
                                        typed: str, outcome: str, extra: str | None) -> None:
    request_id = request_with_agreement(backend, seeded)
    plan_id = active_plan(backend, seeded.family_ids["Khan"], seeded.hub_id) if extra == "plan" else None
    dialog = open_decision(main_window, request_id, qtbot)
    keys = Keyboard(qtbot)
    assert keys.focus() in (dialog.outcome, dialog.outcome.lineEdit())
    keys.field(typed)
    assert dialog.outcome.code() == outcome
    if outcome == "ACCEPT_EH":
        keys.enter()                      # the hub: the request's own, already chosen
    elif outcome == "PASS_TO_CSC":
        keys.field(extra or "")
    elif outcome == "EXISTING_PLAN":
        keys.field("plan")
    keys.type("Needs met this way; discussed with the manager.")
    keys.press(Key.Key_Tab)               # out of the rationale
    keys.enter(2)                         # date and time: now
    keys.field("ph")                      # the referrer was told by phone
    keys.type("Told Mrs Green the outcome")
    with qtbot.waitSignal(dialog.sig_decided, timeout=10_000) as decided:
        keys.ctrl(Key.Key_S)
    detail = decided.args[0]
    assert detail.status == "DECIDED" and detail.outcome == outcome
    view = intake.get_request_view(backend.uow(), request_id)
    assert view.decided_by == backend.actor.display_name and view.decision_rationale.startswith("Needs met")
    assert view.feedback_method == "PHONE" and view.feedback_note == "Told Mrs Green the outcome"
    assert (view.episode_id is not None) == (outcome == "ACCEPT_EH")
    if outcome == "ACCEPT_EH":
        assert view.decision_hub_id == seeded.hub_id
    assert view.csc_reference == ("CSC-2026-0042" if outcome == "PASS_TO_CSC" else None)
    assert view.linked_plan_id == plan_id
    qtbot.waitUntil(lambda: request_id not in main_window.front_door.decisions, timeout=5_000)


def test_accepting_without_agreement_is_refused_beside_the_decision(main_window: MainWindow, seeded: Seeded,
                                                                   qtbot: QtBot) -> None:
    dialog = open_decision(main_window, seeded.undecided_request_ids[0], qtbot)  # no agreement recorded
    assert "No agreement to early help recorded" in dialog.summary.text()
    keys = Keyboard(qtbot)
    keys.field("acc")
    keys.enter()
    keys.type("Family needs support")
    with qtbot.waitSignal(dialog.sig_decide_finished, timeout=10_000):
        keys.ctrl(Key.Key_S)
    assert "needs recorded agreement" in dialog.errors.messages("outcome")[0]
    qtbot.waitUntil(lambda: keys.focus() in (dialog.outcome, dialog.outcome.lineEdit()), timeout=5_000)
    assert dialog.rationale.toPlainText() == "Family needs support"
    dialog.drafts.discard()  # close without the "keep or discard?" question
    dialog.close()


def test_someone_else_deciding_first_is_explained_and_reloaded(main_window: MainWindow, backend: Backend,
                                                              seeded: Seeded, qtbot: QtBot) -> None:
    request_id = seeded.undecided_request_ids[1]
    dialog = open_decision(main_window, request_id, qtbot)
    keys = Keyboard(qtbot)
    keys.field("adv")
    keys.type("Signposted to the family hub")
    # Meanwhile, on another PC:
    view = intake.get_request_view(backend.uow(), request_id)
    referrals.decide_request(backend.uow(), DecisionInput(request_id=request_id, expected_version=view.version,
                                                          outcome="NFA", rationale="Already known"))
    with qtbot.waitSignal(dialog.sig_loaded, timeout=10_000):
        keys.ctrl(Key.Key_S)
    assert "Someone else changed this request" in dialog.banner.text
    qtbot.waitUntil(lambda: not dialog.decide_button.isEnabled(), timeout=5_000)
    assert dialog.view is not None and dialog.view.outcome == "NFA"
    assert dialog.rationale.toPlainText() == "Signposted to the family hub"  # what was typed is kept
    dialog.drafts.discard()  # close without the "keep or discard?" question
    dialog.close()


def test_request_view_shows_everything_and_decides(main_window: MainWindow, backend: Backend, seeded: Seeded,
                                                   qtbot: QtBot) -> None:
    request_id = request_with_agreement(backend, seeded)
    page = main_window.referrals_page
    page.select_request(request_id)
    qtbot.waitUntil(lambda: page.selected_request_id() == request_id, timeout=10_000)
    page.focus_table()
    keys = Keyboard(qtbot)
    keys.ctrl(Key.Key_I)
    view = main_window.front_door.views[request_id]
    qtbot.waitUntil(lambda: view.view is not None, timeout=10_000)
    html = view.text.toPlainText()
    assert "Mrs Green" in html and "Ayesha Khan (Mother)" in html and "Waiting for a decision." in html
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow, timeout=5_000)
    keys.ctrl(Key.Key_D)
    dialog = main_window.front_door.decisions[request_id]
    qtbot.waitUntil(lambda: dialog.view is not None, timeout=10_000)
    dialog.close()
    view.close()

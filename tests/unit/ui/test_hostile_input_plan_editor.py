"""Hostile input typed into the plan editor (issue 7): each value is saved and shown back, or refused
with a message naming the field, and the typing stays on screen. No traceback dialog: an unexpected
error in a background task reaches ``ui.tasks.report_error``, which the ``task_errors`` fixture turns
into a failure of the test.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from hubapp.services import episodes, plans
from hubapp.services.session import Backend
from tests.unit._corpus import CORPUS, Sample
from tests.unit.ui.episode_seed import running_plan
from tests.unit.ui.seed import Seeded
from tests.unit.ui.test_faults_plan_editor import draft_plan, open_plan
from ui.pages.episode.plan_model import WHAT

VALUES = {s.id: s for s in CORPUS}
# Free-text fields of the plan: the family network's contribution (a text box) and a goal's wording
# (a grid cell). Both are long free text, so both keep line breaks and refuse controls and NUL.
CASES = [
    ("network", VALUES["arabic"]), ("network", VALUES["emoji_zwj_flags"]), ("network", VALUES["megabyte_note"]),
    ("network", VALUES["nul"]), ("network", VALUES["sql_drop"]),
    ("goal", VALUES["zalgo"]), ("goal", VALUES["bidi_marks"]), ("goal", VALUES["c0_controls"]),
    ("goal", VALUES["line_breaks_and_tabs"]),
]


@pytest.mark.parametrize(("field", "sample"), CASES, ids=[f"{f}-{s.id}" for f, s in CASES])
def test_the_plan_editor_saves_or_names_the_field(
    backend: Backend, seeded: Seeded, qtbot: QtBot, field: str, sample: Sample
) -> None:
    episode_id = running_plan(backend, seeded)
    current = episodes.get_episode(backend.uow(), episode_id).current_plan_id
    assert current is not None
    plans.new_version(backend.uow(), current)  # an editable draft
    window, tab = open_plan(backend, episode_id, qtbot)
    before = draft_plan(backend, episode_id)
    if field == "network":
        tab.network.setPlainText(sample.value)
    else:
        tab.model.setData(tab.model.index(0, WHAT), sample.value, Qt.ItemDataRole.EditRole)
    assert tab.is_dirty()

    with qtbot.waitSignal(tab.sig_save_finished, timeout=20_000) as finished:
        tab.save()
    expected = sample.expected(multiline=True)
    stored = draft_plan(backend, episode_id)
    if expected is None:
        assert finished.args == [False]
        shown = tab.summary.text() + " " + tab.grid_errors.text()
        label = "network" if field == "network" else "goal"
        assert label in shown.lower(), shown
        assert stored.version == before.version  # nothing written
        if field == "network":
            assert tab.network.toPlainText() == sample.value  # what was typed stays on screen
        assert tab.is_dirty()
    else:
        assert finished.args == [True]
        got = stored.network_contribution if field == "network" else stored.goals[0].description
        # A text box turns a pasted \r\n into one line break; the grid cell keeps what it was given.
        assert got == (expected.replace("\r\n", "\n") if field == "network" else expected), (got, expected)
        assert not tab.is_dirty()
    window.close()

"""Opening kept transfer drafts again after a restart: a step on a transfer, a closure, a new
step-up or step-down.

The front door offers the newest kept draft when the program starts; one of these kinds is handed
here and opened where it belongs: a step on the Step-downs or Step-ups page (over the transfer as it
is now, its row selected in the list), the others from the family record's transfer menu.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hubapp.domain import transfer_rules as rules
from hubapp.drafts import Draft, DraftJournal
from ui.pages.transfers.action_dialog import KIND as STEP_KIND
from ui.pages.transfers.area import STEP_DOWNS, STEP_UPS
from ui.pages.transfers.family_actions import DRAFT_KINDS as FAMILY_KINDS

if TYPE_CHECKING:
    from ui.main_window import MainWindow

#: Every kind of transfer draft.
KINDS = frozenset({STEP_KIND, *FAMILY_KINDS})


def reopen(window: MainWindow, draft: Draft, journal: DraftJournal | None = None) -> None:
    """Open a kept transfer draft (one of :data:`KINDS`) in its dialog, with what was typed.

    Args:
        window: the main window (its transfer pages and family page).
        draft: the kept draft.
        journal: the journal it came from (default: the user's data directory).
    """
    if draft.kind == STEP_KIND:
        down = draft.data.get("direction") == rules.DOWN
        area = window.transfer_area
        window.show_page(STEP_DOWNS if down else STEP_UPS)
        page = area.queue_page if down else area.step_ups_page
        transfer_id = draft.data.get("transfer_id")
        if isinstance(transfer_id, int):
            page.select_transfer(transfer_id)  # the list shows which case the dialog is about
        page.triage.restore(draft, journal)
    elif draft.kind in FAMILY_KINDS:
        window.family_page.transfer_actions.restore(draft, journal)


__all__ = ["KINDS", "reopen"]

"""Opening kept episode drafts again after a restart: an episode's closure, an assessment returned for
changes, a meeting record, a need, edits to the plan.

The front door offers the newest kept draft when the program starts; one of these kinds is handed here
and opened on the episode page, on the right tab, over the episode as it is now
(:meth:`EpisodePage.restore`). The same way opens a dialog again after "Reload and re-apply". This
module is light on purpose: the episode page itself loads only when it is first needed, so the kinds
are defined here and the heavier modules import them from here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hubapp.drafts import Draft, DraftJournal

if TYPE_CHECKING:
    from ui.main_window import MainWindow

#: The draft journal's kind for an episode's closure being typed.
CLOSE_KIND = "episode_close"
#: The draft journal's kind for the changes asked of a submitted assessment, while they are typed.
RETURN_KIND = "assessment_return"
#: The draft journal's kind for a meeting record being typed (arranging one keeps no draft).
MEETING_KIND = "meeting"
#: The draft journal's kind for a need being added or changed.
NEED_KIND = "need"
#: The draft journal's kind for edits to a draft version of the plan.
PLAN_KIND = "plan"
#: Every kind of episode draft offered at start.
KINDS = frozenset({CLOSE_KIND, RETURN_KIND, MEETING_KIND, NEED_KIND, PLAN_KIND})


def reopen(window: MainWindow, draft: Draft, journal: DraftJournal | None = None) -> None:
    """Open a kept episode draft (one of :data:`KINDS`) where it was typed, on its episode, with what was typed.

    Args:
        window: the main window (its episode page).
        draft: the kept draft.
        journal: the journal it came from (default: the user's data directory).
    """
    window.episode_page.restore(draft, journal)
    window.show_page("episode")


__all__ = ["CLOSE_KIND", "KINDS", "MEETING_KIND", "NEED_KIND", "PLAN_KIND", "RETURN_KIND", "reopen"]

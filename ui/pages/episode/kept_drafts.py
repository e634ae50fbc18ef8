"""Opening kept episode drafts again after a restart: an episode's closure, an assessment returned for
changes.

The front door offers the newest kept draft when the program starts; one of these kinds is handed here
and opened on the episode page, over the episode as it is now (:meth:`EpisodePage.restore`). This
module is light on purpose: the episode page itself loads only when it is first needed.
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
#: Every kind of episode draft offered at start.
KINDS = frozenset({CLOSE_KIND, RETURN_KIND})


def reopen(window: MainWindow, draft: Draft, journal: DraftJournal | None = None) -> None:
    """Open a kept episode draft (one of :data:`KINDS`) in its dialog, on its episode, with what was typed.

    Args:
        window: the main window (its episode page).
        draft: the kept draft.
        journal: the journal it came from (default: the user's data directory).
    """
    window.episode_page.restore(draft, journal)
    window.show_page("episode")


__all__ = ["CLOSE_KIND", "KINDS", "RETURN_KIND", "reopen"]

"""The "Known to the hubs?" panel beside a household being typed: possible matches, why, and involvement.

Each candidate family shows its hub and address, chips for what the hubs know of it now (open
episode, active plan, transfer in progress, recent closures, a request awaiting a decision,
re-referral within 12 months), and each matching person with the reasons they matched. F6 moves
into the list; Enter or Ctrl+L takes the highlighted family (link it, or open it).
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QSize, Qt, Signal, Slot
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from hubapp.domain import codes
from hubapp.domain.front_door import DuplicateCandidate, Involvement
from ui import formatting as fmt
from ui.resources import THEME

CANDIDATE_ROLE = Qt.ItemDataRole.UserRole + 20
STRONG = 80.0
IDLE_TEXT = ("Type a name, date of birth, NHS number or postcode of anyone in the household: families the "
             "hubs already know appear here as you type.")


def _chip(text: str, kind: str) -> str:
    background, colour = {
        "amber": (THEME["amber_bg"], THEME["amber_fg"]), "red": (THEME["red_bg"], THEME["red_fg"]),
        "green": (THEME["green_bg"], THEME["green_fg"]), "accent": (THEME["accent_soft"], THEME["accent_pressed"]),
    }.get(kind, (THEME["chip_bg"], THEME["chip_fg"]))
    return (f"<span style='background:{background}; color:{colour}; font-weight:600'>"
            f"&nbsp;{escape(text)}&nbsp;</span>")


def involvement_chips(inv: Involvement) -> list[str]:
    """The involvement as HTML chips, most important first."""
    chips = []
    if inv.undecided_request_id is not None:
        chips.append(_chip(f"Request {inv.undecided_request_id} awaiting a decision", "red"))
    if inv.open_episode_id is not None:
        where = ", ".join(p for p in (fmt.status_words(inv.open_episode_status or ""), inv.open_episode_hub,
                                      inv.lead_worker) if p)
        chips.append(_chip(f"Open episode ({where})" if where else "Open episode", "accent"))
    if inv.active_plan_id is not None:
        chips.append(_chip("Active plan", "accent"))
    if inv.pending_transfer_id is not None:
        chips.append(_chip(f"Transfer in progress ({inv.pending_transfer})", "amber"))
    for day in inv.closures_last_12_months:
        chips.append(_chip(f"Closed {fmt.uk_date(day)}", "neutral"))
    if inv.re_referral:
        last = f", last {fmt.uk_date(inv.last_request_at)}" if inv.last_request_at else ""
        chips.append(_chip(f"Referred before within 12 months{last}", "amber"))
    return chips


def candidate_html(c: DuplicateCandidate, linked: bool = False) -> str:
    """One candidate as rich text."""
    muted = THEME["text_muted"]
    strength = "Strong match" if c.score >= STRONG else "Possible match"
    head = (f"<b>{escape(c.family_name)}</b>{' &nbsp;' + _chip('Linked', 'green') if linked else ''}"
            f" &nbsp;<span style='color:{muted}'>{strength}</span><br>"
            f"<span style='color:{muted}'>{escape(c.hub_name)} · {escape(c.address)}</span>")
    chips = " ".join(involvement_chips(c.involvement)) or f"<span style='color:{muted}'>No current involvement</span>"
    people = []
    for p in c.people:
        born = ("due " if p.dob_is_expected else "born ") + fmt.uk_date(p.date_of_birth) if p.date_of_birth else ""
        relation = codes.label_of(codes.RELATIONSHIP, p.relation, p.relation)
        facts = ", ".join(x for x in (born, relation) if x)
        people.append(f"<b>{escape(p.full_name)}</b> <span style='color:{muted}'>({escape(facts)})</span><br>"
                      f"<span style='color:{muted}'>{escape('; '.join(p.reasons))}</span>")
    family_reasons = f"<br><span style='color:{muted}'>{escape('; '.join(c.reasons))}</span>" if c.reasons else ""
    return f"{head}<div style='margin-top:3px'>{chips}</div><div style='margin-top:3px'>{'<br>'.join(people)}" \
           f"{family_reasons}</div>"


class DuplicatesPanel(QFrame):
    """Possible matches for the household being typed.

    Signals:
        sig_candidate_chosen(object): the person chose a ``DuplicateCandidate`` (Enter, Ctrl+L, the button).

    Args:
        action: what choosing does, for the button ("Link this family").
        parent: the parent widget.
    """

    # ---- Signals
    sig_candidate_chosen = Signal(object)

    def __init__(self, action: str = "Link this family", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("DuplicatesPanel")
        self._linked: int | None = None
        title = QLabel("Known to the hubs?", self)
        title.setProperty("role", "heading")
        self.status = QLabel(IDLE_TEXT, self)
        self.status.setWordWrap(True)
        self.status.setProperty("role", "muted")
        self.list = QListWidget(self)
        self.list.setObjectName("Candidates")
        self.list.setAccessibleName("Families the hubs already know")
        self.list.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        self.list.itemActivated.connect(self._on_list_item_activated)
        self.list.currentItemChanged.connect(lambda *_: self._update_button())
        self.button = QPushButton(f"{action} (Ctrl+L)", self)
        self.button.setAutoDefault(False)
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.button.clicked.connect(self.choose_current)
        column = QVBoxLayout(self)
        column.setContentsMargins(12, 10, 12, 12)
        column.setSpacing(6)
        column.addWidget(title)
        column.addWidget(self.status)
        column.addWidget(self.list, 1)
        column.addWidget(self.button)
        self._update_button()

    # ---- Public

    def set_idle(self, text: str = IDLE_TEXT) -> None:
        """No check to show: say what to type."""
        self.list.clear()
        self.status.setText(text)
        self._update_button()

    def set_checking(self) -> None:
        """A check is running."""
        self.status.setText("Checking…")

    def set_candidates(self, candidates: tuple[DuplicateCandidate, ...], linked: int | None = None) -> None:
        """Show the matches found (best first)."""
        self._linked = linked
        self.list.clear()
        for c in candidates:
            item = QListWidgetItem(self.list)
            item.setData(CANDIDATE_ROLE, c)
            label = QLabel(candidate_html(c, linked=c.family_id == linked), self.list)
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setWordWrap(True)
            label.setContentsMargins(6, 6, 6, 6)
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            item.setText("")
            item.setToolTip("\n".join(c.all_reasons))
            self.list.setItemWidget(item, label)
        self._fit_items()
        if candidates:
            self.list.setCurrentRow(0)
            n = len(candidates)
            self.status.setText(f"{n} known famil{'y' if n == 1 else 'ies'} may be this one. F6 to look through "
                                "them; Enter or Ctrl+L to use the highlighted one.")
        else:
            self.status.setText("No known family matches what has been typed so far.")
        self._update_button()

    def candidates(self) -> list[DuplicateCandidate]:
        """The candidates shown, in order."""
        return [self.list.item(i).data(CANDIDATE_ROLE) for i in range(self.list.count())]

    def current(self) -> DuplicateCandidate | None:
        """The highlighted candidate."""
        item = self.list.currentItem()
        return item.data(CANDIDATE_ROLE) if item is not None else None

    def focus_list(self) -> bool:
        """Move the keyboard focus into the list; returns whether there is anything in it."""
        if not self.list.count():
            return False
        self.list.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if self.list.currentRow() < 0:
            self.list.setCurrentRow(0)
        return True

    @Slot()
    def choose_current(self) -> None:
        """Choose the highlighted candidate (the first if none is highlighted)."""
        candidate = self.current() or (self.candidates() or [None])[0]
        if candidate is not None:
            self.sig_candidate_chosen.emit(candidate)

    # ---- Internals

    def _fit_items(self) -> None:
        width = max(self.list.viewport().width() - 4, 120)
        for i in range(self.list.count()):
            item = self.list.item(i)
            label = self.list.itemWidget(item)
            if isinstance(label, QLabel):
                label.ensurePolished()
                label.setFixedWidth(width)
                item.setSizeHint(QSize(width, label.heightForWidth(width) + 6))

    def _update_button(self) -> None:
        self.button.setEnabled(self.list.count() > 0)

    @Slot(QListWidgetItem)
    def _on_list_item_activated(self, item: QListWidgetItem) -> None:
        candidate = item.data(CANDIDATE_ROLE)
        if candidate is not None:
            self.sig_candidate_chosen.emit(candidate)

    # ---- Qt overrides

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: D102 - Qt override
        super().resizeEvent(event)
        self._fit_items()

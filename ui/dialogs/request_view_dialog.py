"""One request for support, read-only: everything recorded, and the way to decide it.

Ctrl+D decides it (while it waits for a decision), Ctrl+O opens the family, Esc closes. The text
scrolls with the arrow keys and Page Up/Down.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from hubapp.domain import states
from hubapp.domain.front_door import RequestView
from hubapp.services import intake
from hubapp.services.session import Backend
from ui.dialogs.request_html import request_html
from ui.tasks import LatestOnly
from ui.widgets.banner import Banner


class RequestViewDialog(QDialog):
    """The request page.

    Signals:
        sig_decide_requested(int): decide this request.
        sig_open_family_requested(int): open this family.
        sig_loaded(object): the ``RequestView`` shown.

    Args:
        backend: the open database.
        request_id: the request.
        parent: the parent widget.
    """

    # ---- Signals
    sig_decide_requested = Signal(int)
    sig_open_family_requested = Signal(int)
    sig_loaded = Signal(object)

    def __init__(self, backend: Backend, request_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("RequestViewDialog")
        self.setWindowTitle(f"Request {request_id}")
        self._backend = backend
        self.request_id = request_id
        self.view: RequestView | None = None
        self._latest = LatestOnly()
        self.banner = Banner(self)
        self.text = QTextBrowser(self)
        self.text.setOpenLinks(False)
        self.text.setAccessibleName("Request details")
        self.decide_button = QPushButton("&Decide… (Ctrl+D)", self)
        self.family_button = QPushButton("Open &family (Ctrl+O)", self)
        self.close_button = QPushButton("Close (Esc)", self)
        for button in (self.decide_button, self.family_button, self.close_button):
            button.setAutoDefault(False)
        self.decide_button.setProperty("role", "primary")
        self.decide_button.setEnabled(False)
        self.family_button.setEnabled(False)
        self.decide_button.clicked.connect(self._on_decide_clicked)
        self.family_button.clicked.connect(self._on_family_clicked)
        self.close_button.clicked.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+D"), self).activated.connect(self._on_decide_clicked)
        QShortcut(QKeySequence("Ctrl+O"), self).activated.connect(self._on_family_clicked)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.family_button, self.decide_button, self.close_button):
            buttons.addWidget(button)
        column = QVBoxLayout(self)
        column.addWidget(self.banner)
        column.addWidget(self.text, 1)
        column.addLayout(buttons)
        self.resize(760, 760)
        self.text.setFocus(Qt.FocusReason.OtherFocusReason)
        self.reload()

    def reload(self) -> None:
        """Load the request (again) in a worker."""
        backend, request_id = self._backend, self.request_id
        self._latest.start(self, lambda: intake.get_request_view(backend.uow(), request_id), self._on_loaded,
                           lambda exc: self.banner.show_message(str(exc), "error"))

    def _on_loaded(self, view: RequestView) -> None:
        self.view = view
        self.setWindowTitle(f"Request {view.id} · {view.family_name}")
        self.text.setHtml(request_html(view))
        self.decide_button.setEnabled(view.status in states.REQUEST_UNDECIDED_STATES)
        self.family_button.setEnabled(True)
        self.sig_loaded.emit(view)

    @Slot()
    def _on_decide_clicked(self) -> None:
        if self.view is not None and self.decide_button.isEnabled():
            self.sig_decide_requested.emit(self.view.id)

    @Slot()
    def _on_family_clicked(self) -> None:
        if self.view is not None:
            self.sig_open_family_requested.emit(self.view.family_id)
            self.accept()

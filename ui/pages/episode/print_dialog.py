"""Preview a printout inside the program (Qt's PDF viewer), then print it, save it as a PDF, or save
the accessible HTML copy. The PDF is made by a service in a worker; this dialog only shows it.

Printing or saving is a disclosure: each one is recorded (document record and access log, one
transaction) before the printer or the file gets the document. The file and printer dialogs are
module functions, so tests can replace them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize, QStandardPaths, Qt, Signal
from PySide6.QtGui import QKeySequence, QPainter, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QButtonGroup, QDialog, QFileDialog, QHBoxLayout, QLabel, QPushButton, QRadioButton, QStackedWidget, QVBoxLayout,
    QWidget,
)

from hubapp.domain.errors import DomainError
from hubapp.domain.meeting_dto import COPY_FAMILY, COPY_PROFESSIONAL, Printout, PrintRecord
from hubapp.services.session import Backend
from ui import tasks
from ui.app_events import app_events


def ask_save_path(parent: QWidget, title: str, suggested: str, file_filter: str) -> str | None:
    """Ask where to save; ``None`` when the person cancels."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    path, _ = QFileDialog.getSaveFileName(parent, title, str(Path(folder) / suggested), file_filter)
    return path or None


def ask_printer(parent: QWidget, pages: int) -> QPrinter | None:
    """Ask which printer and how; ``None`` when the person cancels."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setFromTo(1, max(1, pages))
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("Print")
    try:
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
    finally:
        dialog.deleteLater()  # not left behind as a hidden child, one more each time
    return printer if accepted else None


def paint_pdf(document: QPdfDocument, printer: QPrinter) -> None:
    """Send the pages of a loaded PDF to a printer, each scaled to the printable page."""
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("The printer could not be started.")
    try:
        first = max(1, printer.fromPage() or 1)
        last = min(document.pageCount(), printer.toPage() or document.pageCount())
        dpi = printer.resolution()
        for n in range(first - 1, last):
            if n > first - 1:
                printer.newPage()
            size = document.pagePointSize(n)
            pixels = QSize(int(size.width() / 72 * dpi), int(size.height() / 72 * dpi))
            image = document.render(n, pixels)
            target = painter.viewport()
            scaled = image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.setViewport(QRect(target.x(), target.y(), scaled.width(), scaled.height()))
            painter.setWindow(image.rect())
            painter.drawImage(0, 0, image)
            painter.setViewport(target)
    finally:
        painter.end()


class PrintDialog(QDialog):
    """The preview, with Print, Save as PDF and Save accessible HTML.

    Signals:
        sig_recorded(object): a print or save was recorded (the ``PrintRecord``).

    Args:
        backend: the open database.
        render: makes the printout for a copy, in a worker: ``render(copy) -> Printout``.
        copies: the copies offered (the plan has two; a meeting record one).
        parent: the parent widget.
    """

    # ---- Signals
    sig_recorded = Signal(object)

    def __init__(self, backend: Backend, render: Callable[[str], Printout], copies: tuple[str, ...],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preview and print")
        self.resize(900, 860)
        self._backend = backend
        self._render = render
        self._latest = tasks.LatestOnly()
        self.printout: Printout | None = None
        self.records: list[PrintRecord] = []
        self.pdf = QPdfDocument(self)
        self._buffer: QBuffer | None = None

        self.view = QPdfView(self)
        self.view.setDocument(self.pdf)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setAccessibleName("Preview")
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setProperty("role", "empty")
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.message)
        self.stack.addWidget(self.view)

        self.copy_group = QButtonGroup(self)
        copy_row = QHBoxLayout()
        labels = {COPY_PROFESSIONAL: "&Professional copy", COPY_FAMILY: "&Family copy (plain words, larger type)"}
        for copy in copies if len(copies) > 1 else ():
            button = QRadioButton(labels.get(copy, copy), self)
            button.setProperty("copy", copy)
            self.copy_group.addButton(button)
            copy_row.addWidget(button)
        copy_row.addStretch(1)
        self.status = QLabel(self)
        self.status.setProperty("role", "muted")
        copy_row.addWidget(self.status)
        self.print_button = QPushButton("&Print…", self)
        self.print_button.setProperty("role", "primary")
        self.save_pdf_button = QPushButton("Save as P&DF…", self)
        self.save_html_button = QPushButton("Save accessible &HTML…", self)
        self.save_html_button.setToolTip("A web page copy that screen readers and any script can use")
        close = QPushButton("Close", self)
        close.clicked.connect(self.reject)
        self.print_button.clicked.connect(lambda: self._deliver("PRINT"))
        self.save_pdf_button.clicked.connect(lambda: self._deliver("SAVE_PDF"))
        self.save_html_button.clicked.connect(lambda: self._deliver("SAVE_HTML"))
        QShortcut(QKeySequence.StandardKey.Print, self, activated=lambda: self._deliver("PRINT"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.save_pdf_button)
        buttons.addWidget(self.save_html_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(copy_row)
        layout.addWidget(self.stack, 1)
        layout.addLayout(buttons)
        self.copy_group.buttonToggled.connect(self._on_copy_group_button_toggled)
        self._copy = copies[0]
        if self.copy_group.buttons():
            self.copy_group.buttons()[0].setChecked(True)
        else:
            self.load(self._copy)

    # ---- Public

    def load(self, copy: str) -> None:
        """Make the printout of ``copy`` in a worker and show it when ready."""
        self._copy = copy
        self._set_busy("Preparing the document…")
        render = self._render
        self._latest.start(self, lambda: render(copy), self._on_rendered, self._on_failed)

    # ---- Internals

    def _set_busy(self, text: str) -> None:
        self.message.setText(text)
        self.stack.setCurrentWidget(self.message)
        for b in (self.print_button, self.save_pdf_button, self.save_html_button):
            b.setEnabled(False)

    def _on_copy_group_button_toggled(self, button: QRadioButton, checked: bool) -> None:
        if checked:
            self.load(str(button.property("copy")))

    def _on_rendered(self, printout: Printout) -> None:
        self.printout = printout
        self.save_html_button.setEnabled(True)
        if not printout.has_pdf:
            self.message.setText(printout.problem)
            self.stack.setCurrentWidget(self.message)
            self.status.setText("No PDF: see the message")
            return
        self.pdf.close()
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(printout.pdf))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.pdf.load(self._buffer)
        self.stack.setCurrentWidget(self.view)
        self.print_button.setEnabled(True)
        self.save_pdf_button.setEnabled(True)
        self.status.setText(f"{printout.pages} page{'s' if printout.pages != 1 else ''} · "
                            f"ref {printout.content_hash[:12]}")
        self.setWindowTitle(f"Preview – {printout.title}")

    def _on_failed(self, exc: Exception) -> None:
        self.message.setText(str(exc) if isinstance(exc, DomainError) else "The document could not be made.")
        self.stack.setCurrentWidget(self.message)

    def _deliver(self, how: str) -> None:
        printout = self.printout
        if printout is None or (how != "SAVE_HTML" and not printout.has_pdf):
            return
        target: QPrinter | str | None
        if how == "PRINT":
            target = ask_printer(self, printout.pages)
        elif how == "SAVE_PDF":
            target = ask_save_path(self, "Save as PDF", f"{printout.file_stem}.pdf", "PDF files (*.pdf)")
        else:
            target = ask_save_path(self, "Save accessible HTML", f"{printout.file_stem}.html", "Web pages (*.html)")
        if target is None:
            return
        from hubapp.services import printouts  # ReportLab loads at the first print, not at start-up

        backend = self._backend
        self.status.setText("Recording…")
        tasks.run_write(self, lambda: printouts.record_printout(backend.uow(), printout, how),
                        lambda record: self._on_recorded(record, how, printout, target), self._on_record_failed)

    def _on_recorded(self, record: PrintRecord, how: str, printout: Printout, target: QPrinter | str) -> None:
        self.records.append(record)
        try:
            if isinstance(target, QPrinter):
                paint_pdf(self.pdf, target)
                done = "Sent to the printer"
            elif how == "SAVE_PDF":
                Path(target).write_bytes(printout.pdf)
                done = f"Saved to {target}"
            else:
                Path(target).write_text(printout.html, encoding="utf-8")
                done = f"Saved to {target}"
        except OSError as exc:
            done = f"Recorded, but it failed: {exc}"
        self.status.setText(done)
        self.sig_recorded.emit(record)
        app_events().publish(record.changes, self)

    def _on_record_failed(self, exc: Exception) -> None:
        self.status.setText("Not printed: " + (str(exc) if isinstance(exc, DomainError) else "the record failed."))

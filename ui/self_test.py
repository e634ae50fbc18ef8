"""``hubapp --self-test``: the Qt-free self-test (``hubapp.selftest``) plus the Qt steps.

After the core steps pass on their temporary database, the plan PDF is opened with QtPdf (as the
print preview does), and the main window is opened on the database offscreen (unless
``QT_QPA_PLATFORM`` says otherwise), left to load its first page, checked for a usable font
(without one Qt draws every letter as an empty box and says nothing), and closed.
Exit status 0 means every step passed.
"""

from __future__ import annotations

import os
import re
import sys

from PySide6.QtCore import QEventLoop, QMessageLogContext, QTimer, QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QFontInfo, QGuiApplication
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QApplication

from hubapp import selftest
from hubapp.selftest import SelfTest, StepFailed
from ui import resources, settings, tasks
from ui.main_window import MainWindow

#: How long the main window may take to show its first data.
FIRST_DATA_MS = 30_000
#: What the offscreen platform says about itself; not faults of the program, so not shown.
OFFSCREEN_NOISE = re.compile(
    r"This plugin does not support (propagateSizeHints\(\)|raise\(\)|grabbing the keyboard)"
)


def _on_qt_message(kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
    """Qt's own messages: the offscreen platform's noise is dropped, the rest go to stderr."""
    if kind == QtMsgType.QtDebugMsg or OFFSCREEN_NOISE.search(message):
        return
    print(message, file=sys.stderr)


def _wait(window: MainWindow, timeout_ms: int) -> bool:
    """Run the event loop until the window shows its first data; whether it did in time."""
    loop = QEventLoop()
    loaded: list[bool] = []

    def done() -> None:
        loaded.append(True)
        loop.quit()

    window.sig_first_data_loaded.connect(done)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    return bool(loaded)


def open_main_window(test: SelfTest) -> str:
    """Open the main window on the self-test's database, wait for its first data, close it.

    Raises:
        StepFailed: the window did not load in time, or no font is usable.
    """
    if test.backend is None or test.actor is None:
        raise StepFailed("the database is not open")
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    family = QFontInfo(app.font()).family()
    if not family:
        raise StepFailed("no usable font: install fonts (e.g. fontconfig and DejaVu) on this PC")
    window = MainWindow(test.backend, test.actor, start_page="referrals", restore=False)
    # The window would show a bug in a background task in a message box; nobody would close it.
    errors: list[BaseException] = []
    tasks.set_error_handler(lambda exc, _expected: errors.append(exc))
    try:
        window.show()
        if not _wait(window, FIRST_DATA_MS):
            raise StepFailed(f"the main window showed no data within {FIRST_DATA_MS // 1000} s")
        if errors:
            raise StepFailed(f"a background task failed: {type(errors[0]).__name__}: {errors[0]}")
        size = f"{window.width()}x{window.height()}"
    finally:
        window.close()
        window.deleteLater()
        tasks.wait_idle()
        QApplication.processEvents()
    platform_name = QGuiApplication.platformName()
    return f"opened and closed on the {platform_name} platform ({size}, font {family})"


def preview_pdf(test: SelfTest) -> str:
    """Load the self-test's plan PDF with QtPdf, as the print preview does, and draw page one.

    Raises:
        StepFailed: QtPdf cannot open or draw it (in a frozen build: QtPdf is missing).
    """
    document = QPdfDocument()
    try:
        error = document.load(str(test.pdf_path))
        if error != QPdfDocument.Error.None_ or document.pageCount() < 1:
            raise StepFailed(f"QtPdf cannot open {test.pdf_path.name}: {error.name}")
        size = document.pagePointSize(0).toSize()
        image = document.render(0, size)
        if image.isNull():
            raise StepFailed("QtPdf opened the plan but could not draw its first page")
        return f"{document.pageCount()} page(s) opened and page 1 drawn ({size.width()}x{size.height()} pt)"
    finally:
        document.close()


def main(argv: list[str]) -> int:
    """Run the whole self-test; ``argv`` is the program's command line (Qt options pass on).

    Returns:
        0 when every step passed, 1 otherwise.
    """
    # The self-test must not show windows on a person's desktop; -platform or the variable win.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if sys.stderr is not None:  # a windowed program on Windows has none
        qInstallMessageHandler(_on_qt_message)
    qt_args = [a for a in argv[1:] if a != "--self-test"]
    settings.set_application_identity()
    app = QApplication.instance() or QApplication([argv[0] if argv else "hubapp", *qt_args])
    assert isinstance(app, QApplication)
    resources.apply_theme(app)

    def window_step(test: SelfTest) -> None:
        if test.step("pdf preview", lambda: preview_pdf(test)):
            test.step("main window", lambda: open_main_window(test))

    code = selftest.run(sys.stdout, extra=window_step)
    tasks.wait_idle()
    return code


__all__ = ["main", "open_main_window", "preview_pdf"]

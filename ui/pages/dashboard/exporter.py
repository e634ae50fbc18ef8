"""Exports from the dashboard: the list on screen to CSV or XLSX, the Ofsted Annex A list 2 and the
Supporting Families progress extract.

The person picks the file in a file dialog (opened, never run modally); the export service writes
it in a worker and logs it in the access log. A folder that cannot be written comes back as the
service's own message. The last folder used is remembered (per user, in the UI settings).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from hubapp.domain.errors import DomainError
from hubapp.domain.report_dto import ExportResult, ReportFilter, Table
from hubapp.services import exports
from hubapp.services.session import Backend
from ui import settings, tasks

KEY_EXPORT_FOLDER = "dashboard/export_folder"
CSV_FILTER = "CSV file (*.csv)"
XLSX_FILTER = "Excel workbook (*.xlsx)"
_SUFFIX = {CSV_FILTER: "csv", XLSX_FILTER: "xlsx"}


def file_stem(title: str, today: dt.date) -> str:
    """A file name from a list's title: "Front-door timeliness" → ``front-door-timeliness-2026-11-26``."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "export"
    return f"{slug[:60]}-{today.isoformat()}"


def export_folder() -> Path:
    """The folder the last export went to (the Documents folder at first)."""
    saved = str(settings.settings().value(KEY_EXPORT_FOLDER, "", type=str))
    if saved and Path(saved).is_dir():
        return Path(saved)
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents) if documents else Path.home()


class Exporter(QObject):
    """Asks where, then exports in a worker.

    Signals:
        sig_exported(object): the ``ExportResult`` of a written file.
        sig_failed(str): the export was refused; the message says why.

    Args:
        backend: the open database.
        parent: the widget the file dialog belongs to.
    """

    # ---- Signals
    sig_exported = Signal(object)
    sig_failed = Signal(str)

    def __init__(self, backend: Backend, parent: QWidget) -> None:
        super().__init__(parent)
        self._backend = backend
        self._parent = parent
        self.dialog: QFileDialog | None = None

    # ---- Public

    def export_table(self, table: Table | None) -> None:
        """Export a list as it is shown (nothing happens without one)."""
        if table is None:
            self.sig_failed.emit("There is no list to export yet.")
            return
        backend = self._backend
        self._ask(f"Export “{table.title}”", table.title,
                  lambda path, fmt: exports.export_table(backend.uow(), table, path, fmt=fmt))

    def export_annex_a(self, flt: ReportFilter, inspection_date: dt.date) -> None:
        """Export the Ofsted Annex A list 2 for an inspection on ``inspection_date``."""
        backend = self._backend

        def work(path: str, fmt: str) -> ExportResult:
            table = exports.annex_a_list2(backend.uow(), flt, inspection_date=inspection_date)
            return exports.export_table(backend.uow(), table, path, fmt=fmt)

        self._ask("Export the Ofsted Annex A list 2", "Annex A list 2", work)

    def export_sf_extract(self, flt: ReportFilter, today: dt.date) -> None:
        """Export the Supporting Families progress extract for the filter, as on ``today``."""
        backend = self._backend

        def work(path: str, fmt: str) -> ExportResult:
            table = exports.sf_progress_extract(backend.uow(), flt, today=today)
            return exports.export_table(backend.uow(), table, path, fmt=fmt)

        self._ask("Export the Supporting Families progress extract", "Supporting Families progress", work)

    # ---- Private

    def _ask(self, caption: str, title: str, work: Callable[[str, str], ExportResult]) -> None:
        if self.dialog is not None:
            self.dialog.close()
        stem = file_stem(title, dt.date.today())
        dialog = QFileDialog(self._parent, caption, str(export_folder() / f"{stem}.xlsx"))
        dialog.setObjectName("ExportDialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        dialog.setNameFilters([XLSX_FILTER, CSV_FILTER])
        dialog.setDefaultSuffix("xlsx")
        dialog.filterSelected.connect(lambda chosen: dialog.setDefaultSuffix(_SUFFIX.get(chosen, "xlsx")))
        dialog.fileSelected.connect(lambda path: self._on_file_chosen(path, dialog.selectedNameFilter(), work))
        dialog.finished.connect(lambda _result: dialog.deleteLater())
        self.dialog = dialog
        dialog.open()

    def _on_file_chosen(self, path: str, name_filter: str, work: Callable[[str, str], ExportResult]) -> None:
        self.dialog = None
        suffix = Path(path).suffix.lower().lstrip(".")
        fmt = suffix if suffix in ("csv", "xlsx") else _SUFFIX.get(name_filter, "xlsx")
        folder = str(Path(path).parent)
        tasks.run_write(self, lambda: work(path, fmt), lambda result: self._on_done(result, folder),
                        self._on_error)

    def _on_done(self, result: ExportResult, folder: str) -> None:
        settings.settings().setValue(KEY_EXPORT_FOLDER, folder)
        self.sig_exported.emit(result)

    def _on_error(self, exc: Exception) -> None:
        self.sig_failed.emit(str(exc) if isinstance(exc, DomainError) else "The export failed.")

"""Dates and times typed as text: dd/mm/yyyy and HH:MM, checked by the core's own rules."""

from __future__ import annotations

import datetime as dt
import re

from PySide6.QtCore import Slot
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QLineEdit, QWidget

from hubapp.domain.errors import ValidationError
from hubapp.domain.validation import format_uk_date, parse_uk_date

_EIGHT_DIGITS = re.compile(r"^(\d{2})(\d{2})(\d{4})$")
_TIME = re.compile(r"^(\d{1,2})[:.]?(\d{2})$")


class UkDateEdit(QLineEdit):
    """A date typed as dd/mm/yyyy; eight digits in a row (03042016) are read the same way.

    Args:
        parent: the parent widget.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("dd/mm/yyyy")
        self.setMaxLength(10)
        self.setValidator(QRegularExpressionValidator(r"[0-9/]{0,10}", self))
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("00/00/00000") + 22)
        self.setMaximumWidth(self.fontMetrics().horizontalAdvance("00/00/00000") + 40)
        self.editingFinished.connect(self._on_editing_finished)

    def normalised(self) -> str:
        """The text with slashes inserted into eight bare digits."""
        text = self.text().strip()
        match = _EIGHT_DIGITS.match(text)
        return "/".join(match.groups()) if match else text

    def is_blank(self) -> bool:
        """Whether nothing was typed."""
        return not self.text().strip()

    def date(self, field: str, label: str) -> dt.date | None:
        """The date, or ``None`` when blank.

        Raises:
            ValidationError: the text is not a real date in dd/mm/yyyy form (rules of ``parse_uk_date``).
        """
        if self.is_blank():
            return None
        return parse_uk_date(self.normalised(), field, label)

    def date_or_none(self) -> dt.date | None:
        """The date if the text is one, else ``None`` (for checks while typing)."""
        try:
            return self.date("date", "Date")
        except ValidationError:
            return None

    def set_date(self, value: dt.date | None) -> None:
        """Show a date (or nothing)."""
        self.setText(format_uk_date(value) if value else "")

    @Slot()
    def _on_editing_finished(self) -> None:
        text = self.normalised()
        if text != self.text():
            self.setText(text)


class TimeEdit(QLineEdit):
    """A time of day typed as HH:MM (24-hour); 0930 and 9.30 are read too.

    Args:
        parent: the parent widget.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("HH:MM")
        self.setMaxLength(5)
        self.setValidator(QRegularExpressionValidator(r"[0-9:.]{0,5}", self))
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("00:000") + 22)
        self.setMaximumWidth(self.fontMetrics().horizontalAdvance("00:000") + 30)

    def time(self, field: str, label: str) -> dt.time:
        """The time typed.

        Raises:
            ValidationError: rule ``"required"`` or ``"time_format"``.
        """
        text = self.text().strip()
        if not text:
            raise ValidationError.single(field, "required", f"{label} is required.")
        match = _TIME.match(text)
        if match:
            hour, minute = int(match.group(1)), int(match.group(2))
            if hour < 24 and minute < 60:
                return dt.time(hour, minute)
        raise ValidationError.single(field, "time_format",
                                     f"{label} '{text}' is not a time in the form HH:MM, for example 09:30.")

    def set_time(self, value: dt.time) -> None:
        """Show a time."""
        self.setText(f"{value.hour:02d}:{value.minute:02d}")

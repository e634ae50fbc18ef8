"""PDF tests run with ReportLab's invariant mode, so the same input gives the same bytes (R22)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from reportlab import rl_config


@pytest.fixture(autouse=True)
def invariant_pdfs() -> Iterator[None]:
    """Fixed dates and ids inside every PDF made by a test here."""
    before = rl_config.invariant
    rl_config.invariant = 1
    yield
    rl_config.invariant = before

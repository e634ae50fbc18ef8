"""Resources: search paths, icons, and the themed stylesheet."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QFile
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QPushButton, QWidget
from pytestqt.qtbot import QtBot

from hubapp.paths import resources_dir
from ui import resources


def test_icons_are_found_through_the_search_path() -> None:
    names = sorted(p.name for p in (resources_dir() / "icons").glob("*.svg"))
    assert "search.svg" in names
    for name in names:
        assert QFile.exists(f"icons:{name}"), name
        assert not QIcon(f"icons:{name}").pixmap(16, 16).isNull(), name


def test_stylesheet_fills_every_token() -> None:
    sheet = resources.load_stylesheet()
    assert "{{" not in sheet and "}}" not in sheet
    assert resources.THEME["accent"] in sheet
    # Every icon a stylesheet points at exists.
    for name in re.findall(r"url\(icons:([\w.-]+)\)", sheet):
        assert QFile.exists(f"icons:{name}"), name


def test_unknown_token_is_an_error() -> None:
    with pytest.raises(KeyError):
        resources.fill_tokens("color: {{no_such_colour}};")


def test_rag_colours_cover_red_amber_green() -> None:
    assert set(resources.RAG_COLOURS) == {"red", "amber", "green"}


@pytest.mark.parametrize(("role", "enabled", "disabled"), [
    ("primary", resources.THEME["accent"], resources.THEME["chip_bg"]),
    ("", resources.THEME["surface"], resources.THEME["surface_alt"]),
])
def test_a_disabled_button_does_not_look_pressable(qtbot: QtBot, role: str, enabled: str, disabled: str) -> None:
    form = QWidget()
    qtbot.addWidget(form)
    form.setStyleSheet(resources.load_stylesheet())
    button = QPushButton("Save", form)
    button.setProperty("role", role)
    button.resize(120, 32)

    def face() -> str:  # inside the border, left of the words
        return button.grab().toImage().pixelColor(6, button.height() // 2).name()

    assert face() == enabled
    button.setEnabled(False)
    assert face() == disabled

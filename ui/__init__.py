"""hubapp's PySide6 user interface: windows, pages, item models, dialogs and background tasks.

Everything here draws and reacts; the work is done by ``hubapp.services``, always called off the
GUI thread through :mod:`ui.tasks`.
"""

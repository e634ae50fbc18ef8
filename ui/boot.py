"""What start-up does around loading the program's modules (issue 7: usable within 2 s).

Loading them is most of a start: SQLAlchemy and the models, the services, the pages; some 650
modules and 180,000 objects. Two things made it slower than it need be, both undone here:

- :func:`skip_pyside_import_scan`: PySide6's import hook read the source of every module imported
  after it;
- :func:`collector_paused`: the garbage collector went through the new objects again and again.

Only the standard library is imported here, so ``ui.app`` can use it before anything else.
"""

from __future__ import annotations

import builtins
import gc
from collections.abc import Iterator
from contextlib import contextmanager


def skip_pyside_import_scan() -> None:
    """Give ``import`` back to Python from PySide6's ``__feature__`` hook.

    Importing PySide6 replaces ``builtins.__import__`` with ``__feature_import__``, which serves
    ``from __feature__ import snake_case, true_property``; hubapp uses no such feature. As a side
    effect the hook reads the whole source of every module imported after it (``inspect.getsource``,
    looking for "PySide6" in it): the 650 modules of start-up and the 280 holiday modules the first
    page's working days load, about 150 ms of every start on the benchmark machine, and the modules
    of every page when it is first opened. PySide6 keeps the original in ``builtins.__orig_import__``
    (its documentation says so); it is put back only while PySide's own hook is the one installed,
    so a debugger's or a coverage tool's replacement is left alone.
    """
    hook = getattr(builtins, "__feature_import__", None)
    original = getattr(builtins, "__orig_import__", None)
    if hook is not None and original is not None and builtins.__import__ is hook:
        builtins.__import__ = original


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while modules load; the objects they made are then frozen.

    Loading the program's modules makes some 180,000 objects that live as long as the program, and
    almost no garbage (about 600 objects). The collector, left on, went through them some 270 times
    on the way, two of them full collections: about 100 ms of every start on the benchmark machine.
    Frozen (``gc.freeze``), they are left out of every later collection too, as the main window's
    objects are once it shows (``ui.startup``). The collector is paused only around imports: a
    start that waits for an unreachable database runs with it on.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


__all__ = ["collector_paused", "skip_pyside_import_scan"]

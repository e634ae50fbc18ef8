"""PyInstaller's entry script for ``hubapp`` and ``hubapp-debug`` (the same program, with and
without a console window on Windows). It only calls the real entry point, ``ui.app:main``."""

import sys

from ui.app import main

if __name__ == "__main__":
    sys.exit(main())

"""PyInstaller's entry script for ``hubapp-admin``, the administrator's command line
(``hubapp.cli:main``). It imports no Qt."""

import sys

from hubapp.cli import main

if __name__ == "__main__":
    sys.exit(main())

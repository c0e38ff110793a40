"""Entry point of the frozen app (PyInstaller): the same as the ``piaodesk`` command."""

import sys

from piaodesk.cli import main

if __name__ == "__main__":
    sys.exit(main())

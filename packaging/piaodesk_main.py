"""Entry point of the frozen app (PyInstaller): the same as the ``piaodesk`` command."""

import multiprocessing
import sys

if __name__ == "__main__":
    # the % of a large plan are computed in a second process of this same program:
    # in that process this call runs the work and exits (it must come first)
    multiprocessing.freeze_support()
    from piaodesk.cli import main

    sys.exit(main())

import sys

from piaodesk.cli import main

sys.exit(main())

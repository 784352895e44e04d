"""``python -m paychase`` runs the command line."""

import sys

from paychase.shell._cli import main

sys.exit(main())

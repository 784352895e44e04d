"""``python -m paychase`` runs the command line."""

import sys

from paychase.cli import main

sys.exit(main())

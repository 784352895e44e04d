"""``python -m paychase`` runs the command line."""

import sys

from paychase.cli._main import main

sys.exit(main())

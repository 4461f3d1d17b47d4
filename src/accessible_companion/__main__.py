"""`python -m accessible_companion`."""

import sys

from .cli import main

sys.exit(main())

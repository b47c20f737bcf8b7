"""``python -m reale`` is the ``reale`` command."""

import sys

from reale.cli import main

sys.exit(main())

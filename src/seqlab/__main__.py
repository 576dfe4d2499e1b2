"""``python -m seqlab``: the ``seqlab`` command, for where the console script is not on PATH."""

import sys

from seqlab.cli import main

sys.exit(main())

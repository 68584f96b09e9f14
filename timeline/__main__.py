"""`python -m timeline`: the same command as `timeline` and build.py."""

import sys

from timeline.cli import main

sys.exit(main())

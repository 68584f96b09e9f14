#!/usr/bin/env python3
"""Build a static timeline site: `python build.py [build|check] [options]`.

See README.md and CONTRACT.md; the work is done by the `timeline` package."""

import sys

from timeline.cli import main

if __name__ == "__main__":
    sys.exit(main())

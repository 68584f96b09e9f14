#!/usr/bin/env python3
"""Build a static timeline site: `python build.py [build|check] [options]`.

See README.md and CONTRACT.md; the work is done by the `timeline` package."""

import os
import sys

from timeline.cli import main

if __name__ == "__main__":
    status = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # Leave without tearing down the build's objects one by one (80 ms for
    # 10,000 entries): everything is written and flushed, and the system
    # takes the memory back at once.
    os._exit(status)

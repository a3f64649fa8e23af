"""Entry point: `python -m planner` opens the app; with a command it runs headless."""

from __future__ import annotations

import sys

from planner.cli import main

if __name__ == "__main__":
    sys.exit(main())

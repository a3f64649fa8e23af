"""PyInstaller entry point: the bundle's `cost-planner` executable is the console script."""

import sys

from planner.cli import main

if __name__ == "__main__":
    sys.exit(main())

"""Entry point: `python -m planner` opens the app; with a command it runs headless."""

from __future__ import annotations

import sys


def run_gui(argv: list[str] | None = None) -> int:
    """Start the desktop app (Qt is imported only here, not by the headless commands)."""
    from planner.ui.app import run

    return run(argv if argv is not None else sys.argv)


def main() -> int:
    from planner.cli import main as cli_main

    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())

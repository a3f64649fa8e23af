"""The `cost-planner` command: no arguments (or a plan file) opens the window, a command
(models, quote, export, import, screenshot) runs headless.

Deciding which is all this module does: the window's start must not wait for the modules
the headless commands need (the catalog, numpy, pydantic), so those load in
planner.commands, only for a command.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from planner import PROG

COMMANDS = ("models", "quote", "screenshot", "import", "export")


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (not argv[0].startswith("-") and argv[0] not in COMMANDS):
        # no arguments, or `cost-planner plan.costplan` (a double-clicked file): the app
        from planner.ui.app import run

        return run([PROG, *argv])
    from planner.commands import run

    return run(argv)


if __name__ == "__main__":
    sys.exit(main())

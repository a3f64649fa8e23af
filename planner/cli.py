"""The `cost-planner` command: no arguments (or a plan file) opens the window, a command
(models, quote, export, import, screenshot) runs headless.

Deciding which is all this module does: the window's start must not wait for the modules
the headless commands need (the catalog, numpy, pydantic), so those load in
planner.commands, only for a command.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Sequence

from planner import PROG

COMMANDS = ("models", "quote", "compare", "screenshot", "import", "export", "actuals")


def _not_a_command(word: str) -> str | None:
    """Why `word` (first on the command line) is neither a command nor a plan file to open,
    or None when it is a file. A typo must not open a window (on a machine with no screen
    that would wait for one)."""
    if os.path.isfile(word):
        return None
    if word.lower().endswith((".costplan", ".json")):
        return f"{word}: file not found"
    import difflib  # (only for a word that is not a command)

    close = difflib.get_close_matches(word, COMMANDS, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"'{word}' is not a command ({', '.join(COMMANDS)}) nor a plan file{hint}"


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (not argv[0].startswith("-") and argv[0] not in COMMANDS):
        # no arguments, or `cost-planner plan.costplan` (a double-clicked file): the app
        if argv and (why := _not_a_command(argv[0])) is not None:
            print(f"{PROG}: error: {why}", file=sys.stderr)
            return 2 if "not a command" in why else 1
        # No cyclic garbage collection while the window's modules load and it is built: about a
        # hundred collections, each walking every object made so far (15 ms of a start);
        # planner.ui.app.run turns it back on once the window is up.
        gc.disable()
        from planner.ui.app import run

        return run([PROG, *argv])
    from planner.commands import run

    return run(argv)


if __name__ == "__main__":
    sys.exit(main())

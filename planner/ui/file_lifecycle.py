"""The plan file lifecycle without widgets: where Save writes, the recent list, when unsaved
work is autosaved, and what each prompt and message about a file says (naming the file).

planner.ui.file_controller asks the user and shows the answers; everything it decides is
here, so it is tested without a window."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from planner import paths
from planner.io.file_names import safe_file_name
from planner.io.plan_files import PLAN_SUFFIX, Autosave

#: Unsaved work is autosaved at most this many seconds after the first change not yet
#: autosaved, however many changes follow it.
AUTOSAVE_AFTER_S = 20
PLAN_SUFFIXES = (PLAN_SUFFIX, ".json")
PLAN_FILTER = "Cost plans (*.costplan);;JSON (*.json);;All files (*)"


class AutosaveSchedule:
    """When to write an autosave. The first change after a save (or an autosave) sets the
    deadline; later changes do not move it, so steady editing is still autosaved."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, after_s: float = AUTOSAVE_AFTER_S) -> None:
        self.clock = clock
        self.after_s = after_s
        self.due: float | None = None

    def changed(self) -> float:
        """An unsaved change: the seconds left until the autosave is due."""
        now = self.clock()
        if self.due is None:
            self.due = now + self.after_s
        return max(self.due - now, 0.0)

    def is_due(self) -> bool:
        return self.due is not None and self.clock() >= self.due

    def done(self) -> None:
        """Written, saved or back to the saved state: nothing is pending."""
        self.due = None


def is_plan_file(path: Path) -> bool:
    return path.suffix.lower() in PLAN_SUFFIXES


def with_plan_suffix(path: Path) -> Path:
    """Where Save As writes for a name the user typed ('budget' -> 'budget.costplan')."""
    return path if is_plan_file(path) else path.with_name(path.name + PLAN_SUFFIX)


def save_needs_a_name(path: Path | None) -> bool:
    """Whether Save has to ask where (Save As): a new plan, a file that is not a plan file,
    or a shipped example (never written over)."""
    if path is None or not is_plan_file(path):
        return True
    return paths.data_dir().resolve() in path.resolve().parents


def save_as_start(path: Path | None, plan_name: str) -> Path:
    return path or Path.home() / safe_file_name(plan_name, PLAN_SUFFIX)


# -- what the window says about a file ----------------------------------------------------


def recovery_prompt(a: Autosave) -> str:
    belongs = f"It belongs to {a.original}." if a.original else "It was never saved to a file."
    return (f"Cost Planner closed without saving the plan '{a.plan_name}'. {belongs}\n"
            f"Autosaved {a.saved_at:%d %b %Y %H:%M} in {a.path}.\n\nRecover it?")


def discard_prompt(display_name: str, path: Path | None) -> str:
    where = f" ({path})" if path else " (not saved to a file yet)"
    return f"Save the changes to '{display_name}'{where} first?"


def open_failed(path: Path, reason: object) -> str:
    return f"{path} could not be opened:\n\n{reason}\n\nThe file was not changed."


def save_failed(path: Path, e: OSError) -> str:
    return f"Could not save {path}: {e.strerror or e}.\n\nThe previous file, if any, is unchanged."


def autosave_failed(path: Path, e: OSError) -> str:
    return f"Autosave to {path} failed: {e.strerror or e}"


def recovered(a: Autosave) -> str:
    return f"Recovered '{a.plan_name}' from {a.path}: save it to keep it"


def unreadable_autosave(a: Autosave, reason: object) -> str:
    return f"The autosaved plan {a.path} could not be read:\n{reason}"

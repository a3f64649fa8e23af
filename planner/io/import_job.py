"""Importing a price list into the user's overlay, without a window: the one path the
`import` command and the window's Import and Update dialogs share.

    job = ImportJob(loaded.catalog, loaded.overlay, today=date.today())
    preview = job.prepare_file("litellm", path)          # or prepare_bytes / prepare_result
    preview.plan.added, .changed, .conflicts, .skipped    # what it would do
    entries = preview.changes(preview.default_selection())
    saved = job.apply(preview, selection, overlay_path)   # the command: written, merged

The window does not call `apply`: it hands `preview.changes(selection)` to its Session,
which makes it one undoable step and writes it the same way (update_overlay).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from planner.domain.catalog import Catalog, Overlay, OverlayEntry, entry_outcome
from planner.domain.errors import InputError
from planner.io.catalog_files import OverlaySaved, update_overlay
from planner.io.import_formats import IMPORT_FORMATS, ImportFormat, format_title
from planner.io.importers import (
    ImportPlan,
    ImportResult,
    Skipped,
    import_changes,
    parse_import_bytes,
    plan_import,
    read_import_file,
)


@dataclass(frozen=True)
class Selection:
    """What to apply: the ids ticked, and those whose own edited prices may be replaced."""

    ids: frozenset[str]
    overwrite: frozenset[str] = frozenset()

    @classmethod
    def of(cls, ids: set[str] | frozenset[str], overwrite: set[str] | frozenset[str] = frozenset()) -> Selection:
        return cls(frozenset(ids), frozenset(overwrite) & frozenset(ids))


@dataclass
class ImportPreview:
    """An import compared with the catalog in force: what it adds, changes (old -> new),
    leaves out (with the reason) and where it meets prices the user edited."""

    format: ImportFormat
    result: ImportResult
    plan: ImportPlan
    #: what the applied entries record as their origin
    provenance: str
    #: the file name or the source's title, for messages
    what: str
    catalog: Catalog = field(repr=False)
    overlay: Overlay = field(repr=False)
    today: date = field(default_factory=date.today)

    @property
    def title(self) -> str:
        return self.format.title

    def default_selection(self) -> Selection:
        """Every new and changed model; none of the user's own prices."""
        return Selection.of({m.id for m in self.plan.added} | set(self.plan.changed))

    def count(self, selection: Selection) -> int:
        """How many models applying `selection` adds or changes."""
        plan = self.plan
        n = sum(1 for m in plan.added if m.id in selection.ids)
        for model_id in dict.fromkeys([*plan.changed, *plan.conflicts]):
            if model_id in selection.ids and (plan.changed.get(model_id) or model_id in selection.overwrite):
                n += 1
        return n

    def changes(self, selection: Selection) -> dict[str, OverlayEntry]:
        """The overlay entries applying `selection` makes, by model id."""
        return import_changes(
            self.overlay, self.catalog, self.plan, set(selection.ids),
            today=self.today, provenance=self.provenance, overwrite_conflicts=selection.overwrite,
        )  # fmt: skip


class ImportJob:
    """Prepares previews against one catalog and overlay, and applies them to a file."""

    def __init__(self, catalog: Catalog, overlay: Overlay, *, today: date | None = None, all_modes: bool = False) -> None:
        self.catalog = catalog
        self.overlay = overlay
        self.today = today or date.today()
        self.all_modes = all_modes

    def prepare_file(self, fmt: str, path: Path) -> ImportPreview:
        """Read a price file (InputError naming it if it cannot be used at all)."""
        path = Path(path)
        result = read_import_file(fmt, path, today=self.today, all_modes=self.all_modes)
        return self.prepare_result(result, f"{fmt} import of {path.name} on {self.today.isoformat()}", path.name)

    def prepare_bytes(self, fmt: str, data: bytes, source: str, provenance: str) -> ImportPreview:
        """Read a downloaded price list (`source` is its URL)."""
        result = parse_import_bytes(fmt, data, source, today=self.today, all_modes=self.all_modes)
        return self.prepare_result(result, provenance, format_title(fmt))

    def prepare_result(self, result: ImportResult, provenance: str, what: str) -> ImportPreview:
        """Compare models already read with the catalog. A model whose new prices would not
        make a valid model with the rest of its entry goes to the skipped list. A list of
        which no model could be read raises InputError naming it and the first reason."""
        if not result.models:
            n = len(result.skipped)
            first = f"; first: {result.skipped[0].id}: {result.skipped[0].reason}" if n else ""
            raise InputError(
                f"{result.source}: no models could be read from it ({n:,} {'entry' if n == 1 else 'entries'} skipped{first})"
            )
        plan = plan_import(self.catalog, self.overlay, result)
        preview = ImportPreview(
            IMPORT_FORMATS[result.format], result, plan, provenance, what, self.catalog, self.overlay, self.today
        )
        _skip_invalid_changes(preview)
        return preview

    def apply(self, preview: ImportPreview, selection: Selection, overlay_path: Path) -> OverlaySaved:
        """Write the selected part of `preview` into the overlay file, merged with what the
        file holds now. OSError if it cannot be written (the file is left intact)."""
        return update_overlay(overlay_path, preview.changes(selection))


def _skip_invalid_changes(preview: ImportPreview) -> None:
    plan = preview.plan
    ids = set(plan.changed) | set(plan.conflicts)
    everything = Selection.of(ids, ids)
    for model_id, entry in preview.changes(everything).items():
        outcome = entry_outcome(entry, preview.catalog.get(model_id))
        if isinstance(outcome, str):
            plan.changed.pop(model_id, None)
            plan.conflicts.pop(model_id, None)
            plan.incoming.pop(model_id, None)
            plan.skipped.append(Skipped(model_id, outcome.removeprefix(": ").removesuffix("; entry ignored")))

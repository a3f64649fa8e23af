"""The app's live state: the catalog with the user's overlay, the undo stack, and their signals."""

from __future__ import annotations

import copy
import shutil
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from planner import paths
from planner.domain.catalog import Catalog, ModelPrice, Overlay, OverlayEntry, apply_overlay
from planner.io.catalog_files import LoadedCatalog, gc_paused, load_effective, save_overlay


class Session(QObject):
    """Owns the effective catalog and writes every change to the user overlay file.

    Views listen to `catalogChanged(ids)`; an empty list means "everything may have changed".
    """

    catalogChanged = Signal(list)
    message = Signal(str)
    overlaySaveFailed = Signal(str)

    def __init__(self, loaded: LoadedCatalog | None = None, overlay_path: Path | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.loaded = loaded or load_effective()
        self.overlay_path = overlay_path or paths.user_overlay()
        self.undo_stack = QUndoStack(self)
        self._overlay_broken = any(str(self.overlay_path) in w and "not applied" in w for w in self.loaded.warnings)

    # -- reading ---------------------------------------------------------------------------

    @property
    def catalog(self) -> Catalog:
        return self.loaded.catalog

    @property
    def overlay(self) -> Overlay:
        return self.loaded.overlay

    @property
    def warnings(self) -> list[str]:
        return self.loaded.warnings

    def shipped(self, model_id: str) -> ModelPrice | None:
        return self.loaded.shipped.get(model_id)

    def edited_fields(self, model_id: str) -> set[str]:
        return self.overlay.edited_fields(model_id)

    def is_user_added(self, model_id: str) -> bool:
        e = self.overlay.entry(model_id)
        return bool(e and e.added)

    # -- changing (through undo commands) -----------------------------------------------------

    def edit_model(self, model_id: str, label: str, **values: Any) -> None:
        """Change fields of one model; validated first, undoable, saved to the overlay."""
        current = self.catalog[model_id]
        current.with_changes(**values)  # raises ValidationError before anything changes
        self.undo_stack.push(_OverlayCommand(self, model_id, label, lambda ov: ov.set_fields(model_id, date.today(), **values)))

    def reset_model(self, model_id: str) -> None:
        name = self.catalog[model_id].name
        self.undo_stack.push(
            _OverlayCommand(self, model_id, f"Reset {name} to shipped price", lambda ov: ov.remove(model_id))
        )

    def add_model(self, model: ModelPrice, provenance: str = "added by you") -> None:
        if model.id in self.catalog:
            raise ValueError(f"a model with id '{model.id}' already exists")
        self.undo_stack.push(
            _OverlayCommand(self, model.id, f"Add {model.name}", lambda ov: ov.add_model(model, date.today(), provenance))
        )

    def remove_added_model(self, model_id: str) -> None:
        if not self.is_user_added(model_id):
            raise ValueError("only models you added can be deleted; shipped models can be reset instead")
        name = self.catalog[model_id].name
        self.undo_stack.push(_OverlayCommand(self, model_id, f"Delete {name}", lambda ov: ov.remove(model_id)))

    # -- internals ---------------------------------------------------------------------------

    def _entry_snapshot(self, model_id: str) -> OverlayEntry | None:
        e = self.overlay.entry(model_id)
        return copy.deepcopy(e)

    def _set_entry(self, model_id: str, entry: OverlayEntry | None) -> None:
        """Put one overlay entry back as it was (no re-apply, no save)."""
        self.overlay.remove(model_id)
        if entry is not None:
            self.overlay.entries.append(copy.deepcopy(entry))

    def _restore_entry(self, model_id: str, entry: OverlayEntry | None) -> None:
        self._set_entry(model_id, entry)
        self._reapply([model_id])

    def _reapply(self, ids: list[str]) -> None:
        before = set(self.catalog.models and (m.id for m in self.catalog.models))
        with gc_paused():
            catalog, warnings = apply_overlay(self.loaded.shipped, self.overlay, str(self.overlay_path), self.loaded.overlay_memo)
        self.loaded.catalog = catalog
        self.loaded.warnings = [w for w in self.loaded.warnings if str(self.overlay_path) not in w] + warnings
        self._save()
        after = {m.id for m in catalog.models}
        self.catalogChanged.emit([] if before != after else ids)

    def _save(self) -> None:
        try:
            if self._overlay_broken and self.overlay_path.exists():
                backup = self.overlay_path.with_name(self.overlay_path.name + f".broken-{date.today():%Y%m%d}")
                shutil.move(str(self.overlay_path), backup)
                self.message.emit(f"Your unreadable edits file was kept as {backup}")
                self._overlay_broken = False
            save_overlay(self.overlay, self.overlay_path)
        except OSError as e:
            self.overlaySaveFailed.emit(f"Could not save your catalog edits to {self.overlay_path}: {e.strerror or e}")


class _OverlayCommand(QUndoCommand):
    """An undoable change to one overlay entry: redo applies `change`, undo restores the entry."""

    def __init__(self, session: Session, model_id: str, label: str, change) -> None:
        super().__init__(label)
        self._s = session
        self._id = model_id
        self._before = session._entry_snapshot(model_id)
        # Work out the entry after the change, then put the overlay back: redo() applies it.
        change(session.overlay)
        self._after = session._entry_snapshot(model_id)
        session._set_entry(model_id, self._before)

    def redo(self) -> None:
        self._s._restore_entry(self._id, self._after)

    def undo(self) -> None:
        self._s._restore_entry(self._id, self._before)

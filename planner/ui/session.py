"""The app's live state: the catalog with the user's overlay, the undo stack, and their signals."""

from __future__ import annotations

import copy
import os
import threading
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from planner import paths
from planner.domain.catalog import Catalog, ModelPrice, Overlay, OverlayEntry, apply_overlay
from planner.domain.errors import InputError
from planner.io.catalog_files import (
    LoadedCatalog,
    load_effective,
    read_overlay,
    update_overlay,
)
from planner.io.collector import gc_paused

#: Entries by model id; None: the model has no entry.
Entries = Mapping[str, OverlayEntry | None]
#: How long after the overlay's folder changed it is read again (writes come in bursts).
RELOAD_DELAY_MS = 250
#: How long after a start that read the catalog from its files the cache of it is written
#: (after a start from the cache: the overlay is read from it).
CACHE_DELAY_MS = 2000


class Session(QObject):
    """Owns the effective catalog and writes every change to the user overlay file.

    Views listen to `catalogChanged(ids)`; an empty list means "everything may have changed".
    Each change is written at once, merged by model id with what the file holds then, so
    other windows' and the `import` command's edits are kept; when the file changes under
    it, the session reads it again (keeping its own changes not yet written).
    """

    catalogChanged = Signal(list)
    message = Signal(str)
    overlaySaveFailed = Signal(str)

    def __init__(self, loaded: LoadedCatalog | None = None, overlay_path: Path | None = None, parent: QObject | None = None):
        super().__init__(parent)
        # the validated catalog is cached from a thread of its own once the window is up
        self.loaded = loaded or load_effective(defer_cache=lambda write: QTimer.singleShot(CACHE_DELAY_MS, write))
        self.overlay_path = overlay_path or paths.user_overlay()
        self.undo_stack = QUndoStack(self)
        if self.loaded.overlay_unread:
            # the overlay, left in the cache's bytes at start, is read by a thread of its own
            # once the window is up, so that those bytes do not stay in memory
            QTimer.singleShot(CACHE_DELAY_MS, self._read_overlay_in_background)
        self._overlay_broken = any(str(self.overlay_path) in w and "not applied" in w for w in self.loaded.warnings)
        #: this session's changes the file does not have yet (a save failed)
        self._pending: dict[str, OverlayEntry | None] = {}
        self._seen = self._file_signature()
        self._watcher = QFileSystemWatcher(self)
        self._reload_timer = QTimer(self, singleShot=True, interval=RELOAD_DELAY_MS)
        self._reload_timer.timeout.connect(self.reload_if_changed)
        self._watcher.directoryChanged.connect(lambda _p: self._reload_timer.start())
        self._watch()

    def _read_overlay_in_background(self) -> None:
        threading.Thread(target=self.loaded.read_overlay, name="overlay from the catalog cache", daemon=True).start()

    # -- reading ---------------------------------------------------------------------------

    @property
    def catalog(self) -> Catalog:
        return self.loaded.catalog

    @property
    def overlay(self) -> Overlay:
        return self.loaded.overlay

    def overlay_marks(self) -> Mapping[str, frozenset[str]]:
        """For each model with an overlay entry, the fields it sets (USER_ADDED: the user's own model)."""
        return self.loaded.overlay_marks()

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

    def entries(self, ids: list[str]) -> dict[str, OverlayEntry | None]:
        """Copies of the overlay entries of `ids` (None for a model without one)."""
        return {i: copy.deepcopy(self.overlay.entry(i)) for i in ids}

    # -- changing (through undo commands) -----------------------------------------------------

    def edit_model(self, model_id: str, label: str, **values: Any) -> None:
        """Change fields of one model; validated first, undoable, saved to the overlay."""
        current = self.catalog[model_id]
        current.with_changes(**values)  # raises ValidationError before anything changes
        self._push_change(model_id, label, lambda ov: ov.set_fields(model_id, date.today(), **values))

    def reset_model(self, model_id: str) -> None:
        name = self.catalog[model_id].name
        self._push_change(model_id, f"Reset {name} to shipped price", lambda ov: ov.remove(model_id))

    def add_model(self, model: ModelPrice, provenance: str = "added by you") -> None:
        if model.id in self.catalog:
            raise ValueError(f"a model with id '{model.id}' already exists")
        self._push_change(model.id, f"Add {model.name}", lambda ov: ov.add_model(model, date.today(), provenance))

    def remove_added_model(self, model_id: str) -> None:
        if not self.is_user_added(model_id):
            raise ValueError("only models you added can be deleted; shipped models can be reset instead")
        name = self.catalog[model_id].name
        self._push_change(model_id, f"Delete {name}", lambda ov: ov.remove(model_id))

    def apply_entries(self, label: str, entries: Entries) -> None:
        """Set the overlay entries of some models as one undoable step (an import)."""
        if entries:
            self.undo_stack.push(_EntriesCommand(self, label, self.entries(list(entries)), dict(entries)))

    def put_entries(self, entries: Entries) -> None:
        """Set overlay entries now (what undo and redo do): re-applied, saved, announced."""
        for model_id, entry in entries.items():
            entry = copy.deepcopy(entry)
            self.overlay.put(model_id, entry)
            self._pending[model_id] = entry
        self._reapply(list(entries))

    # -- other writers ------------------------------------------------------------------------

    def reload_if_changed(self) -> bool:
        """Read the overlay file again if another process wrote it since this session last
        did; this session's unsaved changes stay on top. True if it was read again."""
        if self._file_signature() == self._seen:
            return False
        try:
            disk, _malformed = read_overlay(self.overlay_path)
        except InputError as e:
            self.message.emit(f"Your catalog edits file changed but cannot be read: {e}")
            self._seen = self._file_signature()
            return False
        self._seen = self._file_signature()
        self._adopt(disk)
        self.message.emit("Your catalog edits were changed in another window; they are shown now.")
        return True

    # -- internals ---------------------------------------------------------------------------

    def _push_change(self, model_id: str, label: str, change: Callable[[Overlay], None]) -> None:
        """Push the change `change` makes to one model's entry, as one undoable step."""
        scratch = Overlay()
        scratch.put(model_id, copy.deepcopy(self.overlay.entry(model_id)))
        change(scratch)
        self.undo_stack.push(_EntriesCommand(self, label, self.entries([model_id]), {model_id: scratch.entry(model_id)}))

    def _adopt(self, disk: Overlay) -> None:
        """Take the file's overlay as this session's, with the unsaved changes on top."""
        for model_id, entry in self._pending.items():
            disk.put(model_id, copy.deepcopy(entry))
        self.loaded.overlay = disk
        self._apply([])

    def _reapply(self, ids: list[str]) -> None:
        self._apply(ids)
        self._save()

    def _apply(self, ids: list[str]) -> None:
        before = set(self.catalog.models and (m.id for m in self.catalog.models))
        with gc_paused():
            catalog, warnings = apply_overlay(self.loaded.shipped, self.overlay, str(self.overlay_path), self.loaded.overlay_memo)
        self.loaded.catalog = catalog
        self.loaded.warnings = [w for w in self.loaded.warnings if str(self.overlay_path) not in w] + warnings
        after = {m.id for m in catalog.models}
        self.catalogChanged.emit([] if before != after else ids)

    def _save(self) -> None:
        """Write this session's pending changes into the file, merged with its entries."""
        others_wrote = self._file_signature() != self._seen
        try:
            saved = update_overlay(self.overlay_path, self._pending, replace_broken=self._overlay_broken)
        except (OSError, InputError) as e:
            detail = e.strerror or e if isinstance(e, OSError) else e
            self.overlaySaveFailed.emit(f"Could not save your catalog edits to {self.overlay_path}: {detail}")
            return
        self._overlay_broken = False
        self._pending.clear()
        self._seen = self._file_signature()
        self._watch()
        for note in saved.notes:
            self.message.emit(note)
        if others_wrote:
            self._adopt(saved.overlay)

    def _file_signature(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.overlay_path)
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def _watch(self) -> None:
        folder = str(self.overlay_path.parent)
        if folder not in self._watcher.directories() and self.overlay_path.parent.is_dir():
            self._watcher.addPath(folder)


class _EntriesCommand(QUndoCommand):
    """An undoable change to some overlay entries: redo puts `after`, undo puts `before`."""

    def __init__(self, session: Session, label: str, before: Entries, after: Entries) -> None:
        super().__init__(label)
        self._session = session
        self._before = {k: copy.deepcopy(v) for k, v in before.items()}
        self._after = {k: copy.deepcopy(v) for k, v in after.items()}

    def redo(self) -> None:
        self._session.put_entries(self._after)

    def undo(self) -> None:
        self._session.put_entries(self._before)

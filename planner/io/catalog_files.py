"""The effective catalog: the shipped file with the user's overlay file on top.

The overlay file may be written by more than one process (two windows, or the `import`
command while the window is open). Every write goes through `update_overlay`: under a lock
(a `.lock` file beside it), it re-reads the file, puts in the entries this writer changed
(by model id) and writes it atomically, so no writer drops another's edits. An entry that
cannot be used (a malformed one, or values that do not validate) is moved, with the reason,
to the `.rejected.json` file beside it, and the rest loads.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

try:
    import fcntl
except ImportError:  # not on Windows: there, writers are not kept apart
    fcntl = None  # type: ignore[assignment]

from planner import paths
from planner.domain.catalog import (
    Catalog,
    Overlay,
    OverlayEntry,
    OverlayMarks,
    OverlayMemo,
    RejectedEntry,
    apply_overlay,
    invalid_entries,
    parse_catalog,
    split_overlay,
)
from planner.domain.errors import InputError
from planner.io.atomic import write_chunks_atomic, write_text_atomic
from planner.io.collector import gc_paused
from planner.io.json_files import read_json

if TYPE_CHECKING:
    from planner.domain.ranking import CatalogArrays
    from planner.io import catalog_cache


class LoadedCatalog:
    """The catalog in force, the shipped one under it, the overlay, and what went wrong.

    Taken from the cache, the overlay and its memo are read from it when first asked for
    (`read_later`): a start shows the catalog without them (about half of what the cache
    holds); until then `overlay_marks` answers from what the cache kept of them."""

    def __init__(self, catalog: Catalog, shipped: Catalog, overlay: Overlay, warnings: list[str] | None = None,
                 overlay_memo: OverlayMemo | None = None, cacheable: bool = True,
                 arrays: CatalogArrays | None = None) -> None:
        self.catalog = catalog
        self.shipped = shipped
        self._overlay = overlay
        self.warnings: list[str] = [] if warnings is None else warnings
        #: what each overlay entry made, so re-applying after one edit re-validates one model
        self._memo: OverlayMemo = {} if overlay_memo is None else overlay_memo
        #: whether the next load of the same files may take this one from the cache
        self.cacheable = cacheable
        #: the catalog's ranking arrays, made when it is cached (a later start ranks at once)
        self.arrays = arrays
        self._marks: dict[str, frozenset[str]] | None = None
        self._later: Callable[[], tuple[Overlay, OverlayMemo]] | None = None
        self._reading = threading.Lock()

    def _arguments(self) -> dict[str, Any]:
        return {"catalog": self.catalog, "shipped": self.shipped, "overlay": self.overlay, "warnings": self.warnings,
                "overlay_memo": self.overlay_memo, "cacheable": self.cacheable, "arrays": self.arrays}

    def replace(self, **changes: Any) -> LoadedCatalog:
        """A copy with `changes` (keyword: any constructor argument)."""
        return LoadedCatalog(**{**self._arguments(), **changes})

    @property
    def overlay(self) -> Overlay:
        self._read()
        return self._overlay

    @overlay.setter
    def overlay(self, overlay: Overlay) -> None:
        self._read()
        self._overlay = overlay

    @property
    def overlay_memo(self) -> OverlayMemo:
        self._read()
        return self._memo

    def overlay_marks(self) -> Mapping[str, frozenset[str]]:
        """The overlay's marks (see OverlayMarks); from the cache while the overlay is still unread."""
        if self._later is not None and self._marks is not None:
            return self._marks
        return OverlayMarks(self.overlay)

    # -- the cache ----------------------------------------------------------------------------

    def __getstate__(self) -> dict[str, Any]:
        """As the cache holds it: the overlay and the memo are written after it (see
        _cache_contents), so only the marks of the overlay are part of it."""
        return {"catalog": self.catalog, "shipped": self.shipped, "warnings": self.warnings,
                "cacheable": self.cacheable, "arrays": self.arrays, "marks": self._overlay.marks()}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["catalog"], state["shipped"], Overlay(), state["warnings"], None,  # type: ignore[misc]
                      state["cacheable"], state["arrays"])
        self._marks = state["marks"]
        self._later = _unreadable

    def __deepcopy__(self, memo: dict[int, Any]) -> LoadedCatalog:
        return LoadedCatalog(**copy.deepcopy(self._arguments(), memo))

    def read_later(self, read: Callable[[], tuple[Overlay, OverlayMemo]]) -> None:
        """Take the overlay and the memo from `read()` when first asked for."""
        self._later = read

    @property
    def overlay_unread(self) -> bool:
        """The overlay is still in the cache's bytes (which are kept until it is read)."""
        return self._later is not None

    def read_overlay(self) -> None:
        """Read the overlay now, if it is not read yet (from any thread: a reader waits)."""
        self._read()

    def _read(self) -> None:
        if self._later is None:
            return
        with self._reading:
            if self._later is not None:
                self._overlay, self._memo = self._later()
                self._later = None


def _unreadable() -> tuple[Overlay, OverlayMemo]:
    raise InputError("the catalog cache did not hold the overlay")


def load_catalog(path: Path) -> Catalog:
    """Load and validate a catalog file; any problem raises InputError naming file, entry, field."""
    return parse_catalog(read_json(path), str(path))


def read_overlay(path: Path) -> tuple[Overlay, list[RejectedEntry]]:
    """The overlay file (an empty overlay if there is none) and its malformed entries.
    A file that is not an overlay at all raises InputError."""
    if not path.exists():
        return Overlay(), []
    return split_overlay(read_json(path), str(path))


def load_effective(shipped_path: Path | None = None, overlay_path: Path | None = None, *,
                   defer_cache: Callable[[Callable[[], object]], object] | None = None) -> LoadedCatalog:
    """Shipped catalog + user overlay. A broken overlay is reported, not fatal: the shipped
    prices are used and the overlay file is left untouched for the user to fix. Entries
    that cannot be used are set aside (see set_aside) with a warning; the rest apply.

    The result, once validated, is kept in the user's cache folder (planner.io.catalog_cache)
    and taken from there while neither file has changed. The cache is written before this
    returns; or, with `defer_cache`, by the function handed to it, when the caller calls it
    (the window: from a thread of its own, once the window is up)."""
    from planner.io import catalog_cache

    shipped_path = shipped_path or paths.shipped_catalog()
    overlay_path = overlay_path or paths.user_overlay()
    with gc_paused():
        read_at = time.time_ns()
        try:
            key = catalog_cache.source_key((shipped_path, overlay_path))
        except OSError:
            key = None
        cached = catalog_cache.read_cache(key) if key is not None else None
        if isinstance(cached, LoadedCatalog):
            if cached.arrays is not None:
                from planner.domain.ranking import remember_arrays

                remember_arrays(cached.catalog, cached.arrays)
            return cached
        loaded = _load_effective(shipped_path, overlay_path)
        if key is not None and loaded.cacheable:
            contents, path = _cache_contents(loaded), catalog_cache.cache_path()
            if defer_cache is None:
                catalog_cache.write_cache(key, contents, path, read_at=read_at)
            else:
                defer_cache(lambda: catalog_cache.write_cache(key, contents, path, background=True, read_at=read_at))
        return loaded


def _cache_contents(loaded: LoadedCatalog) -> catalog_cache.Contents:
    """The loaded catalog as it is now (containers of its own: its models and entries are
    never changed in place, only replaced), to be cached: the models and the overlay entries
    in pieces, then the whole. Equal values are made one object on the way (less to store,
    less memory once loaded)."""
    from planner.io import catalog_cache

    snapshot = loaded.replace(
        overlay=loaded.overlay.model_copy(update={"entries": dict(loaded.overlay.entries)}),
        warnings=list(loaded.warnings), overlay_memo=dict(loaded.overlay_memo))

    def contents() -> tuple[Any, ...]:
        entries = list(snapshot.overlay.entries.values())
        catalog_cache.share_values([*snapshot.shipped.models, *snapshot.catalog.models], [e.fields for e in entries])
        from planner.domain.ranking import CatalogArrays

        snapshot.arrays = CatalogArrays.from_catalog(snapshot.catalog)
        # the catalog first (all a start needs); the overlay and its memo after it
        return (catalog_cache.pieces(snapshot.catalog.models), snapshot,
                catalog_cache.pieces(entries), (snapshot.overlay, snapshot.overlay_memo))

    return contents


def _load_effective(shipped_path: Path, overlay_path: Path) -> LoadedCatalog:
    shipped = load_catalog(shipped_path)
    warnings: list[str] = []
    try:
        overlay, rejected = read_overlay(overlay_path)
    except InputError as e:
        warnings.append(f"{e} (your edits were not applied; the file was left as it is)")
        return LoadedCatalog(shipped, shipped, Overlay(), warnings, cacheable=False)
    memo: OverlayMemo = {}
    catalog, more = apply_overlay(shipped, overlay, str(overlay_path), memo)
    bad = invalid_entries(memo)
    if bad:
        position = {model_id: n for n, model_id in enumerate(overlay.entries)}
        for model_id in sorted(bad, key=position.__getitem__):
            reason = f"{overlay_path}: entries[{position[model_id]}] '{model_id}'{memo[model_id][3]}"
            rejected.append(RejectedEntry(_entry_json(overlay.entries[model_id]), reason))
            more.remove(reason)
            overlay.remove(model_id)
    if rejected:
        warnings.extend(set_aside(overlay_path, rejected))
    warnings.extend(more)
    # entries set aside changed the overlay file (or could not be moved): read it again next time
    return LoadedCatalog(catalog, shipped, overlay, warnings, memo, cacheable=not rejected)


# ---------------------------------------------------------------------------------------
# Writing: under the lock, merged with what is on disk


def lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


def rejected_path(path: Path) -> Path:
    """catalog-overlay.json -> catalog-overlay.rejected.json"""
    return path.with_name(path.stem + ".rejected" + (path.suffix or ".json"))


@contextlib.contextmanager
def overlay_lock(path: Path) -> Iterator[None]:
    """Hold the overlay's lock (other processes writing it wait). OSError if the folder
    cannot be written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path(path), os.O_RDWR | os.O_CREAT, 0o666)
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


@dataclass
class OverlaySaved:
    """What update_overlay wrote: the overlay now on disk, and anything to tell the user."""

    overlay: Overlay
    notes: list[str] = field(default_factory=list)


def update_overlay(
    path: Path, changes: Mapping[str, OverlayEntry | None], *, replace_broken: bool = False
) -> OverlaySaved:
    """Write this writer's `changes` (model id -> its entry, None for none) into the overlay
    file, keeping every other entry as the file has it now.

    An unreadable overlay file raises InputError, or with `replace_broken` is kept beside
    as `.broken-YYYYMMDD` and a new one started. Malformed entries found on the way are
    moved to the rejected file. OSError if the file cannot be written (it is left intact).
    """
    notes: list[str] = []
    with overlay_lock(path):
        try:
            disk, rejected = read_overlay(path)
        except InputError:
            if not replace_broken:
                raise
            backup = path.with_name(path.name + f".broken-{date.today():%Y%m%d}")
            shutil.move(str(path), backup)
            notes.append(f"Your unreadable edits file was kept as {backup}")
            disk, rejected = Overlay(), []
        if rejected:
            _append_rejected(path, rejected)
            notes.extend(f"{r.reason} (set aside in {rejected_path(path)})" for r in rejected)
        for model_id, entry in changes.items():
            # a copy of the entry, not of its values: an entry's fields are replaced, never
            # changed in place (Overlay.set_fields), so they can be shared (a deep copy of
            # 50,000 imported entries took seconds)
            disk.put(model_id, entry.model_copy(update={"fields": dict(entry.fields)}) if entry is not None else None)
        write_overlay(path, disk)
    return OverlaySaved(disk, notes)


def save_overlay(overlay: Overlay, path: Path | None = None) -> None:
    """Write the overlay atomically as it is (the shipped catalog is never written). Only
    for a new file or a whole replacement: edits go through update_overlay."""
    path = path or paths.user_overlay()
    with overlay_lock(path):
        write_overlay(path, overlay)


def set_aside(path: Path, rejected: list[RejectedEntry]) -> list[str]:
    """Move unusable entries out of the overlay file into the rejected file beside it, and
    return a warning for each. If the files cannot be written, the entries stay where they
    are (and are still not applied)."""
    try:
        with overlay_lock(path):
            disk, malformed = read_overlay(path)  # as the file is now
            dropped = [r for r in rejected if _drop_same(disk, r.raw)]
            _append_rejected(path, [*malformed, *dropped])
            write_overlay(path, disk)
    except (OSError, InputError) as e:
        detail = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
        return [f"{r.reason} (not applied; could not set it aside: {detail})" for r in rejected]
    return [f"{r.reason} (set aside in {rejected_path(path)})" for r in rejected]


def _drop_same(overlay: Overlay, raw: Any) -> bool:
    """Remove the entry `raw` describes if the overlay still holds it as it was."""
    model_id = raw.get("id") if isinstance(raw, dict) else None
    e = overlay.entry(model_id) if isinstance(model_id, str) else None
    if e is not None and _entry_json(e) == raw:
        overlay.remove(model_id)
        return True
    return False


def _append_rejected(path: Path, rejected: list[RejectedEntry]) -> None:
    """Add entries, with their reasons, to the rejected file (made if needed)."""
    if not rejected:
        return
    target = rejected_path(path)
    kept: list[Any] = []
    if target.exists():
        try:
            old = read_json(target)
            kept = old.get("rejected", []) if isinstance(old, dict) else []
        except InputError:
            shutil.move(str(target), target.with_name(target.name + f".old-{date.today():%Y%m%d}"))
    today = date.today().isoformat()
    kept += [{"set_aside": today, "reason": r.reason, "entry": r.raw} for r in rejected]
    write_text_atomic(target, json.dumps({"rejected": kept}, indent=1, ensure_ascii=False) + "\n")


def _entry_json(e: OverlayEntry) -> dict[str, Any]:
    return e.model_dump(mode="json")


def overlay_chunks(overlay: Overlay) -> Iterator[str]:
    """The overlay as JSON, one entry per line: readable and diff-friendly, and written by
    pydantic's serializer (an indented json.dumps takes 1 s for an imported 3,600-model
    catalog, on every price edit; this takes about 30 ms), a piece at a time."""
    head = overlay.model_dump_json(exclude={"entries"})[:-1]  # '{"schema_version":1'
    sep = "," if head != "{" else ""
    if not overlay.entries:
        yield f'{head}{sep}"entries":[]}}\n'
        return
    yield f'{head}{sep}"entries":[\n'
    for k, e in enumerate(overlay.entries.values()):
        yield ("" if k == 0 else ",\n") + e.model_dump_json()
    yield "\n]}\n"


def overlay_text(overlay: Overlay) -> str:
    return "".join(overlay_chunks(overlay))


def write_overlay(path: Path, overlay: Overlay) -> None:
    """Write the overlay atomically, entry by entry (50,000 imported entries would otherwise
    sit in memory three times over: as strings, joined, and encoded)."""
    write_chunks_atomic(path, overlay_chunks(overlay))

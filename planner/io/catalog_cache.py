"""The effective catalog once validated, kept in the user's cache folder so that the next
start loads it without validating every model again (a 50,000-model catalog: about 3 s to
read and validate, a fraction of that from the cache).

The cache file holds, first, the key it was made for, then the loaded catalog as a pickle of
the already-validated objects: the shipped catalog, the catalog in force, its ranking arrays
and the warnings (all a start needs), then the overlay and its memo, which are only read
when first asked for; last, a fixed ending, without which the file is not read at all. The
key is each source file's path, size, modification and status-change times (nanoseconds) and inode, with the program's version, this format's number
and the fields of the catalog's models; any change to any of them makes the cache unusable and
the catalog is read from its files again. A source file changed so recently that a later
change could keep the same times (within `RACY_SECONDS` of now) is not cached, so an edit can
never hide behind a cache entry made in the same clock tick.

A cache file that cannot be read, or is truncated, or was made for other files, is ignored
(the catalog is read from its files, and the cache is written again): the cache can always be
deleted and loses nothing. It is written atomically (planner.io.atomic). It is only ever read
from the user's own cache folder, written by this program.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from planner import __version__, paths
from planner.domain import catalog as catalog_models
from planner.io.atomic import check_size, write_atomic

#: This file format's number: bump it when what is stored changes shape.
CACHE_FORMAT = 3
#: A source file modified less than this many seconds ago is not cached (see the module's doc).
RACY_SECONDS = 2.0
_MAGIC = "cost-planner catalog cache"
#: The last bytes of a cache file written whole (after its last pickle).
_END = b"\nend of the cost-planner catalog cache\n"


def cache_path() -> Path:
    return paths.user_cache_dir() / "catalog.pickle"


def _schema() -> str:
    """A digest of the catalog models' fields and their types: a program whose models differ
    does not read another's cache."""
    parts = []
    for cls in (catalog_models.ModelPrice, catalog_models.LongContextTier, catalog_models.TierPrices,
                catalog_models.ReasoningEstimate, catalog_models.PricePoint, catalog_models.Catalog,
                catalog_models.OverlayEntry, catalog_models.Overlay):
        parts.append(cls.__name__ + repr([(n, repr(f.annotation), repr(f.default)) for n, f in cls.model_fields.items()]))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _file_stamp(path: Path) -> tuple[Any, ...]:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return (str(path), None)
    return (str(path), st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)


def source_key(sources: Iterable[Path]) -> tuple[Any, ...]:
    """What the cache must have been made for: the source files as they are now, and this
    program. OSError if a source cannot be looked at."""
    return (_MAGIC, CACHE_FORMAT, __version__, sys.version_info[:2], _schema(),
            tuple(_file_stamp(Path(p)) for p in sources))


def _settled(key: tuple[Any, ...], now_ns: int) -> bool:
    """No source file was changed within RACY_SECONDS of now."""
    racy = int(RACY_SECONDS * 1e9)
    return all(stamp[1] is None or (now_ns - stamp[2] >= racy and now_ns - stamp[3] >= racy) for stamp in key[-1])


#: Models (or overlay entries) pickled per piece: a piece is written in a few milliseconds, so a
#: write in the background lets the window's thread run between pieces.
PIECE = 1000
_writer: threading.Thread | None = None


def read_cache(key: tuple[Any, ...], path: Path | None = None) -> Any | None:
    """What was cached for `key`, or None: no cache, another key, or a file that cannot be
    read whole (any error at all is a miss).

    What was written after the whole (see `Contents`) is read when the whole asks for it:
    a whole with a `read_later` method is handed a function that reads it (from the bytes
    read now, with the same unpickler, so it refers to the very objects of the whole)."""
    path = path or cache_path()
    try:
        with open(path, "rb") as f:
            data = f.read()
        if not data.endswith(_END):  # cut short
            return None
        unpickler = pickle.Unpickler(io.BytesIO(data))
        if unpickler.load() != key:
            return None
        whole = _section(unpickler)
        if (later := getattr(whole, "read_later", None)) is not None:
            later(lambda: _section(unpickler))
        return whole
    except Exception:  # noqa: BLE001 (a truncated or foreign file raises anything; it is only a miss)
        return None


def _section(unpickler: pickle.Unpickler) -> Any:
    """The pieces, then the whole that refers to them: the whole."""
    while True:
        value = unpickler.load()
        if not isinstance(value, _Piece):
            return value


#: What to cache, made where the cache is written: (the pieces, the whole that refers to
#: them), then, optionally, what only some readers need, read after the whole when asked for
#: (its pieces and its whole; they may refer to the first whole's objects).
Contents = Callable[[], tuple[Any, ...]]


def write_cache(key: tuple[Any, ...], contents: Contents, path: Path | None = None, *,
                background: bool = False, read_at: int | None = None) -> bool:
    """Keep `contents()` for `key`, the sources as read at `read_at` (time.time_ns(); now by
    default). False (and nothing written) if a source had changed too recently then to be
    told apart from a later change. Never raises: a cache that cannot be written is simply
    not there next time.

    The pieces are written one by one, then the whole (which only refers to them): with
    `background`, by a thread of its own, so the caller goes on at once and its thread runs
    between pieces (`wait()` waits for the writer)."""
    global _writer
    if not _settled(key, time.time_ns() if read_at is None else read_at):
        return False
    path = path or cache_path()
    if not background:
        return _write(key, contents, path)
    wait()
    _writer = threading.Thread(target=_write, args=(key, contents, path), name="catalog cache", daemon=True)
    _writer.start()
    return True


def wait() -> None:
    """Wait until a cache being written in the background is written."""
    if _writer is not None:
        _writer.join()


class _Piece(list):
    """A piece of the cached value, written before the whole."""

    __slots__ = ()


def _write(key: tuple[Any, ...], contents: Contents, path: Path) -> bool:
    def produce(tmp: Path) -> None:
        sections = contents()
        with open(tmp, "wb") as f:
            pickler = pickle.Pickler(f, protocol=pickle.HIGHEST_PROTOCOL)
            pickler.dump(key)
            for i in range(0, len(sections), 2):
                for piece in sections[i]:  # (the pickler remembers each object it wrote)
                    pickler.dump(_Piece(piece))
                pickler.dump(sections[i + 1])
            f.write(_END)

    try:
        write_atomic(path, produce, lambda tmp: check_size(tmp) and None)
    except (OSError, pickle.PicklingError, RecursionError):
        return False
    return True


def pieces(items: Sequence[Any]) -> Iterator[list[Any]]:
    """`items` in pieces of PIECE."""
    for i in range(0, len(items), PIECE):
        yield list(items[i:i + PIECE])


def share_values(models: Iterable[BaseModel], documents: Iterable[Any] = ()) -> None:
    """Make equal values one object: in the models, prices, dates, texts, lists of
    capabilities and the small frozen models (service-tier prices, price history) that many
    models have alike; in the JSON `documents` (overlay entries' fields), texts. Nothing
    changes (the values are immutable and equal); the cache stores each value once and a
    loaded catalog takes less memory."""
    texts: dict[str, str] = {}
    decimals: dict[str, Decimal] = {}  # by their text: 1.5 and 1.50 stay apart
    dates: dict[date, date] = {}
    shared: dict[tuple[Any, ...], Any] = {}
    given: dict[frozenset[str], set[str]] = {}

    def one(v: Any) -> Any:
        t = type(v)
        if t is str:
            return texts.setdefault(v, v)
        if t is Decimal:
            return decimals.setdefault(str(v), v)
        if t is date:
            return dates.setdefault(v, v)
        if t is tuple:
            items = tuple(map(one, v))
            return shared.setdefault((tuple, *map(id, items)), items)
        if t is dict:
            for k, x in v.items():
                v[k] = one(x)
            return v
        if isinstance(v, BaseModel) and v.model_config.get("frozen"):
            d = v.__dict__
            for k, x in d.items():
                d[k] = one(x)
            fields_set = given.setdefault(frozenset(v.__pydantic_fields_set__), v.__pydantic_fields_set__)
            object.__setattr__(v, "__pydantic_fields_set__", fields_set)  # a frozen model never changes it
            return shared.setdefault((t, id(fields_set), *map(id, d.values())), v)
        return v

    for m in models:
        d = m.__dict__
        for k, x in d.items():
            if k != "id":
                d[k] = one(x)

    def texts_in(node: Any) -> None:
        pairs = node.items() if type(node) is dict else enumerate(node)
        for k, x in pairs:
            t = type(x)
            if t is str:
                node[k] = texts.setdefault(x, x)
            elif t is dict or t is list:
                texts_in(x)

    for doc in documents:
        texts_in(doc)

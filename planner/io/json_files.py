"""Reading JSON: the one reader for catalog, overlay, plan and import files, and the parser
for downloaded documents. Every failure is one InputError naming the file (or URL)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from planner.domain.errors import InputError


def read_json(path: Path, max_bytes: int | None = None) -> Any:
    """Parse a JSON file (UTF-8, with or without a byte-order mark). With `max_bytes`, a
    larger file is refused before it is read."""
    path = Path(path)
    try:
        if path.is_dir():
            raise InputError(f"{path}: is a directory, not a file")
        if max_bytes is not None and (size := path.stat().st_size) > max_bytes:
            raise InputError(f"{path}: file is {byte_size(size)}, over the {byte_size(max_bytes)} limit")
        with path.open("rb") as f:
            data = f.read() if max_bytes is None else f.read(max_bytes + 1)
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror})") from None
    if max_bytes is not None and len(data) > max_bytes:  # grew since stat
        raise InputError(f"{path}: file is over the {byte_size(max_bytes)} limit")
    return parse_json_bytes(data, str(path))


def parse_json_bytes(data: bytes, source: str) -> Any:
    """Parse a JSON document; `source` (a file name or URL) starts every error message."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(f"{source}: not UTF-8 text ({e.reason} at byte {e.start})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(f"{source}: not valid JSON (line {e.lineno}, column {e.colno}: {e.msg})") from None
    except RecursionError:
        raise InputError(f"{source}: not valid JSON (nested too deeply)") from None


def byte_size(n: int) -> str:
    """'512 bytes', '1.5 MB', '64 MB'."""
    if n < 1024 * 1024:
        return f"{n:,} byte" + ("" if n == 1 else "s")
    mb = n / (1024 * 1024)
    return f"{mb:.0f} MB" if mb >= 10 or mb.is_integer() else f"{mb:.1f} MB"

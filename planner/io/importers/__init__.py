"""Importers of external price lists (LiteLLM, genai-prices, OpenRouter) into ModelPrice.

Each `parse_*` turns an already-parsed JSON document into an ImportResult: the models it
could read and, for every entry left out, its id and the reason. One bad entry never
stops an import; only a document of the wrong shape raises InputError.
`read_import_file` reads a file (size-checked before reading) and parses it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from planner.domain.errors import InputError
from planner.io.import_formats import IMPORT_FORMATS, ImportFormat
from planner.io.importers.common import (
    MAX_IMPORT_BYTES,
    ImportResult,
    Skipped,
    normalize_id,
    provider_display,
)
from planner.io.importers.diff import Change, ImportPlan, import_changes, plan_import
from planner.io.importers.genai_prices import parse_genai_prices
from planner.io.importers.litellm import parse_litellm
from planner.io.importers.openrouter import parse_openrouter
from planner.io.json_files import parse_json_bytes, read_json

#: Parsers by format key (planner.io.import_formats is the table of formats).
FORMATS: dict[str, Callable[..., ImportResult]] = {k: f.parser for k, f in IMPORT_FORMATS.items()}


def read_import_file(
    fmt: str,
    path: Path,
    *,
    today: date,
    all_modes: bool = False,
    max_bytes: int = MAX_IMPORT_BYTES,
) -> ImportResult:
    """Read and parse one external price file.

    Raises InputError (naming the file) for an unknown format, a file over `max_bytes`
    (checked before reading), unreadable or non-UTF-8 text, invalid JSON, or a document
    of the wrong shape. Bad entries inside a good file are skipped, not raised.
    """
    path = Path(path)
    _format(fmt, str(path))
    return parse_import(fmt, read_json(path, max_bytes), str(path), today=today, all_modes=all_modes)


def parse_import_bytes(fmt: str, data: bytes, source: str, *, today: date, all_modes: bool = False) -> ImportResult:
    """Parse a downloaded price list (see read_import_file; `source` is its URL)."""
    _format(fmt, source)
    return parse_import(fmt, parse_json_bytes(data, source), source, today=today, all_modes=all_modes)


def parse_import(fmt: str, raw: Any, source: str, *, today: date, all_modes: bool = False) -> ImportResult:
    """Read an already-parsed document with the parser of its format."""
    f = _format(fmt, source)
    if f.has_modes:
        return f.parser(raw, source, today=today, all_modes=all_modes)
    return f.parser(raw, source, today=today)


def _format(fmt: str, source: str) -> ImportFormat:
    f = IMPORT_FORMATS.get(fmt)
    if f is None:
        raise InputError(f"{source}: unknown import format '{fmt}' (known: {', '.join(IMPORT_FORMATS)})")
    return f


__all__ = [
    "FORMATS",
    "MAX_IMPORT_BYTES",
    "Change",
    "ImportPlan",
    "ImportResult",
    "Skipped",
    "import_changes",
    "normalize_id",
    "parse_import",
    "parse_import_bytes",
    "parse_genai_prices",
    "parse_litellm",
    "parse_openrouter",
    "plan_import",
    "provider_display",
    "read_import_file",
]

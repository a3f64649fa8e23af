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
from planner.io.importers.common import (
    MAX_IMPORT_BYTES,
    ImportResult,
    Skipped,
    normalize_id,
    provider_display,
)
from planner.io.importers.diff import Change, ImportPlan, apply_import, plan_import
from planner.io.importers.genai_prices import parse_genai_prices
from planner.io.importers.litellm import parse_litellm
from planner.io.importers.openrouter import parse_openrouter
from planner.io.json_files import read_json

FORMATS: dict[str, Callable[..., ImportResult]] = {
    "litellm": parse_litellm,
    "genai-prices": parse_genai_prices,
    "openrouter": parse_openrouter,
}


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
    parser = FORMATS.get(fmt)
    if parser is None:
        raise InputError(f"{path}: unknown import format '{fmt}' (known: {', '.join(FORMATS)})")
    path = Path(path)
    raw: Any = read_json(path, max_bytes)
    if fmt == "litellm":
        return parse_litellm(raw, str(path), today=today, all_modes=all_modes)
    return parser(raw, str(path), today=today)


__all__ = [
    "FORMATS",
    "MAX_IMPORT_BYTES",
    "Change",
    "ImportPlan",
    "ImportResult",
    "Skipped",
    "apply_import",
    "normalize_id",
    "parse_genai_prices",
    "parse_litellm",
    "parse_openrouter",
    "plan_import",
    "provider_display",
    "read_import_file",
]

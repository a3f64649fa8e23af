"""The external price lists the catalog imports: one table for the `import` command's
choices, the window's Import and Update menus, the preview and the web update.

Light on purpose (the window's menus are built from it before the catalog code loads):
each format names its parser, which is imported when a file is read.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ImportFormat:
    """One kind of price file: its key (`cost-planner import KEY`), the title shown, what
    the file is called, where the web update downloads it, and its parser."""

    key: str
    title: str
    file_hint: str
    url: str
    #: "module:function" of the parser, `parse(raw, source, *, today, ...)` -> ImportResult
    parser_ref: str
    #: whether the parser takes `all_modes` (LiteLLM also lists embedding, image... models)
    has_modes: bool = False

    @property
    def parser(self) -> Callable[..., Any]:
        module, _, name = self.parser_ref.partition(":")
        return getattr(importlib.import_module(module), name)


IMPORT_FORMATS: dict[str, ImportFormat] = {
    f.key: f
    for f in (
        ImportFormat(
            "litellm",
            "LiteLLM",
            "LiteLLM model_prices_and_context_window.json",
            "https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json",
            "planner.io.importers.litellm:parse_litellm",
            has_modes=True,
        ),
        ImportFormat(
            "genai-prices",
            "genai-prices (Pydantic)",
            "genai-prices data.json",
            "https://raw.githubusercontent.com/pydantic/genai-prices/main/prices/new_data/v2/data.json",
            "planner.io.importers.genai_prices:parse_genai_prices",
        ),
        ImportFormat(
            "openrouter",
            "OpenRouter",
            "OpenRouter /api/v1/models",
            "https://openrouter.ai/api/v1/models",
            "planner.io.importers.openrouter:parse_openrouter",
        ),
    )
}


def format_title(key: str) -> str:
    """The title of a format ('LiteLLM'); the key itself for one this table lacks."""
    f = IMPORT_FORMATS.get(key)
    return f.title if f is not None else key

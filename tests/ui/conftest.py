"""Shared fixtures for the Qt UI tests: hand-made catalogs wrapped in a Session, and the real one."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from planner import paths
from planner.domain.catalog import Catalog, ModelPrice, Overlay
from planner.io.catalog_files import LoadedCatalog, load_effective
from planner.ui.session import Session

AS_OF = date(2026, 5, 1)


@pytest.fixture(autouse=True)
def scripted_prompts(monkeypatch: pytest.MonkeyPatch) -> None:
    """The window's own prompts (planner.ui.prompts) would wait forever offscreen: questions
    are answered Discard (closing a window with unsaved work at teardown), notices OK.
    Tests that care patch them again."""
    from planner.ui import prompts

    monkeypatch.setattr(prompts, "ask", lambda *a, **k: prompts.Button.Discard)
    monkeypatch.setattr(prompts, "tell", lambda *a, **k: None)


def _mp(model_id: str, inp: str, out: str, **kw: Any) -> ModelPrice:
    """A ModelPrice from strings; name and provider come from the id unless given.
    `quality=80` is shorthand for a TokenRate score; price keywords may be strings."""
    provider, _, slug = model_id.partition("/")
    kw.setdefault("name", slug)
    kw.setdefault("provider", provider)
    q = kw.pop("quality", None)
    if isinstance(q, (int, float)):
        kw["quality"] = {"tokenrate": float(q)}
    elif isinstance(q, dict):
        kw["quality"] = q
    for key in ("cache_read", "cache_write", "batch_input", "batch_output", "batch_discount"):
        if isinstance(kw.get(key), str):
            kw[key] = Decimal(kw[key])
    return ModelPrice(id=model_id, input=Decimal(inp), output=Decimal(out), **kw)


@pytest.fixture
def mp() -> Callable[..., ModelPrice]:
    """Builder: mp("acme/fast", "0.10", "0.40", quality=50, context_window=128_000)."""
    return _mp


@pytest.fixture
def make_session(tmp_path: Path, qapp) -> Iterator[Callable[..., Session]]:
    """Builder of a Session over a small catalog (shipped = catalog, empty overlay)."""
    made: list[Session] = []

    def make(*models: ModelPrice, as_of: date = AS_OF, overlay_path: Path | None = None) -> Session:
        cat = Catalog(as_of=as_of, models=tuple(models))
        s = Session(LoadedCatalog(cat, cat, Overlay()), overlay_path=overlay_path or tmp_path / "overlay.json")
        made.append(s)
        return s

    yield make
    for s in made:
        s.undo_stack.clear()


@pytest.fixture
def shipped_session(qapp, user_home: Path) -> Session:
    """The real shipped catalog (data/catalog.json) with the overlay under the temp home."""
    assert str(paths.user_overlay()).startswith(str(user_home))
    return Session(load_effective())

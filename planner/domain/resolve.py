"""Which catalog model a typed name means: the one resolver behind the worksheet's model cell,
pasted rows, `cost-planner quote --model` and the models of plan and usage files.

In order: the exact id; the display name or the id without its provider, case-insensitive;
a dated or versioned id of a known model (`gpt-4o-mini-2024-07-18`); then a unique model
whose name or id contains every word typed. Several matches list the candidates; no match
suggests the nearest ids.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from planner.domain.catalog import ModelPrice
from planner.domain.errors import InputError
from planner.domain.plan import Plan

#: a date or version stamp a provider appends to a model id
_DATED = re.compile(r"[-@:](\d{4}-?\d{2}-?\d{2}|\d{8}|\d{4}|latest|v\d+(:\d+)?)$")
_WORD = re.compile(r"[a-z0-9]+(?:\.[0-9]+)*")


class AmbiguousModel(InputError):
    """Several models match what was typed; `candidates` lists their ids."""

    def __init__(self, text: str, candidates: list[str]) -> None:
        shown = ", ".join(candidates[:6]) + (", ..." if len(candidates) > 6 else "")
        super().__init__(f"'{text}' matches {len(candidates)} models: {shown}")
        self.candidates = candidates


class UnknownModel(InputError):
    """Nothing matches; `suggestions` are the nearest ids."""

    def __init__(self, text: str, suggestions: list[str]) -> None:
        hint = f"; did you mean {' or '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"'{text}' is not in the catalog{hint}")
        self.suggestions = suggestions


def _norm(text: str) -> str:
    return " ".join(text.lower().replace("_", " ").split())


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("-", " ").replace("/", " "))


def _key(model_id_or_slug: str) -> str:
    """An id's model part, compared loosely: 'GPT-4.1_mini' and 'gpt-4-1-mini' are one key."""
    slug = model_id_or_slug.strip().lower().rpartition("/")[2]
    return re.sub(r"[\s._]+", "-", slug)


def resolve_model(models: Iterable[ModelPrice], text: str) -> ModelPrice:
    """The model `text` names; AmbiguousModel or UnknownModel (both InputError) otherwise."""
    models = list(models)
    typed = text.strip()
    if not typed:
        raise UnknownModel(text, [])
    for m in models:
        if m.id == typed:
            return m
    low, key = _norm(typed), _key(typed)
    if "/" in typed:  # a provider named: its own id first ('google/gemini-2.5-pro')
        full = [m for m in models if re.sub(r"[\s._]+", "-", m.id.lower()) == re.sub(r"[\s._]+", "-", low)]
        if len(full) == 1:
            return full[0]
    exact = [m for m in models if _norm(m.name) == low or m.id.lower() == low or _key(m.id) == key]
    if len(exact) == 1:
        return exact[0]
    if len(exact) > 1:
        raise AmbiguousModel(text, [m.id for m in exact])
    undated = _DATED.sub("", key)
    if undated != key:
        dated = [m for m in models if _key(m.id) == undated]
        if len(dated) == 1:
            return dated[0]
    words = _words(typed)
    if words:
        hits = [m for m in models if all(w in _words(f"{m.name} {m.id}") for w in words)]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            raise AmbiguousModel(text, [m.id for m in hits])
    keys = {_key(m.id): m.id for m in models}
    import difflib  # (only for a name that matches no model)

    near = [keys[k] for k in difflib.get_close_matches(key, list(keys), n=2, cutoff=0.6)]
    raise UnknownModel(text, near)


def resolve_plan_models(plan: Plan, models: Iterable[ModelPrice]) -> tuple[Plan, list[str]]:
    """The plan with every line's model (and routed model) that is not a catalog id or a
    pinned price, but names exactly one model, replaced by that model's id; and a note for
    each name so resolved. Names that match none or several are left as they are (the
    engine, or the window, says so)."""
    models = list(models)
    known = {m.id for m in models} | set(plan.pinned_prices)
    notes: list[str] = []

    def resolved(name: str) -> str:
        if name in known:
            return name
        try:
            model_id = resolve_model(models, name).id
        except InputError:
            return name
        notes.append(f"'{name}' is taken as {model_id}")
        return model_id

    lines = []
    for ln in plan.lines:
        model = resolved(ln.model)
        routing = [r.model_copy(update={"model": resolved(r.model)}) for r in ln.routing]
        changed = model != ln.model or any(a.model != b.model for a, b in zip(routing, ln.routing, strict=True))
        lines.append(ln.model_copy(update={"model": model, "routing": routing}) if changed else ln)
    if not notes:
        return plan, []
    return plan.model_copy(update={"lines": lines}), list(dict.fromkeys(notes))

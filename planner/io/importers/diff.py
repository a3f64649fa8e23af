"""What an import would change in the catalog, and applying the part the user ticked.

An import never writes the shipped catalog: `import_changes` gives overlay entries. Only
prices are compared: per-token prices (input, output, cache, batch, reasoning), fees (per
request, web search, image), the long-context tier, the flex and priority prices and the
off-peak prices. A price the import does not give (None) means "not known to this source",
never "removed", so e.g. an OpenRouter import does not drop a model's long-context tier,
batch prices or a service tier it does not list.

Prices the user edited in their overlay are *conflicts*: shown apart and applied only for
the ids in `overwrite_conflicts`. A field an earlier import set is not a user edit as long
as it still holds the value that import recorded in the model's history (the history point
whose source is the entry's provenance).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from planner.domain.catalog import Catalog, ModelPrice, Overlay, OverlayEntry, PricePoint
from planner.io.importers.common import ImportResult, Skipped

#: Price fields compared (plus the long-context tier).
PRICE_FIELDS: tuple[str, ...] = (
    "input",
    "output",
    "cache_read",
    "cache_write",
    "batch_input",
    "batch_output",
    "reasoning",
    "cache_write_1h",
    "per_request",
    "per_search",
    "per_image",
)
#: Price fields a PricePoint records.
POINT_FIELDS: tuple[str, ...] = ("input", "output", "cache_read", "cache_write")
#: Price fields of a service tier's or the off-peak prices (TierPrices).
TIER_FIELDS: tuple[str, ...] = ("input", "output", "cache_read")
LONG_CONTEXT = "long_context"
SERVICE_TIERS = "service_tiers"
OFF_PEAK = "off_peak"
DIFF_FIELDS: frozenset[str] = frozenset((*PRICE_FIELDS, LONG_CONTEXT, SERVICE_TIERS, OFF_PEAK))


@dataclass(frozen=True)
class Change:
    """One price of one model: what the catalog has and what the import says.

    `field` is a ModelPrice field, "long_context" (old/new = the tier's threshold in tokens,
    None for no tier), "long_context.input" etc. for a tier price, "service_tiers.flex.input"
    etc. for a service tier's price, "off_peak.input" etc. for an off-peak price.
    """

    id: str
    name: str
    field: str
    old: Decimal | None
    new: Decimal | None

    @property
    def root(self) -> str:
        """The ModelPrice field the change is applied to ("long_context.input" -> "long_context")."""
        return self.field.split(".", 1)[0]


@dataclass
class ImportPlan:
    """An import compared with the catalog in force."""

    added: list[ModelPrice] = field(default_factory=list)
    changed: dict[str, list[Change]] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)
    conflicts: dict[str, list[Change]] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)
    #: The imported model of every id in `changed` or `conflicts` (what apply writes).
    incoming: dict[str, ModelPrice] = field(default_factory=dict)

    def summary(self) -> str:
        parts = [
            f"{len(self.added)} new",
            f"{len(self.changed)} changed",
            f"{len(self.unchanged)} unchanged",
        ]
        if self.conflicts:
            parts.append(f"{len(self.conflicts)} with conflicts with your edits")
        if self.skipped:
            parts.append(f"{len(self.skipped)} skipped")
        return ", ".join(parts)


def plan_import(current: Catalog, overlay: Overlay, result: ImportResult) -> ImportPlan:
    """Compare an import with `current` (the catalog in force: shipped + overlay)."""
    plan = ImportPlan(skipped=list(result.skipped))
    for new in result.models:
        old = current.get(new.id)
        if old is None:
            plan.added.append(new)
            continue
        changes = price_changes(old, new)
        if not changes:
            plan.unchanged.append(new.id)
            continue
        edited = user_edited_fields(overlay, new.id)
        mine = [c for c in changes if c.root in edited]
        theirs = [c for c in changes if c.root not in edited]
        if theirs:
            plan.changed[new.id] = theirs
        if mine:
            plan.conflicts[new.id] = mine
        plan.incoming[new.id] = new
    return plan


def price_changes(old: ModelPrice, new: ModelPrice) -> list[Change]:
    """The prices `new` gives that differ from `old` (prices `new` lacks are not changes)."""
    out: list[Change] = []

    def compare(field: str, ov: Decimal | None, nv: Decimal | None) -> None:
        if nv is not None and (ov is None or ov != nv):
            out.append(Change(old.id, old.name, field, ov, nv))

    for f in PRICE_FIELDS:
        ov, nv = getattr(old, f), getattr(new, f)
        if f == "per_request" and ov is None and nv == 0:
            continue  # no fee either way (a missing web-search or image price is a notice)
        compare(f, ov, nv)
    n, o = new.long_context, old.long_context
    if n:
        starts_n, starts_o = [t.threshold_tokens for t in n], [t.threshold_tokens for t in o]
        if starts_n != starts_o:
            # the ranges start elsewhere: named by the first start that differs
            j = next((j for j, (a, b) in enumerate(zip(starts_o, starts_n, strict=False)) if a != b),
                     min(len(starts_o), len(starts_n)))
            ov = Decimal(starts_o[j]) if j < len(starts_o) else None
            nv = Decimal(starts_n[j]) if j < len(starts_n) else Decimal(starts_n[-1])
            out.append(Change(old.id, old.name, LONG_CONTEXT, ov, nv))
        else:
            for j, (ot, nt) in enumerate(zip(o, n, strict=True)):
                where = LONG_CONTEXT if j == 0 else f"{LONG_CONTEXT}.above {nt.threshold_tokens:,}"
                for f in POINT_FIELDS:
                    compare(f"{where}.{f}", getattr(ot, f), getattr(nt, f))
    for tier, nt in new.service_tiers.items():
        ot = old.service_tiers.get(tier)
        for f in TIER_FIELDS:
            compare(f"{SERVICE_TIERS}.{tier}.{f}", getattr(ot, f) if ot else None, getattr(nt, f))
    if new.off_peak is not None:
        for f in TIER_FIELDS:
            ov = getattr(old.off_peak, f) if old.off_peak else None
            compare(f"{OFF_PEAK}.{f}", ov, getattr(new.off_peak, f))
    return out


def user_edited_fields(overlay: Overlay, model_id: str) -> set[str]:
    """The price fields of `model_id` that hold the user's own values in the overlay.

    `Overlay.edited_fields`, less the fields an import wrote and the user hasn't touched
    since: in an entry written by an import (it has a provenance), a price still equal to
    the one that import recorded in the history is the import's, not the user's. Batch
    prices and the long-context tier have no such record, so in such an entry they count
    as the import's.
    """
    e = overlay.entry(model_id)
    if e is None:
        return set()
    fields = set(e.fields) & DIFF_FIELDS
    if not e.provenance:
        return fields
    last = _last_point_from(e.fields.get("history"), e.provenance)
    user: set[str] = set()
    for f in fields:
        if f in POINT_FIELDS and (last is None or not _same(e.fields.get(f), last.get(f))):
            user.add(f)
    return user


def import_changes(
    overlay: Overlay,
    current: Catalog,
    plan: ImportPlan,
    selected: set[str],
    *,
    today: date,
    provenance: str,
    overwrite_conflicts: set[str] | frozenset[str] = frozenset(),
) -> dict[str, OverlayEntry]:
    """The overlay entries the ticked part of `plan` makes, by model id (`overlay` is not
    changed; the work is proportional to the models ticked, not to the overlay).

    Added models are added whole. For a changed model the changed prices are set, its
    as-of date and source become today's import, and its history gains the old price
    (dated by its old as-of date, with its old source) and the imported one (dated today,
    source `provenance`). Conflicting prices keep the user's value unless the id is in
    `overwrite_conflicts`. Ids not in `selected` are left untouched.
    """
    out = Overlay()
    for m in plan.added:
        if m.id not in selected:
            continue
        point = _point(m, today, provenance)
        history = (
            m.history if _has_point(m.history, point, same_source=True) else (*m.history, point)
        )
        out.add_model(
            m.model_copy(update={"history": history, "source": m.source or provenance}),
            today,
            provenance,
        )

    for model_id in [*plan.changed, *(i for i in plan.conflicts if i not in plan.changed)]:
        if model_id not in selected:
            continue
        changes = list(plan.changed.get(model_id, ()))
        if model_id in overwrite_conflicts:
            changes += plan.conflicts.get(model_id, ())
        old = current.get(model_id)
        new = plan.incoming.get(model_id)
        if not changes or old is None or new is None:
            continue
        if (mine := overlay.entry(model_id)) is not None:
            out.put(model_id, mine.model_copy(deep=True))
        out.set_fields(model_id, today, **_changed_values(old, new, changes, today, provenance))
        entry = out.entry(model_id)
        assert entry is not None
        entry.provenance = provenance
    return dict(out.entries)


def _changed_values(
    old: ModelPrice, new: ModelPrice, changes: list[Change], today: date, provenance: str
) -> dict[str, Any]:
    """The fields an import sets on a changed model: the changed prices, the history with
    the old and the imported price, the as-of date and the source."""
    values: dict[str, Any] = {}
    for root in dict.fromkeys(c.root for c in changes):
        values[root] = getattr(new, root)
    if SERVICE_TIERS in values:  # the tiers the import lists; the others are kept
        tiers = {**old.service_tiers, **new.service_tiers}
        values[SERVICE_TIERS] = {k: t.model_dump(mode="json") for k, t in tiers.items()}
    history = list(old.history)
    old_point = PricePoint(
        date=old.as_of or today,
        input=old.input,
        output=old.output,
        cache_read=old.cache_read,
        cache_write=old.cache_write,
        source=old.source,
        source_url=old.source_url,
    )
    if not _has_point(history, old_point):
        history.append(old_point)
    new_point = _point(new, today, provenance)
    if not _has_point(history, new_point, same_source=True):
        history.append(new_point)
    values["history"] = [p.model_dump(mode="json", exclude_none=True) for p in history]
    values["as_of"] = today
    values["source"] = provenance
    if new.source_url:
        values["source_url"] = new.source_url
    return values


def _point(m: ModelPrice, today: date, source: str) -> PricePoint:
    return PricePoint(
        date=today,
        input=m.input,
        output=m.output,
        cache_read=m.cache_read,
        cache_write=m.cache_write,
        source=source,
        source_url=m.source_url,
    )


def _has_point(history: Any, point: PricePoint, *, same_source: bool = False) -> bool:
    """Whether the history already has these prices on that date (from any source, or
    with `same_source` from the point's own: an import's own point is its record)."""
    return any(
        p.date == point.date
        and (not same_source or p.source == point.source)
        and all(getattr(p, f) == getattr(point, f) for f in POINT_FIELDS)
        for p in history
    )


def _last_point_from(history: Any, source: str) -> dict[str, Any] | None:
    if not isinstance(history, list | tuple):
        return None
    for p in reversed(history):
        if isinstance(p, PricePoint):
            p = p.model_dump(mode="json")
        if isinstance(p, dict) and p.get("source") == source:
            return p
    return None


def _dec(v: Any) -> Decimal | None:
    if v is None:
        return None
    try:
        return Decimal(str(v))
    except InvalidOperation:
        return None


def _same(a: Any, b: Any) -> bool:
    return _dec(a) == _dec(b)

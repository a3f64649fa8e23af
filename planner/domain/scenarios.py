"""Scenarios: a plan's what-ifs, applied to its base, and ready-made scenario actions. The
comparison of plans or scenarios side by side is planner.domain.comparison's."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from planner.domain.catalog import describe_validation_error
from planner.domain.errors import InputError
from planner.domain.plan import Line, Plan, Scenario

#: the scenario everything else is measured against: the plan itself
BASE = "base"


def scenario_names(plan: Plan) -> list[str]:
    return [sc.name for sc in plan.scenarios]


def find_scenario(plan: Plan, name: str) -> Scenario:
    for sc in plan.scenarios:
        if sc.name == name or sc.name.casefold() == name.casefold():
            return sc
    known = ", ".join(scenario_names(plan)) or "none"
    raise InputError(f"'{plan.name}' has no scenario '{name}' (scenarios: {known})")


def apply_scenario(plan: Plan, name: str | None) -> Plan:
    """The plan as the scenario sees it: the base with the scenario's overrides (None or
    'base': the base itself). The result has no scenarios of its own."""
    if name is None or name == BASE:
        return plan
    sc = find_scenario(plan, name)
    lines = []
    for ln in plan.lines:
        changes = sc.lines.get(ln.name)
        if not changes:
            lines.append(ln)
            continue
        data = {**ln.model_dump(), **changes}
        try:
            lines.append(Line.model_validate(data))
        except ValidationError as e:
            raise InputError(describe_validation_error(e, f"scenario '{sc.name}': line '{ln.name}'", data)) from None
    data = {**plan.model_dump(exclude={"lines", "scenarios", "pinned_prices"}), **sc.plan}
    try:
        changed = Plan.model_validate(data) if sc.plan else plan
    except ValidationError as e:
        raise InputError(describe_validation_error(e, f"scenario '{sc.name}'", data)) from None
    return changed.model_copy(update={"lines": lines, "scenarios": [], "pinned_prices": plan.pinned_prices})


def overridden(plan: Plan, scenario: str, line_name: str, field: str) -> bool:
    """Whether the scenario changes this field of this line (the worksheet marks it)."""
    return field in find_scenario(plan, scenario).lines.get(line_name, {})


def with_override(plan: Plan, scenario: str, line_name: str, field: str, value: Any) -> Plan:
    """The plan with the scenario changing one line field (a value equal to the base's is
    no override: it is dropped, so the line follows the base again)."""
    return _edit_scenario(plan, scenario, line_name, field, value)


def without_override(plan: Plan, scenario: str, line_name: str, field: str) -> Plan:
    """The plan with one override removed: the field follows the base again."""
    return _edit_scenario(plan, scenario, line_name, field, None, remove=True)


def _edit_scenario(plan: Plan, scenario: str, line_name: str, field: str, value: Any, remove: bool = False) -> Plan:
    sc = find_scenario(plan, scenario)
    base_line = next(ln for ln in plan.lines if ln.name == line_name)
    fields = dict(sc.lines.get(line_name, {}))
    base_value = base_line.model_dump(mode="json")[field]
    if remove or _same(value, base_value):
        fields.pop(field, None)
    else:
        fields[field] = value
    lines = {k: v for k, v in sc.lines.items() if k != line_name}
    if fields:
        lines[line_name] = fields
    new = sc.model_copy(update={"lines": lines})
    return plan.model_copy(update={"scenarios": [new if s.name == sc.name else s for s in plan.scenarios]})


def _same(value: Any, base_value: Any) -> bool:
    try:
        return Decimal(str(value)) == Decimal(str(base_value))
    except (ArithmeticError, ValueError):
        return value == base_value


def add_scenario(plan: Plan, name: str, notes: str = "") -> Plan:
    if any(sc.name.casefold() == name.casefold() for sc in plan.scenarios) or name == BASE:
        raise InputError(f"a scenario named '{name}' exists already")
    return plan.model_copy(update={"scenarios": [*plan.scenarios, Scenario(name=name, notes=notes)]})


# ---------------------------------------------------------------------------------------
# Ready-made scenario actions: each returns the scenario's line overrides for the plan


def scale_volume(plan: Plan, factor: Decimal) -> dict[str, dict[str, Any]]:
    """Every line's requests × factor."""
    return {ln.name: {"requests": str(ln.requests * factor)} for ln in plan.lines}


def batch_everything(plan: Plan) -> dict[str, dict[str, Any]]:
    """Every line sent as batch (for work that can wait a day)."""
    return {ln.name: {"batch_share": "1"} for ln in plan.lines if ln.batch_share != 1}


#: a prompt-cache guess for a line that has none: half its input is a reusable prefix,
#: read from the cache 80% of the time (the line's own figures win once the user sets them)
PROMPT_CACHE_GUESS = (Decimal("0.5"), Decimal("0.8"))


def prompt_caching_on(plan: Plan, supports_cache: Any) -> dict[str, dict[str, Any]]:
    """Prompt caching on the lines whose model has a cache-read price (`supports_cache(model
    id)`) and no cached prefix yet: half the input cached, hit 80% of the time."""
    share, hit = PROMPT_CACHE_GUESS
    out = {}
    for ln in plan.lines:
        if not ln.prompt_cache.prefix_tokens and supports_cache(ln.model):
            prefix = (ln.input_tokens * share).to_integral_value()
            out[ln.name] = {"prompt_cache": {"prefix_tokens": str(prefix), "hit_rate": str(hit),
                                             "ttl": ln.prompt_cache.ttl.value}}
    return out


# ---------------------------------------------------------------------------------------
# Comparison

"""Headless commands: `models` ranks the catalog, `quote` costs a plan or a single workload,
`export`, `import` and `screenshot`. planner.cli dispatches to `run` (or opens the window)."""

from __future__ import annotations

import argparse
import csv
import dataclasses
import io
import json
import math
import re
import sys
from collections.abc import Sequence
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from planner import PROG, __version__
from planner.domain.catalog import QUALITY_METRICS, Catalog, ModelPrice, metric_label
from planner.domain.comparison import Compared, Comparison, compare
from planner.domain.conversation import equivalent, session_input
from planner.domain.costing import PlanResult, compute
from planner.domain.errors import InputError
from planner.domain.plan import AddOn, Line, Plan, PromptCache
from planner.domain.ranking import SortKey, plan_workload, rank, tokens_per_dollar, workload_monthly
from planner.domain.resolve import resolve_model, resolve_plan_models
from planner.domain.scenarios import apply_scenario, find_scenario
from planner.domain.summary import BudgetTable, add_on_label
from planner.domain.token_mix import input_share, ratio_label, rebalance
from planner.formatting import (
    fmt_float,
    fmt_int,
    fmt_money,
    fmt_pct,
    fmt_price,
    fmt_small_money,
    fmt_tokens,
)
from planner.io.plan_files import open_plan, price_changes


class UsageError(InputError):
    """A bad command-line value; the message names the option."""


# ---------------------------------------------------------------------------------------
# Argument values


def _decimal(flag: str, text: str, *, lo: Decimal | None = None, hi: Decimal | None = None) -> Decimal:
    try:
        v = Decimal(text.replace(",", "").replace("_", ""))
    except InvalidOperation:
        raise UsageError(f"{flag}: '{text}' is not a number") from None
    if not v.is_finite():
        raise UsageError(f"{flag}: '{text}' is not a finite number")
    if lo is not None and v < lo:
        raise UsageError(f"{flag}: {text} is below {lo}")
    if hi is not None and v > hi:
        raise UsageError(f"{flag}: {text} is above {hi}")
    return v


def _count(flag: str, text: str) -> Decimal:
    return _decimal(flag, text, lo=Decimal(0))


def _rate(flag: str, text: str | None) -> Decimal:
    if text is None:
        return Decimal(0)
    return _decimal(flag, text, lo=Decimal(0), hi=Decimal(1))


def _ratio(text: str) -> float:
    """'3:1', '3' or '0.5:1' -> 3.0 (input:output)."""
    t = text.strip()
    try:
        if ":" in t:
            a, b = t.split(":", 1)
            r = float(a) / float(b)
        else:
            r = float(t)
    except (ValueError, ZeroDivisionError):
        raise UsageError(f"--ratio: '{text}' is not a ratio like 3:1") from None
    if not (r >= 0) or r == float("inf"):
        raise UsageError(f"--ratio: '{text}' must be a non-negative ratio like 3:1")
    return r


def _load_catalog(path: str | None) -> Catalog:
    from planner.io.catalog_files import load_catalog, load_effective

    if path:
        return load_catalog(Path(path))

    loaded = load_effective()
    for w in loaded.warnings:
        print(f"{PROG}: warning: {w}", file=sys.stderr)
    return loaded.catalog


# ---------------------------------------------------------------------------------------
# models


def cmd_models(args: argparse.Namespace) -> int:
    catalog = _load_catalog(args.catalog)
    metric = args.quality_metric or catalog.default_quality_metric
    # (a catalog with no scores at all, e.g. an import, still ranks by price and workload)
    if metric not in catalog.quality_metrics and (args.quality_metric or catalog.quality_metrics):
        known = ", ".join(catalog.quality_metrics) or "none"
        raise UsageError(f"--quality-metric: '{metric}' is not in the catalog (known: {known})")
    ratio = _ratio(args.ratio)
    floor = args.min_quality or 0.0
    sort = args.sort or (SortKey.WORKLOAD.value if args.plan else SortKey.VALUE.value)
    if sort == SortKey.WORKLOAD and not args.plan:
        raise UsageError("--sort workload: needs --plan PLAN.costplan (the workload to cost)")
    plan = open_plan(_plan_path(args.plan)) if args.plan else None
    r = rank(catalog, metric, ratio=ratio, floor=floor, workload=plan_workload(plan) if plan else None,
             include_free=args.include_free)
    # The float arrays put the models in order; the money printed is the engine's, exact,
    # for the rows shown only.
    order = r.order(sort)
    if args.limit:
        order = order[: args.limit]
    rows = []
    for pos, i in enumerate(order, 1):
        m = catalog.models[i]
        row = _model_row(pos, m, r, i)
        if plan is not None:
            row["workload_monthly"] = str(workload_monthly(plan, catalog, m.id))
        rows.append(row)
    ratio_label = f"{ratio:g}:1"
    if args.format == "json":
        head: dict[str, Any] = {"metric": metric, "ratio": ratio_label, "min_quality": floor, "sort": sort}
        if plan is not None:
            head |= {"plan": plan.name, "currency": plan.currency.code}
        print(json.dumps({**head, "models": rows}, indent=2))
    elif args.format == "csv":
        out = io.StringIO()
        if rows:
            w = csv.DictWriter(out, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)
        sys.stdout.write(out.getvalue())
    else:
        _print_models_table(rows, metric, ratio_label, floor, len(catalog), sort, plan)
    return 0


def _num(x: float) -> float | None:
    return None if x != x else float(f"{float(x):.12g}")  # NaN -> None


def _model_row(pos: int, m: ModelPrice, r: Any, i: int) -> dict[str, Any]:
    return {
        "rank": pos,
        "id": m.id,
        "name": m.name,
        "provider": m.provider,
        "tier": m.effective_tier.value,
        "input_per_1m": str(m.input),
        "output_per_1m": str(m.output),
        "cache_read_per_1m": None if m.cache_read is None else str(m.cache_read),
        "blended_per_1m": _num(r.blended[i]),
        "quality": _num(r.quality[i]),
        "value": _num(r.value[i]),
        "cost_per_point": _num(r.cost_per_point[i]),
        "composite": _num(r.composite[i]),
        "input_tokens_per_dollar": tokens_per_dollar(m.input),
        "output_tokens_per_dollar": tokens_per_dollar(m.output),
        "context_window": m.context_window,
        "throughput_tps": m.throughput_tps,
    }


def _print_models_table(
    rows: list[dict[str, Any]], metric: str, ratio: str, floor: float, total: int, sort: str, plan: Plan | None
) -> None:
    label = metric_label(metric)
    head = f"{len(rows)} of {total} models  sort={sort}  quality={label}  min={floor:g}  blend={ratio}"
    print(head + (f"  plan={plan.name}" if plan is not None else ""))
    headers = ["#", "Model", "Tier", "In $/1M", "Out $/1M", f"Blend {ratio}", "Quality", "Value", "$/point", "Score", "Context"]
    if plan is not None:
        headers.append("Plan/month")
    table = [
        [
            str(r["rank"]),
            f"{r['name']} ({r['id']})",
            r["tier"],
            fmt_price(Decimal(r["input_per_1m"])),
            fmt_price(Decimal(r["output_per_1m"])),
            fmt_float(r["blended_per_1m"], 4),
            fmt_float(r["quality"], 1),
            fmt_float(r["value"], 1),
            fmt_float(r["cost_per_point"], 4),
            fmt_float(r["composite"], 1),
            fmt_tokens(r["context_window"]),
        ]
        + ([fmt_money(Decimal(r["workload_monthly"]), plan.currency.code)] if plan is not None else [])
        for r in rows
    ]
    _print_table(headers, table, right=set(range(3, len(headers))) | {0})


def _print_table(headers: list[str], rows: list[list[str]], right: set[int]) -> None:
    widths = [max(len(h), *(len(r[c]) for r in rows)) if rows else len(h) for c, h in enumerate(headers)]

    def fmt(cells: list[str]) -> str:
        return "  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))).rstrip()

    print(fmt(headers))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print(fmt(r))


# ---------------------------------------------------------------------------------------
# quote

CUSTOM_ID = "custom/quote"
#: flags that describe a one-line quote (not used with a plan file)
ONE_LINE_FLAGS = ("model", "price_in", "price_out", "requests", "input_tokens", "output_tokens", "cached_prefix",
                  "cache_hit_rate", "batch_share", "reasoning_tokens", "cache_ttl", "service_tier", "off_peak_share",
                  "search_calls", "images", "long_share", "long_input_tokens", "turns", "system_tokens",
                  "added_tokens", "context_cap", "success_rate", "retry_overhead", "platform_fee", "add_on")
# (--scenario goes with a plan file; it is checked in cmd_quote)
#: the quote flag behind each field of a one-line plan
_FLAG_OF_FIELD = {
    "requests": "--requests", "input_tokens": "--input-tokens", "output_tokens": "--output-tokens",
    "prefix_tokens": "--cached-prefix", "hit_rate": "--cache-hit-rate", "batch_share": "--batch-share",
    "response_cache_hit_rate": "--response-cache-hit-rate", "semantic_cache_hit_rate": "--semantic-cache-hit-rate",
    "input": "--price-in", "output": "--price-out", "cache_read": "--price-cache-read",
    "cache_write": "--price-cache-write", "reasoning_tokens": "--reasoning-tokens", "search_calls": "--search-calls",
    "images": "--images", "off_peak_share": "--off-peak-share", "long_share": "--long-share",
    "long_input_tokens": "--long-input-tokens", "turns": "--turns", "system_tokens": "--system-tokens",
    "added_tokens": "--added-tokens", "context_cap": "--context-cap", "success_rate": "--success-rate",
}


@contextmanager
def _flags_named():
    """A value the model refuses (above a limit) becomes one line naming the flag."""
    try:
        yield
    except ValidationError as e:
        err = e.errors()[0]
        msg = err["msg"].removeprefix("Value error, ")
        field = next((str(p) for p in reversed(err["loc"]) if str(p) in _FLAG_OF_FIELD), None)
        if field is not None:
            raise UsageError(f"{_FLAG_OF_FIELD[field]}: {msg[0].lower()}{msg[1:]}") from None
        # a rule across fields: said with the flags' names
        names = "|".join(sorted((f for f in _FLAG_OF_FIELD if "_" in f), key=len, reverse=True))
        raise UsageError(re.sub(rf"\b({names})\b", lambda mt: _FLAG_OF_FIELD[mt.group(1)], msg)) from None


def _quote_plan(args: argparse.Namespace, catalog: Catalog) -> tuple[Plan, Catalog]:
    """A one-line plan from flags, with an ad-hoc model when prices are given directly."""
    if args.model and args.price_in is not None:
        raise UsageError("give either --model or --price-in/--price-out, not both")
    if not args.model and (args.price_in is None or args.price_out is None):
        raise UsageError("give --model ID, or both --price-in and --price-out")
    for flag, val in (("--requests", args.requests), ("--input-tokens", args.input_tokens), ("--output-tokens", args.output_tokens)):
        if val is None:
            raise UsageError(f"{flag} is required for a quote without a plan file")
    requests = _count("--requests", args.requests)
    i_tok = _count("--input-tokens", args.input_tokens)
    o_tok = _count("--output-tokens", args.output_tokens)
    prefix = _count("--cached-prefix", args.cached_prefix) if args.cached_prefix else Decimal(0)
    if prefix > i_tok:
        raise UsageError(f"--cached-prefix: {args.cached_prefix} exceeds --input-tokens {args.input_tokens}")
    hit = _rate("--cache-hit-rate", args.cache_hit_rate)
    if args.model:
        try:
            model_id = resolve_model(catalog.models, args.model).id
        except InputError as e:
            raise UsageError(f"--model: {e} (see `{PROG} models`)") from None
    else:
        with _flags_named():
            model = ModelPrice(
                id=CUSTOM_ID,
                name="Custom prices",
                provider="Custom",
                input=_decimal("--price-in", args.price_in, lo=Decimal(0)),
                output=_decimal("--price-out", args.price_out, lo=Decimal(0)),
                cache_read=_decimal("--price-cache-read", args.price_cache_read, lo=Decimal(0)) if args.price_cache_read else None,
                cache_write=_decimal("--price-cache-write", args.price_cache_write, lo=Decimal(0)) if args.price_cache_write else None,
            )
        catalog = catalog.replace_models([*catalog.models, model])
        model_id = CUSTOM_ID
    with _flags_named():
        line = Line(
            name="Quote",
            requests=requests,
            input_tokens=i_tok,
            output_tokens=o_tok,
            model=model_id,
            prompt_cache=PromptCache(prefix_tokens=prefix, hit_rate=hit, ttl=args.cache_ttl or "5m"),
        reasoning_tokens=_count("--reasoning-tokens", args.reasoning_tokens) if args.reasoning_tokens else None,
        service_tier=args.service_tier or "standard",
        off_peak_share=_rate("--off-peak-share", args.off_peak_share),
        search_calls=_count("--search-calls", args.search_calls) if args.search_calls else Decimal(0),
        images=_count("--images", args.images) if args.images else Decimal(0),
        long_share=_rate("--long-share", args.long_share),
        turns=int(_count("--turns", args.turns)) if args.turns else None,
        system_tokens=_count("--system-tokens", args.system_tokens) if args.system_tokens else Decimal(0),
        added_tokens=_count("--added-tokens", args.added_tokens) if args.added_tokens else Decimal(0),
        context_cap=_count("--context-cap", args.context_cap) if args.context_cap else None,
        success_rate=_rate("--success-rate", args.success_rate) if args.success_rate else None,
        long_input_tokens=_count("--long-input-tokens", args.long_input_tokens) if args.long_input_tokens else None,
            batch_share=_rate("--batch-share", args.batch_share),
            response_cache_hit_rate=_rate("--response-cache-hit-rate", args.response_cache_hit_rate),
            semantic_cache_hit_rate=_rate("--semantic-cache-hit-rate", args.semantic_cache_hit_rate),
        )
    with _flags_named():
        plan = Plan(name="Quote", lines=[line], retry_overhead=_rate("--retry-overhead", args.retry_overhead),
                    platform_fee=_rate("--platform-fee", args.platform_fee),
                    add_ons=_add_ons(args.add_on or ()))
    return plan, catalog


def _add_ons(texts: Sequence[str]) -> list[AddOn]:
    """['Vector store=70', ...] -> fixed monthly add-ons in the plan's currency."""
    out: list[AddOn] = []
    for text in texts:
        name, sep, amount = text.rpartition("=")
        name = name.strip()
        if not sep or not name:
            raise UsageError(f"--add-on: '{text}' is not NAME=AMOUNT (e.g. 'Vector store=70')")
        if any(a.name == name for a in out):
            raise UsageError(f"--add-on: '{name}' is given twice")
        out.append(AddOn(name=name, monthly=_decimal("--add-on", amount.strip(), lo=Decimal(0), hi=Decimal("1e12"))))
    return out


def _catalog_moved(plan: Plan, catalog: Catalog) -> str | None:
    """A notice when today's catalog prices differ from those the plan pinned (the pinned
    prices are what the quote uses)."""
    changes = price_changes(plan, catalog)
    if not changes:
        return None
    models = sorted({c.name for c in changes})
    shown = ", ".join(models[:4]) + (f" and {len(models) - 4} more" if len(models) > 4 else "")
    return (f"the catalog has moved since this plan was saved: {len(models)} model(s) changed ({shown}); "
            "the quote uses the prices pinned in the plan")


def cmd_quote(args: argparse.Namespace) -> int:
    catalog = _load_catalog(args.catalog)
    if args.plan:
        one_line_flags = [f for f in ONE_LINE_FLAGS if getattr(args, f) is not None]
        if one_line_flags:
            raise UsageError(f"--{one_line_flags[0].replace('_', '-')}: not used with a plan file")
        plan = _open_with_models(args.plan, catalog)
        if args.scenario:
            plan = apply_scenario(plan, args.scenario)
    else:
        if args.scenario:
            raise UsageError("--scenario: needs a plan file")
        plan, catalog = _quote_plan(args, catalog)
    if args.input_share is not None:
        share = _rate("--input-share", args.input_share)
        plan = plan.model_copy(update={"lines": rebalance(plan.lines, share)})
    result = compute(plan, catalog)
    moved = _catalog_moved(plan, catalog) if args.plan else None
    if moved:
        result = dataclasses.replace(result, notices=(moved, *result.notices))
    if args.by_month and not args.json:
        raise UsageError("--by-month: give it with --json")
    if args.json:
        out = result_to_json(plan, result)
        if args.by_month:
            out["by_month"] = by_month_json(result.by_month([ln.group for ln in plan.lines], plan.fiscal_year_start))
        if args.by_group:
            out["by_group"] = by_group_json(plan, result)
        _print_json(out)
    else:
        print_quote(plan, result)
        if args.by_group:
            print_by_group(plan, result)
    return 0


def by_month_json(t: BudgetTable) -> dict[str, Any]:
    """The budget by line, fixed add-on, group and month (decimal strings), each with its
    total, the monthly totals, the fiscal years' and the whole horizon's."""
    def row(r: Any) -> dict[str, Any]:
        return {"name": r.name, "group": r.group, "months": [str(v) for v in r.months], "total": str(r.total)}

    return {"months": list(t.labels), "lines": [row(r) for r in t.lines], "add_ons": [row(a) for a in t.add_ons],
            "groups": [row(g) for g in t.groups],
            "totals": [str(v) for v in t.months], "total": str(t.total),
            "fiscal_years": [{"label": fy.label, "first_month": t.labels[fy.first], "last_month": t.labels[fy.last],
                              "total": str(fy.total)} for fy in t.fiscal_years]}


def by_group_json(plan: Plan, r: PlanResult) -> list[dict[str, Any]]:
    """Each group's lines, requests, baseline, range, savings and savings waterfall (decimal
    strings): the sums of the group's shown line amounts (planner.domain.summary)."""
    return [{"group": g.name, "lines": [plan.lines[i].name for i in g.lines], "requests_monthly": str(g.requests),
             "baseline_monthly": str(g.baseline), "optimized_monthly_low": str(g.low),
             "optimized_monthly": str(g.optimized), "optimized_monthly_high": str(g.high),
             "savings_monthly": str(g.savings),
             "savings_pct": _opt_str(g.savings_pct),
             "waterfall": [{"lever": s.key, "label": s.label, "saving": str(s.saving)} for s in g.own_steps]}
            for g in r.by_group([ln.group for ln in plan.lines])]


def print_by_group(plan: Plan, r: PlanResult) -> None:
    cur = r.currency
    for g in r.by_group([ln.group for ln in plan.lines]):
        print()
        names = ", ".join(plan.lines[i].name for i in g.lines)
        print(f"Group {g.name}: {len(g.lines)} line(s) ({names}), {g.requests:,.0f} requests/month")
        print(f"  Baseline{'':20}{fmt_money(g.baseline, cur):>16}")
        for s in g.own_steps:
            print(f"  - {s.label:<26}{fmt_money(s.saving, cur):>16}")
        print(f"  Optimized{'':19}{fmt_money(g.optimized, cur):>16}")
        pct = f" ({fmt_pct(g.savings_pct, 2)})" if g.savings_pct is not None else ""
        print(f"  Monthly: {fmt_money(g.optimized, cur)} expected (range {fmt_money(g.low, cur)} to "
              f"{fmt_money(g.high, cur)}); savings {fmt_money(g.savings, cur)}/month{pct}")


def _open_with_models(path: Path | str, catalog: Catalog) -> Plan:
    """A plan file, its models named as a person would ('GPT-5 mini') taken as their ids
    (planner.domain.resolve), each such name said once on stderr."""
    plan, notes = resolve_plan_models(open_plan(path), catalog.models)
    for note in notes:
        print(f"{PROG}: note: {path}: {note}", file=sys.stderr)
    return plan


def _plan_and_scenario(text: str, catalog: Catalog) -> tuple[Plan, str]:
    """'plan.costplan', 'plan.costplan:Scenario' or an example's name ('product-suite:Flash'),
    opened, with the scenario applied; and its label."""
    path, scenario = text, None
    if not Path(text).is_file() and ":" in text:
        path, _, scenario = text.rpartition(":")
    plan = _open_with_models(_plan_path(path), catalog)
    label = plan.name if scenario is None else f"{plan.name}: {find_scenario(plan, scenario).name}"
    return apply_scenario(plan, scenario), label


def cmd_compare(args: argparse.Namespace) -> int:
    catalog = _load_catalog(args.catalog)
    sides = []
    for text in args.plans:
        plan, label = _plan_and_scenario(text, catalog)
        sides.append(Compared(label, plan, compute(plan, catalog).summary()))
    c = compare(sides)
    if args.json:
        print(json.dumps(comparison_to_json(c), indent=2))
    else:
        print_comparison(c)
    return 0


def _key_values(flag: str, items: list[str] | None) -> dict[str, str]:
    out = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise UsageError(f"{flag}: '{item}' is not KEY=VALUE")
        out[key.strip()] = value.strip()
    return out


def _month_option(text: str | None) -> Any:
    """--month YYYY-MM as the first of its month (None when not given)."""
    from datetime import date

    if not text:
        return None
    if not re.fullmatch(r"\d{4}-\d{2}", text) or not 1 <= int(text[5:]) <= 12:
        raise UsageError(f"--month: '{text}' is not a month like 2026-03")
    return date(int(text[:4]), int(text[5:]), 1)


def _read_variance(plan: Plan, catalog: Catalog, files: list[str], fmt: str | None, month_text: str | None,
                   columns: list[str] | None = None, skip_bad: bool = False,
                   maps: list[str] | None = None, hint: bool = True) -> Any:
    """The usage files read and matched to the plan (its saved mapping, with --map on top):
    (the variance of the month, the bad rows skipped); None when the files cannot be imported
    (each problem printed on a line of its own, and with `hint` how to import the good rows:
    the caller exits 1)."""
    from planner.domain.actuals import UsageMapping, variance
    from planner.io.usage import load_usage

    month = _month_option(month_text)
    loaded = load_usage([Path(f) for f in files], catalog, fmt, _key_values("--column", columns), skip_bad)
    for problem in loaded.problems:
        print(f"{PROG}: {'error' if loaded.fatal else 'skipped'}: {problem}", file=sys.stderr)
    if loaded.fatal:
        if hint and not skip_bad and loaded.problems:
            print(f"{PROG}: nothing imported; --skip-bad-rows imports the good rows of a file", file=sys.stderr)
        return None
    mapping = UsageMapping(keys={**plan.actuals_mapping, **_key_values("--map", maps)})
    return variance(plan, catalog, loaded.records, mapping, month), loaded.skipped


def cmd_actuals(args: argparse.Namespace) -> int:
    """Plan versus actual: usage files matched to the plan's lines, the variance of a month
    split into volume, mix, price and lever effects; --recalibrate writes the plan set from it."""
    from planner.domain.actuals import recalibrate

    catalog = _load_catalog(args.catalog)
    plan = open_plan(_plan_path(args.plan))
    read = _read_variance(plan, catalog, args.usage, args.format, args.month, args.column, args.skip_bad_rows,
                          args.map)
    if read is None:
        return 1
    v, skipped = read
    data = _actuals_json(plan, v, skipped)
    if args.json:
        _print_json(data)
    else:
        _print_actuals(data)
    if args.recalibrate:
        from planner.io.plan_files import save_plan

        save_plan(recalibrate(plan, v), catalog, Path(args.recalibrate))
        print(f"recalibrated plan written to {args.recalibrate}", file=sys.stderr)
    return 0


def _actuals_json(plan: Plan, v: Any, skipped: int) -> dict[str, Any]:
    """The variance as JSON: amounts are decimal strings in the plan's currency, as shown."""
    from planner.domain.actuals import actual_mix, planned_mix
    from planner.domain.currency import quantum
    from planner.domain.money import money

    rows, total = v.shown()
    q = quantum(v.currency)

    def row(r: Any) -> dict[str, Any]:
        return {"planned_monthly": str(r.planned), "actual_monthly": str(r.actual),
                "variance_monthly": str(r.variance),
                "variance_pct": _opt_str(None if r.variance_fraction is None else money(r.variance_fraction * 100)),
                "split": {k: str(getattr(r.split, k)) for k in ("volume", "mix", "price", "lever")}}

    def mix(m: Any) -> dict[str, str | None]:
        return {k: _opt_str(getattr(m, k)) for k in ("input_tokens", "output_tokens", "cache_hit_rate", "batch_share")}

    def counts(u: Any) -> dict[str, str]:
        return {"requests": str(u.requests), "input_tokens": str(u.input_tokens),
                "cached_input_tokens": str(u.cached_tokens), "output_tokens": str(u.output_tokens)}

    lines = [{"name": lv.name, **row(r), **counts(lv.actual), "planned_requests": str(lv.planned_requests),
              "per_request": {"planned": mix(planned_mix(ln)), "actual": mix(actual_mix(lv.actual))}}
             for lv, r, ln in zip(v.lines, rows, plan.lines, strict=False)]
    used = [lv.actual for lv in v.lines] + [u.usage for u in v.unmatched]
    return {
        "plan": plan.name, "month": f"{v.month:%Y-%m}", "currency": v.currency, **row(total),
        "requests": str(sum((u.requests for u in used), Decimal(0))),
        "input_tokens": str(sum((u.input_tokens for u in used), Decimal(0))),
        "output_tokens": str(sum((u.output_tokens for u in used), Decimal(0))),
        "lines": lines,
        "unmatched": [{"key": u.key, "model": u.model_id, "reason": u.reason, "cost": str(money(u.usage.cost, q)),
                       **counts(u.usage)} for u in v.unmatched],
        "unmatched_total": row(rows[-1]) if v.unmatched else None,
        "models": [{"model": m.model_id, "planned_monthly": str(money(m.planned, q)),
                    "actual_monthly": str(money(m.usage.cost, q)), "catalog_cost": str(money(m.usage.catalog, q)),
                    "billed_vs_catalog_pct": _opt_str(None if m.price_gap is None else money(m.price_gap * 100)),
                    "flagged": m.flagged} for m in v.models],
        "months": [{"month": f"{m.month:%Y-%m}", "planned": str(m.planned), "actual": str(m.actual),
                    "variance": str(m.actual - m.planned)} for m in v.months],
        "skipped_rows": skipped,
        "notices": list(v.notices),
    }


def _print_actuals(d: dict[str, Any]) -> None:
    cur = d["currency"]

    def m(x: str) -> str:
        return fmt_money(Decimal(x), cur)

    def pct(x: str | None) -> str:
        return "—" if x is None else ("+" if Decimal(x) > 0 else "") + fmt_pct(Decimal(x), 1)

    print(f"{d['plan']}: plan versus actual, {d['month']}  ({cur})")
    headers = ["Line", "Planned", "Actual", "Variance", "%", "Volume", "Mix", "Price", "Levers"]
    def signed(x: str) -> str:
        return _signed(Decimal(x), cur)

    rows = [[r["name"], m(r["planned_monthly"]), m(r["actual_monthly"]), signed(r["variance_monthly"]),
             pct(r["variance_pct"]), *(signed(r["split"][k]) for k in ("volume", "mix", "price", "lever"))]
            for r in [*d["lines"], *([{"name": "(unmatched)", **d["unmatched_total"]}] if d["unmatched"] else [])]]
    rows.append(["Total", m(d["planned_monthly"]), m(d["actual_monthly"]), signed(d["variance_monthly"]),
                 pct(d["variance_pct"]), *(signed(d["split"][k]) for k in ("volume", "mix", "price", "lever"))])
    _print_table(headers, rows, right=set(range(1, len(headers))))
    print()
    headers = ["Line", "Requests (plan)", "Requests", "In/req", "Out/req", "Cache hit", "Batch"]
    rows = []
    for r in d["lines"]:
        p, a = r["per_request"]["planned"], r["per_request"]["actual"]

        def both(k: str, fmt: Any, p=p, a=a) -> str:
            return f"{fmt(p[k])} → {fmt(a[k])}"

        rows.append([r["name"], fmt_int(Decimal(r["planned_requests"])), fmt_int(Decimal(r["requests"])),
                     both("input_tokens", _tokens_text), both("output_tokens", _tokens_text),
                     both("cache_hit_rate", _share_text), both("batch_share", _share_text)])
    _print_table(headers, rows, right=set(range(1, len(headers))))
    print(f"Actual: {fmt_int(Decimal(d['requests']))} requests, {fmt_tokens(Decimal(d['input_tokens']))} input and "
          f"{fmt_tokens(Decimal(d['output_tokens']))} output tokens")
    for u in d["unmatched"]:
        print(f"unmatched: {u['key']} ({u['model']}): {m(u['cost'])}, {fmt_int(Decimal(u['requests']))} requests; {u['reason']}")
    if len(d["months"]) > 1:
        print("By month: " + "; ".join(f"{x['month']} planned {m(x['planned'])}, actual {m(x['actual'])}"
                                       for x in d["months"]))
    if d["skipped_rows"]:
        print(f"note: {d['skipped_rows']} bad row(s) skipped")
    for n in d["notices"]:
        print(f"note: {n}")


def _tokens_text(x: str | None) -> str:
    return "—" if x is None else fmt_int(Decimal(x))


def _share_text(x: str | None) -> str:
    return "—" if x is None else fmt_pct(Decimal(x) * 100, 1)


def comparison_to_json(c: Comparison) -> dict[str, Any]:
    """Amounts as decimal strings in each plan's currency, as each plan shows them."""
    return {
        "plans": [
            {"name": s.label, "currency": s.summary.currency, "baseline_monthly": str(s.summary.baseline),
             "optimized_monthly": str(s.summary.optimized), "optimized_monthly_low": str(s.summary.low),
             "optimized_monthly_high": str(s.summary.high), "next_12_months": str(s.summary.next_12_months),
             "headroom": _opt_str(s.summary.headroom)}
            for s in c.sides
        ],
        "lines": [
            {"name": d.name, "status": d.status,
             "optimized_monthly": [_opt_str(v) for v in d.optimized],
             "baseline_monthly": [_opt_str(v) for v in d.baseline],
             "delta_monthly": str(d.delta),
             "delta_pct": _opt_str(None if d.delta_fraction is None else d.delta_fraction * 100)}
            for d in c.lines
        ],
        "levers": [{"lever": lv.key, "label": lv.label, "savings": [str(v) for v in lv.savings],
                    "delta": str(lv.delta)} for lv in c.levers],
        "delta_monthly": str(c.delta_monthly),
        "delta_pct": _opt_str(None if c.delta_fraction is None else c.delta_fraction * 100),
    }


def print_comparison(c: Comparison) -> None:
    cur = c.sides[0].summary.currency
    labels = [s.label for s in c.sides]
    for i, s in enumerate(c.sides):
        sm = s.summary
        print(f"[{i + 1}] {s.label}: {fmt_money(sm.optimized, sm.currency)}/month (range {fmt_money(sm.low, sm.currency)}"
              f" to {fmt_money(sm.high, sm.currency)}), next 12 months {fmt_money(sm.next_12_months, sm.currency)}")
    print()
    headers = ["Line", *[f"[{i + 1}]" for i in range(len(labels))], "Change", "%"]
    rows = [[d.name, *[fmt_money(v, cur) if v is not None else "—" for v in d.optimized], _signed(d.delta, cur),
             d.status if d.status in ("added", "removed") else fmt_pct((d.delta_fraction or 0) * 100, 1)]
            for d in c.lines]
    rows.append(["Total", *[fmt_money(s.summary.optimized, cur) for s in c.sides], _signed(c.delta_monthly, cur),
                 fmt_pct(c.delta_fraction * 100, 1) if c.delta_fraction is not None else ""])
    _print_table(headers, rows, right=set(range(1, len(headers))))
    moved = [lv for lv in c.levers if lv.delta]
    if moved:
        print()
        print("Savings by lever, change from [1]: " + "; ".join(f"{lv.label} {_signed(lv.delta, cur)}" for lv in moved))


def _signed(x: Decimal, cur: str) -> str:
    return ("+" if x > 0 else "") + fmt_money(x, cur)


def _print_json(obj: Any) -> None:
    """Indented for a person at a terminal; one compact line for a program (the JSON encoder
    is several times faster without indentation: a 10,000-line quote)."""
    print(json.dumps(obj, indent=2 if sys.stdout.isatty() else None, ensure_ascii=False))


def _opt_str(x: Any) -> str | None:
    return None if x is None else str(x)


def result_to_json(plan: Plan, r: PlanResult) -> dict[str, Any]:
    """The quote as JSON: amounts are decimal strings in the plan's currency, as shown."""
    sm = r.summary()
    shares = sm.line_share_pct or (None,) * len(r.lines)
    return {
        "plan": plan.name,
        "owner": plan.owner,
        "cost_centre": plan.cost_centre,
        "revision": plan.revision,
        "currency": r.currency,
        "input_share": _opt_str(input_share(plan.lines)),
        "baseline_monthly": str(sm.baseline),
        "optimized_monthly": str(sm.optimized),
        "optimized_monthly_low": str(sm.low),
        "optimized_monthly_high": str(sm.high),
        "savings_monthly": str(sm.savings),
        "savings_pct": _opt_str(sm.savings_pct),
        "annual_run_rate": str(sm.annual_run_rate),
        "next_12_months": str(sm.next_12_months),
        "cost_per_request": _opt_str(sm.cost_per_request),
        "requests_monthly": str(r.requests),
        "waterfall": [{"lever": s.key, "label": s.label, "saving": str(s.saving)} for s in sm.waterfall_steps],
        "lines": [
            {
                "name": line.name,
                "model": pl.model,
                "requests_monthly": str(line.requests),
                "input_tokens": str(pl.input_tokens),
                "output_tokens": str(pl.output_tokens),
                "baseline_monthly": str(b),
                "optimized_monthly": str(o),
                "share_of_total_pct": _opt_str(share),
                **_line_extras(pl, line),
                "notices": list(line.notices),
            }
            for line, pl, b, o, share in zip(r.lines, plan.lines, sm.line_baseline, sm.line_optimized, shares,
                                             strict=True)
        ],
        "add_ons": [
            {"name": a.name, "group": a.group, "monthly": str(amount), "share_of_total_pct": _opt_str(share)}
            for a, amount, share in zip(r.add_ons, sm.add_on_amounts, sm.add_on_share_pct or (None,) * len(r.add_ons),
                                        strict=True)
        ],
        "add_ons_monthly": str(sm.add_ons_total),
        "forecast": [
            {"month": m.label, "expected": str(m.expected), "low": str(m.low), "high": str(m.high)} for m in sm.forecast
        ],
        "forecast_total": str(sm.forecast_total.expected),
        "budget": None
        if sm.budget is None
        else {
            "monthly_budget": str(sm.budget),
            "headroom": str(sm.headroom),
            "headroom_pct": _opt_str(sm.headroom_pct),
            "requests_affordable": sm.requests_affordable,
            "first_month_over": sm.first_month_over_label,
        },
        **_economics_json(sm),
        "notices": list(r.notices),
    }


def _line_extras(pl: Line, line: Any) -> dict[str, Any]:
    """A multi-turn line as single requests, and its cost per outcome."""
    out: dict[str, Any] = {}
    if pl.turns is not None:
        eq = equivalent(pl)
        out.update(sessions_monthly=str(pl.sessions_per_month), turns=pl.turns,
                   equivalent_requests_monthly=str(eq.requests),
                   equivalent_input_tokens=str(eq.input_tokens.quantize(Decimal("0.01"))),
                   session_input_tokens=str(session_input(pl)))
    if line.outcomes is not None:
        cpo = line.cost_per_outcome
        out.update(outcome=pl.outcome or "outcome", outcomes_monthly=str(line.outcomes),
                   cost_per_outcome=None if cpo is None else str(cpo.quantize(Decimal("0.000001"))))
    return out


def _economics_json(sm: Any) -> dict[str, Any]:
    ue = sm.unit_economics
    if ue is None or ue.revenue is None and ue.users is None:
        return {}
    return {"users_monthly": _opt_str(ue.users), "cost_per_user": _opt_str(ue.cost_per_user),
            "revenue_monthly": _opt_str(ue.revenue), "gross_margin": _opt_str(ue.gross_margin),
            "gross_margin_pct": _opt_str(None if ue.gross_margin_fraction is None else ue.gross_margin_fraction * 100),
            "margin_below_floor_from": None if ue.first_month_below_floor is None
            else sm.forecast[ue.first_month_below_floor].label}


def print_quote(plan: Plan, r: PlanResult) -> None:
    cur = r.currency
    sm = r.summary()
    share = input_share(plan.lines)
    print(f"{plan.name}  ({cur})" + (f"  tokens: {ratio_label(share)}" if share is not None else ""))
    who = [f"owner {plan.owner}" if plan.owner else "", f"cost centre {plan.cost_centre}" if plan.cost_centre else "",
           f"revision {plan.revision}" if plan.revision else ""]
    if any(who):
        print(" · ".join(w for w in who if w))
    headers = ["Line", "Requests/mo", "In tok.", "Out tok.", "Baseline/mo", "Optimized/mo", "Per request", "Share"]
    shares = sm.line_share_pct or (None,) * len(r.lines)
    rows = [
        [
            line.name,
            f"{line.requests:,.0f}",
            fmt_int(pl.input_tokens),
            fmt_int(pl.output_tokens),
            fmt_money(b, cur),
            fmt_money(o, cur),
            fmt_small_money(line.optimized_per_request, cur),
            fmt_pct(pct, 2),
        ]
        for line, pl, b, o, pct in zip(r.lines, plan.lines, sm.line_baseline, sm.line_optimized, shares, strict=True)
    ]
    add_on_shares = sm.add_on_share_pct or (None,) * len(r.add_ons)
    rows += [[add_on_label(a.name), "", "", "", "", fmt_money(amount, cur), "", fmt_pct(pct, 2)]
             for a, amount, pct in zip(r.add_ons, sm.add_on_amounts, add_on_shares, strict=True)]
    rows.append(["Total", f"{r.requests:,.0f}", "", "", fmt_money(sm.baseline, cur), fmt_money(sm.optimized, cur),
                 fmt_small_money(sm.cost_per_request, cur),
                 fmt_pct(sum(shares) + sum(add_on_shares), 2) if sm.line_share_pct else "—"])
    _print_table(headers, rows, right={1, 2, 3, 4, 5, 6, 7})
    print()
    print("Savings waterfall")
    print(f"  Baseline{'':20}{fmt_money(sm.baseline, cur):>16}")
    for s in sm.waterfall_steps:
        print(f"  - {s.label:<26}{fmt_money(s.saving, cur):>16}")
    print(f"  Optimized{'':19}{fmt_money(sm.optimized, cur):>16}")
    print()
    pct = f" ({fmt_pct(sm.savings_pct, 2)})" if sm.savings_pct is not None else ""
    print(f"Monthly: {fmt_money(sm.optimized, cur)} expected (range {fmt_money(sm.low, cur)} to {fmt_money(sm.high, cur)})")
    print(f"Savings: {fmt_money(sm.savings, cur)}/month{pct}")
    print(f"Annual run-rate (12 × this month): {fmt_money(sm.annual_run_rate, cur)}   "
          f"Next 12 months (forecast): {fmt_money(sm.next_12_months, cur)}")
    if sm.forecast:
        print(f"Forecast: {fmt_money(sm.forecast_total.expected, cur)} over {len(sm.forecast)} months")
    if sm.budget is not None:
        head_pct = f" ({fmt_pct(sm.headroom_pct, 2)})" if sm.headroom_pct is not None else ""
        print(f"Budget: {fmt_money(sm.budget, cur)}/month, headroom {fmt_money(sm.headroom, cur)}{head_pct}"
              + (f", buys {sm.requests_affordable:,} requests/month" if sm.requests_affordable is not None else ""))
        if sm.first_month_over_label is not None:
            print(f"Over budget from {sm.first_month_over_label}")
    for line, pl in zip(r.lines, plan.lines, strict=True):
        if pl.turns is not None:
            eq = equivalent(pl)
            print(f"{pl.name}: {fmt_int(pl.sessions_per_month)} sessions x {pl.turns} turns = {fmt_int(eq.requests)} "
                  f"requests, {fmt_int(eq.input_tokens)} input tokens each on average "
                  f"({fmt_int(session_input(pl))} a session)")
        if line.cost_per_outcome is not None:
            print(f"{pl.name}: {fmt_small_money(line.cost_per_outcome, cur)} per {pl.outcome or 'outcome'} "
                  f"({fmt_int(line.outcomes)} a month)")
    ue = sm.unit_economics
    if ue is not None and ue.revenue is not None:
        pct = f" ({fmt_pct(ue.gross_margin_fraction * 100, 2)})" if ue.gross_margin_fraction is not None else ""
        print(f"Revenue {fmt_money(ue.revenue, cur)}/month, gross margin {fmt_money(ue.gross_margin, cur)}{pct}"
              + (f", cost per user {fmt_small_money(ue.cost_per_user, cur)}" if ue.cost_per_user is not None else ""))
        if ue.first_month_below_floor is not None:
            print(f"Margin below the floor from {sm.forecast[ue.first_month_below_floor].label}")
    for n in r.notices:
        print(f"note: {n}")


# ---------------------------------------------------------------------------------------


def cmd_import(args: argparse.Namespace) -> int:
    """Read an external catalog and add or update prices in the user's overlay."""
    from planner import paths
    from planner.io.catalog_files import load_effective
    from planner.io.import_job import ImportJob

    path = Path(args.file)
    overlay_path = paths.user_overlay()
    loaded = load_effective(overlay_path=overlay_path)
    for w in loaded.warnings:
        print(f"{PROG}: warning: {w}", file=sys.stderr)
    if any("not applied" in w for w in loaded.warnings):
        raise InputError(f"{overlay_path}: your catalog edits file could not be read; fix or move it before importing")
    if args.format == "scores":
        return _import_scores(path, overlay_path, loaded, args.dry_run)
    job = ImportJob(loaded.catalog, loaded.overlay, all_modes=args.all_modes)
    preview = job.prepare_file(args.format, path)
    _print_import_preview(preview, path, args)
    if args.dry_run:
        return 0
    try:
        saved = job.apply(preview, preview.default_selection(), overlay_path)
    except OSError as e:
        raise InputError(f"{overlay_path}: could not save the import ({e.strerror or e}); your catalog edits are unchanged") from None
    for note in saved.notes:
        print(f"{PROG}: warning: {note}", file=sys.stderr)
    return 0


def _import_scores(path: Path, overlay_path: Path, loaded: Any, dry_run: bool) -> int:
    """Quality scores from a CSV (your own metric, an internal eval) into your catalog edits."""
    from datetime import date

    from planner.io.catalog_files import update_overlay
    from planner.io.scores import apply_scores, preview_lines, preview_scores, read_scores

    today = date.today()
    read = read_scores(path, loaded.catalog, today=today)
    for e in read.errors:
        print(f"{PROG}: {e}", file=sys.stderr)
    changes = preview_scores(loaded.catalog, read.rows)
    print(f"{path}: {len(read.rows) + len(read.errors):,} rows read, {len(read.errors):,} with errors")
    print("\n".join(preview_lines(changes, loaded.catalog)))
    if not dry_run:
        new = apply_scores(loaded.overlay, loaded.catalog, changes, today=today)
        ids = {c.row.model.id for c in changes if c.action != "skipped"}
        try:
            update_overlay(overlay_path, {i: new.entry(i) for i in ids})
        except OSError as e:
            raise InputError(f"{overlay_path}: could not save the scores ({e.strerror or e}); your catalog edits are "
                             "unchanged") from None
    return 1 if read.errors else 0


def _print_import_preview(preview: Any, path: Path, args: argparse.Namespace) -> None:
    """What an import reads, would change, and leaves out (the most common reasons first)."""
    from collections import Counter

    result, plan = preview.result, preview.plan
    verb = "would be" if args.dry_run else "were"
    print(f"{path}: {len(result.models):,} models read, {len(plan.skipped):,} entries skipped")
    print(f"  {len(plan.added):,} {verb} added, {len(plan.changed):,} changed, {len(plan.unchanged):,} unchanged")
    if plan.conflicts:
        print(f"  {len(plan.conflicts):,} conflict(s) with prices you edited were left as you set them:")
        for model_id, changes in list(plan.conflicts.items())[:5]:
            detail = "; ".join(f"{c.field} yours {c.old} / import {c.new}" for c in changes)
            print(f"    {model_id}: {detail}")
    if plan.skipped:
        by_reason = Counter(sk.reason for sk in plan.skipped)
        common = [(r, n) for r, n in by_reason.most_common() if n > 1][:5]
        if common:
            print("  skipped, most common reasons:")
            for reason, n in common:
                print(f"    {n:>5,} x {reason}")
        singles = [sk for sk in plan.skipped if by_reason[sk.reason] == 1]
        for sk in singles[: args.show_skipped]:
            print(f"  skipped {sk.id}: {sk.reason}")
        if len(singles) > args.show_skipped:
            print(f"  ... and {len(singles) - args.show_skipped:,} more skipped for other reasons")
    if preview.format.has_modes and not args.all_modes and any("not a chat model" in sk.reason for sk in plan.skipped):
        print("  (--all-modes imports embedding, image, audio and other models too)")


def _plan_path(text: str) -> Path:
    """A plan file, or a shipped example by name ('small-saas')."""
    from planner import paths

    p = Path(text)
    if p.exists():
        return p
    for candidate in (p.with_name(p.name + ".costplan"), paths.examples_dir() / f"{text}.costplan"):
        if candidate.exists():
            return candidate
    raise InputError(f"{text}: file not found")


def cmd_export(args: argparse.Namespace) -> int:
    """Write the plan as CSV, XLSX and/or the PDF budget (the same files the app writes)."""
    import os

    from planner.io.export_job import ExportTargets, run_export
    from planner.io.file_names import safe_file_name

    catalog = _load_catalog(args.catalog)
    path = _plan_path(args.plan)
    plan = _open_with_models(path, catalog)
    result = compute(plan, catalog)
    stem = path.name.removesuffix(".costplan").removesuffix(".json")

    def target(value: str | None, suffix: str) -> Path | None:
        if value is None:
            return None
        return Path(value) if value else Path.cwd() / safe_file_name(stem, suffix)

    targets = ExportTargets(target(args.csv, ".csv"), target(args.xlsx, ".xlsx"),
                            target(args.pdf, ".pdf"), args.page_size,
                            by_month_csv=target(args.by_month_csv, "-by-month.csv"),
                            long_csv=target(args.long_csv, "-long.csv"))
    if not targets.paths():
        raise UsageError("say what to write: --csv, --xlsx and/or --pdf (and --by-month-csv, --long-csv), "
                         "each optionally with a file name")
    v = None
    if args.actuals:
        read = _read_variance(plan, catalog, args.actuals, args.usage_format, args.month, hint=False)
        if read is None:
            return 1
        v = read[0]
    elif args.usage_format or args.month:
        raise UsageError(f"{'--usage-format' if args.usage_format else '--month'} goes with --actuals USAGE_FILE")
    charts = variance_charts = None
    if targets.pdf:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        if not args.no_charts:
            from planner.ui.export_actions import chart_source, variance_chart_source

            charts = chart_source(plan, result, catalog)
            variance_charts = variance_chart_source(v) if v is not None else None
    try:
        written = run_export(plan, catalog, targets, result=result, charts=charts, variance=v,
                             variance_charts=variance_charts)
    except OSError as e:
        raise InputError(f"{e.filename or ''}: could not write ({e.strerror or e})") from None
    sm = result.summary()
    print(f"{plan.name}: {fmt_money(sm.optimized, sm.currency)}/month expected, {len(plan.lines)} line(s)")
    for w in written:
        print(f"  wrote {w}")
    return 0


def cmd_screenshot(args: argparse.Namespace) -> int:
    try:
        w, h = (int(v) for v in args.size.lower().split("x"))
    except ValueError:
        raise UsageError(f"--size: '{args.size}' is not like 1400x900") from None
    if not (200 <= w <= 8000 and 200 <= h <= 8000):
        raise UsageError(f"--size: {args.size} is outside 200x200 .. 8000x8000")
    from planner.ui.screenshot import screenshot

    compare = [c.strip() for c in args.compare.split(",")] if args.compare else None
    out = screenshot(Path(args.out), args.tab, (w, h), Path(args.plan) if args.plan else None, compare, args.select)
    print(out)
    return 0


class _Parser(argparse.ArgumentParser):
    """Bad arguments give one line (and exit code 2), like every other bad input."""

    def error(self, message: str):  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _positive_int(flag: str):
    def parse(text: str) -> int:
        try:
            v = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
        if v < 1:
            raise argparse.ArgumentTypeError(f"{text} must be 1 or more")
        return v

    parse.__name__ = flag
    return parse


def _finite_float(flag: str):
    def parse(text: str) -> float:
        try:
            v = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
        if not math.isfinite(v) or v < 0:
            raise argparse.ArgumentTypeError(f"{text} must be a finite number, 0 or more")
        return v

    parse.__name__ = flag
    return parse


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog=PROG, description="Plan what LLM API usage will cost per month.")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    p.add_argument("--locale", metavar="NAME",
                   help="number format of amounts in text output, e.g. de_DE (default: the system's; JSON is unchanged)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    c = sub.add_parser("compare", help="plans or scenarios side by side: totals, every line, every lever")
    c.add_argument("plans", nargs="+", metavar="PLAN[:SCENARIO]",
                   help="plan files or example names, each with an optional ':scenario' (the first is the reference)")
    c.add_argument("--catalog", metavar="F")
    c.add_argument("--json", action="store_true", help="print JSON")
    c.set_defaults(func=cmd_compare)

    from planner.io.usage import FORMATS as USAGE_FORMATS

    a = sub.add_parser("actuals", help="plan versus actual: usage files against the plan, the variance and its causes")
    a.add_argument("plan", help="a plan file, or the name of a shipped example")
    a.add_argument("usage", nargs="+", metavar="USAGE_FILE",
                   help="usage files: OpenAI usage or costs pages, LiteLLM daily activity or spend log, FOCUS CSV, CSV")
    a.add_argument("--format", choices=USAGE_FORMATS, help="the files' format (default: told from each file)")
    a.add_argument("--month", metavar="YYYY-MM", help="the month to compare (default: the latest in the usage)")
    a.add_argument("--map", action="append", metavar="KEY=LINE",
                   help="usage with this tag, project or model belongs to this line (repeatable)")
    a.add_argument("--column", action="append", metavar="FIELD=HEADER",
                   help="csv format: the column holding a field (date, model, requests, input_tokens, "
                        "cached_tokens, output_tokens, cost, currency, tag, batch); repeatable")
    a.add_argument("--skip-bad-rows", action="store_true", help="import the good rows of a file with bad ones")
    a.add_argument("--recalibrate", metavar="OUT", help="write the plan with volumes, tokens, cache hit rates and "
                   "batch shares set from the month's actuals, the forecast starting from it")
    a.add_argument("--catalog", metavar="F")
    a.add_argument("--json", action="store_true", help="print JSON")
    a.set_defaults(func=cmd_actuals)

    m = sub.add_parser("models", help="rank the price catalog")
    m.add_argument("--catalog", metavar="F", help="a catalog file (default: shipped catalog + your edits)")
    m.add_argument("--sort", choices=[k.value for k in SortKey],
                   help="default: value, or workload with --plan (workload needs --plan)")
    m.add_argument("--min-quality", type=_finite_float("--min-quality"), metavar="N", help="quality floor: models under it are left out")
    m.add_argument("--quality-metric", metavar="NAME", help=f"one of {', '.join(QUALITY_METRICS)}")
    m.add_argument("--ratio", default="3:1", metavar="R:1", help="input:output blend ratio (default 3:1)")
    m.add_argument("--format", default="table", choices=["table", "csv", "json"])
    m.add_argument("--limit", type=_positive_int("--limit"), metavar="N", help="show the first N only")
    m.add_argument("--include-free", action="store_true",
                   help="also rank models with no price (free or unpriced entries are left out by default)")
    m.add_argument("--plan", metavar="PLAN", help="a plan file (or a shipped example's name): rank by what its "
                   "workload (each line's requests and tokens, no levers) would cost per month on each model")
    m.set_defaults(func=cmd_models)

    q = sub.add_parser("quote", help="monthly cost of a plan file, or of one workload given by flags")
    q.add_argument("plan", nargs="?", help="a plan file (.costplan / .json)")
    q.add_argument("--catalog", metavar="F")
    q.add_argument("--model", metavar="ID")
    q.add_argument("--price-in", metavar="X", help="$ per 1M input tokens")
    q.add_argument("--price-out", metavar="Y", help="$ per 1M output tokens")
    q.add_argument("--price-cache-read", metavar="X")
    q.add_argument("--price-cache-write", metavar="X")
    q.add_argument("--requests", metavar="N", help="requests per month")
    q.add_argument("--input-tokens", metavar="I", help="input tokens per request")
    q.add_argument("--output-tokens", metavar="O", help="output tokens per request")
    q.add_argument("--cached-prefix", metavar="P", help="cacheable prefix tokens per request")
    q.add_argument("--cache-hit-rate", metavar="H", help="prompt-cache hit rate, 0..1")
    q.add_argument("--batch-share", metavar="B", help="share of requests sent as batch, 0..1")
    q.add_argument("--response-cache-hit-rate", metavar="A", help="exact-match response cache, 0..1")
    q.add_argument("--semantic-cache-hit-rate", metavar="S", help="semantic cache, 0..1")
    q.add_argument("--reasoning-tokens", metavar="N",
                   help="reasoning tokens per request (default: the model's estimate, if it has one)")
    q.add_argument("--cache-ttl", choices=["5m", "1h"], help="prompt-cache lifetime (1h: the 1-hour write price)")
    q.add_argument("--service-tier", choices=["standard", "flex", "priority"], help="service tier of the requests")
    q.add_argument("--off-peak-share", metavar="F", help="share of requests sent in the model's off-peak hours, 0..1")
    q.add_argument("--long-share", metavar="F", help="share of requests that are long, 0..1 (with --long-input-tokens)")
    q.add_argument("--long-input-tokens", metavar="N", help="input tokens of a long request")
    q.add_argument("--turns", metavar="T",
                   help="a multi-turn session of T turns: --requests are sessions a month, the token flags per turn")
    q.add_argument("--system-tokens", metavar="P", help="system prompt tokens every turn sends (with --turns)")
    q.add_argument("--added-tokens", metavar="N", help="tool or retrieved tokens each turn adds to the history")
    q.add_argument("--context-cap", metavar="N", help="the history a turn re-sends is cut to N tokens")
    q.add_argument("--success-rate", metavar="F", help="share of requests (sessions) that produce the outcome, 0..1")
    q.add_argument("--search-calls", metavar="N", help="web-search calls per request")
    q.add_argument("--images", metavar="N", help="input images per request")
    q.add_argument("--retry-overhead", metavar="F", help="extra requests from retries and failures, 0..1")
    q.add_argument("--platform-fee", metavar="F", help="a fee on everything spent (e.g. a credit fee), 0..1")
    q.add_argument("--add-on", action="append", metavar="NAME=AMOUNT",
                   help="a fixed monthly cost outside the token prices (repeatable), e.g. 'Vector store=70'")
    q.add_argument("--scenario", metavar="NAME", help="quote one of the plan's scenarios instead of its base")
    q.add_argument("--input-share", metavar="S",
                   help="move every line's tokens so the plan's input share is S (0..1), as the slider does")
    q.add_argument("--json", action="store_true", help="print JSON")
    q.add_argument("--by-month", action="store_true",
                   help="with --json: the budget by line, group and month with totals (\"by_month\")")
    q.add_argument("--by-group", action="store_true",
                   help="each group's lines, requests, baseline, range, savings and savings waterfall "
                        "(the sums of its lines' shown amounts; \"by_group\" with --json)")
    q.set_defaults(func=cmd_quote)

    from planner.io.import_formats import IMPORT_FORMATS

    titles = ", ".join(f.title for f in IMPORT_FORMATS.values())
    im = sub.add_parser("import", help=f"bring prices in from {titles} files")
    im.add_argument("format", choices=[*IMPORT_FORMATS, "scores"],
                    help="a price list, or 'scores': a CSV of quality scores (model, metric, score, source, date)")
    im.add_argument("file", help="the catalog file (" + ", ".join(f.file_hint for f in IMPORT_FORMATS.values())
                    + "), or the scores CSV")
    im.add_argument("--all-modes", action="store_true", help="LiteLLM: also embedding, image, audio... models")
    im.add_argument("--dry-run", action="store_true", help="show what would change, change nothing")
    im.add_argument("--show-skipped", type=int, default=5, metavar="N", help="skipped entries to list (default 5)")
    im.set_defaults(func=cmd_import)

    ex = sub.add_parser("export", help="write a plan as CSV, XLSX and/or the PDF budget")
    ex.add_argument("plan", help="a plan file, or the name of a shipped example (small-saas, ...)")
    ex.add_argument("--csv", nargs="?", const="", metavar="F", help="CSV file (default: PLAN.csv here)")
    ex.add_argument("--by-month-csv", nargs="?", const="", metavar="F",
                    help="the budget by line and month, group subtotals, fiscal years (default: PLAN-by-month.csv)")
    ex.add_argument("--long-csv", nargs="?", const="", metavar="F",
                    help="one figure a row for BI tools, base and every scenario (default: PLAN-long.csv)")
    ex.add_argument("--xlsx", nargs="?", const="", metavar="F", help="Excel file (default: PLAN.xlsx here)")
    ex.add_argument("--pdf", nargs="?", const="", metavar="F", help="PDF budget (default: PLAN.pdf here)")
    ex.add_argument("--page-size", default="A4", choices=["A4", "Letter"])
    ex.add_argument("--no-charts", action="store_true", help="leave the charts out of the PDF")
    ex.add_argument("--actuals", nargs="+", metavar="USAGE_FILE",
                    help="usage files (as `actuals` reads them, with the plan's saved mapping): the PDF gets a plan "
                         "versus actual section and the XLSX a Variance sheet")
    ex.add_argument("--usage-format", choices=USAGE_FORMATS, help="the usage files' format (default: told from each)")
    ex.add_argument("--month", metavar="YYYY-MM", help="with --actuals: the month (default: the latest in the usage)")
    ex.add_argument("--catalog", metavar="F")
    ex.set_defaults(func=cmd_export)

    s = sub.add_parser("screenshot", help="render the main window offscreen to a PNG")
    s.add_argument("--tab", default="models", choices=["models", "workload", "charts"])
    s.add_argument("--out", required=True, metavar="FILE.png")
    s.add_argument("--plan", metavar="F", help="a plan file to open first")
    s.add_argument("--size", default="1400x900", metavar="WxH")
    s.add_argument("--compare", metavar="ID,ID", help="models to show side by side (Models tab)")
    s.add_argument("--select", metavar="ID", help="a model to select (Models tab)")
    s.set_defaults(func=cmd_screenshot)
    return p


def run(argv: list[str]) -> int:
    """Parse and run one command; with options only and no command, open the window."""
    args = build_parser().parse_args(argv)
    if args.locale:
        from planner.formatting import set_display_locale

        try:
            set_display_locale(args.locale)
        except ValueError as e:
            print(f"{PROG}: error: --locale: {e}", file=sys.stderr)
            return 2
    if not getattr(args, "command", None):
        from planner.ui.app import run as run_window

        return run_window([PROG])
    try:
        return args.func(args)
    except InputError as e:
        print(f"{PROG}: error: {e}", file=sys.stderr)
        return 2 if isinstance(e, UsageError) else 1
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))

"""`cost-planner quote PLAN --by-group`: each group's lines, requests, range and waterfall."""

from __future__ import annotations

import json
from decimal import Decimal as D

from planner.cli import main
from planner.domain.costing import compute
from planner.io.catalog_files import load_effective
from planner.io.plan_files import open_plan, plan_json
from tests.conftest import REPO

SUITE = REPO / "data" / "examples" / "product-suite.costplan"


def two_group_suite(tmp_path):
    """The product suite with its first three lines in Customer and the others in Internal."""
    plan = open_plan(SUITE)
    lines = [ln.model_copy(update={"group": "Customer" if i < 3 else "Internal"}) for i, ln in enumerate(plan.lines)]
    plan = plan.model_copy(update={"lines": lines})
    path = tmp_path / "suite.costplan"
    path.write_text(plan_json(plan), encoding="utf-8")
    return plan, path


def test_by_group_json_is_the_domains_group_figures(tmp_path, capsys):
    plan, path = two_group_suite(tmp_path)
    assert main(["quote", str(path), "--by-group", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    r = compute(open_plan(path), load_effective().catalog)
    groups = r.by_group([ln.group for ln in plan.lines])
    assert [g["group"] for g in out["by_group"]] == ["Customer", "Internal"]
    for got, g in zip(out["by_group"], groups, strict=True):
        assert got["lines"] == [plan.lines[i].name for i in g.lines]
        assert (D(got["baseline_monthly"]), D(got["optimized_monthly_low"]), D(got["optimized_monthly"]),
                D(got["optimized_monthly_high"]), D(got["savings_monthly"]), D(got["requests_monthly"])) == (
            g.baseline, g.low, g.optimized, g.high, g.savings, g.requests)
        steps = [D(s["saving"]) for s in got["waterfall"]]
        assert steps == [s.saving for s in g.waterfall_steps]
        assert sum(steps) == D(got["baseline_monthly"]) - D(got["optimized_monthly"])
    # the groups add up to the plan's own figures
    for key in ("baseline_monthly", "optimized_monthly", "optimized_monthly_low", "optimized_monthly_high"):
        assert sum(D(g[key]) for g in out["by_group"]) == D(out[key])


def test_by_group_text_lists_each_groups_lines_and_waterfall(tmp_path, capsys):
    plan, path = two_group_suite(tmp_path)
    assert main(["quote", str(path), "--by-group"]) == 0
    out = capsys.readouterr().out
    r = compute(open_plan(path), load_effective().catalog)
    customer = r.by_group([ln.group for ln in plan.lines])[0]
    block = out[out.index("Group Customer: 3 line(s)"):out.index("Group Internal")]
    assert plan.lines[0].name in block and plan.lines[3].name not in block
    assert f"${customer.baseline:,.2f}" in block and f"${customer.optimized:,.2f}" in block
    assert "Prompt caching" in block

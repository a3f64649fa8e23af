"""Scenarios on a plan's base, ready-made actions, and the comparison of plans."""

from __future__ import annotations

from decimal import Decimal

import pytest
from domain_helpers import FLASH, SONNET, STANDARD_CATALOG, line, plan

from planner.domain.comparison import Compared, compare
from planner.domain.costing import compute
from planner.domain.errors import InputError
from planner.domain.plan import Plan, Scenario, parse_plan
from planner.domain.scenarios import (
    add_scenario,
    apply_scenario,
    batch_everything,
    overridden,
    prompt_caching_on,
    scale_volume,
    with_override,
    without_override,
)

D = Decimal


def suite() -> Plan:
    # Chat on Sonnet: 10,000 x (500 x 3 + 1,000 x 15) / 1e6 = $165.00
    # Tags on Flash ($0.10 / $0.40): 20,000 x (300 x 0.10 + 50 x 0.40) / 1e6 = $1.00
    p = plan(line(SONNET.id, 10_000, 500, 1000, name="Chat"), line(FLASH.id, 20_000, 300, 50, name="Tags"))
    p = add_scenario(p, "Flash everywhere")
    return with_override(p, "Flash everywhere", "Chat", "model", FLASH.id)


def test_a_scenario_overrides_only_what_it_names():
    p = suite()
    flash = apply_scenario(p, "Flash everywhere")
    # Chat on Flash: 10,000 x (500 x 0.10 + 1,000 x 0.40) / 1e6 = $4.50; Tags unchanged $1.00
    sm = compute(flash, STANDARD_CATALOG).summary()
    assert sm.line_optimized == (D("4.50"), D("1.00")) and sm.optimized == D("5.50")
    assert compute(p, STANDARD_CATALOG).summary().optimized == D("166.00")  # the base is untouched
    assert overridden(p, "Flash everywhere", "Chat", "model")
    assert not overridden(p, "Flash everywhere", "Chat", "requests")


def test_an_edit_to_the_base_flows_into_the_scenario():
    p = suite()
    doubled = p.model_copy(update={"lines": [p.lines[0].model_copy(update={"requests": D(20_000)}), p.lines[1]]})
    sm = compute(apply_scenario(doubled, "Flash everywhere"), STANDARD_CATALOG).summary()
    assert sm.line_optimized[0] == D("9.00")  # 20,000 x 450e-6: the base's new volume, the scenario's model


def test_resetting_an_override_follows_the_base_again():
    p = without_override(suite(), "Flash everywhere", "Chat", "model")
    assert apply_scenario(p, "Flash everywhere").lines == p.lines
    # an override equal to the base's value is no override
    same = with_override(suite(), "Flash everywhere", "Tags", "requests", "20000")
    assert "Tags" not in same.scenarios[0].lines


def test_scenario_actions():
    p = suite()
    assert scale_volume(p, D(2)) == {"Chat": {"requests": "20000"}, "Tags": {"requests": "40000"}}
    assert batch_everything(p) == {"Chat": {"batch_share": "1"}, "Tags": {"batch_share": "1"}}


def test_compare_lines_levers_and_total():
    p = suite()
    base = Compared("Base", p, compute(p, STANDARD_CATALOG).summary())
    flash_plan = apply_scenario(p, "Flash everywhere")
    flash = Compared("Flash", flash_plan, compute(flash_plan, STANDARD_CATALOG).summary())
    c = compare([base, flash])
    assert c.delta_monthly == D("5.50") - D("166.00")
    chat, tags = c.lines  # the biggest mover first
    assert (chat.name, chat.optimized, chat.delta, chat.status) == ("Chat", (D("165.00"), D("4.50")), D("-160.50"),
                                                                    "changed")
    assert chat.delta_fraction == D("-0.9727")  # -160.50 / 165.00
    assert (tags.status, tags.delta) == ("same", D(0))
    assert sum(d.delta for d in c.lines) == c.delta_monthly


def test_lines_in_one_plan_only_are_added_or_removed():
    a = plan(line(SONNET.id, 10_000, 500, 1000, name="Chat"))
    b = plan(line(FLASH.id, 20_000, 300, 50, name="Tags"))
    c = compare([Compared("A", a, compute(a, STANDARD_CATALOG).summary()),
                 Compared("B", b, compute(b, STANDARD_CATALOG).summary())])
    assert {d.name: d.status for d in c.lines} == {"Chat": "removed", "Tags": "added"}
    assert c.delta_monthly == D("1.00") - D("165.00")


def test_bad_scenarios_are_refused_naming_the_scenario():
    raw = {"schema_version": 2, "name": "P", "lines": [
        {"name": "Chat", "requests": "1", "input_tokens": "1", "output_tokens": "1", "model": SONNET.id}],
        "scenarios": [{"name": "S", "lines": {"Nope": {"requests": "2"}}}]}
    with pytest.raises(InputError, match="scenario 'S' changes line 'Nope', but the plan has no line of that name"):
        parse_plan(raw, "p.costplan")
    raw["scenarios"] = [{"name": "S", "lines": {"Chat": {"colour": "red"}}}]
    with pytest.raises(InputError, match="'colour' is not a line field"):
        parse_plan(raw, "p.costplan")
    raw["scenarios"] = [{"name": "S", "lines": {"Chat": {"requests": "-5"}}}]
    p = parse_plan(raw, "p.costplan")
    with pytest.raises(InputError, match="scenario 'S': line 'Chat'.*requests"):
        apply_scenario(p, "S")
    with pytest.raises(InputError, match="has no scenario 'T' \\(scenarios: S\\)"):
        apply_scenario(p, "T")


def test_a_plan_without_scenarios_reads_as_before():
    p = parse_plan({"schema_version": 1, "name": "Old", "lines": []}, "old.costplan")
    assert p.scenarios == [] and isinstance(Scenario(name="x"), Scenario)


def test_prompt_caching_on_where_the_model_has_a_cache_read_price():
    p = suite()  # Chat on Sonnet (cache read $0.30), Tags on Flash
    changes = prompt_caching_on(p, lambda model_id: model_id == SONNET.id)
    # half of Chat's 500 input tokens, read 80% of the time
    assert changes == {"Chat": {"prompt_cache": {"prefix_tokens": "250", "hit_rate": "0.8", "ttl": "5m"}}}

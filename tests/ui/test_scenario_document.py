"""Scenarios in the document: edits in a scenario are overrides, the base shows through, undo covers it.

Hand-figured amounts (acme/big in $3 / out $15, acme/small in $0.10 / out $0.40 per 1M tokens;
no lever on): 10,000 requests × (500 in, 1,000 out) on big = 10,000 × 0.0165 = $165.00 a
month; on small 10,000 × 0.00045 = $4.50; 20,000 requests on big = $330.00."""
# ruff: noqa: F811  (pytest fixtures imported from workload_helpers are redefined as arguments)

from __future__ import annotations

from decimal import Decimal

import pytest

from planner.domain.errors import InputError
from planner.ui.plan_document import PlanDocument
from tests.ui.workload_helpers import SMALL, line, make_doc, session  # noqa: F401  (fixtures)

D = Decimal


def total(doc: PlanDocument) -> Decimal:
    return doc.result.summary().optimized


@pytest.fixture
def two(make_doc) -> PlanDocument:
    d = make_doc(line("Chat"), line("Search", requests=20_000))
    d.add_scenario("Cheap")
    return d


def test_an_edit_in_a_scenario_is_an_override_and_leaves_the_base_alone(two):
    assert two.scenario == "Cheap"
    two.set_line_fields(0, "Switch", model=SMALL)
    assert two.plan.lines[0].model == SMALL
    assert two.overrides(0) == {"model"}
    assert two.stored_plan.lines[0].model == "acme/big"
    assert total(two) == D("4.50") + D("330.00")
    two.activate(None)
    assert two.plan.lines[0].model == "acme/big"
    assert total(two) == D("165.00") + D("330.00")


def test_a_base_edit_shows_in_every_scenario_that_does_not_override_the_field(two):
    two.set_line_fields(0, "Switch", model=SMALL)  # Cheap overrides Chat's model
    two.activate(None)
    two.set_line_fields(0, "More", requests=D(20_000))
    two.set_line_fields(0, "Other model", model="acme/mid")
    two.activate("Cheap")
    assert two.plan.lines[0].requests == 20_000  # follows the base
    assert two.plan.lines[0].model == SMALL  # its own override wins
    assert total(two) == D("9.00") + D("330.00")


def test_undo_removes_the_override_and_redo_brings_it_back(two):
    two.set_line_fields(1, "Fewer", requests=D(10_000))
    assert total(two) == D("165.00") + D("165.00")
    two.activate(None)
    two.undo_stack.undo()
    assert two.scenario == "Cheap"  # undo shows where the edit was made
    assert two.overrides(1) == frozenset()
    assert total(two) == D("495.00")
    two.undo_stack.redo()
    assert total(two) == D("330.00")


def test_reset_to_base_drops_the_override_as_one_undo_step(two):
    two.set_line_fields(0, "Switch", model=SMALL)
    two.reset_to_base(0, ["model"])
    assert two.plan.lines[0].model == "acme/big"
    assert total(two) == D("495.00")
    two.undo_stack.undo()
    assert two.plan.lines[0].model == SMALL


def test_a_value_equal_to_the_base_is_no_override(two):
    two.set_line_fields(0, "Switch", model=SMALL)
    two.set_line_fields(0, "Back", model="acme/big")
    assert two.overrides(0) == frozenset()


def test_renaming_or_removing_a_line_keeps_the_scenarios_in_step(two):
    two.set_line_fields(0, "Switch", model=SMALL)
    two.set_line_fields(0, "Rename", name="Chatbot")
    assert two.stored_plan.lines[0].name == "Chatbot"
    assert set(two.stored_plan.scenarios[0].lines) == {"Chatbot"}
    two.remove_lines([0], "Delete")
    assert two.stored_plan.scenarios[0].lines == {}
    assert total(two) == D("330.00")
    two.undo_stack.undo()
    two.undo_stack.undo()
    assert two.stored_plan.lines[0].name == "Chat"
    assert two.plan.lines[0].model == SMALL


def test_a_plan_wide_setting_in_a_scenario_is_its_own(two):
    two.set_plan_attr("monthly_budget", D(400), "Budget")
    assert two.result.summary().headroom == D(400) - D(495)
    assert two.stored_plan.monthly_budget is None
    two.activate(None)
    assert two.result.summary().budget is None


def test_scenarios_are_added_renamed_and_deleted_with_undo(two):
    with pytest.raises(InputError, match="exists already"):
        two.add_scenario("cheap")
    two.rename_scenario("Cheap", "Frugal")
    assert two.scenario == "Frugal"
    two.delete_scenario("Frugal")
    assert two.scenario is None and two.stored_plan.scenarios == []
    two.undo_stack.undo()
    assert two.scenario == "Frugal"
    two.undo_stack.undo()
    two.undo_stack.undo()  # the scenario's creation
    assert two.scenario is None and two.stored_plan.scenarios == []


def test_ready_made_overrides_go_to_the_active_scenario(two):
    two.apply_overrides({"Chat": {"requests": "20000"}, "Search": {"requests": "40000"}}, "Scale ×2")
    assert total(two) == D("330.00") + D("660.00")
    assert two.undo_stack.undoText() == "Scale ×2"

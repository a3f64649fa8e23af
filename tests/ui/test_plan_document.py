"""PlanDocument: every edit is one undo command, the engine result follows the plan, merging by id."""
# ruff: noqa: F811  (pytest fixtures imported from workload_helpers are redefined as arguments)

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from planner.domain.plan import Currency, Plan
from planner.ui.plan_document import MERGE_SLIDER, PlanDocument, new_plan
from tests.conftest import emitted
from tests.ui.workload_helpers import (  # noqa: F401  (fixtures)
    BIG,
    MID,
    SMALL,
    assert_engine,
    doc,
    line,
    make_doc,
    session,
)

D = Decimal


def dump(d: PlanDocument) -> dict:
    return d.plan.model_dump()


# -- a new document ------------------------------------------------------------------------------


def test_new_plan_has_the_seed_levers_all_off(session):
    d = PlanDocument(lambda: session.catalog)
    assert d.plan.name == "Untitled plan"
    assert [m.name for m in d.plan.multipliers] == [
        "Smart routing", "Prompt caching", "Semantic caching", "Response caching", "Batch processing"]
    assert d.plan.enabled_multipliers() == []
    assert d.result is not None and d.result.optimized == 0 and d.result.baseline == 0
    assert d.undo_stack.count() == 0 and d.undo_stack.isClean()
    assert new_plan("X").name == "X"


def test_a_new_document_is_costed_when_its_result_is_first_asked_for(qtbot, session):
    """The first costing waits for the first view that asks (its figures are the engine's
    all the same); an edit before that costs at once, as every edit does."""
    from planner.domain.costing import compute
    from planner.ui.plan_document import costable

    plan = Plan(name="Two lines", lines=[line("Chat", 10_000, 500, 1_000, BIG), line("Tags", 20_000, 300, 50, SMALL)])
    d = PlanDocument(lambda: session.catalog, plan)
    with qtbot.assertNotEmitted(d.resultChanged):
        assert d.error is None
        # Chat: 10,000 x (500 x 3 + 1,000 x 15) / 1e6 = $165; Tags: 20,000 x (300 x 0.10 + 50 x 0.40) / 1e6 = $1
        assert d.result.optimized == D("166")
    assert d.result.footed_lines("optimized") == compute(costable(plan, session.catalog), session.catalog).footed_lines("optimized")
    e = PlanDocument(lambda: session.catalog, plan)
    with qtbot.waitSignal(e.resultChanged):
        e.set_line_fields(1, "Requests", requests=D(40_000))  # Tags doubles: $2
    assert e.result.optimized == D("167")


def test_result_is_the_engine_result_on_open(doc):
    # Chat: 10,000 x (500 x 3 + 1,000 x 15) / 1e6 = $165; Tags: 20,000 x (300 x 0.10 + 50 x 0.40) / 1e6 = $1
    assert doc.result.baseline == D("166")
    assert doc.result.optimized == D("166")
    assert [lr.baseline for lr in doc.result.lines] == [D("165"), D("1")]
    assert_engine(doc)


def test_a_line_on_an_unknown_model_costs_nothing_and_is_named_until_a_model_is_picked(make_doc):
    d = make_doc(line("Chat"), line("Ghost", model="acme/nowhere"), line("Split", routing=[{"model": "acme/gone", "share": "0.5"}, {"model": BIG, "share": "0.5"}]))
    # the rest of the plan is costed: Chat 10,000 x (500 x $3 + 1,000 x $15) / 1e6 = $165
    assert d.result is not None and d.error is None
    assert d.result.optimized == D("165")
    assert [lr.optimized for lr in d.result.lines][1:] == [0, 0]
    assert set(d.broken_lines) == {1, 2}
    assert "Line 2 'Ghost'" in d.broken_lines[1] and "'acme/nowhere'" in d.broken_lines[1]
    assert "Line 3 'Split'" in d.broken_lines[2] and "'acme/gone'" in d.broken_lines[2]
    assert d.plan.lines[1].requests == D(10_000)  # the plan itself is unchanged

    d.set_line_fields(1, "Pick a model", model=BIG)
    assert set(d.broken_lines) == {2}
    assert d.result.optimized == D("330")  # Ghost now costs as Chat does: $165 + $165


def test_display_name_is_the_plan_name_or_the_file_name(session, tmp_path):
    assert PlanDocument(lambda: session.catalog, Plan(name="Budget 2027")).display_name == "Budget 2027"
    assert PlanDocument(lambda: session.catalog, path=tmp_path / "q3.costplan").display_name == "q3.costplan"


# -- line edits ------------------------------------------------------------------------------------


def test_set_line_fields_recomputes_and_signals(qtbot, doc):
    with emitted(doc.resultChanged), emitted(doc.linesChanged) as blocker:
        doc.set_line_fields(0, "Edit requests", requests=D(20_000))
    assert blocker.args == [[0]]
    # 20,000 x 0.0165 = $330 + $1
    assert doc.result.lines[0].baseline == D("330")
    assert doc.result.optimized == D("331")
    assert doc.undo_stack.count() == 1
    assert doc.undo_stack.undoText() == "Edit requests"
    assert_engine(doc)


def test_set_line_fields_invalid_raises_and_changes_nothing(doc):
    before = dump(doc)
    with pytest.raises(ValidationError):
        doc.set_line_fields(0, "Prefix", prompt_cache={"prefix_tokens": D(501), "hit_rate": D(0)})  # > 500 input
    with pytest.raises(ValidationError):
        doc.set_line_fields(0, "Negative", requests=D(-1))
    with pytest.raises(ValidationError):
        doc.set_line_fields(0, "Routing", routing=[{"model": SMALL, "share": D("0.5")}])  # 50%, not 100%
    assert dump(doc) == before
    assert doc.undo_stack.count() == 0
    assert doc.result.optimized == D("166")


def test_set_line_fields_with_the_same_value_is_not_an_undo_step(doc):
    doc.set_line_fields(0, "Same", requests=D(10_000), model=BIG)
    assert doc.undo_stack.count() == 0


def test_set_lines_undo_redo(doc):
    doc.set_lines({0: line("Chat", 10_000, 500, 1000, MID), 1: line("Tags", 10_000, 300, 50, SMALL)}, "Two lines")
    # Chat on Mid: 10,000 x (500 + 5,000)/1e6 = $55; Tags: 10,000 x 50/1e6 = $0.50
    assert doc.result.optimized == D("55.5")
    assert doc.undo_stack.count() == 1
    doc.undo_stack.undo()
    assert doc.result.optimized == D("166")
    assert doc.plan.lines[0].model == BIG
    assert_engine(doc)
    doc.undo_stack.redo()
    assert doc.result.optimized == D("55.5")
    assert_engine(doc)


def test_set_lines_with_nothing_pushes_nothing(doc):
    doc.set_lines({}, "nothing")
    assert doc.undo_stack.count() == 0


# -- structure -------------------------------------------------------------------------------------


def test_insert_lines_undo_redo(qtbot, doc):
    with emitted(doc.structureChanged):
        doc.insert_lines(1, [line("A", 1000, 100, 100, MID), line("B", 1000, 100, 100, MID)], "Insert")
    assert [ln.name for ln in doc.plan.lines] == ["Chat", "A", "B", "Tags"]
    # A and B: 1,000 x (100 x 1 + 100 x 5)/1e6 = $0.60 each
    assert doc.result.optimized == D("167.2")
    assert doc.undo_stack.count() == 1
    doc.undo_stack.undo()
    assert [ln.name for ln in doc.plan.lines] == ["Chat", "Tags"]
    assert doc.result.optimized == D("166")
    assert_engine(doc)
    doc.undo_stack.redo()
    assert [ln.name for ln in doc.plan.lines] == ["Chat", "A", "B", "Tags"]
    assert_engine(doc)


def test_remove_lines_undo_puts_them_back_in_place(make_doc):
    d = make_doc(*(line(n, 1000, 100, 100, MID) for n in "ABCDE"))
    d.remove_lines([3, 1, 1], "Remove")  # duplicates are ignored
    assert [ln.name for ln in d.plan.lines] == ["A", "C", "E"]
    assert d.result.optimized == D("1.8")  # 3 x $0.60
    d.undo_stack.undo()
    assert [ln.name for ln in d.plan.lines] == list("ABCDE")
    assert d.result.optimized == D("3")
    assert_engine(d)
    d.remove_lines([], "nothing")
    assert d.undo_stack.count() == 1


def test_move_line_undo_redo(make_doc):
    d = make_doc(*(line(n, 1000, 100, 100, MID) for n in "ABC"))
    d.move_line(0, 2)
    assert [ln.name for ln in d.plan.lines] == ["B", "C", "A"]
    assert d.undo_stack.undoText() == "Move line 'A'"
    assert [lr.name for lr in d.result.lines] == ["B", "C", "A"]
    d.undo_stack.undo()
    assert [ln.name for ln in d.plan.lines] == ["A", "B", "C"]
    assert_engine(d)
    for bad in ((0, 0), (0, 3), (-1, 1)):
        d.move_line(*bad)
    assert d.undo_stack.count() == 1


# -- plan settings ---------------------------------------------------------------------------------


def test_set_plan_attr_undo_redo(qtbot, doc):
    with emitted(doc.settingsChanged):
        doc.set_plan_attr("currency", Currency(code="EUR", per_usd=D("0.9")), "EUR")
    assert doc.result.currency == "EUR"
    assert doc.result.optimized == D("149.4")  # $166 x 0.9
    doc.undo_stack.undo()
    assert doc.plan.currency.code == "USD"
    assert doc.result.optimized == D("166")
    assert_engine(doc)


def test_set_plan_attr_invalid_raises_and_changes_nothing(doc):
    before = dump(doc)
    with pytest.raises(ValidationError):
        doc.set_plan_attr("monthly_budget", D(-5), "Budget")
    with pytest.raises(ValidationError):
        doc.set_plan_attr("batch_discount", D("1.5"), "Discount")
    assert dump(doc) == before
    assert doc.undo_stack.count() == 0


def test_set_plan_attr_same_value_is_not_an_undo_step(doc):
    doc.set_plan_attr("batch_discount", D("0.5"), "Discount")
    assert doc.undo_stack.count() == 0


# -- merging one gesture into one undo step --------------------------------------------------------


def test_commands_with_the_same_merge_id_merge(doc):
    for n in (11_000, 12_000, 13_000):
        doc.set_lines({0: line("Chat", n)}, "Drag", merge_id=MERGE_SLIDER)
    assert doc.undo_stack.count() == 1
    assert doc.plan.lines[0].requests == D(13_000)
    doc.undo_stack.undo()
    assert doc.plan.lines[0].requests == D(10_000)  # back to before the first step, not the second
    assert doc.result.optimized == D("166")
    assert_engine(doc)


def test_commands_with_other_merge_ids_or_no_id_do_not_merge(doc):
    doc.set_lines({0: line("Chat", 11_000)}, "Drag 1", merge_id=MERGE_SLIDER)
    doc.set_lines({0: line("Chat", 12_000)}, "Drag 2", merge_id=MERGE_SLIDER + 1)
    assert doc.undo_stack.count() == 2
    # a row joining the same gesture part-way merges into it (one drag, one undo step)
    doc.set_lines({0: line("Chat", 13_000), 1: line("Tags", 1, 300, 50, SMALL)}, "Drag 2b", merge_id=MERGE_SLIDER + 1)
    assert doc.undo_stack.count() == 2
    doc.set_lines({0: line("Chat", 14_000)}, "Plain")
    doc.set_lines({0: line("Chat", 15_000)}, "Plain")
    assert doc.undo_stack.count() == 4  # merge id -1 never merges
    for _ in range(4):
        doc.undo_stack.undo()
    assert doc.plan.lines[0].requests == D(10_000)
    assert doc.plan.lines[1].requests == D(20_000)
    assert_engine(doc)

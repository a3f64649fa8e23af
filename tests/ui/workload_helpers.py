"""Fixtures and builders for the Workload-tab tests: a three-model catalog, plan documents, the tab.

Import the fixtures into a test module by name (`from tests.ui.workload_helpers import doc, ...`).

The hand-made catalog (USD per 1M tokens):

    acme/big    in 3.00  out 15.00  cache read 0.30  cache write 3.75  quality 80
    acme/mid    in 1.00  out  5.00  no cache-read price                quality 70
    acme/small  in 0.10  out  0.40  cache read 0.025                   quality 50
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from planner import paths
from planner.domain.costing import compute
from planner.domain.plan import Line, Plan
from planner.domain.presets import seed_multipliers
from planner.io.plan_files import open_plan
from planner.ui.plan_document import PlanDocument
from planner.ui.session import Session
from planner.ui.workload_tab import WorkloadTab

D = Decimal
BIG, MID, SMALL = "acme/big", "acme/mid", "acme/small"


def line(name: str = "Chat", requests: Any = 10_000, inp: Any = 500, out: Any = 1000, model: str = BIG, **kw: Any) -> Line:
    """A worksheet line from plain numbers."""
    return Line(name=name, requests=D(str(requests)), input_tokens=D(str(inp)), output_tokens=D(str(out)),
                model=model, **kw)


def assert_engine(doc: PlanDocument) -> None:
    """The document's result is the engine's result for the plan as it is now."""
    assert doc.result is not None, doc.error
    assert doc.result == compute(doc.plan, doc.catalog)


def example_plan(key: str) -> Plan:
    return open_plan(paths.examples_dir() / f"{key}.costplan")


def money_of(text: str) -> Decimal:
    """'$1,234.50' / '−$3.00' / '-€2.10' / '+$1.00' / '12.00 CHF' -> Decimal (sign kept)."""
    t = text.strip().replace("\u2212", "-")
    m = re.search(r"([-+]?)[^\d\-+]*([\d,]+\.\d\d)", t)
    assert m, f"no amount in {text!r}"
    v = D(m.group(2).replace(",", ""))
    return -v if m.group(1) == "-" else v


@pytest.fixture
def session(make_session, mp) -> Session:
    return make_session(
        mp(BIG, "3", "15", name="Big", cache_read="0.30", cache_write="3.75", quality=80),
        mp(MID, "1", "5", name="Mid", quality=70),
        mp(SMALL, "0.10", "0.40", name="Small", cache_read="0.025", quality=50),
    )


@pytest.fixture
def make_doc(session) -> Callable[..., PlanDocument]:
    """Builder: make_doc(line(...), line(...), monthly_budget=D(100)) over the hand-made catalog."""
    made: list[PlanDocument] = []

    def make(*lines: Line, **plan_kw: Any) -> PlanDocument:
        plan_kw.setdefault("multipliers", seed_multipliers())
        d = PlanDocument(lambda: session.catalog, Plan(lines=list(lines), **plan_kw), parent=session)
        made.append(d)
        return d

    yield make
    for d in made:
        d.undo_stack.clear()


@pytest.fixture
def doc(make_doc) -> PlanDocument:
    """Two lines: 'Chat' 10,000 x (500 in + 1,000 out) on Big = $165.00;
    'Tags' 20,000 x (300 in + 50 out) on Small = 20,000 x (30 + 20)/1e6 = $1.00."""
    return make_doc(line("Chat"), line("Tags", 20_000, 300, 50, SMALL))


@pytest.fixture
def make_tab(qtbot) -> Callable[[PlanDocument], WorkloadTab]:
    def make(d: PlanDocument) -> WorkloadTab:
        t = WorkloadTab(d)
        qtbot.addWidget(t)
        return t

    return make


@pytest.fixture
def tab(make_tab, doc) -> WorkloadTab:
    return make_tab(doc)


@pytest.fixture
def shipped_doc(shipped_session) -> Callable[[str | None], PlanDocument]:
    """Builder: a document over the shipped catalog holding an example plan (or an empty plan)."""
    made: list[PlanDocument] = []

    def make(key: str | None = None) -> PlanDocument:
        plan = example_plan(key) if key else None
        d = PlanDocument(lambda: shipped_session.catalog, plan, parent=shipped_session)
        made.append(d)
        return d

    yield make
    for d in made:
        d.undo_stack.clear()

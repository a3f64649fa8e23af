"""The ranking's float arrays against the exact Decimal engine, model by model, on the shipped
catalog and on a real LiteLLM price list imported by the product's own importer."""

from __future__ import annotations

import math
from datetime import date

import pytest
from domain_helpers import catalog, line, plan

from planner.domain.catalog import Catalog
from planner.domain.costing import compute
from planner.domain.ranking import CatalogArrays, blended, cost_per_point, rank, value
from planner.io.catalog_files import load_catalog
from planner.io.importers import read_import_file
from tests.conftest import FIXTURES, REPO

LITELLM = FIXTURES / "litellm-1.109.1-model_prices_and_context_window.json"

#: (requests per month, input tokens, output tokens): a chat line, a 250K-token line above
#: the 200K long-context threshold of the Gemini Pro models, and one exactly at 200K (not above)
WORKLOAD = [(10_000, 500, 1_000), (1_234, 250_000, 777), (3, 200_000, 5)]


def shipped() -> Catalog:
    return load_catalog(REPO / "data" / "catalog.json")


def litellm() -> Catalog:
    return catalog(*read_import_file("litellm", LITELLM, today=date(2026, 1, 1)).models)


@pytest.fixture(scope="module", params=["shipped", "litellm"])
def cat(request) -> Catalog:
    return shipped() if request.param == "shipped" else litellm()


def test_the_litellm_list_exercises_long_context_tiers():
    tiered = [m for m in litellm() if m.long_context]
    assert len(tiered) > 100
    assert any(m.long_context[0].threshold_tokens < 250_000 for m in tiered)
    assert any(len(m.long_context) > 2 for m in tiered)  # several ranges, each priced


def test_workload_cost_equals_the_engine_for_every_model(cat):
    got = CatalogArrays.from_catalog(cat).workload_cost(WORKLOAD)
    assert len(got) == len(cat)
    for j, m in enumerate(cat.models):
        lines = [line(m.id, r, i, o, name=f"line {k}") for k, (r, i, o) in enumerate(WORKLOAD)]
        exact = compute(plan(*lines), cat).baseline
        assert math.isclose(got[j], float(exact), rel_tol=1e-9), (m.id, got[j], exact)


@pytest.mark.parametrize("ratio", [3.0, 0.5])
def test_rank_arrays_equal_the_single_model_helpers(cat, ratio):
    for metric in cat.quality_metrics or ["tokenrate"]:
        r = rank(cat, metric, ratio=ratio)
        for i, m in enumerate(cat.models):
            assert math.isclose(r.blended[i], float(blended(m, ratio)), rel_tol=1e-12), m.id
            for arr, helper in ((r.value, value(m, metric)), (r.cost_per_point, cost_per_point(m, metric))):
                if helper is None:
                    assert math.isnan(arr[i]), (m.id, metric)
                else:
                    assert math.isclose(arr[i], helper, rel_tol=1e-12), (m.id, metric)

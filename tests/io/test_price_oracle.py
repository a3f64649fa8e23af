"""The importers and the engine checked against an independent oracle: the genai-prices
package's `calc_price`, pointed at the same genai-prices snapshot the tests import.

1. Every model of the genai-prices snapshot, imported by our importer and costed by our
   engine, costs what `calc_price` says for the same request (plain, cached, cache writes
   of 5 minutes and 1 hour, above 200K input tokens, reasoning tokens, web searches, and
   DeepSeek's off-peak hours).
2. Every model that both the LiteLLM and the genai-prices snapshots price, imported from
   LiteLLM, costs what `calc_price` says (plain, 300 cached input tokens, above 200K), except where the two sources state different
   prices: each such model is listed below with the prices that differ, so a new
   disagreement (or one that went away) fails the test.

Models are matched by our catalog id: both importers turn a source's provider and model
name into the same `provider/model-slug` (normalize_id), and a model is common when both
imports hold that id. No fuzzy matching: a model the sources name differently is not
compared.

The snapshot is loaded into the package with `genai_prices.types._providers_from_raw` (the
loader its own web update uses), not the data bundled with the package.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from planner.domain.catalog import ModelPrice
from planner.domain.costing import request_cost
from planner.domain.prices import request_fees, unit_prices
from planner.io.importers import normalize_id, read_import_file

pytest.importorskip("genai_prices")
from genai_prices import Usage  # noqa: E402
from genai_prices.types import _providers_from_raw  # noqa: E402

D = Decimal
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
GENAI = FIXTURES / "genai-prices-2026-08-21-v2-data.json"
LITELLM = FIXTURES / "litellm-1.109.1-model_prices_and_context_window.json"
TODAY = date(2026, 8, 21)
#: a request at noon UTC (DeepSeek's peak hours) and one at 20:00 UTC (its off-peak hours)
NOON = datetime(2026, 8, 21, 12, tzinfo=UTC)
EVENING = datetime(2026, 8, 21, 20, tzinfo=UTC)
RELATIVE = D("1e-9")

#: Models both snapshots price whose prices differ between the sources (USD per 1M
#: tokens, or per request): LiteLLM's import cannot cost them as genai-prices does.
DISAGREEMENTS: dict[str, str] = {
    "anthropic/claude-sonnet-4-5": "long context: LiteLLM none, genai-prices 6/22.5",
    "azure/o4-mini": "cache read: LiteLLM 0.275, genai-prices 0.28",
    "bedrock/global-anthropic-claude-sonnet-4-20250514-v1:0": "long context: LiteLLM 6/22.5, genai-prices none",
    "bedrock/global-anthropic-claude-sonnet-4-5-20250929-v1:0": "long context: LiteLLM 6/22.5, genai-prices none",
    "deepseek/deepseek-chat": "input/output: LiteLLM 0.28/0.42, genai-prices 0.27/1.1 (its peak hours); cache read: LiteLLM 0.028, genai-prices 0.07",
    "deepseek/deepseek-reasoner": "input/output: LiteLLM 0.28/0.42, genai-prices 0.55/2.19 (its peak hours, R1); cache read: LiteLLM 0.028, genai-prices 0.14",
    "deepseek/deepseek-v3-2": "input/output: LiteLLM 0.28/0.4, genai-prices 0.2288/0.3432; cache read: LiteLLM 0.028, genai-prices none",
    "deepseek/deepseek-v4-flash": "input/output: LiteLLM 0.3/1.2, genai-prices 0.14/0.28; cache read: LiteLLM 0.006, genai-prices 0.0028",
    "deepseek/deepseek-v4-pro": "input/output: LiteLLM 1.32/3.96, genai-prices 0.435/0.87; cache read: LiteLLM 0.044, genai-prices 0.003625",
    "fireworks_ai/deepseek-v3p2": "cache read: LiteLLM none, genai-prices 0.28",
    "fireworks_ai/deepseek-v4-pro": "input/output: LiteLLM 1.2/1.2, genai-prices 1.74/3.48; cache read: LiteLLM 0.6, genai-prices 0.145",
    "fireworks_ai/gemma-3-27b-it": "input/output: LiteLLM 0.9/0.9, genai-prices 0.1/0.1",
    "fireworks_ai/glm-4p7": "cache read: LiteLLM 0.3, genai-prices none",
    "fireworks_ai/gpt-oss-120b": "cache read: LiteLLM 0.015, genai-prices 0.014",
    "fireworks_ai/kimi-k3-us": "input/output: LiteLLM 4.5/22.5, genai-prices 3.3/16.5; cache read: LiteLLM 0.45, genai-prices 0.33",
    "fireworks_ai/llama-v3p1-8b-instruct": "input/output: LiteLLM 0.1/0.1, genai-prices 0.2/0.2",
    "fireworks_ai/minimax-m2p1": "cache read: LiteLLM 0.03, genai-prices none",
    "google/gemma-4-26b-a4b-it": "input/output: LiteLLM 0/0, genai-prices 0.06/0.33",
    "google/gemma-4-31b-it": "input/output: LiteLLM 0/0, genai-prices 0.12/0.36; cache read: LiteLLM none, genai-prices 0.09",
    "mistral/mistral-medium-3": "input/output: LiteLLM 1.5/7.5, genai-prices 0.4/2; cache read: LiteLLM 0.15, genai-prices none",
    "mistral/mistral-small-latest": "input/output: LiteLLM 0.15/0.6, genai-prices 0.1/0.3; cache read: LiteLLM 0.015, genai-prices none",
    "mistral/mistral-tiny": "cache read: LiteLLM 0.025, genai-prices none",
    "novita/meta-llama/llama-3-1-8b-instruct": "input/output: LiteLLM 0.02/0.05, genai-prices 0.05/0.05",
    "novita/meta-llama/llama-3-3-70b-instruct": "input/output: LiteLLM 0.135/0.4, genai-prices 0.39/0.39",
    "novita/mistralai/mistral-nemo": "input/output: LiteLLM 0.04/0.17, genai-prices 0.17/0.17",
    "openai/gpt-4o-search-preview": "cache read: LiteLLM 1.25, genai-prices none",
    "openai/gpt-5-6-sol": "input/output: LiteLLM 4/20, genai-prices 5/30; cache read: LiteLLM 0.4, genai-prices 0.5; long context: LiteLLM 8/30, genai-prices 10/45",
    "ovhcloud/deepseek-r1-distill-llama-70b": "input/output: LiteLLM 0.67/0.67, genai-prices 0.74/0.74",
    "ovhcloud/gpt-oss-120b": "input/output: LiteLLM 0.08/0.4, genai-prices 0.09/0.47",
    "ovhcloud/gpt-oss-20b": "input/output: LiteLLM 0.04/0.15, genai-prices 0.05/0.18",
    "ovhcloud/llama-3-1-8b-instruct": "input/output: LiteLLM 0.1/0.1, genai-prices 0.11/0.11",
    "ovhcloud/meta-llama-3_3-70b-instruct": "input/output: LiteLLM 0.67/0.67, genai-prices 0.74/0.74",
    "ovhcloud/mistral-7b-instruct-v0-3": "input/output: LiteLLM 0.1/0.1, genai-prices 0.11/0.11",
    "ovhcloud/mistral-nemo-instruct-2407": "input/output: LiteLLM 0.13/0.13, genai-prices 0.14/0.14",
    "ovhcloud/mistral-small-3-2-24b-instruct-2506": "input/output: LiteLLM 0.09/0.28, genai-prices 0.1/0.31",
    "ovhcloud/mixtral-8x7b-instruct-v0-1": "input/output: LiteLLM 0.63/0.63, genai-prices 0.7/0.7",
    "ovhcloud/qwen2-5-vl-72b-instruct": "input/output: LiteLLM 0.91/0.91, genai-prices 1.01/1.01",
    "ovhcloud/qwen3-32b": "input/output: LiteLLM 0.08/0.23, genai-prices 0.09/0.25",
    "perplexity/sonar": "per request: LiteLLM none (it prices the request fee per web-search call by search-context size, medium 0.008), genai-prices 0.012",
    "perplexity/sonar-pro": "per request: LiteLLM none (it prices the request fee per web-search call by search-context size, medium 0.01), genai-prices 0.014",
    "perplexity/sonar-reasoning": "per request: LiteLLM none (it prices the request fee per web-search call by search-context size, medium 0.008), genai-prices 0.012",
    "perplexity/sonar-reasoning-pro": "per request: LiteLLM none (it prices the request fee per web-search call by search-context size, medium 0.01), genai-prices 0.014",
    "together_ai/meta-llama/llama-3-3-70b-instruct-turbo": "input/output: LiteLLM 1.04/1.04, genai-prices 0.88/0.88",
    "together_ai/mistralai/mixtral-8x7b-instruct-v0-1": "input/output: LiteLLM 0.6/0.6, genai-prices 0.9/0.9",
    "together_ai/nousresearch/nous-hermes-2-mixtral-8x7b-dpo": "input/output: LiteLLM 0.6/0.6, genai-prices 0.9/0.9",
    "xai/grok-4-20": "long context: LiteLLM 2.5/5, genai-prices none",
    "xai/grok-4-20-multi-agent": "input/output: LiteLLM 1.25/2.5, genai-prices 2/6; long context: LiteLLM 2.5/5, genai-prices none",
    "xai/grok-4-3": "long context: LiteLLM 2.5/5, genai-prices none",
    "xai/grok-4-5": "cache read: LiteLLM 0.3, genai-prices 0.5; long context: LiteLLM 4/12, genai-prices none",
    "xai/grok-build-0-1": "long context: LiteLLM 2/4, genai-prices none",
    "xai/grok-code-fast-1": "input/output: LiteLLM 1/2, genai-prices 0.2/1.5; cache read: LiteLLM 0.2, genai-prices 0.02; long context: LiteLLM 2/4, genai-prices none",
}


@pytest.fixture(scope="module")
def theirs() -> Callable[..., Decimal]:
    """calc_price of one model of the snapshot: (our id, request time, usage) -> USD."""
    raw = json.loads(GENAI.read_text(encoding="utf-8"))
    models = {}
    for provider in _providers_from_raw(raw):
        for info in provider.models:
            models.setdefault(normalize_id(provider.id, info.id), (provider, info))

    def cost(model_id: str, when: datetime = NOON, **usage: int) -> Decimal:
        provider, info = models[model_id]
        return info.calc_price(Usage(**usage), provider, genai_request_timestamp=when).total_price

    return cost


@pytest.fixture(scope="module")
def genai() -> dict[str, ModelPrice]:
    return {m.id: m for m in read_import_file("genai-prices", GENAI, today=TODAY).models}


@pytest.fixture(scope="module")
def litellm() -> dict[str, ModelPrice]:
    return {m.id: m for m in read_import_file("litellm", LITELLM, today=TODAY).models}


def ours(m: ModelPrice, i: int, o: int, *, prefix: int = 0, hit: int = 1, reasoning: int = 0,
         ttl: str = "5m", searches: int = 0, off_peak: bool = False) -> Decimal:
    """One request on our engine: `prefix` input tokens read from the cache (hit 1) or
    written to it (hit 0)."""
    p = unit_prices(m, D(i), ttl=ttl, off_peak=off_peak)
    return request_cost(p, D(i), D(o), D(prefix), D(hit), D(reasoning)) + request_fees(m, D(searches))


def agree(a: Decimal, b: Decimal) -> bool:
    return a == b or abs(a - b) <= RELATIVE * max(abs(a), abs(b))


def workloads(m: ModelPrice) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(name, our request, their usage) for 1,000 input and 500 output tokens."""
    out: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
        ("plain", {}, {}),
        ("above 200K", {"i": 250_000}, {"input_tokens": 250_000}),
        ("200 reasoning tokens", {"reasoning": 200}, {"output_tokens": 700, "output_reasoning_tokens": 200}),
        ("2 web searches", {"searches": 2}, {"web_searches": 2}),
        ("300 cached", {"prefix": 300}, {"cache_read_tokens": 300}),
    ]
    if m.cache_read is not None:  # without a cache-read price the engine ignores the prefix
        out += [
            ("300 written, 5 min", {"prefix": 300, "hit": 0}, {"cache_write_tokens": 300}),
            ("300 written, 1 hour", {"prefix": 300, "hit": 0, "ttl": "1h"},
             {"cache_write_tokens": 300, "cache_write_1h_tokens": 300}),
        ]
    if m.off_peak is not None:
        out.append(("off-peak, 300 cached", {"prefix": 300, "off_peak": True},
                    {"cache_read_tokens": 300, "when": EVENING}))
    return out


#: The workloads the LiteLLM import is compared on (LiteLLM and genai-prices list web-search,
#: cache-write and reasoning prices for different sets of models: those are checked above).
BASIC = ("plain", "300 cached", "above 200K")


def compare(m: ModelPrice, theirs: Callable[..., Decimal], model_id: str,
            only: tuple[str, ...] | None = None) -> list[str]:
    """The workloads on which our cost of `m` differs from calc_price's of `model_id`."""
    wrong = []
    for name, req, usage in workloads(m):
        if only is not None and name not in only:
            continue
        req = {"i": 1000, "o": 500, **req}
        usage = {"input_tokens": req["i"], "output_tokens": 500, **usage}
        a = ours(m, req.pop("i"), req.pop("o"), **req)
        b = theirs(model_id, usage.pop("when", NOON), **usage)
        if not agree(a, b):
            wrong.append(f"{name}: ours {a}, genai-prices {b}")
    return wrong


def test_every_genai_prices_model_costs_as_the_package_says(
    genai: dict[str, ModelPrice], theirs: Callable[..., Decimal]
) -> None:
    assert len(genai) == 1270
    wrong = {i: w for i, m in genai.items() if (w := compare(m, theirs, i))}
    assert wrong == {}


def test_deepseek_off_peak_matches_the_evening_price(
    genai: dict[str, ModelPrice], theirs: Callable[..., Decimal]
) -> None:
    """By hand: 1,000 input and 500 output tokens on deepseek-chat cost
    (1000 x 0.27 + 500 x 1.10) / 1e6 = $0.00082 at noon, (1000 x 0.135 + 500 x 0.55) / 1e6
    = $0.00041 in the evening."""
    m = genai["deepseek/deepseek-chat"]
    assert ours(m, 1000, 500) == theirs("deepseek/deepseek-chat", NOON, input_tokens=1000, output_tokens=500) == D("0.00082")
    evening = theirs("deepseek/deepseek-chat", EVENING, input_tokens=1000, output_tokens=500)
    assert ours(m, 1000, 500, off_peak=True) == evening == D("0.00041")


def test_litellm_import_costs_as_genai_prices_where_the_sources_agree(
    litellm: dict[str, ModelPrice], genai: dict[str, ModelPrice], theirs: Callable[..., Decimal]
) -> None:
    common = sorted(set(litellm) & set(genai))
    assert len(common) == 227
    differ = {i for i in common if compare(litellm[i], theirs, i, BASIC)}
    assert differ - set(DISAGREEMENTS) == set(), "new disagreements"
    assert set(DISAGREEMENTS) - differ == set(), "listed disagreements that agree now"
    assert len(common) - len(differ) == 176

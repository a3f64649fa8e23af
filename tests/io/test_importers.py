"""The catalog importers: LiteLLM, genai-prices and OpenRouter price lists -> ModelPrice."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from planner.domain.catalog import ID_PATTERN, ModelPrice
from planner.domain.errors import InputError
from planner.io.importers import (
    FORMATS,
    MAX_IMPORT_BYTES,
    ImportResult,
    Skipped,
    normalize_id,
    parse_genai_prices,
    parse_litellm,
    parse_openrouter,
    read_import_file,
)

D = Decimal
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
LITELLM = FIXTURES / "litellm-1.109.1-model_prices_and_context_window.json"
GENAI = FIXTURES / "genai-prices-2026-08-21-v2-data.json"
OPENROUTER = FIXTURES / "openrouter-models-sample.json"
TODAY = date(2026, 8, 21)


def by_id(result: ImportResult) -> dict[str, ModelPrice]:
    return {m.id: m for m in result.models}


def skipped(result: ImportResult) -> dict[str, str]:
    return {s.id: s.reason for s in result.skipped}


@pytest.fixture(scope="module")
def litellm() -> ImportResult:
    return read_import_file("litellm", LITELLM, today=TODAY)


@pytest.fixture(scope="module")
def genai() -> ImportResult:
    return read_import_file("genai-prices", GENAI, today=TODAY)


@pytest.fixture(scope="module")
def openrouter() -> ImportResult:
    return read_import_file("openrouter", OPENROUTER, today=TODAY)


# ---------------------------------------------------------------------------------------
# Ids


@pytest.mark.parametrize(
    ("provider", "model", "expected"),
    [
        ("openai", "gpt-4.1-mini", "openai/gpt-4-1-mini"),
        ("anthropic", "claude-sonnet-4-6", "anthropic/claude-sonnet-4-6"),
        ("gemini", "gemini-2.5-pro", "google/gemini-2-5-pro"),
        ("vertex_ai-language-models", "gemini-2.5-pro", "google/gemini-2-5-pro"),
        (
            "vertex_ai-anthropic_models",
            "claude-3-5-haiku@20241022",
            "vertex_ai/claude-3-5-haiku@20241022",
        ),
        ("OpenAI", "GPT 4o", "openai/gpt-4o"),
        ("x-ai", "grok-4", "xai/grok-4"),
        ("meta-llama", "llama-3.3-70b-instruct:free", "meta/llama-3-3-70b-instruct:free"),
        ("groq", "openai/gpt-oss-120b", "groq/openai/gpt-oss-120b"),
        ("Weird Provider!", "model (v2)", "weird-provider/model-v2"),
        ("openai", "ft:gpt-3.5-turbo", "openai/ft:gpt-3-5-turbo"),
        (
            "bedrock",
            "us.anthropic.claude-3-5-haiku-20241022-v1:0",
            "bedrock/us-anthropic-claude-3-5-haiku-20241022-v1:0",
        ),
    ],
)
def test_normalize_id(provider: str, model: str, expected: str) -> None:
    got = normalize_id(provider, model)
    assert got == expected
    assert ID_PATTERN.match(got)


def test_normalize_id_nothing_usable() -> None:
    assert normalize_id("", "gpt-4o") == ""
    assert normalize_id("openai", "///") == ""
    assert normalize_id("!!!", "x") == ""


def test_formats_table() -> None:
    assert FORMATS == {
        "litellm": parse_litellm,
        "genai-prices": parse_genai_prices,
        "openrouter": parse_openrouter,
    }


# ---------------------------------------------------------------------------------------
# LiteLLM: hand-checked entries of the real snapshot


def test_litellm_gpt_4o(litellm: ImportResult) -> None:
    m = by_id(litellm)["openai/gpt-4o"]
    assert (m.input, m.output) == (D("2.5"), D("10"))
    assert (m.batch_input, m.batch_output) == (D("1.25"), D("5"))
    assert m.cache_read == D("1.25") and m.cache_write is None
    assert (m.context_window, m.max_output) == (128000, 16384)
    assert m.provider == "OpenAI" and m.name == "gpt-4o"
    assert m.long_context == ()
    assert m.source == "LiteLLM model_prices_and_context_window.json"
    assert m.source_url == "https://developers.openai.com/api/docs/pricing"
    assert m.as_of == TODAY
    assert "image" in m.modalities and "file" in m.modalities
    assert {"vision", "tools", "prompt_caching"} <= set(m.capabilities)
    # exact: 2.5e-06 * 1e6 is 2.5, not 2.4999999999999996 (and printed without exponent)
    assert str(m.input) == "2.5" and str(m.output) == "10"


def test_litellm_gemini_long_context(litellm: ImportResult) -> None:
    m = by_id(litellm)["google/gemini-2-5-pro"]
    assert m.name == "gemini/gemini-2.5-pro"  # the Gemini API entry wins over Vertex AI's
    assert m.provider == "Google"
    assert (m.input, m.output, m.cache_read) == (D("1.25"), D("10"), D("0.125"))
    (lc,) = m.long_context
    assert lc.threshold_tokens == 200_000
    assert (lc.input, lc.output, lc.cache_read) == (D("2.5"), D("15"), D("0.25"))
    assert "reasoning" in m.capabilities and "audio" in m.modalities
    assert skipped(litellm)["gemini-2.5-pro"] == (
        "duplicate of google/gemini-2-5-pro (from key 'gemini/gemini-2.5-pro')"
    )


def test_litellm_ids_match_shipped_ids(litellm: ImportResult) -> None:
    got = by_id(litellm)
    for model_id in (
        "openai/gpt-4-1-mini",
        "anthropic/claude-sonnet-4-6",
        "google/gemini-2-5-pro",
        "openai/o3",
    ):
        assert model_id in got
    assert all(ID_PATTERN.match(i) for i in got)


def test_litellm_skips_sample_spec_and_other_modes(litellm: ImportResult) -> None:
    reasons = skipped(litellm)
    assert "sample entry" in reasons["sample_spec"]
    assert reasons["text-embedding-3-small"] == "mode 'embedding' (not a chat model)"
    assert "dall-e-3" not in by_id(litellm)
    # anything imported is a chat (or Responses API) model with both prices
    assert len(litellm.models) + len(litellm.skipped) == len(json.loads(LITELLM.read_text()))


def test_litellm_tiered_pricing_list(litellm: ImportResult) -> None:
    # dashscope/qwen-flash has no input_cost_per_token, only tiered_pricing ranges
    m = by_id(litellm)["dashscope/qwen-flash"]
    assert (m.input, m.output) == (D("0.05"), D("0.4"))
    first = m.long_context[0]
    assert first.threshold_tokens == 256_000
    assert (first.input, first.output) == (D("0.25"), D("2"))


# ---------------------------------------------------------------------------------------
# LiteLLM: synthetic entries, good and bad


def entry(**kw: Any) -> dict[str, Any]:
    e: dict[str, Any] = {
        "litellm_provider": "openai",
        "mode": "chat",
        "input_cost_per_token": 1e-06,
        "output_cost_per_token": 2e-06,
    }
    e.update(kw)
    return {k: v for k, v in e.items() if v is not None}


def test_litellm_bad_entries_skipped_good_ones_kept() -> None:
    raw = {
        "good-1": entry(),
        "nan": entry(input_cost_per_token=float("nan")),
        "inf": entry(output_cost_per_token=float("inf")),
        "negative": entry(output_cost_per_token=-1e-06),
        "absurd": entry(input_cost_per_token=1.0),  # 1 USD per token = 1,000,000 per 1M
        "string-price": entry(input_cost_per_token="cheap"),
        "bool-price": entry(input_cost_per_token=True),
        "bad-cache": entry(cache_read_input_token_cost=-5e-07),
        "no-output": entry(output_cost_per_token=None),
        "no-provider": entry(litellm_provider=None),
        "not-an-object": [1, 2, 3],
        "bad-tier": entry(input_cost_per_token_above_200k_tokens="x"),
        "good.2": entry(max_output_tokens="lots", max_input_tokens=-3, source="docs page"),
        "good-2": entry(),  # same id as good.2 once normalized
        "embedding": entry(mode="embedding"),
    }
    r = parse_litellm(raw, "x.json", today=TODAY)
    assert [m.id for m in r.models] == ["openai/good-1", "openai/good-2"]
    reasons = skipped(r)
    assert set(reasons) == set(raw) - {"good-1", "good.2"}
    assert reasons["nan"] == "field 'input_cost_per_token': not a finite number (nan)"
    assert reasons["inf"] == "field 'output_cost_per_token': not a finite number (inf)"
    assert reasons["negative"].startswith("field 'output_cost_per_token': negative price")
    assert reasons["absurd"].startswith(
        "field 'input_cost_per_token': absurd price (1000000 USD per 1M"
    )
    assert reasons["string-price"].startswith(
        "field 'input_cost_per_token': must be a number, not a string"
    )
    assert reasons["bool-price"].startswith("field 'input_cost_per_token': not a number")
    assert reasons["bad-cache"].startswith("field 'cache_read_input_token_cost': negative price")
    assert reasons["no-output"] == "no 'output_cost_per_token'"
    assert reasons["no-provider"] == "missing 'litellm_provider'"
    assert reasons["not-an-object"] == "entry is a list, not an object"
    assert reasons["bad-tier"].startswith("field 'input_cost_per_token_above_200k_tokens'")
    assert reasons["good-2"] == "duplicate of openai/good-2 (from key 'good.2')"
    assert reasons["embedding"] == "mode 'embedding' (not a chat model)"
    good2 = by_id(r)["openai/good-2"]
    assert good2.max_output is None and good2.context_window is None  # non-int values ignored
    assert "docs page" in good2.notes and good2.source_url is None


def test_litellm_exact_conversion() -> None:
    raw = {
        "m": entry(
            input_cost_per_token=2.5e-06,
            output_cost_per_token=1.1e-06,
            cache_read_input_token_cost=3e-08,
            cache_creation_input_token_cost=3.75e-06,
            input_cost_per_token_batches=1.25e-07,
            output_cost_per_token_batches=0,
        )
    }
    m = parse_litellm(raw, "x.json", today=TODAY).models[0]
    assert [
        str(x)
        for x in (m.input, m.output, m.cache_read, m.cache_write, m.batch_input, m.batch_output)
    ] == [
        "2.5",
        "1.1",
        "0.03",
        "3.75",
        "0.125",
        "0",
    ]


def test_litellm_several_thresholds_are_every_range() -> None:
    raw = {
        "m": entry(
            input_cost_per_token_above_256k_tokens=4e-06,
            output_cost_per_token_above_256k_tokens=8e-06,
            input_cost_per_token_above_32k_tokens=3e-06,
            output_cost_per_token_above_32k_tokens=6e-06,
            cache_creation_input_token_cost_above_1hr=9e-06,  # not a token threshold
        )
    }
    m = parse_litellm(raw, "x.json", today=TODAY).models[0]
    assert [(t.threshold_tokens, t.input, t.output) for t in m.long_context] == [
        (32_000, D(3), D(6)), (256_000, D(4), D(8))]


def test_litellm_every_price_dimension_of_gpt_5(litellm: ImportResult) -> None:
    m = by_id(litellm)["openai/gpt-5"]
    # the fixture's per-token prices x 1,000,000
    assert (m.input, m.output, m.cache_read) == (D("1.25"), D("10"), D("0.125"))
    assert (m.batch_input, m.batch_output) == (D("0.625"), D("5"))
    assert m.service_tiers["flex"].model_dump() == {
        "input": D("0.625"), "output": D("5"), "cache_read": D("0.0625"), "window": ""}
    assert m.service_tiers["priority"].model_dump() == {
        "input": D("2.5"), "output": D("20"), "cache_read": D("0.25"), "window": ""}
    assert m.per_search == D("0.01")  # USD per call, as given
    assert m.reasoning is None and m.per_request is None and m.per_image is None


def test_litellm_one_hour_cache_write_and_reasoning(litellm: ImportResult) -> None:
    got = by_id(litellm)
    sonnet = got["anthropic/claude-sonnet-4-5"]
    assert (sonnet.cache_write, sonnet.cache_write_1h) == (D("3.75"), D("6"))
    deep = got["perplexity/sonar-deep-research"]
    assert (deep.output, deep.reasoning) == (D("8"), D("3"))
    assert got["dashscope/qwen-turbo"].reasoning == D("0.5")


def test_litellm_fees_per_request_image_and_search(litellm: ImportResult) -> None:
    got = by_id(litellm)
    online = got["perplexity/pplx-70b-online"]
    assert online.per_request == D("0.005")  # USD a request, always charged
    assert got["google/deep-research-pro-preview-12-2025"].per_image == D("0.0011")
    # an explicit 0 is a price: no fee per image
    assert got["google/gemma-3-27b-it"].per_image == D(0)
    sonar = got["perplexity/sonar"]
    assert sonar.per_search == D("0.008")  # the medium search-context size
    assert "high 0.012, low 0.005, medium 0.008" in sonar.notes


def test_litellm_service_tier_without_output_price_left_out(litellm: ImportResult) -> None:
    m = by_id(litellm)["azure/gpt-5-5"]
    assert "flex" not in m.service_tiers and "priority" in m.service_tiers
    assert "Flex prices not imported: no flex output price." in m.notes


def test_litellm_new_dimensions_synthetic() -> None:
    raw = {
        "m": entry(
            output_cost_per_reasoning_token=0.0,
            input_cost_per_request=0.002,
            search_context_cost_per_query=0.03,
            input_cost_per_token_priority=2e-06,
            output_cost_per_token_priority=4e-06,
        ),
        "bad-fee": entry(input_cost_per_request=-1),
        "bad-search": entry(search_context_cost_per_query={"search_context_size_medium": "x"}),
    }
    r = parse_litellm(raw, "x.json", today=TODAY)
    m = by_id(r)["openai/m"]
    assert m.reasoning == D(0)  # stated free, not "the output price"
    assert (m.per_request, m.per_search) == (D("0.002"), D("0.03"))
    assert m.service_tiers["priority"].model_dump() == {
        "input": D(2), "output": D(4), "cache_read": None, "window": ""}
    reasons = skipped(r)
    assert reasons["bad-fee"].startswith("field 'input_cost_per_request': negative price")
    assert reasons["bad-search"].startswith(
        "field 'search_context_cost_per_query.search_context_size_medium': must be a number")


def test_litellm_dimension_counts(litellm: ImportResult) -> None:
    """How many chat models of the snapshot get each price dimension."""
    def count(pred: Any) -> int:
        return sum(1 for m in litellm.models if pred(m))

    assert count(lambda m: m.reasoning is not None) == 50
    assert count(lambda m: m.cache_write_1h is not None) == 231
    assert count(lambda m: "flex" in m.service_tiers) == 226
    assert count(lambda m: "priority" in m.service_tiers) == 337
    assert count(lambda m: m.per_request is not None) == 4
    assert count(lambda m: m.per_search is not None) == 398
    assert count(lambda m: m.per_image is not None) == 3
    assert count(lambda m: bool(m.long_context)) == 331
    assert count(lambda m: len(m.long_context) > 1) == 29  # every range priced, none left in notes
    assert count(lambda m: "Further long-context prices not modelled" in m.notes) == 0


def test_litellm_only_input_tiered_uses_base_output() -> None:
    raw = {"m": entry(input_cost_per_token_above_128k_tokens=2e-06)}
    m = parse_litellm(raw, "x.json", today=TODAY).models[0]
    (lc,) = m.long_context
    assert (lc.input, lc.output) == (D(2), D(2))


def test_litellm_all_modes() -> None:
    raw = {
        "emb": entry(mode="embedding", output_cost_per_token=0.0),
        "img": {
            "litellm_provider": "openai",
            "mode": "image_generation",
            "output_cost_per_image": 0.04,
        },
    }
    r = parse_litellm(raw, "x.json", today=TODAY, all_modes=True)
    assert [m.id for m in r.models] == ["openai/emb"]
    assert "mode 'embedding'" in r.models[0].notes
    assert skipped(r) == {"img": "no 'input_cost_per_token'"}


def test_litellm_provider_names_and_prefix() -> None:
    raw = {
        "xai/grok-4": entry(litellm_provider="xai"),
        "bedrock/us.amazon.nova-pro-v1:0": entry(litellm_provider="bedrock_converse"),
        "deepinfra/meta-llama/Llama-3.3-70B": entry(litellm_provider="deepinfra"),
        "vertex_ai/claude-3-5-haiku": entry(litellm_provider="vertex_ai-anthropic_models"),
    }
    got = {m.id: m.provider for m in parse_litellm(raw, "x.json", today=TODAY).models}
    assert got == {
        "xai/grok-4": "xAI",
        "bedrock/us-amazon-nova-pro-v1:0": "Amazon Bedrock",
        "deepinfra/meta-llama/llama-3-3-70b": "Deepinfra",
        "vertex_ai/claude-3-5-haiku": "Google",
    }


def test_litellm_wrong_top_level() -> None:
    with pytest.raises(InputError, match=r"^x\.json: .*JSON object.*not a list"):
        parse_litellm([1, 2], "x.json", today=TODAY)


@pytest.mark.slow
def test_litellm_full_snapshot() -> None:
    """The whole LiteLLM file (its parse time is a benchmark: import_litellm_ms)."""
    raw = json.loads(LITELLM.read_text(encoding="utf-8"))
    r = parse_litellm(raw, str(LITELLM), today=TODAY)
    assert len(r.models) > 1500
    assert len({m.id for m in r.models}) == len(r.models)
    assert all(isinstance(s, Skipped) and s.id and s.reason for s in r.skipped)
    r_all = parse_litellm(raw, str(LITELLM), today=TODAY, all_modes=True)
    assert len(r_all.models) > len(r.models)


# ---------------------------------------------------------------------------------------
# genai-prices


def test_genai_simple_model(genai: ImportResult) -> None:
    m = by_id(genai)["openai/gpt-4o"]
    assert (m.input, m.output, m.cache_read) == (D("2.5"), D("10"), D("1.25"))
    assert m.context_window == 128000
    assert m.provider == "OpenAI"
    assert m.source == "genai-prices data.json"
    assert m.source_url == "https://developers.openai.com/api/docs/pricing"


def test_genai_tiered_model(genai: ImportResult) -> None:
    # fixture: anthropic claude-sonnet-4-5: input {base 3, tiers [{start 200000, price 6}]},
    # output {base 15, tiers [200000: 22.5]}, cache_read 0.3 -> 0.6, cache_write 3.75 -> 7.5
    m = by_id(genai)["anthropic/claude-sonnet-4-5"]
    assert m.name == "Claude Sonnet 4.5" and m.provider == "Anthropic"
    assert (m.input, m.output, m.cache_read, m.cache_write) == (D(3), D(15), D("0.3"), D("3.75"))
    (lc,) = m.long_context
    assert (lc.threshold_tokens, lc.input, lc.output, lc.cache_read, lc.cache_write) == (
        200_000,
        D(6),
        D("22.5"),
        D("0.6"),
        D("7.5"),
    )
    # google gemini-1.5-flash: tier from 128000 tokens
    g = by_id(genai)["google/gemini-1-5-flash"]
    assert g.long_context[0].threshold_tokens == 128_000
    assert (g.input, g.long_context[0].input, g.long_context[0].output) == (
        D("0.075"),
        D("0.15"),
        D("0.6"),
    )


def test_genai_dated_prices(genai: ImportResult) -> None:
    # fixture: openai o3: base 10/40, from 2025-06-10 2/8
    m = by_id(genai)["openai/o3"]
    assert (m.input, m.output) == (D(2), D(8))
    assert [(p.date, p.input, p.output, p.source) for p in m.history] == [
        (date(2025, 6, 10), D(2), D(8), "genai-prices")
    ]
    assert "Before 2025-06-10: input 10, output 40" in m.notes


def test_genai_dated_prices_before_the_change() -> None:
    raw = json.loads(GENAI.read_text(encoding="utf-8"))
    r = parse_genai_prices(raw, "data.json", today=date(2025, 1, 1))
    m = by_id(r)["openai/o3"]
    assert (m.input, m.output) == (D(10), D(40))
    assert m.history == ()
    assert "From 2025-06-10: input 2, output 8" in m.notes


def test_genai_future_price_announced(genai: ImportResult) -> None:
    # claude-sonnet-5: 2/10 until 3/15 from 2026-09-01 (after TODAY)
    m = by_id(genai)["anthropic/claude-sonnet-5"]
    assert (m.input, m.output) == (D(2), D(10))
    assert "From 2026-09-01: input 3, output 15" in m.notes


def test_genai_deepseek_off_peak_is_not_the_all_day_price(genai: ImportResult) -> None:
    """DeepSeek's unconstrained prices are its off-peak ones; the entry for 00:30-16:30 UTC
    holds the prices of the rest of the day (the standard ones)."""
    m = by_id(genai)["deepseek/deepseek-chat"]
    assert (m.input, m.output, m.cache_read) == (D("0.27"), D("1.1"), D("0.07"))
    assert m.off_peak is not None
    assert m.off_peak.model_dump() == {
        "input": D("0.135"), "output": D("0.55"), "cache_read": D("0.035"), "window": "16:30-00:30 UTC"}
    assert "unconstrained prices are used" not in m.notes
    assert m.provider == "DeepSeek"
    r = by_id(genai)["deepseek/deepseek-reasoner"]
    assert (r.input, r.output, r.off_peak and r.off_peak.input) == (D("0.55"), D("2.19"), D("0.135"))


def test_genai_time_window_cheaper_than_all_day() -> None:
    """A time-of-day entry cheaper than the all-day prices is the off-peak one, in its own
    hours (given with an offset: shown in UTC)."""
    raw = genai_doc({"id": "m", "prices": [
        {"prices": {"input_mtok": 1, "output_mtok": 4}},
        {"constraint": {"start_time": "22:00:00+02:00", "end_time": "06:00:00+02:00"},
         "prices": {"input_mtok": 0.5, "output_mtok": 2}},
    ]}, {"id": "same", "prices": [
        {"prices": {"input_mtok": 1, "output_mtok": 4}},
        {"constraint": {"start_time": "22:00:00Z", "end_time": "06:00:00Z"},
         "prices": {"input_mtok": 1, "output_mtok": 4}},
    ]}, {"id": "bad", "prices": [
        {"prices": {"input_mtok": 1, "output_mtok": 4}},
        {"constraint": {"start_time": "late", "end_time": "06:00:00Z"}, "prices": {"input_mtok": 1}},
    ]})
    r = parse_genai_prices(raw, "data.json", today=TODAY)
    m = by_id(r)["acme/m"]
    assert (m.input, m.output) == (D(1), D(4))
    assert m.off_peak is not None
    assert (m.off_peak.input, m.off_peak.output, m.off_peak.window) == (D("0.5"), D(2), "20:00-04:00 UTC")
    assert by_id(r)["acme/same"].off_peak is None
    assert skipped(r)["acme/bad"] == "field 'prices[1].constraint.start_time': not a time of day ('late')"


def test_genai_reasoning_one_hour_cache_and_fees(genai: ImportResult) -> None:
    got = by_id(genai)
    deep = got["perplexity/sonar-deep-research"]
    assert (deep.input, deep.output, deep.reasoning) == (D(2), D(8), D(3))
    assert deep.per_search == D("0.005")  # 5 USD per thousand searches
    assert got["perplexity/sonar"].per_request == D("0.012")  # 12 USD per thousand requests
    sonnet = got["anthropic/claude-sonnet-4-5"]
    assert (sonnet.cache_write, sonnet.cache_write_1h, sonnet.per_search) == (D("3.75"), D(6), D("0.01"))


def test_genai_dimension_counts(genai: ImportResult) -> None:
    def count(field: str) -> int:
        return sum(1 for m in genai.models if getattr(m, field) not in (None, ()))

    assert {f: count(f) for f in ("reasoning", "cache_write_1h", "per_request", "per_search",
                                  "long_context", "off_peak")} == {
        "reasoning": 2, "cache_write_1h": 19, "per_request": 4, "per_search": 17,
        "long_context": 21, "off_peak": 2}


def test_genai_price_variants() -> None:
    """Flex, priority and batch prices from price_variants; a price a variant does not state
    is the standard one."""
    raw = genai_doc({"id": "m", "prices": {"input_mtok": 2, "output_mtok": 8, "cache_read_mtok": 0.5},
                     "price_variants": [
                         {"when": {"processing": "batch"}, "prices": {"input_mtok": 1, "output_mtok": 4}},
                         {"when": {"service_tier": "flex"}, "prices": {"input_mtok": 1, "output_mtok": 4,
                                                                       "cache_read_mtok": 0.25}},
                         {"when": {"service_tier": "priority"}, "prices": {"input_mtok": 3.5}},
                         {"when": {"service_tier": "flex"}, "prices": {"input_mtok": 9, "output_mtok": 9}},
                         {"when": {"speed": "fast"}, "prices": {"input_mtok": 20, "output_mtok": 80}},
                     ]})
    m = parse_genai_prices(raw, "data.json", today=TODAY).models[0]
    assert (m.batch_input, m.batch_output) == (D(1), D(4))
    assert m.service_tiers["flex"].model_dump() == {
        "input": D(1), "output": D(4), "cache_read": D("0.25"), "window": ""}
    assert m.service_tiers["priority"].model_dump() == {
        "input": D("3.5"), "output": D(8), "cache_read": D("0.5"), "window": ""}


def test_genai_skips(genai: ImportResult) -> None:
    reasons = skipped(genai)
    assert reasons["openai/text-embedding-3-small"] == "no 'output_mtok' price"
    assert "empty 'prices'" in reasons["mistral/mistral-nemo:free"]
    assert all(ID_PATTERN.match(m.id) for m in genai.models)
    assert len(genai.models) > 1000


def genai_doc(*models: dict[str, Any], provider: str = "acme") -> list[dict[str, Any]]:
    return [
        {
            "id": provider,
            "name": "Acme AI",
            "pricing_urls": ["https://acme.example/pricing"],
            "models": list(models),
        }
    ]


def test_genai_synthetic_entries() -> None:
    raw = genai_doc(
        {"id": "ok", "prices": {"input_mtok": 1, "output_mtok": 2.5}},
        {
            "id": "in-tiered",
            "prices": {
                "input_mtok": {"base": 1, "tiers": [{"start": 1000, "price": 2}]},
                "output_mtok": 4,
            },
        },
        {"id": "per-request", "prices": {"requests_kcount": 5}},
        {"id": "negative", "prices": {"input_mtok": -1, "output_mtok": 1}},
        {"id": "nan", "prices": {"input_mtok": float("nan"), "output_mtok": 1}},
        {"id": "absurd", "prices": {"input_mtok": 1e9, "output_mtok": 1}},
        {
            "id": "bad-tier",
            "prices": {
                "input_mtok": {"base": 1, "tiers": [{"start": "x", "price": 2}]},
                "output_mtok": 1,
            },
        },
        {
            "id": "bad-date",
            "prices": [
                {
                    "constraint": {"start_date": "soon"},
                    "prices": {"input_mtok": 1, "output_mtok": 1},
                }
            ],
        },
        {"id": "OK", "prices": {"input_mtok": 1, "output_mtok": 1}},
        {"name": "no id", "prices": {"input_mtok": 1, "output_mtok": 1}},
        "not a model",
    )
    r = parse_genai_prices(raw, "data.json", today=TODAY)
    got = by_id(r)
    assert list(got) == ["acme/ok", "acme/in-tiered"]
    assert got["acme/ok"].provider == "Acme AI"
    assert got["acme/ok"].source_url == "https://acme.example/pricing"
    (lc,) = got["acme/in-tiered"].long_context
    assert (lc.threshold_tokens, lc.input, lc.output) == (1000, D(2), D(4))
    reasons = skipped(r)
    assert reasons["acme/per-request"] == "no 'input_mtok' price (has only requests_kcount)"
    assert reasons["acme/negative"].startswith("field 'prices.input_mtok': negative price")
    assert reasons["acme/nan"].startswith("field 'prices.input_mtok': not a finite number")
    assert reasons["acme/absurd"].startswith("field 'prices.input_mtok': absurd price")
    assert reasons["acme/bad-tier"].startswith("field 'prices.input_mtok.tiers[0].start'")
    assert reasons["acme/bad-date"].startswith(
        "field 'prices[0].constraint.start_date': not a date"
    )
    assert reasons["acme/OK"] == "duplicate of acme/ok (from 'acme/ok')"
    assert reasons["acme/models[9]"] == "model has no 'id'"
    assert reasons["acme/models[10]"] == "model is a string, not an object"


def test_genai_wrong_top_level() -> None:
    with pytest.raises(InputError, match=r"^data\.json: .*list of providers.*not an object"):
        parse_genai_prices({"models": []}, "data.json", today=TODAY)


# ---------------------------------------------------------------------------------------
# OpenRouter


def test_openrouter_fixture(openrouter: ImportResult) -> None:
    assert openrouter.format == "openrouter"
    assert len(openrouter.models) == 7
    assert len(openrouter.skipped) == 5
    got = by_id(openrouter)
    m = got["openai/gpt-4o"]
    assert (m.input, m.output, m.cache_read, m.cache_write) == (D("2.5"), D("10"), D("1.25"), None)
    assert (m.context_window, m.max_output) == (128000, 16384)
    assert m.provider == "OpenAI" and m.name == "OpenAI: GPT-4o"
    assert "tools" in m.capabilities and "image" in m.modalities
    g = got["google/gemini-2-5-pro"]
    assert (g.cache_read, g.cache_write) == (D("0.125"), D("1.625"))
    c = got["anthropic/claude-sonnet-4-6"]
    assert (c.input, c.output, c.cache_write) == (D(3), D(15), D("3.75"))
    free = got["meta/llama-3-3-70b-instruct:free"]
    assert (free.input, free.output) == (D(0), D(0))
    assert free.max_output is None
    assert got["xai/grok-4"].provider == "xAI"
    assert got["qwen/qwen3-235b-a22b-2507"].capabilities == ()


def test_openrouter_skips(openrouter: ImportResult) -> None:
    reasons = [(s.id, s.reason) for s in openrouter.skipped]
    assert reasons == [
        ("openrouter/auto", "router with variable price (pricing -1)"),
        (
            "mistralai/mistral-small-3.2-24b-instruct",
            "field 'pricing.prompt': not a number ('abc')",
        ),
        ("cohere/command-r-08-2024", "no 'pricing'"),
        (
            "nousresearch/hermes-3-llama-3.1-70b",
            "field 'pricing.completion': negative price ('-0.0000003')",
        ),
        ("openai/gpt-4o", "duplicate of openai/gpt-4o (from 'openai/gpt-4o')"),
    ]
    # the first gpt-4o is the one kept
    assert by_id(openrouter)["openai/gpt-4o"].max_output == 16384


def test_openrouter_bad_entries() -> None:
    raw = {
        "data": [
            {"name": "no id", "pricing": {"prompt": "0", "completion": "0"}},
            {"id": "noslash", "pricing": {"prompt": "0", "completion": "0"}},
            {"id": "a/huge", "pricing": {"prompt": "1", "completion": "1"}},
            {"id": "a/nan", "pricing": {"prompt": "NaN", "completion": "1e-6"}},
            {"id": "a/no-completion", "pricing": {"prompt": "1e-6"}},
            {"id": "a/numbers", "pricing": {"prompt": 1e-6, "completion": 2e-6}},
            7,
        ]
    }
    r = parse_openrouter(raw, "models.json", today=TODAY)
    assert [m.id for m in r.models] == ["a/numbers"]
    assert (r.models[0].input, r.models[0].output) == (D(1), D(2))
    reasons = skipped(r)
    assert reasons["data[0]"] == "missing 'id'"
    assert reasons["noslash"] == "id 'noslash' is not 'provider/model'"
    assert reasons["a/huge"].startswith("field 'pricing.prompt': absurd price")
    assert reasons["a/nan"].startswith("field 'pricing.prompt': not a finite number")
    assert reasons["a/no-completion"] == "field 'pricing.completion': missing"
    assert reasons["data[6]"] == "entry is a number, not an object"


def test_openrouter_fees_and_reasoning(openrouter: ImportResult) -> None:
    got = by_id(openrouter)
    gpt = got["openai/gpt-4o"]
    # per image as given (USD per input image); request and web search "0": no fee
    assert (gpt.per_image, gpt.per_request, gpt.per_search) == (D("0.003613"), D(0), D(0))
    # "0" for internal reasoning and cache write: none given (output / input price apply)
    assert gpt.reasoning is None and gpt.cache_write is None
    assert got["google/gemini-2-5-pro"].per_image == D("0.00516")
    assert got["deepseek/deepseek-chat-v3-0324"].per_search is None  # not listed


def test_openrouter_every_price_synthetic() -> None:
    raw = {"data": [
        {"id": "a/m", "pricing": {"prompt": "0.000001", "completion": "0.000004",
                                  "internal_reasoning": "0.000003", "request": "0.0005",
                                  "web_search": "0.004", "image": "0.001",
                                  "input_cache_read": "0.0000001", "input_cache_write": "0.00000125"}},
        {"id": "a/bad-search", "pricing": {"prompt": "0", "completion": "0", "web_search": "x"}},
    ]}
    r = parse_openrouter(raw, "models.json", today=TODAY)
    m = by_id(r)["a/m"]
    assert (m.input, m.output, m.reasoning) == (D(1), D(4), D(3))
    assert (m.cache_read, m.cache_write) == (D("0.1"), D("1.25"))
    assert (m.per_request, m.per_search, m.per_image) == (D("0.0005"), D("0.004"), D("0.001"))
    assert skipped(r)["a/bad-search"] == "field 'pricing.web_search': not a number ('x')"


def test_openrouter_wrong_top_level() -> None:
    with pytest.raises(InputError, match="not a list"):
        parse_openrouter([], "models.json", today=TODAY)
    with pytest.raises(InputError, match="'data' list"):
        parse_openrouter({"models": []}, "models.json", today=TODAY)


# ---------------------------------------------------------------------------------------
# Reading files


def test_read_invalid_json(tmp_path: Path) -> None:
    p = tmp_path / "prices.json"
    p.write_text('{"gpt-4o": {', encoding="utf-8")
    with pytest.raises(InputError, match=r"prices\.json: not valid JSON \(line 1"):
        read_import_file("litellm", p, today=TODAY)


def test_read_not_utf8(tmp_path: Path) -> None:
    p = tmp_path / "prices.json"
    p.write_bytes(b'{"a": "\xff\xfe"}')
    with pytest.raises(InputError, match=r"prices\.json: not UTF-8"):
        read_import_file("litellm", p, today=TODAY)


def test_read_list_where_object_expected(tmp_path: Path) -> None:
    p = tmp_path / "prices.json"
    p.write_text("[1, 2, 3]", encoding="utf-8")
    with pytest.raises(InputError, match=rf"^{p}: .*not a list"):
        read_import_file("litellm", p, today=TODAY)
    with pytest.raises(InputError, match=rf"^{p}: "):
        read_import_file("openrouter", p, today=TODAY)


def test_read_too_large_is_refused_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = tmp_path / "huge.json"
    with p.open("wb") as f:
        f.truncate(100 * 1024 * 1024)  # sparse: nothing is written
    opened: list[Path] = []
    real_open = Path.open
    monkeypatch.setattr(Path, "open", lambda self, *a, **kw: opened.append(self) or real_open(self, *a, **kw))
    with pytest.raises(InputError) as exc:
        read_import_file("litellm", p, today=TODAY)
    assert p not in opened  # refused on its size alone
    msg = str(exc.value)
    assert str(p) in msg and "100 MB" in msg and "64 MB" in msg
    # a small limit applies too
    small = tmp_path / "small.json"
    small.write_text("{}", encoding="utf-8")
    with pytest.raises(InputError, match="file is 2 bytes, over the 1 byte limit"):
        read_import_file("litellm", small, today=TODAY, max_bytes=1)
    assert MAX_IMPORT_BYTES == 64 * 1024 * 1024


def test_read_unknown_format_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown import format 'csv'"):
        read_import_file("csv", OPENROUTER, today=TODAY)
    with pytest.raises(InputError, match="file not found"):
        read_import_file("litellm", tmp_path / "nope.json", today=TODAY)
    with pytest.raises(InputError, match="directory"):
        read_import_file("litellm", tmp_path, today=TODAY)


def test_read_nan_in_file(tmp_path: Path) -> None:
    p = tmp_path / "prices.json"
    p.write_text(
        '{"a": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": NaN, "output_cost_per_token": 1e-6},'
        ' "b": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 1e-6, "output_cost_per_token": 1e-6}}',
        encoding="utf-8",
    )
    r = read_import_file("litellm", p, today=TODAY)
    assert [m.id for m in r.models] == ["openai/b"]
    assert r.skipped == [Skipped("a", "field 'input_cost_per_token': not a finite number (nan)")]
    assert r.source == str(p) and r.imported_at == TODAY and r.format == "litellm"


def test_every_imported_model_reads_back_the_same_from_its_compact_entry(litellm, genai, openrouter):
    """An added model is stored with only the fields it does not leave at their defaults
    (a LiteLLM model: about 12 of 33), and reads back as the very same model: every model of
    the three fixtures (all modes of LiteLLM) and of the shipped catalog."""
    from pydantic_core import to_jsonable_python

    from planner.domain.catalog import Catalog, Overlay, PricePoint, apply_overlay
    from planner.io.catalog_files import load_catalog
    from tests.conftest import REPO

    shipped = load_catalog(REPO / "data" / "catalog.json")
    every_mode = read_import_file("litellm", LITELLM, today=TODAY, all_modes=True)
    models = {m.id: m for r in (litellm, every_mode, genai, openrouter) for m in r.models}
    models.update({f"mine/{m.id}": m.model_copy(update={"id": f"mine/{m.id}"}) for m in shipped.models})
    for i, m in enumerate(list(models.values())[::2]):  # half of them with a price history, as an import writes
        models[m.id] = m.model_copy(update={"history": (
            PricePoint(date=TODAY, input=m.input, output=m.output, cache_read=m.cache_read, source=f"import {i}"),)})
    overlay = Overlay()
    for m in models.values():
        overlay.add_model(m, TODAY)
    defaults = {n: to_jsonable_python(f.get_default(call_default_factory=True))
                for n, f in ModelPrice.model_fields.items() if not f.is_required()}
    for e in overlay.entries.values():
        assert not [k for k, v in e.fields.items() if k in defaults and v == defaults[k]], e.id
    empty = Catalog(name="empty", as_of=TODAY, models=())
    catalog, warnings = apply_overlay(empty, Overlay.model_validate_json(overlay.model_dump_json()))
    assert warnings == []
    assert {m.id: m for m in catalog.models} == models
    assert len(models) > 4_500

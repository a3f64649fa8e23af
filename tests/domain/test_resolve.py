"""One resolver for typed model names: ids, display names, dated ids, unique words."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from domain_helpers import mp

from planner.domain.resolve import AmbiguousModel, UnknownModel, resolve_model

MODELS = [
    mp("openai/gpt-5-mini", "0.25", "2", name="GPT-5 mini"),
    mp("openai/gpt-5", "1.25", "10", name="GPT-5"),
    mp("openai/gpt-4o-mini", "0.15", "0.6", name="GPT-4o mini"),
    mp("openai/gpt-4-1-mini", "0.4", "1.6", name="GPT-4.1 mini"),
    mp("anthropic/claude-sonnet-4-6", "3", "15", name="Claude Sonnet 4.6"),
    mp("anthropic/claude-haiku-4-5", "1", "5", name="Claude Haiku 4.5"),
]


@pytest.mark.parametrize(
    ("typed", "model_id"),
    [
        ("openai/gpt-5-mini", "openai/gpt-5-mini"),  # the id
        ("GPT-5 mini", "openai/gpt-5-mini"),  # the name, as the worksheet shows it
        ("gpt-5 mini", "openai/gpt-5-mini"),  # any case
        ("  GPT-5 MINI ", "openai/gpt-5-mini"),
        ("gpt-5-mini", "openai/gpt-5-mini"),  # the id without its provider
        ("gpt-4.1-mini", "openai/gpt-4-1-mini"),  # a dot where the id has a dash
        ("gpt-4o-mini-2024-07-18", "openai/gpt-4o-mini"),  # a dated id
        ("claude-sonnet-4-6@20260101", "anthropic/claude-sonnet-4-6"),
        ("sonnet 4.6", "anthropic/claude-sonnet-4-6"),  # unique words
        ("haiku", "anthropic/claude-haiku-4-5"),
    ],
)
def test_typed_names_resolve(typed, model_id):
    assert resolve_model(MODELS, typed).id == model_id


def test_an_ambiguous_name_lists_the_candidates():
    with pytest.raises(AmbiguousModel) as e:
        resolve_model(MODELS, "claude")
    assert e.value.candidates == ["anthropic/claude-sonnet-4-6", "anthropic/claude-haiku-4-5"]
    assert str(e.value) == "'claude' matches 2 models: anthropic/claude-sonnet-4-6, anthropic/claude-haiku-4-5"


def test_an_unknown_name_suggests_the_nearest():
    with pytest.raises(UnknownModel) as e:
        resolve_model(MODELS, "gpt-5-mnii")
    assert e.value.suggestions[0] == "openai/gpt-5-mini"
    assert str(e.value).startswith("'gpt-5-mnii' is not in the catalog; did you mean openai/gpt-5-mini")


def test_nothing_near_says_so_plainly():
    with pytest.raises(UnknownModel, match=r"^'zzzz' is not in the catalog$"):
        resolve_model(MODELS, "zzzz")


def test_a_provider_named_picks_its_own_model_among_resellers():
    models = [*MODELS, mp("google/gemini-2-5-pro", "1.25", "10", name="Gemini 2.5 Pro"),
              mp("deepinfra/google/gemini-2-5-pro", "1.25", "10", name="Gemini 2.5 Pro (DeepInfra)")]
    assert resolve_model(models, "google/gemini-2.5-pro").id == "google/gemini-2-5-pro"


def test_a_plan_file_may_name_its_models_as_a_person_would():
    from domain_helpers import line, plan

    from planner.domain.plan import RouteShare
    from planner.domain.resolve import resolve_plan_models

    p = plan(line("GPT-5 mini", 1000, 500, 200, name="A"),
             line("openai/gpt-5", 1000, 500, 200, name="B",
                  routing=[RouteShare(model="openai/gpt-5", share=D("0.5")), RouteShare(model="haiku", share=D("0.5"))]),
             line("claude", 1000, 500, 200, name="C"))  # ambiguous: left for the engine to report
    resolved, notes = resolve_plan_models(p, MODELS)
    assert [ln.model for ln in resolved.lines] == ["openai/gpt-5-mini", "openai/gpt-5", "claude"]
    assert [r.model for r in resolved.lines[1].routing] == ["openai/gpt-5", "anthropic/claude-haiku-4-5"]
    assert notes == ["'GPT-5 mini' is taken as openai/gpt-5-mini", "'haiku' is taken as anthropic/claude-haiku-4-5"]

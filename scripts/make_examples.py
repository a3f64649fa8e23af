"""Writes the example plans in data/examples/ from the seed scenarios (run after editing it)."""

from __future__ import annotations

import json
from decimal import Decimal as D
from pathlib import Path

from planner.domain.plan import Forecast, Line, Plan, PromptCache, RouteShare, Scenario, VolumeMode
from planner.domain.presets import SCENARIOS, seed_multipliers

SONNET = "anthropic/claude-sonnet-4-6"
OPUS = "anthropic/claude-opus-4-6"
FLASH = "google/gemini-3-1-flash"
GEMINI_PRO = "google/gemini-3-1-pro"
FLASH_20 = "google/gemini-2-0-flash"


def plans() -> dict[str, Plan]:
    fc = Forecast(horizon_months=12, monthly_growth=D("0.05"), yearly_price_trend=D("-0.30"))
    desc = {s.key: s.description for s in SCENARIOS}
    out = {
        "small-saas": Plan(
            name="Small SaaS",
            notes=desc["small-saas"],
            lines=[Line(name="Assistant replies", requests=D(10_000), input_tokens=D(500), output_tokens=D(1000), model=SONNET)],
            monthly_budget=D(250),
        ),
        "medium-saas": Plan(
            name="Medium SaaS",
            notes=desc["medium-saas"],
            lines=[Line(name="Assistant replies", requests=D(100_000), input_tokens=D(500), output_tokens=D(1000), model=SONNET)],
            monthly_budget=D(2500),
        ),
        "consumer-app": Plan(
            name="Consumer app",
            notes=desc["consumer-app"],
            lines=[Line(name="Chat turns", requests=D(10_000_000), input_tokens=D(200), output_tokens=D(500), model=FLASH_20)],
            monthly_budget=D(3000),
        ),
        "enterprise": Plan(
            name="Enterprise platform",
            notes=desc["enterprise"],
            lines=[Line(name="Analyst reports", requests=D(100_000), input_tokens=D(2000), output_tokens=D(4000), model=OPUS)],
            monthly_budget=D(40000),
        ),
        "routed-1m-mix": Plan(
            name="Routed 1M-call mix",
            notes=desc["routed-1m-mix"] + ". Baseline: every call on Opus.",
            lines=[
                Line(
                    name="All product calls",
                    requests=D(1_000_000),
                    input_tokens=D(500),
                    output_tokens=D(1000),
                    model=OPUS,
                    routing=[
                        RouteShare(model=FLASH, share=D("0.40")),
                        RouteShare(model=SONNET, share=D("0.35")),
                        RouteShare(model=OPUS, share=D("0.15")),
                        RouteShare(model=GEMINI_PRO, share=D("0.10")),
                    ],
                )
            ],
            monthly_budget=D(25000),
        ),
    }
    for p in out.values():
        p.multipliers = seed_multipliers()
        p.forecast = fc.model_copy()
    out["product-suite"] = product_suite()
    return out


def product_suite() -> Plan:
    """Six features of one product, with every kind of lever in use."""
    plan = Plan(
        name="Product suite",
        notes="Six AI features of one SaaS product, with caching, batch and routing levers on.",
        lines=[
            Line(name="Support bot", preset="ticket", requests=D(50_000), input_tokens=D(2300), output_tokens=D(250),
                 model="anthropic/claude-haiku-4-5", prompt_cache=PromptCache(prefix_tokens=D(2000), hit_rate=D("0.9")),
                 response_cache_hit_rate=D("0.15")),
            Line(name="Email drafts", preset="email", requests=D(20_000), input_tokens=D(200), output_tokens=D(500),
                 model="openai/gpt-4-1-mini"),
            Line(name="Document summaries", preset="document", volume_mode=VolumeMode.PER_DAY, requests=D(3000),
                 days_per_month=D(22), input_tokens=D(5000), output_tokens=D(300), model="google/gemini-2-5-flash",
                 batch_share=D("0.6")),
            Line(name="Code review", preset="code_file", requests=D(40_000), input_tokens=D(800), output_tokens=D(400),
                 model="anthropic/claude-sonnet-4-6",
                 routing=[RouteShare(model="anthropic/claude-sonnet-4-6", share=D("0.7")),
                          RouteShare(model="deepseek/deepseek-v4-flash", share=D("0.3"))]),
            Line(name="Product descriptions", preset="product", requests=D(100_000), input_tokens=D(150),
                 output_tokens=D(400), model="openai/gpt-5-mini", batch_share=D(1)),
            Line(name="Analyst reports", preset="document", requests=D(2000), input_tokens=D(5000), output_tokens=D(2000),
                 model="anthropic/claude-opus-4-6", prompt_cache=PromptCache(prefix_tokens=D(3000), hit_rate=D("0.5"))),
        ],
        multipliers=seed_multipliers(),
        monthly_budget=D(650),
        forecast=Forecast(horizon_months=12, monthly_growth=D("0.08"), yearly_price_trend=D("-0.30")),
    )
    plan.multipliers[2].enabled = True  # semantic caching, 20-50%
    # Two what-ifs finance asks about: cheaper models where quality allows, and a busier year.
    plan.scenarios = [
        Scenario(name="Cheaper models", notes="Code review all on DeepSeek V4 Flash; analyst reports on Sonnet 4.6",
                 lines={"Code review": {"model": "deepseek/deepseek-v4-flash", "routing": []},
                        "Analyst reports": {"model": "anthropic/claude-sonnet-4-6"}}),
        Scenario(name="Twice the volume", notes="Every feature at twice its requests, the budget unchanged",
                 lines={ln.name: {"requests": str(ln.requests * 2)} for ln in plan.lines}),
    ]
    return plan


def main() -> None:
    root = Path(__file__).resolve().parent.parent / "data" / "examples"
    root.mkdir(parents=True, exist_ok=True)
    for key, plan in plans().items():
        data = plan.model_dump(mode="json", exclude_defaults=False)
        (root / f"{key}.costplan").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        print("wrote", root / f"{key}.costplan")


if __name__ == "__main__":
    main()

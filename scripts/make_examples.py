"""Writes the example plans in data/examples/ from the seed scenarios (run after editing it)."""

from __future__ import annotations

import json
from decimal import Decimal as D
from pathlib import Path

from planner.domain.plan import Forecast, Line, Plan, RouteShare
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
    return out


def main() -> None:
    root = Path(__file__).resolve().parent.parent / "data" / "examples"
    root.mkdir(parents=True, exist_ok=True)
    for key, plan in plans().items():
        data = plan.model_dump(mode="json", exclude_defaults=False)
        (root / f"{key}.costplan").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        print("wrote", root / f"{key}.costplan")


if __name__ == "__main__":
    main()

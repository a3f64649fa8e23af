"""Presets from the seed articles: content sizes, the flat-multiplier levers, example scenarios."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from planner.domain.plan import FlatMultiplier


@dataclass(frozen=True)
class ContentSize:
    key: str
    label: str
    tokens: int
    short: str = ""


#: Approximate tokens per item (seed: "Real Cost Calculator, Step 1").
CONTENT_SIZES: tuple[ContentSize, ...] = (
    ContentSize("page", "1 page of text", 500, "Page"),
    ContentSize("email", "1 email", 200, "Email"),
    ContentSize("code_file", "1 code file (200 lines)", 800, "Code file"),
    ContentSize("ticket", "1 support ticket", 300, "Ticket"),
    ContentSize("product", "1 product description", 150, "Product desc."),
    ContentSize("blog", "1 blog post (2,000 words)", 3000, "Blog post"),
    ContentSize("document", "1 document (10 pages)", 5000, "Document"),
)
CONTENT_SIZE_BY_KEY = {c.key: c for c in CONTENT_SIZES}


def seed_multipliers() -> list[FlatMultiplier]:
    """The seed's optimization levers as flat multipliers, all off until the user turns one on
    (low / expected / high savings; expected is the middle of the published range)."""
    d = Decimal
    return [
        FlatMultiplier(name="Smart routing", low=d("0.40"), expected=d("0.55"), high=d("0.70")),
        FlatMultiplier(name="Prompt caching", low=d("0.20"), expected=d("0.30"), high=d("0.40")),
        FlatMultiplier(name="Semantic caching", low=d("0.20"), expected=d("0.35"), high=d("0.50")),
        FlatMultiplier(name="Response caching", low=d("0.10"), expected=d("0.20"), high=d("0.30")),
        FlatMultiplier(name="Batch processing", low=d("0.50"), expected=d("0.50"), high=d("0.50")),
    ]


@dataclass(frozen=True)
class Scenario:
    key: str
    label: str
    description: str


#: Example plans shipped in data/examples/<key>.costplan.
SCENARIOS: tuple[Scenario, ...] = (
    Scenario("small-saas", "Small SaaS", "10K requests/month, 5M input and 10M output tokens on a Sonnet-class model"),
    Scenario("medium-saas", "Medium SaaS", "100K requests/month, 50M input and 100M output tokens on a Sonnet-class model"),
    Scenario("consumer-app", "Consumer app", "10M requests/month, 2B input and 5B output tokens on a Flash-class model"),
    Scenario("enterprise", "Enterprise platform", "100K requests/month, 200M input and 400M output tokens on an Opus-class model"),
    Scenario("routed-1m-mix", "Routed 1M-call mix", "1M calls/month routed across Flash, Sonnet, Opus and Gemini Pro"),
    Scenario("product-suite", "Product suite (6 features)", "Six AI features of one product, with caching, batch and routing on"),
)

"""The "How costs are computed" help page: every formula the engine uses, in plain words."""

HOW_COSTS_ARE_COMPUTED = """
<h2>How costs are computed</h2>
<p>Prices are US dollars per 1 million tokens. Money is kept exact (decimal) and rounded
half-up to cents only when shown or exported; a shown total is the sum of the shown lines.</p>

<h3>One request, one line</h3>
<p>Cost of one request on model <i>m</i>: <b>(I × in + O × out) / 1,000,000</b>, for
<i>I</i> input and <i>O</i> output tokens. A line's <b>baseline</b> is <i>R</i> requests a
month × that, on the line's own model, with no levers.</p>
<p>Long context: a request whose input exceeds a model's long-context threshold is billed
<b>entirely</b> at the higher tier's prices, not only the tokens above it.</p>

<h3>Levers, in this order</h3>
<ol>
<li><b>App-side caches</b>: exact-match response cache hit rate <i>a</i>, semantic cache
hit rate <i>s</i>: billable requests <b>R′ = R (1 − a)(1 − s)</b>.</li>
<li><b>Routing mix</b>: R′ is split across models by shares that sum to 100% (default:
all on the line's model).</li>
<li><b>Prompt caching</b>: a cacheable prefix of <i>P</i> ≤ <i>I</i> tokens hit <i>h</i> of
the time. Input cost per request <b>(I − P) × in + P × (h × cache_read + (1 − h) × cache_write)</b>;
cache_write is the input price where a model lists none. A model with no cache-read price
does not get this lever. With a write premium and a low hit rate caching costs more: the
saving is shown negative.</li>
<li><b>Batch</b>: a share <i>b</i> of requests at batch prices: the model's own, else its
batch discount, else the plan's default discount (50%). Prompt-caching rates are discounted
the same way: the two stack.</li>
<li><b>Flat multipliers</b> for levers not modelled line by line: each saves a low /
expected / high share, applied multiplicatively: <b>total × Π(1 − sᵢ)</b>. High savings give
the best (low) budget, low savings the worst (high) one.</li>
</ol>
<p>Each lever's saving is the difference it makes at its step: the savings waterfall.</p>

<h3>Forecast and budget</h3>
<p>Month <i>k</i> (0 = this month): volume × (1 + g)<sup>k</sup> for monthly growth
<i>g</i>, prices × (1 + p)<sup>k/12</sup> for a yearly price trend <i>p</i>. A monthly budget
<i>B</i> buys requests × B / monthly cost (every line scaled alike); headroom is B − cost.</p>

<h3>Catalog metrics</h3>
<ul>
<li>Tokens per $1 = 1,000,000 / price, rounded down to whole tokens (input and output separately).</li>
<li>Output/input ratio = out / in.</li>
<li>Blended price at r:1 (input:output) = (r × in + out) / (r + 1).</li>
<li>Value = quality / input price (higher is better).</li>
<li>$ per quality point = blended price at 1:1 / quality (lower is better).</li>
<li>Quality floor: models under it are left out of rankings, not deleted.</li>
<li>Composite score (0–100): 40% cost per point, 20% passing the quality floor, 15% cache-read
price, 15% throughput, 10% context ≥ 32K; each part relative to the best of all the models with a
score on the chosen metric, so the floor and the filters never change a model's score. A model
with no score has no composite, and sorts last.</li>
<li>Tier, unless the catalog says otherwise: premium in ≥ $2.50, mid $0.40–$2.50, budget under $0.40.</li>
<li>What $1 buys = whole tasks $1 pays for: floor(1 / cost of one task).</li>
</ul>
<p>Self-hosted models: $ per 1M tokens = GPU $/hour × GPUs / (tokens/s × 3,600 × utilization) × 1,000,000.</p>
"""

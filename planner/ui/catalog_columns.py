"""The Models table's columns and limits: constants only, cheap to import (the first
paint of the window uses them before the catalog and numpy are loaded)."""

from __future__ import annotations

(
    COL_PROVIDER,
    COL_MODEL,
    COL_TIER,
    COL_INPUT,
    COL_OUTPUT,
    COL_CACHE_READ,
    COL_CACHE_WRITE,
    COL_BATCH_IN,
    COL_BATCH_OUT,
    COL_CONTEXT,
    COL_MAX_OUTPUT,
    COL_QUALITY,
    COL_TPD_IN,
    COL_TPD_OUT,
    COL_RATIO,
    COL_BLENDED,
    COL_VALUE,
    COL_COST_PER_POINT,
    COL_COMPOSITE,
    COL_THROUGHPUT,
    COL_TTFT,
    COL_AS_OF,
    # price dimensions only some models have (hidden until shown)
    COL_REASONING,
    COL_CACHE_WRITE_1H,
    COL_FLEX_IN,
    COL_FLEX_OUT,
    COL_PRIORITY_IN,
    COL_PRIORITY_OUT,
    COL_OFF_PEAK_IN,
    COL_OFF_PEAK_OUT,
    COL_PER_REQUEST,
    COL_PER_SEARCH,
    COL_PER_IMAGE,
) = range(33)
COLUMN_COUNT = 33
#: The columns before the price dimensions were added: a saved list of hidden columns
#: written then says nothing of the later ones, which keep their default.
LEGACY_COLUMN_COUNT = 22
#: Service-tier and off-peak columns: (service tier or "off_peak", side).
ALTERNATIVE_PRICE_COLUMNS = {
    COL_FLEX_IN: ("flex", "input"),
    COL_FLEX_OUT: ("flex", "output"),
    COL_PRIORITY_IN: ("priority", "input"),
    COL_PRIORITY_OUT: ("priority", "output"),
    COL_OFF_PEAK_IN: ("off_peak", "input"),
    COL_OFF_PEAK_OUT: ("off_peak", "output"),
}
#: Fees in USD per request, per web-search call, per input image (not per 1M tokens).
FEE_COLUMNS = {COL_PER_REQUEST: "per_request", COL_PER_SEARCH: "per_search", COL_PER_IMAGE: "per_image"}

PRICE_COLUMNS = {
    COL_INPUT: "input",
    COL_OUTPUT: "output",
    COL_CACHE_READ: "cache_read",
    COL_CACHE_WRITE: "cache_write",
    COL_BATCH_IN: "batch_input",
    COL_BATCH_OUT: "batch_output",
}
#: Columns hidden until the user shows them (header context menu).
HIDDEN_BY_DEFAULT = (COL_CACHE_WRITE, COL_BATCH_IN, COL_BATCH_OUT, COL_MAX_OUTPUT, COL_TTFT, COL_AS_OF,
                     *range(COL_REASONING, COLUMN_COUNT))
#: Columns editable in place, and the ModelPrice field each writes.
EDITABLE = {**PRICE_COLUMNS, COL_QUALITY: "quality", COL_CONTEXT: "context_window", COL_MAX_OUTPUT: "max_output",
            COL_THROUGHPUT: "throughput_tps", COL_TTFT: "ttft_s"}
NUMERIC = set(range(COL_INPUT, COL_AS_OF)) | set(range(COL_REASONING, COLUMN_COUNT))

#: Models with a context window this large or larger pass the "Long context" filter.
LONG_CONTEXT_TOKENS = 200_000
#: Models the comparison shows side by side, at most.
MAX_COMPARE = 4

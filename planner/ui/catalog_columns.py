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
) = range(22)
COLUMN_COUNT = 22

PRICE_COLUMNS = {
    COL_INPUT: "input",
    COL_OUTPUT: "output",
    COL_CACHE_READ: "cache_read",
    COL_CACHE_WRITE: "cache_write",
    COL_BATCH_IN: "batch_input",
    COL_BATCH_OUT: "batch_output",
}
#: Columns hidden until the user shows them (header context menu).
HIDDEN_BY_DEFAULT = (COL_CACHE_WRITE, COL_BATCH_IN, COL_BATCH_OUT, COL_MAX_OUTPUT, COL_TTFT, COL_AS_OF)
#: Columns editable in place, and the ModelPrice field each writes.
EDITABLE = {**PRICE_COLUMNS, COL_QUALITY: "quality", COL_CONTEXT: "context_window", COL_MAX_OUTPUT: "max_output",
            COL_THROUGHPUT: "throughput_tps", COL_TTFT: "ttft_s"}
NUMERIC = set(range(COL_INPUT, COL_AS_OF))

#: Models with a context window this large or larger pass the "Long context" filter.
LONG_CONTEXT_TOKENS = 200_000
#: Models the comparison shows side by side, at most.
MAX_COMPARE = 4

"""The Inputs sheet: every assumption behind the amounts, the ones a reader may change in
light yellow (unlocked), with a legend. The other sheets' formulas read these cells."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from xlsxwriter.worksheet import Worksheet

from planner.domain.costing import combined_multiplier_saving
from planner.domain.money import ONE
from planner.domain.plan import VolumeMode
from planner.io.export_sections import Source
from planner.io.export_table import ExportData, Kind, ModelRow, plain
from planner.io.xlsx_cells import Formats, formula, headers, ref, span, write
from planner.io.xlsx_model import LineModel

SHEET = "Inputs"

#: the line table's columns (key, header, kind, width)
LINE_COLUMNS = (
    ("name", "Line", Kind.TEXT, 28),
    ("group", "Group", Kind.TEXT, 14),
    ("requests", "Requests/month", Kind.COUNT, 13),
    ("input", "Input tokens/request", Kind.COUNT, 12),
    ("output", "Output tokens/request", Kind.COUNT, 12),
    ("reasoning", "Reasoning tokens/request", Kind.COUNT, 12),
    ("model", "Model ID", Kind.TEXT, 30),
    ("response_cache", "Response cache hit rate", Kind.RATE, 11),
    ("semantic_cache", "Semantic cache hit rate", Kind.RATE, 11),
    ("prefix", "Cached prefix (tokens)", Kind.COUNT, 11),
    ("hit_rate", "Prompt-cache hit rate", Kind.RATE, 11),
    ("batch", "Batch share", Kind.RATE, 11),
    ("routing", "Routing shares", Kind.TEXT, 30),
    ("costed", "How the workbook costs it", Kind.TEXT, 44),
)
LCOL = {key: c for c, (key, *_) in enumerate(LINE_COLUMNS)}

#: the model table's columns (key, header, kind)
MODEL_COLUMNS = (
    ("id", "Model ID", Kind.TEXT),
    ("name", "Model", Kind.TEXT),
    ("provider", "Provider", Kind.TEXT),
    ("input", "Input", Kind.PRICE),
    ("output", "Output", Kind.PRICE),
    ("reasoning", "Reasoning", Kind.PRICE),
    ("cache_read", "Cache read", Kind.PRICE),
    ("cache_write", "Cache write", Kind.PRICE),
    ("batch_discount", "Batch discount", Kind.RATE),
    ("batch_input", "Batch input", Kind.PRICE),
    ("batch_output", "Batch output", Kind.PRICE),
    ("batch_cache_read", "Batch cache read", Kind.PRICE),
    ("batch_cache_write", "Batch cache write", Kind.PRICE),
    ("batch_reasoning", "Batch reasoning", Kind.PRICE),
    ("source", "Source", Kind.TEXT),
    ("as_of", "Price as of", Kind.DATE),
    ("pinned", "Pinned in plan", Kind.TEXT),
)
MCOL = {key: c for c, (key, *_) in enumerate(MODEL_COLUMNS)}
#: the add-on table's columns
ADD_ON_COL = {"name": 0, "group": 1, "monthly": 2}
_WIDTHS = (28, 14, 13, 12, 12, 12, 30, 11, 11, 11, 11, 11, 30, 44, 16, 11, 10)


@dataclass
class InputRefs:
    """Where each input is: plan settings by key, the line rows, the model table's rows."""

    settings: dict[str, str] = field(default_factory=dict)
    line_rows: list[int] = field(default_factory=list)
    model_rows: tuple[int, int] = (0, -1)
    #: the multipliers' rows, and the cells of their combined cost factors
    multiplier_rows: list[int] = field(default_factory=list)
    factors: dict[str, str] = field(default_factory=dict)
    #: the fixed add-ons' rows (name, group, amount a month)
    add_on_rows: list[int] = field(default_factory=list)
    #: model id -> its position in the model table, and the prices written there
    model_index: dict[str, int] = field(default_factory=dict)
    model_prices: dict[str, dict[str, Decimal | None]] = field(default_factory=dict)

    def line(self, i: int, key: str) -> str:
        return ref(SHEET, self.line_rows[i], LCOL[key])

    def models(self, key: str) -> str:
        first, last = self.model_rows
        return span(SHEET, first, last, MCOL[key])

    def add_on(self, j: int, key: str) -> str:
        """Add-on j's name, group or amount cell."""
        return ref(SHEET, self.add_on_rows[j], ADD_ON_COL[key])


def _legend(ws: Worksheet, fmts: Formats) -> int:
    ws.write_string(0, 0, "Inputs", fmts.title)
    ws.write_string(1, 0, "Input", fmts.get(Kind.TEXT, entry=True))
    ws.write_string(1, 1, "Light yellow cells are inputs: change one and every amount of the workbook "
                    "follows. Other cells are formulas or facts, protected against accidental edits "
                    "(Review > Unprotect Sheet; no password).", fmts.note)
    return 3


def _settings(ws: Worksheet, row: int, src: Source, data: ExportData, fmts: Formats,
              refs: InputRefs) -> int:
    plan, cur = src.plan, data.currency
    ws.write_string(row, 0, "Plan settings", fmts.section)
    headers(ws, row + 1, ["Setting", "Value", "Note"], fmts.header)
    row += 2
    items: list[tuple[str, str, Any, Kind, bool, str]] = [
        ("currency", "Currency", data.currency_text, Kind.TEXT, False, ""),
        ("rate", f"Currency rate ({cur} per USD)", plan.currency.per_usd, Kind.COUNT, cur != "USD",
         "prices are in USD; every amount is multiplied by this rate"),
        ("growth", "Monthly volume growth (fraction)", plan.forecast.monthly_growth, Kind.RATE, True,
         "month k: requests × (1 + growth)^k"),
        ("trend", "Yearly price trend (fraction)", plan.forecast.yearly_price_trend, Kind.RATE, True,
         "month k: prices × (1 + trend)^(k/12)"),
        ("batch_discount", "Default batch discount (fraction)", plan.batch_discount, Kind.RATE, True,
         "for models with no batch price or discount of their own"),
        ("retry", "Retry overhead (fraction)", plan.retry_overhead, Kind.RATE, True,
         "extra requests from retries and failures"),
        ("fee", "Platform fee (fraction)", plan.platform_fee, Kind.RATE, True, "a fee on everything spent"),
        ("budget", f"Monthly budget ({cur})", data.budget, Kind.MONEY, True, "leave empty for none"),
        ("horizon", "Forecast horizon (months)", Decimal(plan.forecast.horizon_months), Kind.COUNT, False,
         "the By month and Forecast sheets' months (fixed when exported)"),
        ("catalog", "Catalog", f"{data.catalog_name}, prices as of {data.catalog_as_of.isoformat()}",
         Kind.TEXT, False, ""),
    ]
    for key, label, value, kind, entry, note in items:
        ws.write_string(row, 0, label, fmts.label)
        write(ws, row, 1, value, kind, fmts, entry=entry)
        if note:
            ws.write_string(row, 2, note, fmts.note)
        refs.settings[key] = ref(SHEET, row, 1)
        row += 1
    s = refs.settings
    ws.write_string(row, 0, "Overheads factor, (1 + retry) × (1 + fee)", fmts.label)
    formula(ws, row, 1, f"(1+{s['retry']})*(1+{s['fee']})",
            (ONE + plan.retry_overhead) * (ONE + plan.platform_fee), fmts.get(Kind.COUNT, fractional=True))
    refs.settings["overheads"] = ref(SHEET, row, 1)
    return row + 2


def _multipliers(ws: Worksheet, row: int, src: Source, fmts: Formats, refs: InputRefs) -> int:
    """The flat multipliers, each with its cost factor (1 - saving when on), and together."""
    mults = src.plan.multipliers
    ws.write_string(row, 0, "Flat multipliers (savings as fractions; Enabled: on or off)", fmts.section)
    headers(ws, row + 1, ["Multiplier", "Enabled", "Low", "Expected", "High", "Note",
                          "Cost factor, expected", "Cost factor, best case", "Cost factor, worst case"],
            fmts.header)
    row += 2
    factor_fmt = fmts.get(Kind.COUNT, fractional=True)
    # (factor column, saving column it takes, the saving the engine uses for it)
    factor_cols = ((6, 3, "expected"), (7, 4, "high"), (8, 2, "low"))
    for m in mults:
        ws.write_string(row, 0, m.name, fmts.label)
        write(ws, row, 1, "on" if m.enabled else "off", Kind.TEXT, fmts, entry=True)
        ws.data_validation(row, 1, row, 1, {"validate": "list", "source": ["on", "off"]})
        for c, v in ((2, m.low), (3, m.expected), (4, m.high)):
            write(ws, row, c, v, Kind.RATE, fmts, entry=True)
        if m.note:
            ws.write_string(row, 5, m.note, fmts.note)
        on = ref(None, row, 1)
        for c, saving_col, which in factor_cols:
            value = ONE - getattr(m, which) if m.enabled else ONE
            formula(ws, row, c, f"IF({on}=\"on\",1-{ref(None, row, saving_col)},1)", value, factor_fmt)
        refs.multiplier_rows.append(row)
        row += 1
    ws.write_string(row, 0, "All multipliers together" if mults else "none", fmts.get(Kind.TEXT, True))
    enabled = src.plan.enabled_multipliers()
    for c, _, which in factor_cols:
        value = ONE - combined_multiplier_saving(enabled, which)
        if mults:
            formula(ws, row, c, f"PRODUCT({span(None, refs.multiplier_rows[0], row - 1, c)})", value,
                    fmts.get(Kind.COUNT, True, True))
        else:
            write(ws, row, c, value, Kind.COUNT, fmts, total=True)
        refs.factors[which] = ref(SHEET, row, c)
    return row + 2


def _add_ons(ws: Worksheet, row: int, src: Source, data: ExportData, fmts: Formats, refs: InputRefs) -> int:
    """The enabled fixed monthly add-ons: the amount of each is an input."""
    add_ons = src.result.add_ons
    if not add_ons:
        return row
    ws.write_string(row, 0, f"Fixed monthly add-ons ({data.currency} a month: the same every month; no lever, "
                    "overhead or fee applies to them)", fmts.section)
    headers(ws, row + 1, ["Add-on", "Group", f"Amount ({data.currency}/month)", "Note"], fmts.header)
    row += 2
    notes = {a.name: a.note for a in src.plan.add_ons}
    for a in add_ons:
        ws.write_string(row, 0, a.name, fmts.label)
        ws.write_string(row, 1, a.group, fmts.label)
        write(ws, row, 2, a.monthly, Kind.MONEY, fmts, entry=True)
        if notes.get(a.name):
            ws.write_string(row, 3, notes[a.name], fmts.note)
        refs.add_on_rows.append(row)
        row += 1
    return row + 1


def _line_values(lm: LineModel, lookup_name: Any) -> dict[str, Any]:
    ln = lm.line
    routing = "; ".join(f"{plain((r.share * 100).normalize())}% {lookup_name(r.model)}" for r in ln.routing)
    costed = "formulas" if lm.live else f"values: {lm.reason}"
    if ln.volume_mode is VolumeMode.PER_DAY:
        costed += f" ({plain(ln.requests)} a day × {plain(ln.days_per_month)} days)"
    return {
        "name": ln.name, "group": ln.group, "requests": ln.requests_per_month, "input": ln.input_tokens,
        "output": ln.output_tokens,
        "reasoning": ln.reasoning_tokens if ln.reasoning_tokens is not None or lm.reason else Decimal(0),
        "model": ln.model, "response_cache": ln.response_cache_hit_rate,
        "semantic_cache": ln.semantic_cache_hit_rate, "prefix": ln.prompt_cache.prefix_tokens,
        "hit_rate": ln.prompt_cache.hit_rate, "batch": ln.batch_share, "routing": routing, "costed": costed,
    }


#: the line inputs a live line's formulas read (the others are facts)
_LINE_ENTRIES = {"requests", "input", "output", "reasoning", "response_cache", "semantic_cache", "prefix",
                 "hit_rate", "batch"}


def _lines(ws: Worksheet, row: int, lines: Sequence[LineModel], data: ExportData, fmts: Formats,
           refs: InputRefs) -> int:
    ws.write_string(row, 0, "Lines (a line costed as values ignores changes to its own inputs: "
                    "see How the workbook costs it)", fmts.section)
    headers(ws, row + 1, [h for _, h, _, _ in LINE_COLUMNS], fmts.header)
    ws.set_row(row + 1, 42)
    row += 2
    names = {m.id: m.name for m in data.by_model}
    for lm in lines:
        values = _line_values(lm, lambda mid: names.get(mid, mid))
        for c, (key, _, kind, _) in enumerate(LINE_COLUMNS):
            entry = lm.live and key in _LINE_ENTRIES
            write(ws, row, c, values[key], kind, fmts, entry=entry)
        refs.line_rows.append(row)
        row += 1
    if not lines:
        ws.write_string(row, 0, "none", fmts.note)
        row += 1
    return row + 1


def _model_cell(ws: Worksheet, row: int, key: str, m: ModelRow, reasoning: Decimal | None,
                default_discount: Decimal, refs: InputRefs, fmts: Formats) -> Decimal | None:
    """One price of the model table: the catalog's where it states one (an input), else the
    formula the engine's rule gives (cache write = input; batch = input × (1 - discount)...)."""
    c = MCOL[key]

    def at(k: str) -> str:
        return ref(None, row, MCOL[k])

    own: dict[str, Decimal | None] = {
        "input": m.input, "output": m.output, "reasoning": reasoning, "cache_read": m.cache_read,
        "cache_write": m.cache_write, "batch_discount": m.batch_discount, "batch_input": m.batch_input,
        "batch_output": m.batch_output,
    }
    derived = {
        "reasoning": (at("output"), m.output if reasoning is None else reasoning),
        "cache_write": (at("input"), m.cache_write_effective),
        "batch_discount": (refs.settings["batch_discount"], None),
        "batch_input": (f"{at('input')}*(1-{at('batch_discount')})", m.batch_input_effective),
        "batch_output": (f"{at('output')}*(1-{at('batch_discount')})", m.batch_output_effective),
    }
    batch_of = {"batch_cache_read": ("cache_read", "input", "batch_input"),
                "batch_cache_write": ("cache_write", "input", "batch_input"),
                "batch_reasoning": ("reasoning", "output", "batch_output")}
    price = fmts.get(Kind.PRICE)
    if key in batch_of:
        base, std, bat = (at(k) for k in batch_of[key])
        text = f"IF({std}=0,{base}*(1-{at('batch_discount')}),{base}*{bat}/{std})"
        value = _batch_value(key, m, reasoning)
        if key == "batch_cache_read" and m.cache_read is None:
            ws.write_blank(row, c, None, price)  # no cache read, no batch cache read
        else:
            formula(ws, row, c, text, value, price)
        return value
    if own.get(key) is not None or key in ("input", "output", "cache_read"):
        write(ws, row, c, own[key], MODEL_COLUMNS[c][2], fmts, entry=own[key] is not None)
        return own[key]
    text, value = derived[key]
    if key == "batch_discount":
        value = default_discount
    formula(ws, row, c, text, value, fmts.get(MODEL_COLUMNS[c][2]))
    return value


def _batch_value(key: str, m: ModelRow, reasoning: Decimal | None) -> Decimal | None:
    """The cached value of a derived batch price (the engine's, scaled like its input or output)."""
    if key == "batch_reasoning":
        r = m.output if reasoning is None else reasoning
        return r * m.batch_output_effective / m.output if m.output else None
    base = m.cache_read if key == "batch_cache_read" else m.cache_write_effective
    if base is None:
        return None
    return base * m.batch_input_effective / m.input if m.input else None


def _models(ws: Worksheet, row: int, src: Source, data: ExportData, fmts: Formats, refs: InputRefs) -> int:
    ws.write_string(row, 0, "Models: the unit prices used (USD per 1M tokens)", fmts.section)
    headers(ws, row + 1, [h for _, h, _ in MODEL_COLUMNS], fmts.header)
    ws.set_row(row + 1, 30)
    row += 2
    first = row
    for j, m in enumerate(data.by_model):
        reasoning = src.model(m.id, "model").reasoning
        refs.model_index[m.id] = j
        prices = refs.model_prices[m.id] = {}
        for key, _, kind in MODEL_COLUMNS:
            if key in ("id", "name", "provider", "source", "as_of", "pinned"):
                value = {"source": m.source, "as_of": m.as_of, "pinned": m.pinned_text}.get(key)
                write(ws, row, MCOL[key], getattr(m, key) if value is None and key != "as_of" else value,
                      kind, fmts)
            else:
                prices[key] = _model_cell(ws, row, key, m, reasoning, data.batch_discount, refs, fmts)
        row += 1
    refs.model_rows = (first, row - 1)
    return row + 1


def inputs_sheet(ws: Worksheet, src: Source, data: ExportData, lines: Sequence[LineModel],
                 fmts: Formats) -> InputRefs:
    refs = InputRefs()
    row = _legend(ws, fmts)
    row = _settings(ws, row, src, data, fmts, refs)
    row = _multipliers(ws, row, src, fmts, refs)
    row = _add_ons(ws, row, src, data, fmts, refs)
    row = _lines(ws, row, lines, data, fmts, refs)
    _models(ws, row, src, data, fmts, refs)
    for c, w in enumerate(_WIDTHS):
        ws.set_column(c, c, w)
    ws.freeze_panes(3, 1)
    return refs

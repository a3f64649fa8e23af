"""Quality scores from a CSV file, checked row by row and applied to the user's overlay.

The file has a header row naming the columns (any order, any case): `model` (a catalog id
or a name as the worksheet takes it), `metric` (a known metric's key or name, or a new key
such as `internal_eval`), `score` (0-100; a trailing % is fine), `source` (where the score
comes from) and `date` (YYYY-MM-DD). Commas, semicolons or tabs separate the fields.

Every bad row is one line naming the file, the row (its line in the file) and the field;
good rows are still read. `preview_scores` says what each good row would do (added,
changed old -> new, or skipped and why) and `apply_scores` writes the added and changed
scores to a copy of the overlay, each with a line in the model's notes saying where it
came from: "Score internal_eval 71.5: Team evals Q2, 2026-06-01."
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Literal

from planner.domain.catalog import QUALITY_METRICS, Catalog, ModelPrice, Overlay
from planner.domain.errors import InputError
from planner.domain.resolve import resolve_model
from planner.io.json_files import read_text

#: Largest score file read (checked before reading).
MAX_SCORE_BYTES = 8 * 1024 * 1024

#: Header names each column may go by (compared lower-case, spaces and _ alike).
COLUMNS: dict[str, tuple[str, ...]] = {
    "model": ("model", "model id", "model name", "id", "name"),
    "metric": ("metric", "benchmark"),
    "score": ("score", "value"),
    "source": ("source",),
    "date": ("date", "as of"),
}
#: Records a bad field: bad("score", "'abc' is not a number").
Complain = Callable[[str, str], None]
_KEY_SHAPE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_MAX_SOURCE = 200


@dataclass(frozen=True)
class ScoreRow:
    """One good row: a catalog model's score on one metric, with where it came from."""

    row: int
    model: ModelPrice
    metric: str
    score: float
    source: str
    on: date


@dataclass
class ScoreFile:
    """The good rows of a score file, and one line for every bad row."""

    source: str
    rows: list[ScoreRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ScoreChange:
    """What one good row would do to the catalog in force."""

    row: ScoreRow
    action: Literal["added", "changed", "skipped"]
    old: float | None = None
    reason: str = ""


def read_scores(path: Path, catalog: Catalog, *, today: date) -> ScoreFile:
    """Read and check a score file; an unreadable file or a missing column raises InputError."""
    return parse_scores(read_text(Path(path), MAX_SCORE_BYTES), str(path), catalog, today=today)


def parse_scores(text: str, source: str, catalog: Catalog, *, today: date) -> ScoreFile:
    """Check every row of a score file's text; `source` (the file name) starts every error."""
    lines = text.splitlines(keepends=True)
    header_line = next((ln for ln in lines if ln.strip()), "")
    if not header_line:
        raise InputError(f"{source}: empty file (expected a header row: model, metric, score, source, date)")
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(header_line, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = next(cells for cells in reader if any(c.strip() for c in cells))
        columns = _columns(header, f"{source}: row {reader.line_num}")
        out = ScoreFile(source)
        models = list(catalog.models)
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            values = {name: cells[i].strip() if i < len(cells) else "" for name, i in columns.items()}
            row, problems = _check_row(values, models, today)
            if problems:
                out.errors.append(f"{source}: row {reader.line_num}: " + "; ".join(problems))
            elif row is not None:
                out.rows.append(ScoreRow(reader.line_num, *row))
    except csv.Error as e:
        raise InputError(f"{source}: row {reader.line_num}: not valid CSV ({e})") from None
    return out


def _columns(header: list[str], where: str) -> dict[str, int]:
    """Which column holds each field; a missing one raises InputError naming it."""
    names = [_norm(h) for h in header]
    found: dict[str, int] = {}
    for name, aliases in COLUMNS.items():
        for i, h in enumerate(names):
            if h in aliases:
                found[name] = i
                break
    missing = [n for n in COLUMNS if n not in found]
    if missing:
        shown = ", ".join(f"'{n}'" for n in missing)
        raise InputError(
            f"{where}: missing column{'s' if len(missing) > 1 else ''} {shown} "
            f"(the header must name: {', '.join(COLUMNS)})"
        )
    return found


def _norm(text: str) -> str:
    return " ".join(text.strip().lower().replace("_", " ").replace("-", " ").split())


def _check_row(
    values: dict[str, str], models: list[ModelPrice], today: date
) -> tuple[tuple[ModelPrice, str, float, str, date] | None, list[str]]:
    """A row's values, or what is wrong with them (one `field 'x': reason` per bad field)."""
    problems: list[str] = []

    def bad(name: str, reason: str) -> None:
        problems.append(f"field '{name}': {reason}")

    model = None
    if not values["model"]:
        bad("model", "missing")
    else:
        try:
            model = resolve_model(models, values["model"])
        except InputError as e:
            bad("model", str(e))
    metric = metric_key(values["metric"])
    if metric is None:
        bad("metric", f"'{values['metric']}' is not a metric name" if values["metric"] else "missing")
    score = _score(values["score"], bad)
    source = " ".join(values["source"].split())
    if not source:
        bad("source", "missing (say where the score comes from)")
    elif len(source) > _MAX_SOURCE:
        bad("source", f"longer than {_MAX_SOURCE} characters")
    on = _date(values["date"], today, bad)
    if problems or model is None or metric is None or score is None or on is None:
        return None, problems
    return (model, metric, score, source, on), []


def metric_key(text: str) -> str | None:
    """The metric a column value names: a known metric by key, label or short name
    ('GPQA Diamond %', 'gpqa'), else a new key made of it ('Internal eval' ->
    'internal_eval'); None for text that makes no key."""
    typed = _norm(text.replace("%", ""))
    if not typed:
        return None
    for m in QUALITY_METRICS.values():
        if typed in {_norm(m.key), _norm(m.label.replace("%", "")), _norm(m.short)}:
            return m.key
    key = re.sub(r"[^a-z0-9]+", "_", typed).strip("_")
    return key if _KEY_SHAPE.match(key) else None


def _score(text: str, bad: Complain) -> float | None:
    if not text:
        bad("score", "missing")
        return None
    try:
        v = Decimal(text.removesuffix("%").strip())
    except InvalidOperation:
        bad("score", f"'{text}' is not a number")
        return None
    if not v.is_finite():
        bad("score", f"'{text}' is not a finite number")
    elif not (0 <= v <= 100):
        bad("score", f"{text} is outside 0-100")
    else:
        return float(v)
    return None


def _date(text: str, today: date, bad: Complain) -> date | None:
    if not text:
        bad("date", "missing")
        return None
    try:
        on = date.fromisoformat(text)
    except ValueError:
        bad("date", f"'{text}' is not a date (YYYY-MM-DD)")
        return None
    if on > today:
        bad("date", f"{text} is in the future")
        return None
    return on


# ---------------------------------------------------------------------------------------
# What the rows would change, and applying it


def preview_scores(catalog: Catalog, rows: list[ScoreRow]) -> list[ScoreChange]:
    """What each row would do to `catalog` (the catalog in force), in file order.

    A model's score on a metric is given once: of several rows for it the latest date
    wins (the others are skipped); rows with the same date and different scores are all
    skipped. A row older than the score an earlier import recorded is skipped too.
    """
    by_score: dict[tuple[str, str], list[ScoreRow]] = defaultdict(list)
    for r in rows:
        by_score[(r.model.id, r.metric)].append(r)
    out: dict[int, ScoreChange] = {}
    for group in by_score.values():
        group.sort(key=lambda r: (r.on, r.row))
        latest = group[-1]
        for r in group[:-1]:
            said = "a later score" if r.on < latest.on else "it again"
            out[r.row] = ScoreChange(r, "skipped", reason=f"row {latest.row} gives {said}")
        clash = [r for r in group[:-1] if r.on == latest.on and r.score != latest.score]
        if clash:
            rows_said = ", ".join(str(r.row) for r in (*clash, latest))
            for r in (*clash, latest):
                out[r.row] = ScoreChange(r, "skipped", reason=f"rows {rows_said} give different scores on the same date")
            continue
        model = catalog.get(latest.model.id) or latest.model
        out[latest.row] = _change(latest, model)
    return [out[r.row] for r in rows]


def _change(row: ScoreRow, model: ModelPrice) -> ScoreChange:
    old = model.quality.get(row.metric)
    if old == row.score:
        return ScoreChange(row, "skipped", old, "unchanged")
    recorded = _recorded(model.notes, row.metric)
    if recorded is not None and recorded[1] > row.on:
        return ScoreChange(row, "skipped", old, f"older than the score imported from {recorded[0]} ({recorded[1]})")
    return ScoreChange(row, "added" if old is None else "changed", old)


def score_note(row: ScoreRow) -> str:
    """The line of a model's notes saying where an imported score came from."""
    return f"Score {row.metric} {row.score:g}: {row.source}, {row.on.isoformat()}."


def _note_pattern(metric: str) -> re.Pattern[str]:
    return re.compile(rf"^Score {re.escape(metric)} [^:\n]*: (.*), (\d{{4}}-\d{{2}}-\d{{2}})\.$", re.MULTILINE)


def _recorded(notes: str, metric: str) -> tuple[str, date] | None:
    """The source and date an earlier import recorded for a metric's score, if any."""
    m = _note_pattern(metric).search(notes)
    if m is None:
        return None
    try:
        return m.group(1), date.fromisoformat(m.group(2))
    except ValueError:
        return None


def apply_scores(overlay: Overlay, catalog: Catalog, changes: list[ScoreChange], *, today: date) -> Overlay:
    """A new Overlay with the added and changed scores set (`overlay` is not changed).

    A model's other scores, including the user's own edits, are kept; its notes gain one
    line per imported score (replacing the line an earlier import wrote for that metric).
    """
    out = overlay.model_copy(deep=True)
    by_model: dict[str, list[ScoreRow]] = defaultdict(list)
    for c in changes:
        if c.action != "skipped":
            by_model[c.row.model.id].append(c.row)
    for model_id, rows in by_model.items():
        model = catalog.get(model_id) or rows[0].model
        quality = dict(model.quality)
        notes = model.notes
        for r in rows:
            quality[r.metric] = r.score
            notes = _with_note(notes, r)
        out.set_fields(model_id, today, quality=quality, notes=notes)
    return out


def _with_note(notes: str, row: ScoreRow) -> str:
    kept = _note_pattern(row.metric).sub("", notes)
    kept = re.sub(r"\n{2,}", "\n", kept).strip()
    return f"{kept}\n{score_note(row)}" if kept else score_note(row)


def preview_lines(changes: list[ScoreChange], catalog: Catalog) -> list[str]:
    """The preview as lines to print: one per row, then the new metrics and a total."""
    lines: list[str] = []
    for c in changes:
        r = c.row
        what = f"{r.model.name} ({r.model.id}), {r.metric}"
        if c.action == "added":
            detail = f"{r.score:g}"
        elif c.action == "changed":
            detail = f"{c.old:g} -> {r.score:g}"
        else:
            detail = f"{r.score:g}: {c.reason}"
        lines.append(f"  row {r.row}: {c.action} {what} {detail}")
    known = set(QUALITY_METRICS) | set(catalog.quality_metrics)
    new = sorted({c.row.metric for c in changes if c.action != "skipped" and c.row.metric not in known})
    for key in new:
        near = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.8)
        hint = f" (did you mean {near[0]}?)" if near else ""
        lines.append(f"  new metric: {key}{hint}")
    counts = {a: sum(c.action == a for c in changes) for a in ("added", "changed", "skipped")}
    lines.append(f"  {counts['added']} added, {counts['changed']} changed, {counts['skipped']} skipped")
    return lines


"""Usage files read into UsageRecords: OpenAI's usage and costs API pages, LiteLLM's daily
activity and spend logs, FOCUS 1.x CSV, and a plain CSV (its columns mapped for others).

`load_usage` reads every file and checks what a single row cannot tell: that each model is
one the catalog knows and that the costs are in one currency. A file with problems imports
nothing unless bad rows are skipped (`skip_bad`); a file that cannot be read at all, or
mixes currencies, never imports.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from planner.domain.actuals import UsageRecord, currencies, model_problems
from planner.domain.catalog import Catalog
from planner.domain.errors import InputError
from planner.io.usage.common import UsageFile, read_text
from planner.io.usage.focus import read_focus
from planner.io.usage.litellm import read_daily_activity
from planner.io.usage.openai import read_openai
from planner.io.usage.plain_csv import read_plain, read_spend_log

READERS: dict[str, Callable[..., UsageFile]] = {
    "openai": read_openai,
    "litellm": read_daily_activity,
    "litellm-csv": read_spend_log,
    "focus": read_focus,
    "csv": read_plain,
}
FORMATS = tuple(READERS)


def detect_format(path: Path) -> str:
    """The format a file is in, from its start: JSON pages with 'data' (OpenAI) or 'results'
    (LiteLLM), a CSV header with BilledCost (FOCUS) or spend and startTime (a spend log)."""
    head = read_text(path)[:4096]
    stripped = head.lstrip()
    if stripped[:1] in ("{", "["):
        return "openai" if '"data"' in head or '"bucket"' in head else "litellm"
    first = (stripped.splitlines() or [""])[0].lower()
    if "billedcost" in first:
        return "focus"
    if "starttime" in first and "spend" in first:
        return "litellm-csv"
    return "csv"


def read_usage(path: Path, fmt: str | None = None, columns: dict[str, str] | None = None) -> UsageFile:
    fmt = fmt or detect_format(path)
    if columns and fmt != "csv":
        raise InputError(f"{path}: a column mapping is for the csv format, not {fmt}")
    return read_plain(path, columns) if fmt == "csv" else READERS[fmt](path)


@dataclass
class LoadedUsage:
    records: list[UsageRecord] = field(default_factory=list)
    #: one line per problem; when `fatal` nothing was imported
    problems: list[str] = field(default_factory=list)
    skipped: int = 0
    fatal: bool = False


def load_usage(paths: Sequence[Path], catalog: Catalog, fmt: str | None = None,
               columns: dict[str, str] | None = None, skip_bad: bool = False) -> LoadedUsage:
    """Every file read and checked (see the module's doc)."""
    out = LoadedUsage()
    for path in map(Path, paths):
        try:
            usage = read_usage(path, fmt, columns)
        except InputError as e:
            out.problems.append(str(e))
            out.fatal = True
            continue
        bad_models = model_problems(usage.records, catalog)
        problems = usage.problems + list(bad_models.values())
        mixed = currencies(usage.records)
        if len(mixed) > 1:
            out.problems.append(f"{path}: costs in {' and '.join(mixed)}: a usage file must be in one currency")
            out.fatal = True
            continue
        out.problems += problems
        if problems and not skip_bad:
            out.fatal = True
            continue
        out.records += [r for i, r in enumerate(usage.records) if i not in bad_models]
        out.skipped += len(usage.problems) + len(bad_models)
    if not out.fatal and len(found := currencies(out.records)) > 1:
        out.problems.append(f"the usage files are in {' and '.join(found)}: import files in one currency together")
        out.fatal = True
    return out

"""Plan files (.costplan): pinned prices, atomic saves, autosave snapshots, what changed since."""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from planner import paths
from planner.domain.catalog import Catalog, ModelPrice
from planner.domain.errors import InputError
from planner.domain.plan import Plan, parse_plan
from planner.domain.prices import price_lookup
from planner.io.atomic import write_text_atomic
from planner.io.json_files import read_json

PLAN_SUFFIX = ".costplan"
PRICE_FIELDS = ("input", "output", "cache_read", "cache_write", "batch_input", "batch_output", "batch_discount",
                "reasoning", "cache_write_1h", "per_request", "per_search", "per_image")
#: price fields compared as a whole (a change anywhere inside is one change)
PRICE_GROUPS = ("long_context", "service_tiers", "off_peak", "reasoning_estimate")


def pin_prices(plan: Plan, catalog: Catalog) -> Plan:
    """A copy whose pinned prices cover exactly the models the plan uses: a model already
    pinned keeps its pinned price (that is what the plan was costed with), a new one is
    pinned at the catalog's price. Unused pins are dropped."""
    pins: dict[str, ModelPrice] = {}
    lookup = price_lookup(plan, catalog)
    for model_id in sorted(plan.model_ids()):
        m = lookup(model_id)
        if m is not None:
            pins[model_id] = m
    return plan.model_copy(update={"pinned_prices": pins, "catalog_as_of": plan.catalog_as_of or catalog.as_of})


def plan_json(plan: Plan) -> str:
    return json.dumps(plan.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


def save_plan(plan: Plan, catalog: Catalog, path: Path) -> Plan:
    """Pin the prices, count the save in the plan's revision (every export prints it), and
    write the plan atomically (the old file survives any failure). Returns the plan as saved."""
    pinned = pin_prices(plan, catalog).model_copy(update={"revision": plan.revision + 1})
    write_text_atomic(Path(path), plan_json(pinned))
    return pinned


def open_plan(path: Path | str) -> Plan:
    """Read a plan file: the one reader for the window (Open, scenarios, recovery, the file
    on the command line) and the quote, export and screenshot commands. Corrupt, truncated,
    wrong-type, unversioned and future-version files raise InputError naming the file and
    what is wrong; the file is left untouched."""
    path = Path(path)
    raw = read_json(path)
    if isinstance(raw, dict) and "schema_version" not in raw:
        raise InputError(f"{path}: field 'schema_version' is missing: not a Cost Planner plan file")
    return parse_plan(raw, str(path))


@dataclass(frozen=True)
class PriceChange:
    """A pinned price that differs from today's catalog (new is None: gone from the catalog)."""

    model_id: str
    name: str
    field: str
    pinned: Decimal | None
    current: Decimal | None


def price_changes(plan: Plan, catalog: Catalog) -> list[PriceChange]:
    """What changed in the catalog since the plan pinned its prices."""
    out: list[PriceChange] = []
    for model_id, pinned in sorted(plan.pinned_prices.items()):
        now = catalog.get(model_id)
        if now is None:
            out.append(PriceChange(model_id, pinned.name, "model", None, None))
            continue
        for f in PRICE_FIELDS:
            a, b = getattr(pinned, f), getattr(now, f)
            if a != b:
                out.append(PriceChange(model_id, pinned.name, f, a, b))
        for group in PRICE_GROUPS:
            if getattr(pinned, group) != getattr(now, group):
                out.append(PriceChange(model_id, pinned.name, group, None, None))
    return out


def repriced(plan: Plan, catalog: Catalog) -> Plan:
    """The plan with its pins replaced by today's catalog prices (models gone from the
    catalog keep their pins, so the plan still costs)."""
    pins = {mid: catalog.get(mid) or m for mid, m in plan.pinned_prices.items()}
    return plan.model_copy(update={"pinned_prices": pins, "catalog_as_of": catalog.as_of})


# ---------------------------------------------------------------------------------------
# Autosave: unsaved work is written to the user data directory and offered back after a crash


@dataclass(frozen=True)
class Autosave:
    path: Path
    original: Path | None
    saved_at: datetime
    pid: int
    plan_name: str


def autosave_path(token: str) -> Path:
    return paths.autosave_dir() / f"{token}{PLAN_SUFFIX}"


def write_autosave(token: str, plan: Plan, original: Path | None) -> Path:
    """Snapshot unsaved work (the plan as it is, not re-pinned) with where it belongs."""
    target = autosave_path(token)
    meta = {"original": str(original) if original else None, "saved_at": datetime.now().isoformat(timespec="seconds"),
            "pid": os.getpid(), "plan_name": plan.name}
    write_text_atomic(target.with_suffix(".json"), json.dumps(meta) + "\n")
    write_text_atomic(target, plan_json(plan))
    return target


def remove_autosave(token: str) -> None:
    for p in (autosave_path(token), autosave_path(token).with_suffix(".json")):
        try:
            p.unlink()
        except FileNotFoundError:
            pass


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def find_recoverable() -> list[Autosave]:
    """Autosaves left by a process that is no longer running (a crash), newest first."""
    folder = paths.autosave_dir()
    if not folder.is_dir():
        return []
    found: list[Autosave] = []
    for plan_path in folder.glob(f"*{PLAN_SUFFIX}"):
        meta_path = plan_path.with_suffix(".json")
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            saved = datetime.fromisoformat(meta["saved_at"])
            pid = int(meta.get("pid", 0))
        except (OSError, ValueError, KeyError, TypeError):
            saved, pid, meta = datetime.fromtimestamp(plan_path.stat().st_mtime), 0, {}
        if pid and _alive(pid):
            continue
        original = meta.get("original")
        found.append(Autosave(plan_path, Path(original) if original else None, saved, pid, meta.get("plan_name") or plan_path.stem))
    return sorted(found, key=lambda a: a.saved_at, reverse=True)


def discard_autosave(a: Autosave) -> None:
    for p in (a.path, a.path.with_suffix(".json")):
        try:
            p.unlink()
        except FileNotFoundError:
            pass


def new_token() -> str:
    return f"{os.getpid()}-{int(time.time() * 1000)}"

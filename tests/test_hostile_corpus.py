"""Hostile files (tests/corpus) through every reader and the commands that take a file:
each is refused with exactly one line naming it, exit 1 or 2, no traceback, nothing
written. And generated JSON through the readers: a value or one InputError, nothing else."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner import paths
from planner.commands import run
from planner.domain.catalog import MAX_TOKENS, apply_overlay, split_overlay
from planner.domain.errors import InputError
from planner.io.catalog_files import load_catalog, load_effective
from planner.io.import_formats import IMPORT_FORMATS
from planner.io.importers import parse_import, read_import_file
from planner.io.json_files import parse_json_bytes, read_json
from planner.io.plan_files import open_plan
from tests.conftest import REPO

CORPUS = sorted(p for p in (REPO / "tests" / "corpus").iterdir() if p.suffix == ".json")
SHIPPED = REPO / "data" / "catalog.json"
TODAY = date(2026, 8, 21)


def test_the_corpus_is_there() -> None:
    assert len(CORPUS) >= 15


def _snapshot(*folders: Path) -> dict[Path, bytes]:
    """Every file in the folders, but the user's cache (loading the catalog, which every
    command does before it reads the file, may keep the validated catalog there)."""
    cache = paths.user_cache_dir()
    return {p: p.read_bytes() for f in folders if f.exists() for p in sorted(f.rglob("*"))
            if p.is_file() and cache not in p.parents}


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_commands_refuse_each_file_in_one_line(path: Path, user_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = _snapshot(user_home, path.parent)
    commands = [["import", fmt, str(path)] for fmt in IMPORT_FORMATS]
    commands += [["models", "--catalog", str(path)], ["quote", str(path)], ["export", str(path), "--csv", str(user_home / "x.csv")]]
    for argv in commands:
        code = run(argv)
        err = capsys.readouterr().err
        assert code in (1, 2), (argv, err)
        assert err.count("\n") == 1 and err.endswith("\n"), (argv, err)
        assert str(path) in err, (argv, err)
        assert "Traceback" not in err
    assert _snapshot(user_home, path.parent) == before


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_readers_give_a_value_or_one_line_naming_the_file(path: Path, tmp_path: Path) -> None:
    try:
        read_json(path)
    except InputError as e:
        assert str(e).startswith(f"{path}: ") and "\n" not in str(e)
    for reader in (open_plan, load_catalog, *(lambda p, f=f: read_import_file(f, p, today=TODAY) for f in IMPORT_FORMATS)):
        with pytest.raises(InputError) as e:
            reader(path)
            raise InputError(f"{path}: no models")  # an import that reads nothing is refused by the job
        assert str(e.value).startswith(f"{path}: ") and "\n" not in str(e.value)
    # as the user's overlay: the app still starts, with warnings naming the file
    overlay = tmp_path / "catalog-overlay.json"
    overlay.write_bytes(path.read_bytes())
    loaded = load_effective(SHIPPED, overlay)
    assert len(loaded.catalog) >= 1
    assert all(str(overlay) in w and "\n" not in w for w in loaded.warnings)


def test_the_real_command_prints_no_traceback(user_home: Path) -> None:
    import os

    env = {**os.environ, paths.HOME_OVERRIDE_ENV: str(user_home)}
    for name in ("deep-array.json", "huge-int.json", "utf16-no-bom.json"):
        path = REPO / "tests" / "corpus" / name
        out = subprocess.run([sys.executable, "-m", "planner", "import", "litellm", str(path)], cwd=REPO, env=env,
                             capture_output=True, text=True, timeout=60)  # fmt: skip
        assert out.returncode == 1
        assert out.stderr.count("\n") == 1 and str(path) in out.stderr, out.stderr
    utf16 = subprocess.run([sys.executable, "-m", "planner", "import", "litellm", str(REPO / "tests/corpus/utf16-no-bom.json")],
                           cwd=REPO, env=env, capture_output=True, text=True, timeout=60)  # fmt: skip
    assert "not UTF-8" in utf16.stderr and "not valid JSON" not in utf16.stderr


def test_a_byte_order_mark_is_read_everywhere(tmp_path: Path) -> None:
    bom = b"\xef\xbb\xbf"
    litellm = tmp_path / "prices.json"
    litellm.write_bytes(bom + json.dumps({"gpt-x": {"litellm_provider": "openai", "mode": "chat",
                        "input_cost_per_token": 1e-6, "output_cost_per_token": 2e-6}}).encode())  # fmt: skip
    assert [m.id for m in read_import_file("litellm", litellm, today=TODAY).models] == ["openai/gpt-x"]
    catalog = tmp_path / "catalog.json"
    catalog.write_bytes(bom + SHIPPED.read_bytes())
    assert len(load_catalog(catalog)) == len(load_catalog(SHIPPED))
    plan = tmp_path / "plan.costplan"
    plan.write_bytes(bom + (REPO / "data" / "examples" / "small-saas.costplan").read_bytes())
    assert open_plan(plan).name
    overlay = tmp_path / "overlay.json"
    overlay.write_bytes(bom + b'{"schema_version": 1, "entries": [{"id": "anthropic/claude-3-haiku", "fields": {"input": "0.2"}}]}')
    assert load_effective(SHIPPED, overlay).catalog["anthropic/claude-3-haiku"].input == Decimal("0.2")


# ---------------------------------------------------------------------------------------
# Generated JSON

NUMBERS = st.one_of(
    st.integers(min_value=-(10**500), max_value=10**500),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=False, allow_infinity=False).map(str),
    st.sampled_from(["1e400", "-1e400", "1e30", "0.000001", "NaN"]),
)
SCALARS = st.one_of(st.none(), st.booleans(), NUMBERS, st.text(max_size=30))
JSON = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=10), inner, max_size=5)),
    max_leaves=40,
)
KEYS = ["litellm_provider", "mode", "input_cost_per_token", "output_cost_per_token", "max_input_tokens",
        "max_tokens", "max_output_tokens", "cache_read_input_token_cost", "tiered_pricing", "range",
        "input_cost_per_token_above_200k_tokens", "id", "name", "pricing", "prompt", "completion",
        "context_length", "top_provider", "providers", "models", "prices", "input_mtok", "output_mtok",
        "tiers", "start", "price", "base", "data", "fields", "entries", "added", "schema_version",
        "context_window", "input", "output", "long_context", "threshold_tokens"]  # fmt: skip
SHAPED = st.recursive(
    st.one_of(SCALARS, st.sampled_from(["openai", "chat", "openai/gpt-x", "gemini"])),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(KEYS), inner, max_size=6)),
    max_leaves=30,
)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _dumps(value: object) -> bytes:
    return json.dumps(value, default=str).encode()


@FUZZ
@given(JSON)
def test_the_reader_gives_the_value_or_one_error(value: object) -> None:
    try:
        got = parse_json_bytes(_dumps(value), "fuzz.json")
    except InputError as e:
        assert str(e).startswith("fuzz.json: ") and "\n" not in str(e)
        return
    assert json.dumps(got, default=str) == json.dumps(value, default=str) or _has_nan(value)


def _has_nan(v: object) -> bool:
    if isinstance(v, float):
        return math.isnan(v)
    if isinstance(v, list):
        return any(_has_nan(x) for x in v)
    if isinstance(v, dict):
        return any(_has_nan(x) for x in v.values())
    return False


@FUZZ
@given(SHAPED, st.sampled_from(list(IMPORT_FORMATS)))
def test_importers_keep_only_sane_models(raw: object, fmt: str) -> None:
    try:
        result = parse_import(fmt, parse_json_bytes(_dumps(raw), "f.json"), "f.json", today=TODAY, all_modes=True)
    except InputError:
        return
    for m in result.models:
        for price in (m.input, m.output, m.cache_read, m.cache_write, m.batch_input, m.batch_output):
            assert price is None or (price.is_finite() and 0 <= price <= 100_000)
        for tokens in (m.context_window, m.max_output, m.long_context and m.long_context.threshold_tokens):
            assert tokens is None or 0 < tokens <= MAX_TOKENS
    assert all("\n" not in s.reason for s in result.skipped)


@FUZZ
@given(SHAPED)
def test_any_overlay_loads_or_is_one_error(raw: object) -> None:
    shipped = load_catalog(SHIPPED)
    try:
        overlay, rejected = split_overlay(parse_json_bytes(_dumps(raw), "o.json"), "o.json")
    except InputError as e:
        assert "\n" not in str(e)
        return
    catalog, warnings = apply_overlay(shipped, overlay, "o.json")
    assert len(catalog) >= len(shipped)
    assert all("\n" not in w for w in warnings) and all("\n" not in r.reason for r in rejected)

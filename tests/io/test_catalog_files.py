"""Reading catalog files: every problem is one InputError naming the file (and the entry and
field when the JSON is fine but a value is not)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planner.domain.errors import InputError
from planner.io.catalog_files import load_catalog

MODEL = {"id": "openai/gpt-x", "name": "GPT X", "provider": "OpenAI", "input": 1.25, "output": 10}


def write(path: Path, raw: object) -> Path:
    path.write_text(json.dumps(raw), encoding="utf-8")
    return path


def test_a_good_file_loads(tmp_path: Path):
    cat = load_catalog(write(tmp_path / "good.json", {"as_of": "2025-06-01", "models": [MODEL]}))
    assert [m.id for m in cat] == ["openai/gpt-x"]


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b'{"as_of": "2025-06-01", "models": [', "not valid JSON (line 1"),
        ('{"as_of": "2025-06-01", "name": "Caf\u00e9", "models": []}'.encode("latin-1"), "not UTF-8"),
        (b"[1, 2]", "a catalog must be a JSON object"),
    ],
)
def test_a_bad_file_is_one_error_naming_it(tmp_path: Path, content: bytes, needle: str):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(InputError) as e:
        load_catalog(path)
    assert str(e.value).startswith(f"{path}: ")
    assert needle in str(e.value)


def test_a_bad_entry_names_the_file_entry_and_field(tmp_path: Path):
    path = write(tmp_path / "bad.json", {"as_of": "2025-06-01", "models": [{**MODEL, "input": -1}]})
    with pytest.raises(InputError) as e:
        load_catalog(path)
    assert str(e.value).startswith(f"{path}: models[0] 'openai/gpt-x'")
    assert "input" in str(e.value)


def test_a_missing_file_or_a_folder_is_named(tmp_path: Path):
    with pytest.raises(InputError, match=r"missing\.json: file not found"):
        load_catalog(tmp_path / "missing.json")
    with pytest.raises(InputError, match="is a directory, not a file"):
        load_catalog(tmp_path)


def test_a_byte_order_mark_is_accepted(tmp_path: Path):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"as_of": "2025-06-01", "models": [MODEL]}).encode())
    assert len(load_catalog(path)) == 1

"""Quality scores from a CSV file: bad rows named, a preview of the change, applied to the overlay."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from planner.domain.catalog import (
    Catalog,
    ModelPrice,
    Overlay,
    apply_overlay,
    metric_label,
    parse_overlay,
)
from planner.domain.errors import InputError
from planner.domain.ranking import cost_per_point, value
from planner.io.catalog_files import overlay_text
from planner.io.json_files import parse_json_bytes
from planner.io.scores import (
    ScoreChange,
    apply_scores,
    metric_key,
    parse_scores,
    preview_lines,
    preview_scores,
    read_scores,
)

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "scores-team-evals.csv"
NAME = str(FIXTURE)
TODAY = date(2026, 6, 15)
SONNET = "anthropic/claude-sonnet-4-6"
MINI = "openai/gpt-5-mini"
GPT5 = "openai/gpt-5"
HEADER = "model,metric,score,source,date\n"


def mp(model_id: str, name: str, i: str, o: str, **kw: Any) -> ModelPrice:
    return ModelPrice(id=model_id, name=name, provider=model_id.split("/")[0], input=Decimal(i), output=Decimal(o), **kw)


def shipped() -> Catalog:
    return Catalog(
        as_of=date(2026, 5, 31),
        models=(
            mp(SONNET, "Claude Sonnet 4.6", "3", "15", quality={"swe_bench": 67.2, "gpqa_diamond": 71.3},
               notes="Prices from the vendor page."),
            mp(MINI, "GPT-5 mini", "0.30", "2", quality={"tokenrate": 68}),
            mp(GPT5, "GPT-5", "1.25", "10"),
            mp("deepseek/deepseek-v4-flash", "DeepSeek V4 Flash", "0.14", "0.28"),
            mp("deepseek/deepseek-v4-pro", "DeepSeek V4 Pro", "1.74", "3.48"),
        ),
    )


def actions(changes: list[ScoreChange]) -> list[tuple[int, str, str, str, float | None, str]]:
    return [(c.row.row, c.action, c.row.model.id, c.row.metric, c.old, c.reason) for c in changes]


def test_every_bad_row_is_one_line_naming_file_row_and_field():
    got = read_scores(FIXTURE, shipped(), today=TODAY)
    assert got.errors == [
        f"{NAME}: row 6: field 'score': 'eighty' is not a number",
        f"{NAME}: row 7: field 'score': 101 is outside 0-100",
        f"{NAME}: row 8: field 'model': 'GPT-9' is not in the catalog; did you mean openai/gpt-5?",
        f"{NAME}: row 9: field 'model': 'DeepSeek V4' matches 2 models: deepseek/deepseek-v4-flash, deepseek/deepseek-v4-pro",
        f"{NAME}: row 10: field 'source': missing (say where the score comes from); "
        "field 'date': '06/01/2026' is not a date (YYYY-MM-DD)",
    ]
    assert [r.row for r in got.rows] == [2, 3, 4, 5, 12, 13]


def test_preview_says_added_changed_and_skipped_with_the_reason():
    cat = shipped()
    changes = preview_scores(cat, read_scores(FIXTURE, cat, today=TODAY).rows)
    assert actions(changes) == [
        (2, "added", SONNET, "internal_eval", None, ""),
        (3, "added", MINI, "internal_eval", None, ""),  # 'Internal eval' is the key internal_eval
        (4, "changed", SONNET, "swe_bench", 67.2, ""),  # 'SWE-bench %' is the known metric, '70.1%' is 70.1
        (5, "skipped", MINI, "tokenrate", 68, "unchanged"),
        (12, "skipped", GPT5, "internal_eval", None, "row 13 gives a later score"),
        (13, "added", GPT5, "internal_eval", None, ""),
    ]
    lines = preview_lines(changes, cat)
    assert "  row 4: changed Claude Sonnet 4.6 (anthropic/claude-sonnet-4-6), swe_bench 67.2 -> 70.1" in lines
    assert "  row 5: skipped GPT-5 mini (openai/gpt-5-mini), tokenrate 68: unchanged" in lines
    assert "  new metric: internal_eval" in lines
    assert lines[-1] == "  3 added, 1 changed, 2 skipped"


def test_applied_scores_are_in_the_catalog_with_their_source_and_rank_on_a_new_metric():
    cat = shipped()
    changes = preview_scores(cat, read_scores(FIXTURE, cat, today=TODAY).rows)
    before = Overlay()
    overlay = apply_scores(before, cat, changes, today=TODAY)
    assert not before.entries  # the overlay given is not changed
    # through the overlay file and back, as the app loads it
    saved = parse_overlay(parse_json_bytes(overlay_text(overlay).encode(), "overlay.json"), "overlay.json")
    after, warnings = apply_overlay(cat, saved)
    assert warnings == []
    sonnet = after[SONNET]
    assert sonnet.quality == {"swe_bench": 70.1, "gpqa_diamond": 71.3, "internal_eval": 71.5}
    assert sonnet.notes.splitlines() == [
        "Prices from the vendor page.",
        "Score internal_eval 71.5: Team evals Q2, 2026-06-01.",
        "Score swe_bench 70.1: Vendor card, May, 2026-05-20.",
    ]
    assert after[MINI].quality == {"tokenrate": 68, "internal_eval": 64}
    assert after[GPT5].quality == {"internal_eval": 77}
    assert after.quality_metrics == ["tokenrate", "swe_bench", "gpqa_diamond", "internal_eval"]
    assert metric_label("internal_eval") == "internal_eval"
    # value = score / input $ per 1M: 71.5 / 3 = 23.8333...; $/point = (3 + 15) / 2 / 71.5
    assert value(sonnet, "internal_eval") == pytest.approx(71.5 / 3)
    assert cost_per_point(sonnet, "internal_eval") == pytest.approx(9 / 71.5)
    assert value(after[GPT5], "internal_eval") == pytest.approx(77 / 1.25)


def test_importing_again_changes_nothing_and_an_older_file_does_not_win():
    cat = shipped()
    first = apply_scores(Overlay(), cat, preview_scores(cat, read_scores(FIXTURE, cat, today=TODAY).rows), today=TODAY)
    now, _ = apply_overlay(cat, first)
    again = preview_scores(now, read_scores(FIXTURE, now, today=TODAY).rows)
    assert {c.action for c in again} == {"skipped"}

    older = parse_scores(HEADER + "GPT-5,internal_eval,60,Team evals Q1,2026-03-01\n", "old.csv", now, today=TODAY)
    assert actions(preview_scores(now, older.rows)) == [
        (2, "skipped", GPT5, "internal_eval", 77, "older than the score imported from Team evals Q2 (2026-06-01)")
    ]
    newer = parse_scores(HEADER + "GPT-5,internal_eval,80,Team evals Q3,2026-06-10\n", "new.csv", now, today=TODAY)
    overlay = apply_scores(first, now, preview_scores(now, newer.rows), today=TODAY)
    gpt5 = apply_overlay(cat, overlay)[0][GPT5]
    assert gpt5.quality == {"internal_eval": 80}
    assert gpt5.notes == "Score internal_eval 80: Team evals Q3, 2026-06-10."  # the Q2 line is replaced


def test_the_users_own_score_edits_are_kept():
    cat = shipped()
    mine = Overlay()
    mine.set_fields(MINI, TODAY, quality={"tokenrate": 70})
    edited, _ = apply_overlay(cat, mine)
    rows = parse_scores(HEADER + "GPT-5 mini,internal_eval,64,Team evals,2026-06-01\n", "s.csv", edited, today=TODAY)
    overlay = apply_scores(mine, edited, preview_scores(edited, rows.rows), today=TODAY)
    assert apply_overlay(cat, overlay)[0][MINI].quality == {"tokenrate": 70, "internal_eval": 64}


def test_same_date_different_scores_are_both_skipped():
    cat = shipped()
    text = HEADER + "GPT-5,internal_eval,70,A,2026-06-01\nGPT-5,internal_eval,72,B,2026-06-01\n"
    changes = preview_scores(cat, parse_scores(text, "s.csv", cat, today=TODAY).rows)
    reason = "rows 2, 3 give different scores on the same date"
    assert [(c.action, c.reason) for c in changes] == [("skipped", reason), ("skipped", reason)]


def test_semicolons_a_byte_order_mark_and_header_names_in_any_order(tmp_path):
    path = tmp_path / "scores.csv"
    path.write_text("\nDate;Source;Score;Metric;Model Name\n2026-06-01;Evals;55,5;GPQA Diamond %;GPT-5\n"
                    "2026-06-01;Evals;55.5;GPQA Diamond %;GPT-5\n", encoding="utf-8-sig")
    got = read_scores(path, shipped(), today=TODAY)
    # a decimal comma is not a number here: the row says so rather than guessing
    assert got.errors == [f"{path}: row 3: field 'score': '55,5' is not a number"]
    assert [(r.row, r.model.id, r.metric, r.score) for r in got.rows] == [(4, GPT5, "gpqa_diamond", 55.5)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("model,metric,score,source\nGPT-5,tokenrate,50,x\n", "s.csv: row 1: missing column 'date'"),
        ("name,value\n", "s.csv: row 1: missing columns 'metric', 'source', 'date'"),
        ("   \n", "s.csv: empty file"),
    ],
)
def test_a_file_without_the_columns_is_one_line(text, message):
    with pytest.raises(InputError) as e:
        parse_scores(text, "s.csv", shipped(), today=TODAY)
    assert str(e.value).startswith(message) and "\n" not in str(e.value)


def test_unreadable_files_are_one_line(tmp_path):
    latin = tmp_path / "latin.csv"
    latin.write_bytes(HEADER.encode() + "GPT-5,tokenrate,50,Évals,2026-06-01\n".encode("latin-1"))
    with pytest.raises(InputError, match=r"latin\.csv: not UTF-8 text"):
        read_scores(latin, shipped(), today=TODAY)
    with pytest.raises(InputError, match=r"none\.csv: file not found"):
        read_scores(tmp_path / "none.csv", shipped(), today=TODAY)


def test_a_future_date_or_a_negative_score_is_refused():
    text = HEADER + "GPT-5,tokenrate,-1,x,2026-06-01\nGPT-5,tokenrate,50,x,2026-07-01\n"
    got = parse_scores(text, "s.csv", shipped(), today=TODAY)
    assert got.errors == [
        "s.csv: row 2: field 'score': -1 is outside 0-100",
        "s.csv: row 3: field 'date': 2026-07-01 is in the future",
    ]


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("gpqa_diamond", "gpqa_diamond"),
        ("GPQA Diamond %", "gpqa_diamond"),
        ("gpqa", "gpqa_diamond"),
        ("AA Index", "aa_intelligence"),
        ("Tau-2", "tau2"),
        ("Internal eval", "internal_eval"),
        ("internal-eval v2", "internal_eval_v2"),
        ("%", None),
        ("2024 evals", None),
    ],
)
def test_metric_names(typed, key):
    assert metric_key(typed) == key


def test_a_new_metric_close_to_a_known_one_is_pointed_out():
    cat = shipped()
    rows = parse_scores(HEADER + "GPT-5,gpqa_diamnd,60,x,2026-06-01\n", "s.csv", cat, today=TODAY).rows
    assert "  new metric: gpqa_diamnd (did you mean gpqa_diamond?)" in preview_lines(preview_scores(cat, rows), cat)


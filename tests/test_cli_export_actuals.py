"""`cost-planner export --actuals`: the PDF budget and the workbook with plan versus actual, as
a user runs it (tests/fixtures/usage, figured in tests/test_cli_actuals.py: planned $12.10,
actual $14.90, +$2.80 = volume +$2.42, mix +$2.50, price +$0.14, levers −$2.26)."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from planner.cli import main
from tests.conftest import FIXTURES
from tests.io.test_export_pdf import page_texts

USAGE = FIXTURES / "usage"
PLAN = str(USAGE / "support.costplan")
CATALOG = ("--catalog", str(USAGE / "catalog.json"))


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["export", *argv, *CATALOG])
    out, err = capsys.readouterr()
    return code, out, err


def test_export_with_actuals_writes_both(capsys, tmp_path: Path):
    pdf, xlsx = tmp_path / "b.pdf", tmp_path / "b.xlsx"
    code, out, err = run(capsys, PLAN, "--pdf", str(pdf), "--xlsx", str(xlsx), "--actuals",
                         str(USAGE / "focus-2026-03.csv"), "--usage-format", "focus", "--month", "2026-03")
    assert code == 0, err
    assert f"wrote {pdf}" in out and f"wrote {xlsx}" in out
    (page,) = [t for t in page_texts(pdf) if "Plan versus actual" in t]
    assert "Total $12.10 $14.90 +$2.80 +23.1% +$2.42 +$2.50 +$0.14 −$2.26" in page
    assert "Variance waterfall" in page  # the picture, drawn by the window's chart
    ws = openpyxl.load_workbook(xlsx)["Variance"]
    total = next(r for r in ws.iter_rows(values_only=True) if r[0] == "Total")
    assert total[1:3] == (12.1, 14.9) and total[3].startswith("=")
    assert total[5:9] == (2.42, 2.5, 0.14, -2.26)


def test_a_bad_usage_file_exits_1_with_one_line_and_writes_nothing(capsys, tmp_path: Path):
    bad = tmp_path / "usage.csv"
    bad.write_text("date,model,requests,input tokens,output tokens\n2026-03-01,openai/gpt-4o,ten,1,1\n")
    pdf, xlsx = tmp_path / "b.pdf", tmp_path / "b.xlsx"
    code, out, err = run(capsys, PLAN, "--pdf", str(pdf), "--xlsx", str(xlsx), "--no-charts", "--actuals", str(bad))
    assert (code, out) == (1, "")
    assert err.splitlines() == [f"cost-planner: error: {bad}: row 2: field 'requests': 'ten' is not a number"]
    assert not pdf.exists() and not xlsx.exists()
    code, _out, err = run(capsys, PLAN, "--xlsx", str(xlsx), "--actuals", str(tmp_path / "missing.json"))
    assert (code, err.splitlines()) == (1, [f"cost-planner: error: {tmp_path / 'missing.json'}: file not found"])
    assert not xlsx.exists()


def test_month_options_go_with_actuals(capsys, tmp_path: Path):
    xlsx = tmp_path / "b.xlsx"
    code, _out, err = run(capsys, PLAN, "--xlsx", str(xlsx), "--month", "2026-03")
    assert (code, err.strip()) == (2, "cost-planner: error: --month goes with --actuals USAGE_FILE")
    code, _out, err = run(capsys, PLAN, "--xlsx", str(xlsx), "--actuals", str(USAGE / "usage-2026-03.csv"),
                          "--month", "2026-04")
    assert (code, err.strip()) == (1, "cost-planner: error: no usage in 2026-04; the files cover 2026-03")
    assert not xlsx.exists()

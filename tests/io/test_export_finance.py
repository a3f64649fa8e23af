"""The finance exports of one plan tie out to the cent: the budget by month (CSV, PDF), the long
format for BI tools (base and scenarios), the XLSX summary, the CLI's quote; the PDF has its
cover, landscape budget pages, scenarios, unit economics and sign-off."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal as D
from pathlib import Path

import pytest
from pypdf import PdfReader

from planner.cli import main
from planner.domain.costing import compute
from planner.domain.plan import Plan
from planner.io.catalog_files import load_effective
from planner.io.export_csv import by_month_text, long_text
from planner.io.export_job import ExportTargets, run_export
from planner.io.export_sections import build_export
from planner.io.plan_files import open_plan, save_plan
from tests.conftest import REPO

EXPORTED_AT = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)
#: the product-suite example costs $551.64 a month (its line amounts, added up)
MONTHLY = D("551.64")
#: its six lines this month (tests/io/test_export_xlsx.py pins the same total)
LINES = {"Support bot": D("39.57"), "Email drafts": D("11.44"), "Document summaries": D("45.05"),
         "Code review": D("154.63"), "Product descriptions": D("27.46"), "Analyst reports": D("273.49")}
SUPPORT = ("Support bot", "Email drafts", "Document summaries")


def suite(growth: str = "0", trend: str = "0") -> Plan:
    """The example with lines 1-3 in 'Support', 4-6 in 'Growth', a 12-month forecast from
    January 2027, a fiscal year from April, an owner, a revision and unit economics."""
    p = open_plan(REPO / "data" / "examples" / "product-suite.costplan")
    lines = [ln.model_copy(update={"group": "Support" if i < 3 else "Growth"}) for i, ln in enumerate(p.lines)]
    lines[0] = lines[0].model_copy(update={"success_rate": D("0.6"), "outcome": "resolved ticket"})
    fc = p.forecast.model_copy(update={"start_month": date(2027, 1, 1), "horizon_months": 12,
                                       "monthly_growth": D(growth), "yearly_price_trend": D(trend)})
    return p.model_copy(update={"lines": lines, "forecast": fc, "fiscal_year_start": 4, "owner": "Dana Ortiz",
                                "cost_centre": "CC-4410", "revision": 7, "users": D(12000),
                                "revenue_per_user": D(3)})


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture(scope="module")
def flat():
    p = suite()
    cat = load_effective().catalog
    r = compute(p, cat)
    return p, r, build_export(p, cat, r, exported_at=EXPORTED_AT, long=True)


@pytest.fixture(scope="module")
def growing():
    p = suite(growth="0.02", trend="-0.3")
    cat = load_effective().catalog
    r = compute(p, cat)
    return p, r, build_export(p, cat, r, exported_at=EXPORTED_AT, long=True)


def test_flat_budget_by_month_by_hand(flat):
    """No growth, no price trend: every month is this month's cost; the figures by hand."""
    _, _, data = flat
    rows = {(r[0], r[1]): r[2:] for r in csv_rows(by_month_text(data))[1:] if r}
    header = csv_rows(by_month_text(data))[0]
    assert header[2] == "Jan 2027" and header[13] == "Dec 2027"
    assert header[14:] == ["Total (USD)", "FY2026/27 (USD)", "FY2027/28 (USD)"]
    for name, amount in LINES.items():
        group = "Support" if name in SUPPORT else "Growth"
        cells = [D(x) for x in rows[(group, name)]]
        assert cells[:12] == [amount] * 12
        assert cells[12:] == [amount * 12, amount * 3, amount * 9]  # Jan-Mar, Apr-Dec
    support = D("39.57") + D("11.44") + D("45.05")
    assert support == D("96.06")
    assert [D(x) for x in rows[("Support", "Subtotal")]][:13] == [support] * 12 + [support * 12]
    total = [D(x) for x in rows[("", "Total")]]
    assert total[:12] == [MONTHLY] * 12
    assert total[12:] == [D("6619.68"), D("1654.92"), D("4964.76")]  # 12, 3 and 9 x 551.64
    assert ["Plan", "Product suite", "Revision", "7"] == csv_rows(by_month_text(data))[-1][:4]


def test_by_month_csv_ties_out_to_the_domain(growing):
    plan, r, data = growing
    sm = r.summary()
    table = r.by_month([ln.group for ln in plan.lines], plan.fiscal_year_start)
    rows = csv_rows(by_month_text(data))
    body = [row for row in rows[1:] if row and row[0] != "Plan"]
    lines = {row[1]: [D(x) for x in row[2:]] for row in body if row[1] not in ("Subtotal", "Total")}
    for ln in table.lines:
        assert lines[ln.name][:12] == list(ln.months)
    for row in body:  # every row: its total column is the sum of its months, its fiscal years add up
        cells = [D(x) for x in row[2:]]
        assert cells[12] == sum(cells[:12]) == cells[13] + cells[14]
        assert cells[13] == sum(cells[:3])
    for group in ("Support", "Growth"):
        sub = next([D(x) for x in row[2:]] for row in body if row[:2] == [group, "Subtotal"])
        members = [lines[row[1]] for row in body if row[0] == group and row[1] != "Subtotal"]
        assert sub == [sum(col) for col in zip(*members, strict=True)]
    total = next([D(x) for x in row[2:]] for row in body if row[1] == "Total")
    assert total[:12] == [sum(col) for col in zip(*lines.values(), strict=True)][:12]
    assert total[:12] == [m.expected for m in sm.forecast]
    assert total[0] == sm.optimized == MONTHLY
    assert total[12] == sm.forecast_total.expected == table.total


def test_long_csv_loads_into_a_pivot(growing):
    plan, r, data = growing
    rows = list(csv.DictReader(io.StringIO(long_text(data))))
    assert list(rows[0]) == ["plan", "scenario", "group", "line", "model", "month", "metric", "amount",
                             "currency", "revision"]
    assert {row["scenario"] for row in rows} == {"base", *(s.name for s in plan.scenarios)}
    assert {row["revision"] for row in rows} == {"7"}
    pivot: dict[tuple[str, str, str], D] = defaultdict(D)
    for row in rows:
        if row["line"]:
            pivot[(row["scenario"], row["metric"], row["month"])] += D(row["amount"])
    sm = r.summary()
    months = [date(2027, m, 1).isoformat() for m in range(1, 13)]
    for metric, attr in (("expected", "expected"), ("low", "low"), ("high", "high"), ("baseline", "baseline")):
        assert [pivot[("base", metric, m)] for m in months] == [getattr(fm, attr) for fm in sm.forecast], metric
    base = [row for row in rows if row["scenario"] == "base" and row["line"]]
    assert len([row for row in base if row["metric"] in ("baseline", "expected", "low", "high", "requests")]) \
        == 6 * 12 * 5
    by_group = defaultdict(D)
    for row in base:
        if row["metric"] == "expected":
            by_group[row["group"]] += D(row["amount"])
    groups = {g.name: g.total for g in r.by_month([ln.group for ln in plan.lines], 4).groups}
    assert by_group == groups and sum(by_group.values()) == sm.forecast_total.expected
    jan = {row["line"]: D(row["amount"]) for row in base if row["month"] == months[0] and row["metric"] == "requests"}
    assert jan["Support bot"] == D(50000)
    # a scenario's month 1 is its monthly total: 'Twice the volume' doubles every line's requests
    twice = sum(D(row["amount"]) for row in rows if row["scenario"] == "Twice the volume"
                and row["metric"] == "requests" and row["month"] == months[0])
    assert twice == 2 * sum(jan.values())
    econ = {row["metric"]: row for row in rows if row["scenario"] == "base" and row["metric"] in
            ("cost_per_outcome", "revenue", "cost_per_user")}
    assert D(econ["revenue"]["amount"]) == 12000 * 3
    # 50,000 tickets x 60% resolved = 30,000 outcomes for the line's $39.57
    assert abs(D(econ["cost_per_outcome"]["amount"]) - D("39.57") / 30000) < D("0.000001")
    assert econ["cost_per_user"]["line"] == ""


def test_every_format_ties_out(growing, tmp_path: Path):
    plan, r, _ = growing
    cat = load_effective().catalog
    t = ExportTargets(csv=tmp_path / "a.csv", xlsx=tmp_path / "a.xlsx", pdf=tmp_path / "a.pdf",
                      by_month_csv=tmp_path / "m.csv", long_csv=tmp_path / "l.csv")
    written = run_export(plan, cat, t, result=r, exported_at=EXPORTED_AT)
    assert written == [t.csv, t.by_month_csv, t.long_csv, t.xlsx, t.pdf]
    sm = r.summary()
    line_csv = csv_rows(t.csv.read_text("utf-8-sig"))
    assert line_csv[0][0] == "Line" and D(line_csv[-1][line_csv[0].index("Optimized (USD/month)")]) == MONTHLY
    import openpyxl

    summary = {row[0]: row[1] for row in openpyxl.load_workbook(t.xlsx, data_only=True)["Summary"].iter_rows(
        max_col=2, values_only=True) if row[0]}
    assert D(str(summary["Monthly expected (USD)"])) == MONTHLY  # the value the formula caches
    assert summary["Revision"] == 7
    reader = PdfReader(t.pdf)
    texts = [" ".join(p.extract_text().split()) for p in reader.pages]
    assert all("revision 7" in tx for tx in texts)
    cover = texts[0]
    for needle in ("Product suite", "Dana Ortiz", "CC-4410", "Revision 7", "2026-06-01", "$551.64"):
        assert needle in cover, needle
    wide = [i for i, p in enumerate(reader.pages) if p.mediabox.width > p.mediabox.height]
    assert wide and all("Budget by month" in texts[i] or "Line" in texts[i] for i in wide)
    month_text = " ".join(texts[i] for i in wide)
    table = r.by_month([ln.group for ln in plan.lines], 4)
    assert f"{table.total:,.2f}" in month_text and f"{table.groups[0].total:,.2f}" in month_text
    assert "Support subtotal" in month_text and "FY2026/27" in month_text
    whole = " ".join(texts)
    assert f"${sm.forecast_total.expected:,.2f}" in whole
    for needle in ("Budget by group", "Range per month", "Unit economics", "resolved ticket", "Scenarios",
                   "Cheaper models against the base", "Prepared by", "Reviewed by", "Approved by"):
        assert needle in whole, needle


def test_cli_exports_and_quote_by_month(tmp_path: Path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    plan = suite(growth="0.02")
    path = tmp_path / "suite.costplan"
    save_plan(plan, load_effective().catalog, path)
    code = main(["export", str(path), "--by-month-csv", str(tmp_path / "m.csv"), "--long-csv"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert (tmp_path / "m.csv").exists() and (tmp_path / "suite-long.csv").exists() and "suite-long.csv" in out
    code = main(["quote", str(path), "--by-month", "--json"])
    bm = json.loads(capsys.readouterr()[0])["by_month"]
    assert code == 0 and bm["months"][0] == "Jan 2027" and len(bm["totals"]) == 12
    assert D(bm["total"]) == sum(D(x) for x in bm["totals"]) == sum(D(g["total"]) for g in bm["groups"])
    assert [g["name"] for g in bm["groups"]] == ["Support", "Growth"]
    assert [fy["label"] for fy in bm["fiscal_years"]] == ["FY2026/27", "FY2027/28"]
    csv_total = next(r for r in csv_rows((tmp_path / "m.csv").read_text("utf-8-sig")) if r and r[1] == "Total")
    assert D(csv_total[14]) == D(bm["total"])
    assert main(["quote", str(path), "--by-month"]) == 2


def test_prices_used_name_every_other_price_a_model_has():
    from planner.domain.catalog import ModelPrice, TierPrices
    from planner.io.export_sections import other_prices_text

    m = ModelPrice(id="d/night", name="Night", provider="D", input=D("0.28"), output=D("0.42"), reasoning=D("2"),
                   cache_write_1h=D("0.56"), service_tiers={"flex": TierPrices(input=D("0.14"), output=D("0.21"))},
                   off_peak=TierPrices(input=D("0.14"), output=D("0.21"), window="16:30-00:30 UTC"),
                   per_search=D("0.01"))
    assert other_prices_text(m) == ("reasoning 2.00 /1M; 1-hour cache write 0.56 /1M; flex 0.14 / 0.21 /1M; "
                                    "off-peak 0.14 / 0.21 /1M (16:30-00:30 UTC); 0.01 a search")


def test_fixed_add_ons_tie_out_in_every_format(tmp_path: Path):
    """The growing example with a $70.00 'Vector store' in Growth and a $39.99 'Tracing' with
    no group: every format shows them as rows of their own and the same totals."""
    from planner.domain.plan import AddOn

    plan = suite(growth="0.02").model_copy(update={"add_ons": [
        AddOn(name="Vector store", monthly=D(70), group="Growth"), AddOn(name="Tracing", monthly=D("39.99"))]})
    cat = load_effective().catalog
    r = compute(plan, cat)
    sm = r.summary()
    assert sm.optimized == MONTHLY + D("109.99") == D("661.63")
    t = ExportTargets(csv=tmp_path / "a.csv", xlsx=tmp_path / "a.xlsx", pdf=tmp_path / "a.pdf",
                      by_month_csv=tmp_path / "m.csv", long_csv=tmp_path / "l.csv")
    run_export(plan, cat, t, result=r, exported_at=EXPORTED_AT)
    lines = csv_rows(t.csv.read_text("utf-8-sig"))
    opt = lines[0].index("Optimized (USD/month)")
    rows = {row[0]: row for row in lines[1:]}
    assert rows["Vector store"][opt] == "70.00" and rows["Tracing"][opt] == "39.99"
    assert sum(D(row[opt]) for row in lines[1:-1]) == D(rows["Total"][opt]) == D("661.63")
    # by month: each add-on the same every month, in its group; every column foots
    months = csv_rows(t.by_month_csv.read_text("utf-8-sig"))
    by_name = {row[1]: row for row in months[1:] if len(row) > 1}
    assert by_name["Vector store (fixed add-on)"][0] == "Growth"
    assert set(by_name["Tracing (fixed add-on)"][2:14]) == {"39.99"}
    forecast = [m.expected for m in sm.forecast]
    assert [D(v) for v in by_name["Total"][2:14]] == forecast
    # each month is the lines grown 2% a month plus $109.99
    assert forecast[0] == D("661.63") and forecast[1] - D("109.99") == sum(
        (ln.optimized * D("1.02")).quantize(D("0.01"), rounding="ROUND_HALF_UP") for ln in r.lines)
    # long format: an add-on has expected, low and high rows (no baseline), model "(fixed add-on)"
    long_rows = [row for row in csv_rows(t.long_csv.read_text("utf-8-sig"))[1:] if row[1] == "base"]
    tracing = [row for row in long_rows if row[3] == "Tracing"]
    assert {row[6] for row in tracing} == {"expected", "low", "high"} and {row[4] for row in tracing} == {
        "(fixed add-on)"}
    jan = [row for row in long_rows if row[5] == "2027-01-01" and row[6] == "expected"]
    assert sum(D(row[7]) for row in jan) == D("661.63")
    # the workbook caches the same total; the PDF lists the add-ons and the waterfall steps
    import openpyxl

    summary = {row[0]: row[1] for row in openpyxl.load_workbook(t.xlsx, data_only=True)["Summary"].iter_rows(
        max_col=2, values_only=True) if row[0]}
    assert D(str(summary["Monthly expected (USD)"])) == D("661.63")
    assert D(str(summary["Fixed monthly add-ons (USD)"])) == D("109.99")
    whole = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(t.pdf).pages)
    for needle in ("$661.63", "6 lines, 2 add", "Fixed monthly add-ons", "Vector store (fixed add-on)",
                   "Vector store -$70.00", "$109.99 of fixed add-ons"):
        assert needle in whole, needle


def test_the_pdf_states_the_retry_overhead_and_the_platform_fee(tmp_path: Path):
    """A budget with 5% retries and a 5.5% credit fee says so among its assumptions, beside
    the waterfall steps they make; a plan with neither does not mention them."""
    cat = load_effective().catalog
    texts = {}
    for name, retry, fee in (("with", D("0.05"), D("0.055")), ("without", D(0), D(0))):
        plan = suite().model_copy(update={"retry_overhead": retry, "platform_fee": fee})
        t = ExportTargets(pdf=tmp_path / f"{name}.pdf")
        run_export(plan, cat, t, exported_at=EXPORTED_AT)
        texts[name] = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(t.pdf).pages)
    assert "Retries and failures 5% more requests, each costing what its request costs after the levers" in texts["with"]
    assert "Platform fee 5.5% on all token spending, retries included (not on the fixed add-ons)" in texts["with"]
    assert "Retries and failures" not in texts["without"] and "Platform fee" not in texts["without"]

"""Exporting a plan to CSV, XLSX and the PDF budget: one path for the app and the command line."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from planner.domain.catalog import Catalog
from planner.domain.costing import PlanResult
from planner.domain.plan import Plan
from planner.domain.ranking import Ranking, rank
from planner.io.export_csv import export_csv
from planner.io.export_pdf import export_pdf
from planner.io.export_table import ExportData, build_export
from planner.io.export_xlsx import export_xlsx


@dataclass(frozen=True)
class ExportRequest:
    csv: Path | None = None
    xlsx: Path | None = None
    pdf: Path | None = None
    page_size: str = "A4"
    charts: bool = True


def export_plan(
    plan: Plan,
    result: PlanResult,
    catalog: Catalog,
    request: ExportRequest,
    *,
    ranking: Ranking | None = None,
    progress: Callable[[int, int], bool] | None = None,
    exported_at: datetime | None = None,
) -> list[Path]:
    """Write the requested files; returns their paths. The PDF carries the cost-by-line,
    waterfall and forecast charts (rendered off screen; needs a QApplication)."""
    data: ExportData = build_export(plan, catalog, result, exported_at=exported_at or datetime.now())
    written: list[Path] = []
    if request.csv:
        export_csv(data, request.csv)
        written.append(request.csv)
    if request.xlsx:
        export_xlsx(data, request.xlsx)
        written.append(request.xlsx)
    if request.pdf:
        charts = []
        if request.charts and plan.lines:
            from planner.io.export_pdf import ensure_app
            from planner.ui.charts.charts_tab import chart_images

            ensure_app()
            ranking = ranking or rank(catalog, catalog.default_quality_metric)
            charts = chart_images(plan, result, catalog, ranking)
        export_pdf(data, request.pdf, page_size=request.page_size, charts=charts, progress=progress)
        written.append(request.pdf)
    return written

"""File > Export in the window: the charts the PDF carries (drawn by the window's chart code)
and the window's progress callback; the export itself is planner.io.export_job's, as on the
command line."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from planner.domain.actuals import Variance
from planner.domain.catalog import Catalog
from planner.domain.costing import PlanResult
from planner.domain.plan import Plan
from planner.domain.ranking import Ranking, rank
from planner.io.export_job import ChartSource, ExportTargets, run_export


@dataclass(frozen=True)
class ExportRequest:
    csv: Path | None = None
    xlsx: Path | None = None
    pdf: Path | None = None
    page_size: str = "A4"
    charts: bool = True
    #: plan versus actual of a month: the PDF's and the workbook's variance section
    variance: Variance | None = None


def chart_source(
    plan: Plan, result: PlanResult, catalog: Catalog, ranking: Ranking | None = None
) -> ChartSource:
    """The PDF's charts (cost by line, waterfall, forecast), rendered off screen when asked."""

    def draw() -> list:
        from planner.io.export_pdf import ensure_app
        from planner.ui.charts.charts_tab import chart_images

        ensure_app()
        return chart_images(plan, result, catalog,
                            ranking or rank(catalog, catalog.default_quality_metric))

    return draw


def variance_chart_source(v: Variance) -> ChartSource:
    """The variance section's chart (the variance waterfall), rendered off screen when asked:
    the widget the plan-versus-actual view shows."""

    def draw() -> list:
        from planner.io.export_pdf import ensure_app
        from planner.ui.charts.charts_tab import render_off_screen
        from planner.ui.charts.compare_charts import VarianceWaterfallChart

        ensure_app()
        return render_off_screen([(VarianceWaterfallChart, lambda c: c.draw_variance(v))])

    return draw


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
    """Write the requested files through the export job; returns their paths. `progress(done,
    total)` returning False cancels (ExportCancelled). The PDF carries the charts."""
    stop = False

    def on_progress(done: int, total: int) -> None:
        nonlocal stop
        if progress is not None and progress(done, total) is False:
            stop = True

    charts = chart_source(plan, result, catalog, ranking) if request.charts else None
    v = request.variance
    variance_charts = variance_chart_source(v) if v is not None and request.charts else None
    targets = ExportTargets(request.csv, request.xlsx, request.pdf, request.page_size)
    return run_export(plan, catalog, targets, result=result, charts=charts,
                      progress=on_progress, cancelled=lambda: stop, exported_at=exported_at,
                      variance=v, variance_charts=variance_charts)

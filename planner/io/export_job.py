"""One export job, headless: a plan and its catalog to CSV, XLSX and/or the PDF budget.

Used by `cost-planner export` and by the window's File > Export; the window only adds its
dialogs, its progress bar and the charts it draws (passed in as `charts`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from planner.domain.actuals import Variance
from planner.domain.catalog import Catalog
from planner.domain.costing import PlanResult, compute
from planner.domain.plan import Plan
from planner.io.export_sections import Source, build_export
from planner.io.export_table import ExportCancelled, ExportData

#: (done, total): steps done so far of the total (one per CSV or XLSX file, one per PDF page;
#: the total grows once the PDF is laid out).
Progress = Callable[[int, int], None]
#: Asked between steps: True stops the job (ExportCancelled).
Cancelled = Callable[[], bool]
#: The PDF's charts: (title, QImage or QPicture), drawn when the PDF is written.
ChartSource = Callable[[], Sequence[tuple[str, object]]]


@dataclass(frozen=True)
class ExportTargets:
    csv: Path | None = None
    xlsx: Path | None = None
    pdf: Path | None = None
    page_size: str = "A4"
    #: the budget by line and month, and the long format (one figure a row) for BI tools
    by_month_csv: Path | None = None
    long_csv: Path | None = None

    def paths(self) -> list[Path]:
        return [p for p in (self.csv, self.by_month_csv, self.long_csv, self.xlsx, self.pdf) if p is not None]


def run_export(
    plan: Plan,
    catalog: Catalog,
    targets: ExportTargets,
    *,
    result: PlanResult | None = None,
    charts: ChartSource | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    exported_at: datetime | None = None,
    variance: Variance | None = None,
    variance_charts: ChartSource | None = None,
) -> list[Path]:
    """Write each requested file (atomically: a failure keeps the old file and raises
    WriteError naming the target) and return the paths written, in the order CSV, by-month
    CSV, long CSV, XLSX, PDF. With a `variance` (plan versus actual of a month) the XLSX gets
    a Variance sheet and the PDF a plan-versus-actual section (with `variance_charts`' picture);
    the CSVs are the same."""
    from planner.io.export_csv import export_by_month_csv, export_csv, export_long_csv
    from planner.io.export_xlsx import export_xlsx

    result = result or compute(plan, catalog)
    data = build_export(plan, catalog, result, exported_at=exported_at or datetime.now(),
                        long=targets.long_csv is not None)
    written: list[Path] = []

    def xlsx(data_: ExportData, path: Path) -> None:
        export_xlsx(data_, path, Source.of(plan, catalog, result), variance=variance)

    files = ((targets.csv, export_csv), (targets.by_month_csv, export_by_month_csv),
             (targets.long_csv, export_long_csv), (targets.xlsx, xlsx))
    steps = [p for p, _ in files if p is not None]
    total = len(steps) + (1 if targets.pdf else 0)

    def stop() -> bool:
        return cancelled is not None and cancelled()

    def report(done: int) -> None:
        if progress is not None:
            progress(done, total)

    for path, write in files:
        if path is None:
            continue
        if stop():
            raise ExportCancelled(written)
        write(data, path)
        written.append(path)
        report(len(written))
    if targets.pdf is not None:
        if stop():
            raise ExportCancelled(written)
        base = len(written)

        def on_page(done: int, pages: int) -> bool:
            nonlocal total
            total = base + pages
            report(base + done)
            return not stop()

        from planner.io.export_pdf import export_pdf

        images = list(charts()) if charts is not None and plan.lines else []
        pictures = list(variance_charts()) if variance_charts is not None and variance is not None else []
        try:
            export_pdf(data, targets.pdf, page_size=targets.page_size, charts=images,
                       progress=on_page, variance=variance, variance_charts=pictures)  # type: ignore[arg-type]
        except ExportCancelled:
            raise ExportCancelled(written) from None
        written.append(targets.pdf)
    return written

"""File > Export: CSV, XLSX and the PDF budget, over planner.ui.export_actions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale, QObject
from PySide6.QtWidgets import QApplication, QFileDialog, QProgressDialog, QWidget

from planner.io.file_names import safe_file_name
from planner.ui import prompts
from planner.ui.file_controller import Host

if TYPE_CHECKING:
    from planner.ui import export_actions

# (the export modules, PDF and workbook writers included, load when an export is asked for:
# at start-up they would cost time before the window accepts input)


def _actions():  # noqa: ANN202 - the planner.ui.export_actions module
    from planner.ui import export_actions

    return export_actions

PDF_FILTERS = {"Letter": "PDF, Letter paper (*.pdf)", "A4": "PDF, A4 paper (*.pdf)"}
TABLE_FILTERS = {"csv": "CSV (*.csv)", "xlsx": "Excel workbook (*.xlsx)"}
#: the finance CSVs: ExportTargets field -> (dialog title, file name ending)
FINANCE_CSVS = {"by_month_csv": ("Export the budget by month (CSV)", "-by-month.csv"),
                "long_csv": ("Export one figure a row (long CSV, for BI tools)", "-long.csv")}


def default_page_size() -> str:
    """Letter where the locale measures in inches, else A4."""
    return "Letter" if QLocale().measurementSystem() == QLocale.MeasurementSystem.ImperialUSSystem else "A4"


class ExportController(QObject):
    def __init__(self, host: Host, parent: QWidget, ranking: Callable[[], object]) -> None:
        super().__init__(parent)
        self.host, self.widget, self.ranking = host, parent, ranking
        #: the file the last export wrote (None: it wrote nothing)
        self.last_written: Path | None = None

    def _refusal(self) -> str | None:
        """Why the plan cannot be exported now (None: it can)."""
        doc = self.host.doc
        if doc is None:
            return "There is no plan to export."
        if doc.result is None:
            return f"{doc.display_name}: {doc.error}"
        if doc.broken_lines:
            return f"{doc.display_name} cannot be exported yet:\n\n" + "\n".join(doc.broken_lines.values())
        return None

    def _saved_plan(self):
        """The plan as saved (the base and its scenarios) and its result, whichever scenario
        the worksheet shows."""
        doc = self.host.doc
        if doc.scenario is None:
            return doc.stored_plan, doc.result
        from planner.domain.costing import compute

        return doc.stored_plan, compute(doc.stored_plan, self.host.session.catalog)

    def _target(self, title: str, suffix: str, filters: str, ending: str | None = None) -> tuple[Path, str] | None:
        refusal = self._refusal()
        if refusal is not None:
            prompts.tell(self.widget, refusal)
            return None
        doc = self.host.doc
        if ending is not None:
            stem = doc.path.stem if doc.path else safe_file_name(doc.plan.name, "")
            base = (doc.path.parent if doc.path else Path.home()) / f"{stem}{ending}"
        else:
            base = doc.path.with_suffix(suffix) if doc.path else Path.home() / safe_file_name(doc.plan.name, suffix)
        chosen, flt = QFileDialog.getSaveFileName(self.widget, title, str(base), filters)
        if not chosen:
            return None
        path = Path(chosen)
        return (path if path.suffix.lower() == suffix else path.with_name(path.name + suffix)), flt

    def _write(self, path: Path, request: export_actions.ExportRequest, **kwargs) -> bool:
        plan, result = self._saved_plan()
        self.last_written = None
        try:
            _actions().export_plan(plan, result, self.host.session.catalog, request, **kwargs)
        except OSError as e:
            prompts.tell(self.widget, f"Could not write {path}: {e.strerror or e}")
            return False
        self.last_written = path
        return True

    def export_file(self, kind: str, variance=None) -> bool:  # noqa: ANN001 - a planner.domain.actuals.Variance
        """CSV or XLSX of the plan: one row per line with every assumption, then totals (with a
        `variance`, the workbook gets its Variance sheet)."""
        target = self._target(f"Export {kind.upper()}", f".{kind}", TABLE_FILTERS[kind])
        if target is None:
            return False
        path = target[0]
        if not self._write(path, _actions().ExportRequest(**{kind: path}, variance=variance)):
            return False
        self.host.show_status(f"Exported {path}")
        return True

    def export_finance_csv(self, kind: str, path: Path | None = None) -> bool:
        """The budget by line and month (`by_month_csv`) or one figure a row (`long_csv`)."""
        title, ending = FINANCE_CSVS[kind]
        if path is None:
            target = self._target(title, ".csv", TABLE_FILTERS["csv"], ending)
            if target is None:
                return False
            path = target[0]
        elif self._refusal() is not None:
            prompts.tell(self.widget, self._refusal())
            return False
        plan, result = self._saved_plan()
        try:
            from planner.io.export_job import ExportTargets, run_export

            run_export(plan, self.host.session.catalog, ExportTargets(**{kind: path}), result=result)
        except OSError as e:
            prompts.tell(self.widget, f"Could not write {path}: {e.strerror or e}")
            return False
        self.host.show_status(f"Exported {path}")
        return True

    def export_pdf(self, path: Path | None = None, page_size: str | None = None,
                   variance=None) -> bool:  # noqa: ANN001 - a planner.domain.actuals.Variance
        """The multi-page PDF budget, with progress and Cancel (with a `variance`, its plan
        versus actual section)."""
        if path is None:
            first = default_page_size()
            order = [first] + [s for s in PDF_FILTERS if s != first]
            target = self._target("Export PDF budget", ".pdf", ";;".join(PDF_FILTERS[s] for s in order))
            if target is None:
                return False
            path, flt = target
            page_size = next(s for s, f in PDF_FILTERS.items() if f == flt) if flt in PDF_FILTERS.values() else first
        elif self._refusal() is not None:
            prompts.tell(self.widget, self._refusal())
            return False
        page_size = page_size or default_page_size()
        dlg = QProgressDialog(f"Writing {path.name}…", "Cancel", 0, 1, self.widget)
        dlg.setWindowTitle("Export PDF")
        dlg.setMinimumDuration(300)

        def progress(done: int, total: int) -> bool:
            dlg.setMaximum(max(total, 1))
            dlg.setValue(done)
            QApplication.processEvents()
            return not dlg.wasCanceled()

        from planner.io.export_table import ExportCancelled

        try:
            ok = self._write(path, _actions().ExportRequest(pdf=path, page_size=page_size, variance=variance),
                             ranking=self.ranking(), progress=progress)
        except ExportCancelled:
            self.host.show_status(f"Export of {path} cancelled; nothing was written")
            return False
        finally:
            dlg.close()
        if ok:
            self.host.show_status(f"Exported {path} ({page_size})")
        return ok

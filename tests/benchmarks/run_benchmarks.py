"""Benchmarks with targets: one JSON line per figure (median, min, max over several runs).

Run with `make bench` (not part of `make test`). Figures are wall-clock on a shared machine:
read medians and ratios, not single runs.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"
LITELLM = FIXTURES / "litellm-1.109.1-model_prices_and_context_window.json"
RUNS = int(os.environ.get("BENCH_RUNS", "5"))


def emit(name: str, unit: str, values: list[float], target: float | None, higher_is_better: bool = False, **extra) -> None:
    med = statistics.median(values)
    meets = None if target is None else (med >= target if higher_is_better else med <= target)
    print(json.dumps({"name": name, "unit": unit, "median": round(med, 3), "min": round(min(values), 3),
                      "max": round(max(values), 3), "target": target, "meets": meets, "runs": len(values), **extra}),
          flush=True)


def big_home() -> Path:
    """A user home whose overlay holds the whole LiteLLM fixture (all modes)."""
    home = Path(tempfile.mkdtemp(prefix="cp-bench-"))
    env = {**os.environ, "COST_PLANNER_HOME": str(home)}
    subprocess.run([sys.executable, "-m", "planner", "import", "litellm", str(LITELLM), "--all-modes"], env=env,
                   check=True, capture_output=True, cwd=REPO)
    return home


def hundred_line_plan(catalog, n: int = 100):
    from planner.domain.plan import Line, Plan, PromptCache, RouteShare
    from planner.domain.presets import seed_multipliers

    ids = [m.id for m in catalog.models if m.cache_read is not None][:40]
    lines = []
    for i in range(n):
        a, b = ids[i % len(ids)], ids[(i * 7 + 3) % len(ids)]
        lines.append(Line(
            name=f"Feature {i + 1}", requests=Decimal(1000 + 137 * i), input_tokens=Decimal(300 + 11 * i),
            output_tokens=Decimal(120 + 5 * i), model=a,
            routing=[RouteShare(model=a, share=Decimal("0.7")), RouteShare(model=b, share=Decimal("0.3"))] if i % 3 == 0 and a != b else [],
            prompt_cache=PromptCache(prefix_tokens=Decimal(200), hit_rate=Decimal("0.8")) if i % 2 == 0 else PromptCache(),
            batch_share=Decimal("0.25") if i % 4 == 0 else Decimal(0),
            response_cache_hit_rate=Decimal("0.1") if i % 5 == 0 else Decimal(0),
        ))
    plan = Plan(name="Hundred lines", lines=lines, multipliers=seed_multipliers(), monthly_budget=Decimal(50_000))
    plan.multipliers[2].enabled = True
    return plan


# -- start-up ---------------------------------------------------------------------------------

CHILD_APP = r"""
import os, sys, time
t0 = float(sys.argv[1])
from PySide6.QtCore import QEvent, QObject, QTimer
class Painted(QObject):
    '''Prints when the table is first painted and, for the app, when it is painted complete.'''
    def __init__(self, complete):
        super().__init__()
        self.complete, self.first = complete, None
    def eventFilter(self, obj, ev):
        if ev.type() == QEvent.Type.Paint:
            t = time.time() - t0
            if self.first is None:
                self.first = t
                m = view.parent().model()
                print(f"first {t:.4f} {type(m).__name__} {m.rowCount()} {int('numpy' in sys.modules)}", flush=True)
            if self.complete():
                print(f"ready {t:.4f}", flush=True)
                os._exit(0)
        return False
if sys.argv[2] == "app":
    # the real start, `python -m planner` with no arguments; the probe goes in as it enters the event loop
    import runpy
    from PySide6.QtWidgets import QApplication
    exec_ = QApplication.exec
    def probed_exec(app):
        global view
        w = next(t for t in app.topLevelWidgets() if type(t).__name__ == "MainWindow")
        view = w.models_tab.table.viewport()
        probe = Painted(lambda: w.is_complete)
        view.installEventFilter(probe)
        return exec_()
    QApplication.exec = probed_exec
    sys.argv = ["cost-planner"]
    runpy.run_module("planner", run_name="__main__")
else:
    from PySide6.QtWidgets import QApplication, QMainWindow, QTableView
    from PySide6.QtGui import QStandardItemModel
    app = QApplication([]); w = QMainWindow(); view = QTableView(); view.setModel(QStandardItemModel(50, 10)); w.setCentralWidget(view)
    view = view.viewport()
    w.resize(1400, 900); w.show()
    probe = Painted(lambda: True)
    view.installEventFilter(probe)
    app.exec()
"""


def _start_once(kind: str, env: dict) -> dict:
    t0 = time.time()
    p = subprocess.run([sys.executable, "-c", CHILD_APP, repr(t0), kind], env=env, capture_output=True, text=True,
                       cwd=REPO, timeout=120)
    out: dict = {}
    for line in p.stdout.splitlines():
        parts = line.split()
        if parts and parts[0] == "first":
            out.update(first=float(parts[1]) * 1000, model=parts[2], rows=int(parts[3]), numpy=parts[4] == "1")
        elif parts and parts[0] == "ready":
            out["ready"] = float(parts[1]) * 1000
    if "first" not in out or "ready" not in out:
        raise RuntimeError(f"start-up probe ({kind}) printed {p.stdout!r}, stderr {p.stderr[-2000:]!r}")
    return out


def bench_startup(home: Path) -> None:
    """Each run: a cold app start (no first paint file: the window is built from the catalog,
    then the file is written), a warm one (the usual start: painted from that file, completed
    right after), and the bare Qt window."""
    env = {**os.environ, "COST_PLANNER_HOME": str(home)}
    first_paint = home / "cache" / "first-paint.json"
    cold, warm, warm_ready, bare = [], [], [], []
    for _ in range(RUNS):
        first_paint.unlink(missing_ok=True)
        c = _start_once("app", env)
        w = _start_once("app", env)
        b = _start_once("bare", env)
        if c["model"] != "CatalogFilterProxy" or w["model"] != "FrozenTableModel" or w["numpy"] or w["rows"] != c["rows"]:
            raise RuntimeError(f"unexpected start-up: cold {c}, warm {w}")
        cold.append(c["first"])
        warm.append(w["first"])
        warm_ready.append(w["ready"])
        bare.append(b["first"])
    rows = w["rows"]
    emit("startup_app_ms", "ms", warm, None, catalog_models="shipped + LiteLLM overlay", table_rows=rows,
         note="to the first paint of the Models table with its rows, from the first paint file")
    emit("startup_bare_qt_ms", "ms", bare, None)
    emit("startup_ratio", "x", [a / b for a, b in zip(warm, bare, strict=True)], 1.5)
    emit("startup_app_complete_ms", "ms", warm_ready, None,
         note="until the window is painted with the live catalog, every tab working")
    emit("startup_app_cold_ms", "ms", cold, None,
         note="no first paint file (first start, or the catalog files changed): built from the catalog, then painted")
    emit("startup_ratio_cold", "x", [a / b for a, b in zip(cold, bare, strict=True)], None)


# -- catalog ----------------------------------------------------------------------------------


def bench_catalog(home: Path) -> None:
    from planner.io.catalog_files import load_effective
    from planner.io.importers import read_import_file

    os.environ["COST_PLANNER_HOME"] = str(home)
    shipped = []
    for _ in range(RUNS):
        t = time.perf_counter()
        loaded = load_effective()
        shipped.append((time.perf_counter() - t) * 1000)
    emit("catalog_load_with_overlay_ms", "ms", shipped, 150, models=len(loaded.catalog))
    imports = []
    for _ in range(RUNS):
        t = time.perf_counter()
        r = read_import_file("litellm", LITELLM, today=date.today())
        imports.append((time.perf_counter() - t) * 1000)
    emit("import_litellm_ms", "ms", imports, 1000, entries=4553, imported=len(r.models))


# -- ranking vs genai-prices --------------------------------------------------------------------


def bench_ranking(home: Path) -> None:
    from planner.domain.ranking import CatalogArrays
    from planner.io.catalog_files import load_effective

    os.environ["COST_PLANNER_HOME"] = str(home)
    catalog = load_effective().catalog
    plan = hundred_line_plan(catalog)
    workload = [(float(ln.requests_per_month), float(ln.input_tokens), float(ln.output_tokens)) for ln in plan.lines]
    build, ours = [], []
    for _ in range(RUNS):
        t = time.perf_counter()
        arrays = CatalogArrays.from_catalog(catalog)  # once per catalog load in the app
        build.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        for _k in range(20):
            costs = arrays.workload_cost(workload)
        ours.append((time.perf_counter() - t) * 1000 / 20)
    per_model_ours_us = statistics.median(ours) * 1000 / len(catalog)
    emit("catalog_arrays_build_ms", "ms", build, None, models=len(catalog), note="once per catalog change")
    emit("rank_catalog_for_workload_ms", "ms", ours, None, models=len(catalog), lines=len(workload))
    try:
        from genai_prices import Usage, calc_price
    except ImportError:
        print(json.dumps({"name": "rank_vs_genai_prices", "skipped": "genai-prices is not installed (pip install genai-prices)"}))
        return
    # genai-prices costs one request on one model; time it on models it knows, per model
    probes = [("gpt-4o", "openai"), ("claude-sonnet-4-5", "anthropic"), ("gemini-2.5-pro", "google")]
    theirs = []
    for _ in range(RUNS):
        n = 0
        t = time.perf_counter()
        for _k in range(100):
            for model, provider in probes:
                calc_price(Usage(input_tokens=500, output_tokens=200), model_ref=model, provider_id=provider)
                n += 1
        theirs.append((time.perf_counter() - t) * 1e6 / n)
    emit("genai_prices_calc_price_us_per_model", "us", theirs, None)
    emit("rank_speedup_vs_genai_prices", "x", [statistics.median(theirs) / per_model_ours_us], 100, higher_is_better=True,
         our_us_per_model=round(per_model_ours_us, 4))
    assert len(costs) == len(catalog)


# -- slider step, PDF, memory --------------------------------------------------------------------


def _paint_log():
    from PySide6.QtCore import QEvent, QObject

    class PaintLog(QObject):
        """Which widgets received a paint event since clear()."""

        def __init__(self) -> None:
            super().__init__()
            self._seen: set[int] = set()

        def clear(self) -> None:
            self._seen.clear()

        def saw(self, widget) -> bool:
            return id(widget) in self._seen

        def eventFilter(self, obj, ev) -> bool:
            if ev.type() == QEvent.Type.Paint:
                self._seen.add(id(obj))
            return False

    return PaintLog


def plan_chart_views(tab) -> list:
    """The Charts tab's views that follow the plan and show at 1400x900 (the first row)."""
    from planner.ui.charts.charts import CostByLineChart, WaterfallChart

    return [c.plot_widget.viewport() for c in tab.charts if isinstance(c, (CostByLineChart, WaterfallChart))]


def bench_app(home: Path) -> None:
    os.environ["COST_PLANNER_HOME"] = str(home)
    from PySide6.QtWidgets import QApplication

    from planner.qt_runtime import make_app
    from planner.ui.app import create_window
    from planner.ui.main_window import TAB_CHARTS, TAB_WORKLOAD
    from planner.ui.plan_document import PlanDocument
    from planner.ui.workload_tab import SLIDER_STEPS

    PaintLog = _paint_log()
    make_app()
    win = create_window()
    win.resize(1400, 900)
    win.show()
    plan = hundred_line_plan(win.session.catalog)
    win.set_document(PlanDocument(lambda: win.session.catalog, plan, parent=win))
    painted = PaintLog()
    for tab, label in ((TAB_WORKLOAD, "workload"), (TAB_CHARTS, "charts")):
        win.show_tab(tab)
        for _ in range(3):
            QApplication.processEvents()
        wt = win.workload_tab
        # the views a step must repaint on this tab
        watched = [wt.table.viewport(), wt.totals.optimized] if tab == TAB_WORKLOAD else plan_chart_views(win.charts_tab)
        for w in watched:  # on these widgets only: a filter on the application would slow every event
            w.installEventFilter(painted)
        wt._slider_pressed()
        times, forced, complete = [], [], 0
        for k in range(80):
            painted.clear()
            t = time.perf_counter()
            wt.slider.setValue(SLIDER_STEPS // 2 + (k % 20) * 5 + (k // 20))
            # the step ends when the event loop has painted every widget the step changed
            QApplication.processEvents()
            dt = (time.perf_counter() - t) * 1000
            complete += all(painted.saw(w) for w in watched)
            (times if k % 4 else forced).append(dt)
            if k % 4 == 0:
                # every fourth step also repaints the whole tab, changed or not (a harsher measure)
                t = time.perf_counter()
                win.tabs.currentWidget().repaint()
                forced[-1] += (time.perf_counter() - t) * 1000
        wt._slider_released()
        QApplication.processEvents()
        times.sort()
        p95 = times[int(len(times) * 0.95) - 1]
        emit(f"slider_step_{label}_ms", "ms", times, 16, lines=100, models=len(win.session.catalog), p95=round(p95, 2),
             p95_target=33, p95_meets=p95 <= 33, steps_with_every_view_painted=f"{complete}/80",
             median_with_forced_full_repaint=round(statistics.median(forced), 2))

    from planner.ui.export_actions import ExportRequest, export_plan

    out = Path(tempfile.mkdtemp()) / "budget.pdf"
    pdf = []
    for _ in range(RUNS):
        t = time.perf_counter()
        export_plan(win.doc.plan, win.doc.result, win.session.catalog, ExportRequest(pdf=out), ranking=win.models_tab.model.ranking)
        pdf.append((time.perf_counter() - t) * 1000)
    emit("pdf_export_100_lines_ms", "ms", pdf, 1500)

    emit("peak_rss_after_slider_and_pdf_exports_mb", "MB", [_peak_rss_mb()], None, note="this process, for reference")
    win.doc.undo_stack.setClean()  # closing asks about unsaved changes otherwise
    win.close()


def _peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_memory(home: Path) -> None:
    """Peak RSS of a fresh app process: the big catalog, the 100-line plan, every tab shown and
    its slider dragged."""
    os.environ["COST_PLANNER_HOME"] = str(home)
    from PySide6.QtWidgets import QApplication

    from planner.qt_runtime import make_app
    from planner.ui.app import create_window
    from planner.ui.main_window import TAB_CHARTS, TAB_MODELS, TAB_WORKLOAD
    from planner.ui.plan_document import PlanDocument
    from planner.ui.workload_tab import SLIDER_STEPS

    make_app()
    win = create_window()
    win.resize(1400, 900)
    win.show()
    win.set_document(PlanDocument(lambda: win.session.catalog, hundred_line_plan(win.session.catalog), parent=win))
    for tab in (TAB_MODELS, TAB_WORKLOAD, TAB_CHARTS):
        win.show_tab(tab)
        for _ in range(3):
            QApplication.processEvents()
        wt = win.workload_tab
        wt._slider_pressed()
        for k in range(10):
            wt.slider.setValue(SLIDER_STEPS // 2 + k * 5)
            QApplication.processEvents()
        wt._slider_released()
        QApplication.processEvents()
    emit("peak_rss_all_tabs_mb", "MB", [_peak_rss_mb()], 200, models=len(win.session.catalog), lines=100)
    win.doc.undo_stack.setClean()
    win.close()


def main() -> None:
    home = big_home()
    which = sys.argv[1:] or ["startup", "catalog", "ranking", "app", "memory"]
    if "startup" in which:
        bench_startup(home)
    if "catalog" in which:
        bench_catalog(home)
    if "ranking" in which:
        bench_ranking(home)
    if "app" in which:
        subprocess.run([sys.executable, __file__, "--app-only", str(home)], check=False, cwd=REPO)
    if "memory" in which:
        # a fresh process, so the figure is the app's own
        subprocess.run([sys.executable, __file__, "--memory-only", str(home)], check=False, cwd=REPO)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--app-only":
        bench_app(Path(sys.argv[2]))
    elif len(sys.argv) == 3 and sys.argv[1] == "--memory-only":
        bench_memory(Path(sys.argv[2]))
    else:
        main()

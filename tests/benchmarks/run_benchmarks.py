"""Benchmarks with targets (docs/performance.md): one JSON line per figure.

Run with `make bench` (not part of `make test`); `run_benchmarks.py GROUP...` runs some of
startup, slider, big_plan, import, catalog, pdf, engine, quote. Every time is printed beside a
reference measured in the same run, a fixed pure-Python loop (`reference_ms`), and `meets` is
judged on the ratio time / reference: this machine's speed drifts by itself (the same loop
takes 8 ms at one moment and 14 at another), and the ratio does not. The ratio target is the
time target divided by the reference's time on a quiet machine (REFERENCE_QUIET_MS).
"""

from __future__ import annotations

import atexit
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))  # this checkout's planner, whatever is installed
FIXTURES = REPO / "tests" / "fixtures"
LITELLM = FIXTURES / "litellm-1.109.1-model_prices_and_context_window.json"
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
#: the reference loop's time on this machine when it is quiet (its fastest runs)
REFERENCE_QUIET_MS = 8.0


def temp_dir(prefix: str = "cp-") -> Path:
    """A folder of this run's own, removed when the run ends (homes with 50,000-entry
    overlays, large plans and PDFs: tens of megabytes each)."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


def reference_ms() -> float:
    """A fixed pure-Python workload (dict, list, Decimal and string work, like the app's)."""
    t = time.perf_counter()
    acc, d = Decimal(0), {}
    for i in range(12_000):
        acc += Decimal(i) * Decimal("1.0001")
        d[f"k{i % 500}"] = d.get(f"k{i % 500}", 0) + i
    sorted(d.values())
    return (time.perf_counter() - t) * 1000


def emit(name: str, unit: str, values: list[float], target: float | None = None, *, reference: list[float] | None = None,
         higher_is_better: bool = False, **extra) -> None:
    """One figure: its median, min and max; with a reference, the ratio to it and `meets` on
    the ratio (a time target T becomes T / REFERENCE_QUIET_MS); otherwise `meets` on the value."""
    med = statistics.median(values)
    out: dict = {"name": name, "unit": unit, "median": round(med, 3), "min": round(min(values), 3),
                 "max": round(max(values), 3), "runs": len(values), "target": target}
    if reference:
        ref = statistics.median(reference)
        ratio = med / ref
        out.update(reference_ms=round(ref, 2), ratio=round(ratio, 2))
        if target is not None:
            out["ratio_target"] = round(target / REFERENCE_QUIET_MS, 2)
            out["meets"] = ratio <= target / REFERENCE_QUIET_MS
    elif target is not None:
        out["meets"] = med >= target if higher_is_better else med <= target
    print(json.dumps({**out, **extra}), flush=True)


def timed(fn: Callable[[], object], runs: int = RUNS) -> tuple[list[float], list[float]]:
    """(times, references) in ms: the reference loop just before each run."""
    times, refs = [], []
    for _ in range(runs):
        refs.append(reference_ms())
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return times, refs


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "planner", *args], env=env or os.environ.copy(), cwd=REPO,
                          capture_output=True, text=True, check=False)


def home_with_litellm() -> Path:
    """A user home whose overlay holds the whole LiteLLM fixture (all modes): ~3,600 models."""
    home = temp_dir("cp-bench-")
    p = run_cli("import", "litellm", str(LITELLM), "--all-modes", env={**os.environ, "COST_PLANNER_HOME": str(home)})
    if p.returncode:
        raise RuntimeError(p.stderr)
    return home


def make_plan(catalog, n: int):
    """n lines on catalog models: routing, prompt caching, batch, app caches, a multiplier."""
    from planner.domain.plan import Line, Plan, PromptCache, RouteShare
    from planner.domain.presets import seed_multipliers

    ids = [m.id for m in catalog.models if m.cache_read is not None and m.input > 0][:60]
    lines = []
    for i in range(n):
        a, b = ids[i % len(ids)], ids[(i * 7 + 3) % len(ids)]
        lines.append(Line(
            name=f"Feature {i + 1}", group=f"Team {i % 5}", requests=Decimal(1000 + 137 * i),
            input_tokens=Decimal(300 + 11 * (i % 200)), output_tokens=Decimal(120 + 5 * (i % 100)), model=a,
            routing=[RouteShare(model=a, share=Decimal("0.7")), RouteShare(model=b, share=Decimal("0.3"))]
            if i % 3 == 0 and a != b else [],
            prompt_cache=PromptCache(prefix_tokens=Decimal(200), hit_rate=Decimal("0.8")) if i % 2 == 0 else PromptCache(),
            batch_share=Decimal("0.25") if i % 4 == 0 else Decimal(0),
            response_cache_hit_rate=Decimal("0.1") if i % 5 == 0 else Decimal(0),
        ))
    plan = Plan(name=f"{n} lines", lines=lines, multipliers=seed_multipliers(), monthly_budget=Decimal(50_000))
    plan.multipliers[2].enabled = True
    return plan


# -- start-up: until the window is complete and accepts input -----------------------------------

CHILD = r"""
import os, sys, time
t0 = float(sys.argv[1])
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

def accepts_input(ready):
    '''Once `ready()`: a zero-delay timer fires when the event queue has emptied, the moment
    a click or a key would be handled.'''
    def check():
        if ready():
            QTimer.singleShot(0, lambda: (print(f"usable {time.time() - t0:.4f}", flush=True), os._exit(0)))
        else:
            QTimer.singleShot(1, check)
    QTimer.singleShot(0, check)

if sys.argv[2] == "app":
    import runpy
    exec_ = QApplication.exec
    def probed_exec(app):
        w = next(t for t in app.topLevelWidgets() if type(t).__name__ == "MainWindow")
        accepts_input(lambda: w.is_complete)
        return exec_()
    QApplication.exec = probed_exec
    sys.argv = ["cost-planner"]
    runpy.run_module("planner", run_name="__main__")
else:
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QMainWindow, QTableView
    rows = int(sys.argv[3])
    app = QApplication([])
    w = QMainWindow()
    model = QStandardItemModel(rows, 12)
    for r in range(rows):
        for c in range(12):
            model.setItem(r, c, QStandardItem(f"{r * 12 + c}"))
    view = QTableView()
    view.setModel(model)
    view.setSortingEnabled(True)
    w.setCentralWidget(view)
    w.resize(1400, 900)
    w.show()
    accepts_input(lambda: True)
    app.exec()
"""


def _start(kind: str, env: dict, rows: int) -> float:
    t0 = time.time()
    p = subprocess.run([sys.executable, "-c", CHILD, repr(t0), kind, str(rows)], env=env, capture_output=True,
                       text=True, cwd=REPO, timeout=120)
    for line in p.stdout.splitlines():
        if line.startswith("usable "):
            return float(line.split()[1]) * 1000
    raise RuntimeError(f"start-up probe ({kind}) printed {p.stdout!r}, stderr {p.stderr[-1500:]!r}")


def bench_startup(home: Path) -> None:
    """A first start (no settings or cache yet) and a later one, each paired with a bare
    PySide6 window whose table holds as many rows as the catalog, in the same run."""
    from planner.io.catalog_files import load_effective

    env = {**os.environ, "COST_PLANNER_HOME": str(home)}
    os.environ["COST_PLANNER_HOME"] = str(home)
    rows = len(load_effective().catalog)
    cold, warm, bare = [], [], []
    _start("app", env, rows)  # a warm-up
    for _ in range(RUNS):
        for cache in (home / "cache", home / "config"):  # a first start: no settings, nothing cached
            for f in cache.glob("*") if cache.is_dir() else ():
                if f.is_file():
                    f.unlink()
        cold.append(_start("app", env, rows))
        # a later start finds the catalog cache the first one wrote in the background once
        # its window was up (the probe ends that process as soon as it accepts input)
        load_effective()
        warm.append(_start("app", env, rows))
        bare.append(_start("bare", env, rows))
    emit("startup_usable_cold_ms", "ms", cold, None, models=rows)
    emit("startup_usable_warm_ms", "ms", warm, None, models=rows)
    emit("startup_bare_window_with_filled_table_ms", "ms", bare, None, rows=rows)
    emit("startup_ratio_cold", "x", [a / b for a, b in zip(cold, bare, strict=True)], 2.0)
    emit("startup_ratio_warm", "x", [a / b for a, b in zip(warm, bare, strict=True)], 2.0)


# -- the window under a drag ------------------------------------------------------------------


def _window(home: Path, plan_lines: int):
    os.environ["COST_PLANNER_HOME"] = str(home)
    from planner.qt_runtime import make_app
    from planner.ui.app import create_window
    from planner.ui.plan_document import PlanDocument

    app = make_app()
    win = create_window()
    win.resize(1400, 900)
    win.show()
    drain(app)
    win.set_document(PlanDocument(lambda: win.session.catalog, make_plan(win.session.catalog, plan_lines), parent=win))
    drain(app)
    return app, win


def drain(app, until: Callable[[], bool] | None = None, limit_s: float = 30.0) -> None:
    """Process events until a zero-delay timer posted now has fired (the queue is empty) and
    `until()` holds (e.g. no chart redraw pending)."""
    from PySide6.QtCore import QTimer

    done = []
    QTimer.singleShot(0, lambda: done.append(1))
    end = time.perf_counter() + limit_s
    while (not done or (until is not None and not until())) and time.perf_counter() < end:
        app.processEvents()


def _charts_settled(win) -> Callable[[], bool]:
    tab = win.charts_tab
    timers = [getattr(tab, n) for n in ("_throttle", "_slow") if hasattr(tab, n)]
    return lambda: not any(t.isActive() for t in timers)


def drag_latencies(app, win, steps: int, pace_ms: float = 16.0, settle=None) -> tuple[list[float], int]:
    """A drag at `pace_ms` a step (a 60 Hz mouse). As Qt compresses mouse moves, a step that
    falls due while the previous one is still being handled is replaced by the newest one
    (counted as skipped). Each handled step's latency runs from the moment it fell due to the
    moment the event loop has handled it and emptied its queue, so work that runs between
    steps (a throttled chart redraw) delays the next step and counts."""
    from planner.ui.workload_tab import SLIDER_STEPS

    wt = win.workload_tab
    wt.slider.setSliderDown(True)
    out, skipped, k = [], 0, 0
    asked.clear()
    applied.clear()
    start = time.perf_counter()
    while k < steps:
        due = start + k * pace_ms / 1000
        while time.perf_counter() < due:  # the gap: timers that fall due run here
            app.processEvents()
        value = SLIDER_STEPS // 2 + (k % 40) * 5 - 100
        asked.append((value, due))
        wt.slider.setValue(value)
        drain(app)
        out.append((time.perf_counter() - due) * 1000)
        newest = int((time.perf_counter() - start) * 1000 / pace_ms)
        skipped += max(0, newest - k - 1)
        k = max(k + 1, newest)
    wt.slider.setSliderDown(False)
    drain(app, settle)
    return out, skipped


#: the slider values asked for in a drag (value, when), and the figures shown for them (value, when)
asked: list[tuple[int, float]] = []
applied: list[tuple[int, float]] = []


def figures_lag_ms() -> list[float]:
    """For each result the window showed during the drag: how long after the step that asked
    for its share it was shown (the figures follow the slider this much behind)."""
    out = []
    for value, when in applied:
        due = max((d for v, d in asked if v == value and d <= when), default=None)
        if due is not None:
            out.append((when - due) * 1000)
    return out


def _record_applied() -> None:
    """Note when each costed share is shown (the drag's results are applied on the UI thread)."""
    from planner.ui import slider_drag
    from planner.ui.workload_tab import SLIDER_STEPS

    real = slider_drag.SliderDrag._apply

    def apply(self, share, job, future):
        real(self, share, job, future)
        applied.append((int(share * SLIDER_STEPS), time.perf_counter()))

    slider_drag.SliderDrag._apply = apply


def bench_slider(home: Path) -> None:
    from planner.ui.main_window import TAB_CHARTS, TAB_WORKLOAD

    app, win = _window(home, 500)
    _record_applied()
    for tab, label in ((TAB_WORKLOAD, "workload"), (TAB_CHARTS, "charts")):
        win.show_tab(tab)
        drain(app, _charts_settled(win))
        refs = [reference_ms() for _ in range(3)]
        lat, skipped = drag_latencies(app, win, 120, settle=_charts_settled(win))
        lat.sort()
        p95 = lat[max(0, int(len(lat) * 0.95) - 1)]
        emit(f"slider_step_{label}_500_lines_ms", "ms", lat, 16, reference=refs, lines=500,
             models=len(win.session.catalog), p95=round(p95, 2), p95_target=33,
             p95_meets=p95 / statistics.median(refs) <= 33 / REFERENCE_QUIET_MS, steps_due=120,
             steps_skipped_while_busy=skipped)
        lag = sorted(figures_lag_ms())
        emit(f"slider_figures_behind_{label}_500_lines_ms", "ms", lag or [0.0], None, reference=refs,
             p95=round(lag[max(0, int(len(lag) * 0.95) - 1)], 2) if lag else None, results_shown=len(lag))
    win.doc.undo_stack.setClean()
    win.close()


def bench_big_plan(home: Path) -> None:
    """A 5,000-line plan: a cell edit and slider steps, each until the queue is empty."""
    from PySide6.QtCore import Qt

    from planner.ui.main_window import TAB_WORKLOAD
    from planner.ui.worksheet_model import COL_REQUESTS

    app, win = _window(home, 5000)
    _record_applied()
    win.show_tab(TAB_WORKLOAD)
    drain(app)
    model = win.workload_tab.model
    edits, refs = [], []
    for k in range(RUNS):
        refs.append(reference_ms())
        t = time.perf_counter()
        model.setData(model.index(k, COL_REQUESTS), str(2000 + k), Qt.ItemDataRole.EditRole)
        drain(app)
        edits.append((time.perf_counter() - t) * 1000)
    emit("plan_5000_lines_cell_edit_ms", "ms", edits, 100, reference=refs, lines=5000, worst=round(max(edits), 1))
    lat, skipped = drag_latencies(app, win, 20, pace_ms=50)
    emit("plan_5000_lines_slider_step_ms", "ms", lat, 100, reference=refs, lines=5000, worst=round(max(lat), 1),
         steps_skipped_while_busy=skipped)
    lag = figures_lag_ms()
    emit("plan_5000_lines_slider_figures_behind_ms", "ms", lag or [0.0], None, reference=refs, results_shown=len(lag))
    win.doc.undo_stack.setClean()
    win.close()


# -- import, catalog, PDF, engine, quote ------------------------------------------------------------


def big_litellm(n: int) -> Path:
    """A LiteLLM file of n chat entries: the fixture's priced chat entries under new names."""
    raw = json.loads(LITELLM.read_text())
    chat = [(k, v) for k, v in raw.items() if isinstance(v, dict) and v.get("mode") == "chat"
            and v.get("input_cost_per_token")]
    out = {}
    for i in range(n):
        key, entry = chat[i % len(chat)]
        out[f"{key}-b{i}"] = entry
    path = temp_dir("cp-big-") / "litellm-big.json"
    path.write_text(json.dumps(out))
    return path


def bench_import(_home: Path) -> None:
    """`cost-planner import litellm` of 50,000 entries (parse, merge, save), a fresh process
    into an empty user home each run; peak memory from the kernel's accounting."""
    src = big_litellm(50_000)
    times, refs, peaks = [], [], []
    for _ in range(max(2, RUNS // 2)):
        home = temp_dir("cp-imp-")
        refs.append(reference_ms())
        t = time.perf_counter()
        p = subprocess.run([sys.executable, "-c", "import resource, runpy, sys; sys.argv = sys.argv[1:]; "
                            "runpy.run_module('planner', run_name='__main__')",
                            "cost-planner", "import", "litellm", str(src)],
                           env={**os.environ, "COST_PLANNER_HOME": str(home)}, cwd=REPO, capture_output=True, text=True)
        times.append((time.perf_counter() - t) * 1000)
        if p.returncode:
            raise RuntimeError(p.stderr[-2000:])
        peaks.append(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    emit("import_litellm_50000_entries_ms", "ms", times, 10_000, reference=refs, entries=50_000)
    emit("import_litellm_50000_entries_peak_mb", "MB", [max(peaks)], 400)
    return home


def bench_catalog(_home: Path) -> None:
    """A 50,000-model catalog: load (shipped + overlay), a sort of the Models table, a search
    keystroke (until the table shows the result)."""
    home = temp_dir("cp-cat-")
    p = run_cli("import", "litellm", str(big_litellm(50_000)), env={**os.environ, "COST_PLANNER_HOME": str(home)})
    if p.returncode:
        raise RuntimeError(p.stderr[-2000:])
    os.environ["COST_PLANNER_HOME"] = str(home)
    from planner.io import catalog_cache
    from planner.io.catalog_files import load_effective

    time.sleep(catalog_cache.RACY_SECONDS)  # (a file changed this recently is not cached)

    def first_load() -> None:
        catalog_cache.cache_path().unlink(missing_ok=True)
        load_effective()

    # the first load after an import or an edit: read and validate, then write the cache (the
    # window writes it in the background once it is up; the command line before it ends)
    colds, crefs = timed(first_load, max(2, RUNS // 2))
    # every later start: the validated catalog from the cache
    loads, refs = timed(load_effective)
    n = len(load_effective().catalog)
    emit("catalog_load_50000_models_ms", "ms", loads, 1000, reference=refs, models=n,
         measures="a later load: the validated catalog from the cache",
         first_load_ms=round(statistics.median(colds), 1), first_load_ratio=round(statistics.median(colds) / statistics.median(crefs), 2))
    emit("catalog_first_load_50000_models_ms", "ms", colds, None, reference=crefs, models=n,
         measures="the first load after the files changed: validate every model and write the cache")

    from PySide6.QtCore import Qt

    from planner.ui.catalog_columns import COL_BLENDED, COL_INPUT
    from planner.ui.main_window import TAB_MODELS

    app, win = _window(home, 10)
    win.show_tab(TAB_MODELS)
    drain(app)
    mt = win.models_tab
    sorts, srefs = [], []
    for k in range(RUNS):
        srefs.append(reference_ms())
        t = time.perf_counter()
        mt.table.sortByColumn(COL_INPUT if k % 2 else COL_BLENDED, Qt.SortOrder.AscendingOrder)
        drain(app)
        sorts.append((time.perf_counter() - t) * 1000)
    emit("catalog_sort_50000_models_ms", "ms", sorts, 100, reference=srefs, models=n)
    keys, krefs = [], []
    for k, text in enumerate(["g", "gp", "gpt", "gpt-4", "cl", "clau", "sonnet", "x"][: max(RUNS, 5)]):
        krefs.append(reference_ms())
        t = time.perf_counter()
        mt.search.setText(text)
        if hasattr(mt, "_search_timer"):  # the keystroke's filter waits for typing to pause: run it now
            mt._search_timer.stop()
            mt.proxy.set_filters(search=text)
        drain(app)
        keys.append((time.perf_counter() - t) * 1000)
        del k
    emit("catalog_search_keystroke_50000_models_ms", "ms", keys, 50, reference=krefs, models=n)
    win.doc.undo_stack.setClean()
    win.close()


def bench_pdf(home: Path) -> None:
    """The PDF budget with charts: 1,000 lines (target), 10,000 (with progress), and the
    time per line of each, to see that it grows linearly."""
    os.environ["COST_PLANNER_HOME"] = str(home)
    from planner.io.catalog_files import load_effective
    from planner.io.export_job import ExportTargets, run_export
    from planner.qt_runtime import make_app
    from planner.ui.export_actions import chart_source

    make_app()
    catalog = load_effective().catalog
    out = temp_dir() / "budget.pdf"
    per_line = {}
    from planner.domain.costing import compute

    for n, runs in ((1000, max(2, RUNS // 2)), (10_000, 1)):
        plan = make_plan(catalog, n)
        result = compute(plan, catalog)
        progress: list[int] = []
        times, refs = timed(lambda plan=plan, result=result, progress=progress: run_export(
            plan, catalog, ExportTargets(pdf=out), result=result, charts=chart_source(plan, result, catalog),
            progress=lambda done, total: progress.append(done)), runs)
        per_line[n] = statistics.median(times) / n
        emit(f"pdf_{n}_lines_with_charts_ms", "ms", times, 5000 if n == 1000 else None, reference=refs, lines=n,
             progress_reports=len(progress))
    emit("pdf_time_per_line_10000_vs_1000", "x", [per_line[10_000] / per_line[1000]], 1.5,
         note="1.0 is linear in lines")


def bench_engine(home: Path) -> None:
    """The exact engine against genai-prices' calc_price: the same workload (500 input, 200
    output tokens) on the same models, per model."""
    os.environ["COST_PLANNER_HOME"] = str(home)
    from planner.domain.costing import cost_line, line_context
    from planner.domain.plan import Line, Plan
    from planner.domain.resolve import resolve_model
    from planner.io.catalog_files import load_effective

    try:
        from genai_prices import Usage, calc_price
    except ImportError:
        print(json.dumps({"name": "engine_vs_genai_prices", "skipped": "pip install genai-prices"}))
        return
    catalog = load_effective().catalog
    probes = [("gpt-4o", "openai"), ("claude-sonnet-4-5", "anthropic"), ("gemini-2.5-pro", "google"),
              ("gpt-4o-mini", "openai"), ("claude-haiku-4-5", "anthropic")]
    ours_lines = [Line(name="w", requests=Decimal(1), input_tokens=Decimal(500), output_tokens=Decimal(200),
                       model=resolve_model(catalog.models, f"{provider}/{model}").id) for model, provider in probes]
    ctx = line_context(Plan(lines=ours_lines), catalog)
    reps = 400
    ours, theirs, refs = [], [], []
    for _ in range(RUNS):
        refs.append(reference_ms())
        t = time.perf_counter()
        for _k in range(reps):
            for i, ln in enumerate(ours_lines):
                cost_line(i, ln, ctx)
        ours.append((time.perf_counter() - t) * 1e6 / (reps * len(ours_lines)))
        t = time.perf_counter()
        for _k in range(reps // 4):
            for model, provider in probes:
                calc_price(Usage(input_tokens=500, output_tokens=200), model_ref=model, provider_id=provider)
        theirs.append((time.perf_counter() - t) * 1e6 / (reps // 4 * len(probes)))
    emit("engine_us_per_model", "us", ours, None, models=[ln.model for ln in ours_lines])
    emit("genai_prices_calc_price_us_per_model", "us", theirs, None)
    emit("engine_speedup_vs_calc_price", "x", [b / a for a, b in zip(ours, theirs, strict=True)], 10,
         higher_is_better=True, note="paired run by run")


def bench_quote(home: Path) -> None:
    """`cost-planner quote PLAN --json` of a 10,000-line plan: the whole process."""
    env = {**os.environ, "COST_PLANNER_HOME": str(home)}
    os.environ["COST_PLANNER_HOME"] = str(home)
    from planner.io.catalog_files import load_effective
    from planner.io.plan_files import plan_json

    plan = make_plan(load_effective().catalog, 10_000)
    path = temp_dir() / "big.costplan"
    path.write_text(plan_json(plan))
    times, refs = timed(lambda: subprocess.run([sys.executable, "-m", "planner", "quote", str(path), "--json"], env=env,
                                               cwd=REPO, capture_output=True, check=True))
    emit("quote_json_10000_lines_ms", "ms", times, 2000, reference=refs, lines=10_000)


GROUPS = {"startup": bench_startup, "slider": bench_slider, "big_plan": bench_big_plan, "import": bench_import,
          "catalog": bench_catalog, "pdf": bench_pdf, "engine": bench_engine, "quote": bench_quote}
#: groups that open windows run in a process of their own
OWN_PROCESS = ("slider", "big_plan", "catalog", "pdf")


def main() -> None:
    random.seed(0)
    if len(sys.argv) == 4 and sys.argv[1] == "--one":
        GROUPS[sys.argv[2]](Path(sys.argv[3]))
        return
    home = home_with_litellm()
    which = sys.argv[1:] or list(GROUPS)
    for name in which:
        if name in OWN_PROCESS:
            subprocess.run([sys.executable, __file__, "--one", name, str(home)], check=False, cwd=REPO)
        else:
            GROUPS[name](home)


if __name__ == "__main__":
    main()

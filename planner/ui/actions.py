"""The main window's actions, declared as data: id, title, shortcut, handler, when it is
enabled, and the menus that hold them. planner.ui.main_window builds the menu bar from
these tables; a handler is called with the window."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtGui import QKeySequence

from planner.io.import_formats import IMPORT_FORMATS

#: the main window (planner.ui.main_window imports this module: it is not named here)
MainWindow = Any

Key = QKeySequence.StandardKey
#: the price lists File > Import and Update offer (the one table of import formats)
IMPORT_SOURCES = tuple((key, f.title) for key, f in IMPORT_FORMATS.items())


def _complete(w: MainWindow) -> bool:
    return w.is_complete


def _has_plan(w: MainWindow) -> bool:
    return w.doc is not None


@dataclass(frozen=True)
class ActionSpec:
    id: str
    title: str
    handler: Callable[[MainWindow], Any]
    shortcut: Key | str | tuple[Key | str, ...] | None = None
    #: enabled when this says so (checked whenever the window's plan or state changes)
    enabled: Callable[[MainWindow], bool] = _complete
    tip: str = ""

    def shortcuts(self) -> list[QKeySequence]:
        keys = self.shortcut if isinstance(self.shortcut, tuple) else (self.shortcut,)
        return [QKeySequence(k) for k in keys if k is not None]


def _always(_w: MainWindow) -> bool:
    return True


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("new", "&New plan", lambda w: w.files.new_plan(), Key.New),
    ActionSpec("open", "&Open…", lambda w: w.files.open_plan(), Key.Open),
    ActionSpec("save", "&Save", lambda w: w.files.save(), Key.Save, _has_plan),
    ActionSpec("save_as", "Save &As…", lambda w: w.files.save_as(), Key.SaveAs, _has_plan),
    ActionSpec("plan_properties", "Plan &properties…", lambda w: w.workload_tab.edit_plan_properties(), enabled=_has_plan),
    ActionSpec("price_changes", "Prices changed since saved…", lambda w: w.files.review_price_changes(asking=True),
               enabled=_has_plan, tip="Compare the plan's pinned prices with today's catalog"),
    *(ActionSpec(f"import_file.{key}", f"{label} file…", lambda w, k=key: w.imports.import_catalog(k))
      for key, label in IMPORT_SOURCES),
    *(ActionSpec(f"import_web.{key}", f"Update from {label} (web)…", lambda w, k=key: w.imports.update_catalog(k))
      for key, label in IMPORT_SOURCES),
    ActionSpec("import_scores", "Quality scores (CSV)…", lambda w: w.imports.import_scores(),
               tip="Your own scores or metric (an internal eval): model, metric, score, source, date"),
    ActionSpec("export_pdf", "PDF budget…", lambda w: w.exports.export_pdf(), "Ctrl+E", _has_plan),
    ActionSpec("export_csv", "CSV…", lambda w: w.exports.export_file("csv"), enabled=_has_plan),
    ActionSpec("export_xlsx", "Excel workbook (XLSX)…", lambda w: w.exports.export_file("xlsx"), enabled=_has_plan),
    ActionSpec("export_by_month_csv", "Budget by month (CSV)…", lambda w: w.exports.export_finance_csv("by_month_csv"),
               enabled=_has_plan, tip="The budget by line and month, with group subtotals and fiscal years"),
    ActionSpec("export_long_csv", "One figure a row (long CSV)…", lambda w: w.exports.export_finance_csv("long_csv"),
               enabled=_has_plan, tip="Every figure of the plan and its scenarios a row, for BI tools"),
    ActionSpec("import_usage", "Import &usage (plan versus actual)…", lambda w: w.import_usage(), enabled=_has_plan,
               tip="Usage files of a month against the plan: the variance and its causes, and Recalibrate"),
    ActionSpec("compare_scenarios", "Compare &scenarios…", lambda w: w.compare_scenarios(), "Ctrl+Shift+K", _has_plan,
               tip="The base plan and its scenarios (or other plans) side by side"),
    ActionSpec("quit", "&Quit", lambda w: w.close(), Key.Quit, _always),
    ActionSpec("find", "&Find model…", lambda w: w.find_model(), Key.Find),
    ActionSpec("add_model", "&Add model…", lambda w: w.models_tab.add_model(), "Ctrl+Shift+N"),
    ActionSpec("tab.models", "Models", lambda w: w.show_tab(0), "Ctrl+1", _always),
    ActionSpec("tab.workload", "Workload", lambda w: w.show_tab(1), "Ctrl+2", _always),
    ActionSpec("tab.charts", "Charts", lambda w: w.show_tab(2), "Ctrl+3", _always),
    ActionSpec("compare", "&Compare selected models", lambda w: w.models_tab.compare_selected(), "Ctrl+K"),
    ActionSpec("best_value", "Sort by best &value", lambda w: w.models_tab.best_value.click(), "Ctrl+B"),
    ActionSpec("formulas", "&How costs are computed", lambda w: w.show_formulas(), Key.HelpContents, _always),
    ActionSpec("about", "&About Cost Planner", lambda w: w.show_about()),
)

SEPARATOR = "-"
#: A menu: its title and entries: an action id, SEPARATOR, a nested menu, or a menu filled
#: when shown (its key in DYNAMIC_MENUS). "undo" and "redo" are the undo group's actions.
MENUS: tuple[tuple[str, tuple[Any, ...]], ...] = (
    ("&File", ("new", ("scenarios", "New plan from &scenario"), "open", ("recent", "Open &Recent"), SEPARATOR,
               "save", "save_as", "plan_properties", "price_changes", SEPARATOR,
               ("&Import catalog", tuple(f"import_file.{k}" for k, _ in IMPORT_SOURCES) + (SEPARATOR,)
                + tuple(f"import_web.{k}" for k, _ in IMPORT_SOURCES) + (SEPARATOR, "import_scores")),
               "import_usage",
               ("&Export", ("export_pdf", "export_csv", "export_xlsx", "export_by_month_csv", "export_long_csv")),
               SEPARATOR, "quit")),
    ("&Edit", ("undo", "redo", SEPARATOR, "find", "add_model")),
    ("&View", ("tab.models", "tab.workload", "tab.charts", SEPARATOR, "compare", "compare_scenarios", "best_value",
               SEPARATOR,
               ("number_format", "&Number format"))),
    ("&Help", ("formulas", "about")),
)
#: the menus filled each time they are shown (or when the catalog arrives): key -> filler
DYNAMIC_MENUS = ("scenarios", "recent", "number_format")

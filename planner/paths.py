"""Every file location the program uses, from platformdirs; tests redirect them in one place."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from planner import PROG

APP_NAME = PROG
APP_AUTHOR = "CostPlanner"

PACKAGE_DIR = Path(__file__).resolve().parent
#: The source checkout (or bundle) root that holds data/ and resources/. In a PyInstaller
#: bundle that is sys._MEIPASS (dist/cost-planner/_internal), where the spec puts both.
#: Installed from a wheel (pip install .), data/ and resources/ are under <prefix>/share/cost-planner.
ROOT_DIR = Path(getattr(sys, "_MEIPASS", PACKAGE_DIR.parent))
if not (ROOT_DIR / "data").is_dir() and (Path(sys.prefix) / "share" / APP_NAME / "data").is_dir():
    ROOT_DIR = Path(sys.prefix) / "share" / APP_NAME

#: Setting this environment variable puts all user files under one directory (tests, portable use).
HOME_OVERRIDE_ENV = "COST_PLANNER_HOME"


def data_dir() -> Path:
    """Shipped, read-only data: the catalog and example plans."""
    return ROOT_DIR / "data"


def resources_dir() -> Path:
    return ROOT_DIR / "resources"


def costs_doc() -> Path:
    """docs/costs.md: the cost rules, shown by Help > How costs are computed."""
    return ROOT_DIR / "docs" / "costs.md"


def shipped_catalog() -> Path:
    return data_dir() / "catalog.json"


def examples_dir() -> Path:
    return data_dir() / "examples"


#: The XDG base directories platformdirs uses on Linux: the variable if absolute, else the default under ~.
_XDG = {"data": ("XDG_DATA_HOME", ".local/share"), "config": ("XDG_CONFIG_HOME", ".config"), "cache": ("XDG_CACHE_HOME", ".cache")}


def _user_base(kind: str) -> Path:
    override = os.environ.get(HOME_OVERRIDE_ENV)
    if override:
        return Path(override) / kind
    if sys.platform.startswith("linux"):
        # platformdirs' rule on Linux, without importing it (and tempfile, shutil, random...)
        # before the window is first painted; tests/test_paths.py checks the two agree.
        var, default = _XDG[kind]
        base = os.environ.get(var, "")
        if not os.path.isabs(base):  # the spec: a relative value is ignored
            base = os.path.expanduser(f"~/{default}")
        return Path(base) / APP_NAME
    import platformdirs

    if kind == "data":
        return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))
    if kind == "config":
        return Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR))
    return Path(platformdirs.user_cache_dir(APP_NAME, APP_AUTHOR))


def user_data_dir() -> Path:
    """The user's own files: catalog overlay, autosaves."""
    return _user_base("data")


def user_config_dir() -> Path:
    return _user_base("config")


def user_overlay() -> Path:
    """The user's catalog edits and additions (never the shipped file)."""
    return user_data_dir() / "catalog-overlay.json"


def autosave_dir() -> Path:
    return user_data_dir() / "autosave"


def user_cache_dir() -> Path:
    """Files the program can always rebuild: deleting them loses nothing."""
    return _user_base("cache")

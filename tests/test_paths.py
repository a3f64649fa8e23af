"""Where user files go: the Linux rule used without platformdirs agrees with platformdirs."""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs
import pytest

from planner import paths


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the XDG rule is used on Linux only")
@pytest.mark.parametrize("xdg", [None, "absolute", "relative", ""])
def test_user_dirs_match_platformdirs(monkeypatch, tmp_path, xdg):
    monkeypatch.delenv(paths.HOME_OVERRIDE_ENV, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        if xdg is None:
            monkeypatch.delenv(var, raising=False)
        elif xdg == "absolute":
            monkeypatch.setenv(var, str(tmp_path / var.lower()))
        else:
            monkeypatch.setenv(var, "relative/dir" if xdg == "relative" else "")
    assert paths.user_data_dir() == Path(platformdirs.user_data_dir(paths.APP_NAME, paths.APP_AUTHOR))
    assert paths.user_config_dir() == Path(platformdirs.user_config_dir(paths.APP_NAME, paths.APP_AUTHOR))
    assert paths.user_cache_dir() == Path(platformdirs.user_cache_dir(paths.APP_NAME, paths.APP_AUTHOR))
    if xdg == "absolute":
        assert paths.user_overlay() == tmp_path / "xdg_data_home" / paths.APP_NAME / "catalog-overlay.json"
    else:
        assert paths.user_overlay() == tmp_path / "home" / ".local/share" / paths.APP_NAME / "catalog-overlay.json"


def test_override_puts_everything_under_one_directory(monkeypatch, tmp_path):
    monkeypatch.setenv(paths.HOME_OVERRIDE_ENV, str(tmp_path))
    assert paths.user_overlay().is_relative_to(tmp_path)
    assert paths.user_cache_dir().is_relative_to(tmp_path)
    assert paths.user_config_dir().is_relative_to(tmp_path)

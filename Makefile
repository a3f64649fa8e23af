# Cost Planner: `make run` starts the app, `make test` runs the whole suite headless.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP_RUN  := $(VENV)/.installed-run
STAMP_TEST := $(VENV)/.installed-test
STAMP_PKG  := $(VENV)/.installed-pyinstaller

.PHONY: run test bench package install-desktop uninstall-desktop test-package lint clean package install-desktop uninstall-desktop test-package

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(STAMP_TEST): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@ $(STAMP_RUN)

# Byte-compiled once (a no-op when up to date): start-up then reads .pyc files instead of
# compiling every module, even where PYTHONDONTWRITEBYTECODE is set.
run: $(STAMP_RUN)
	@sh scripts/check-qt-runtime.sh
	@$(PY) -m compileall -q planner
	$(PY) -m planner

test: $(STAMP_TEST)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

# A one-directory bundle, dist/cost-planner/ (run dist/cost-planner/cost-planner), with PyInstaller.
$(STAMP_PKG): $(STAMP_RUN)
	$(PY) -m pip install --quiet 'pyinstaller>=6.10,<7'
	touch $@

package: $(STAMP_PKG)
	$(PY) -m PyInstaller --noconfirm --clean --log-level WARN \
		--distpath dist --workpath build/pyinstaller packaging/cost-planner.spec
	@du -sh dist/cost-planner

# The desktop entry, AppStream metadata, the .costplan file type and the icons, for this user
# (~/.local/share). Exec= is the `cost-planner` on PATH, else .venv's, else the bundle's.
install-desktop:
	@sh scripts/install-desktop.sh

uninstall-desktop:
	@sh scripts/install-desktop.sh --uninstall

# Builds the bundle and renders a screenshot from it (slow: not part of `make test`).
test-package: $(STAMP_TEST) $(STAMP_PKG)
	COST_PLANNER_PACKAGE_TEST=1 QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q tests/test_packaging.py::test_bundle_runs_screenshot

# Benchmarks with targets (docs/performance.md): one JSON line per figure. Not part of `make test`.
bench: $(STAMP_TEST)
	$(PY) -m pip install --quiet genai-prices
	@$(PY) -m compileall -q planner
	QT_QPA_PLATFORM=offscreen $(PY) tests/benchmarks/run_benchmarks.py

# Style (ruff), the layers and no import cycles (import-linter: pyproject.toml
# [tool.importlinter]), dead code (vulture: [tool.vulture], vulture_whitelist.py).
lint: $(STAMP_TEST)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache --no-logo
	$(VENV)/bin/vulture

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache

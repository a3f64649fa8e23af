"""Packaging and desktop integration: the .desktop entry, AppStream metadata, the MIME type,
the icons, `make install-desktop`'s script, and (opt-in, slow) the PyInstaller bundle."""

from __future__ import annotations

import ast
import configparser
import os
import shutil
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import planner
from planner.qt_runtime import APP_DISPLAY_NAME, APP_ID, APP_NAME, ICON_SIZES

REPO = Path(__file__).resolve().parent.parent
PACKAGING = REPO / "packaging"
DESKTOP = PACKAGING / f"{APP_ID}.desktop"
METAINFO = PACKAGING / f"{APP_ID}.metainfo.xml"
MIME_XML = PACKAGING / "cost-planner-mime.xml"
SPEC = PACKAGING / "cost-planner.spec"
ICONS = REPO / "resources" / "icons"
INSTALL_SCRIPT = REPO / "scripts" / "install-desktop.sh"
MIME_NS = "{http://www.freedesktop.org/standards/shared-mime-info}"


def desktop_entry(path: Path = DESKTOP) -> dict[str, str]:
    cp = configparser.ConfigParser(interpolation=None, strict=True)
    cp.optionxform = str  # keys are case-sensitive
    cp.read(path, encoding="utf-8")
    return dict(cp["Desktop Entry"])


def split_list(value: str) -> list[str]:
    return [v for v in value.split(";") if v]


def mime_types() -> dict[str, list[str]]:
    """application/x-costplan -> its glob patterns, from the shared-mime-info XML."""
    root = ET.parse(MIME_XML).getroot()
    return {mt.get("type"): [g.get("pattern") for g in mt.iter(f"{MIME_NS}glob")] for mt in root.iter(f"{MIME_NS}mime-type")}


def run_tool(*cmd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def desktop_problems(r: subprocess.CompletedProcess[str]) -> list[str]:
    """desktop-file-validate's errors and warnings (its hints are advice, not failures)."""
    return [ln for ln in (r.stdout + r.stderr).splitlines() if "error:" in ln or "warning:" in ln]


# ---------------------------------------------------------------------------------------
# The desktop entry


def test_desktop_file_passes_desktop_file_validate() -> None:
    if shutil.which("desktop-file-validate") is None:
        pytest.skip("desktop-file-validate is not installed (Debian: desktop-file-utils)")
    r = run_tool("desktop-file-validate", str(DESKTOP))
    assert r.returncode == 0 and not desktop_problems(r), r.stdout + r.stderr


def test_desktop_entry_matches_the_app() -> None:
    e = desktop_entry()
    assert DESKTOP.name == f"{APP_ID}.desktop"
    assert e["Type"] == "Application"
    assert e["Name"] == APP_DISPLAY_NAME
    # X11 window managers match the window's WM_CLASS, which Qt takes from applicationName.
    assert e["StartupWMClass"] == APP_NAME
    assert e["Icon"] == APP_ID
    assert split_list(e["Categories"]) == ["Office", "Finance"]
    # Exec runs the console script that pyproject.toml declares (and the bundle is named).
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts[APP_NAME] == "planner.cli:main"
    assert e["Exec"] == f"{APP_NAME} %f"
    assert e["TryExec"] == APP_NAME


def test_desktop_mime_types_are_the_ones_the_mime_xml_registers() -> None:
    types = mime_types()
    assert split_list(desktop_entry()["MimeType"]) == sorted(types) == ["application/x-costplan"]
    assert types["application/x-costplan"] == ["*.costplan"]
    # every shipped example plan is of that type
    examples = sorted((REPO / "data" / "examples").iterdir())
    assert examples and all(p.suffix == ".costplan" for p in examples if p.is_file())


def test_mime_xml_compiles_with_update_mime_database(tmp_path: Path) -> None:
    if shutil.which("update-mime-database") is None:
        pytest.skip("update-mime-database is not installed (Debian: shared-mime-info)")
    (tmp_path / "packages").mkdir()
    shutil.copy(MIME_XML, tmp_path / "packages")
    r = run_tool("update-mime-database", str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert "application/x-costplan:*.costplan" in (tmp_path / "globs2").read_text()
    assert (tmp_path / "application" / "x-costplan.xml").exists()


# ---------------------------------------------------------------------------------------
# AppStream


def test_metainfo_passes_appstreamcli_validate() -> None:
    if shutil.which("appstreamcli") is None:
        pytest.skip("appstreamcli is not installed (Debian: appstream)")
    r = run_tool("appstreamcli", "validate", "--no-net", str(METAINFO))
    assert r.returncode == 0, r.stdout + r.stderr
    # no warnings or errors (infos and pedantic notes are fine)
    bad = [ln for ln in r.stdout.splitlines() if ln.startswith(("W:", "E:"))]
    assert not bad, r.stdout


def test_metainfo_matches_the_app_and_the_desktop_entry() -> None:
    root = ET.parse(METAINFO).getroot()
    assert root.tag == "component" and root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.findtext("name") == APP_DISPLAY_NAME
    launchable = root.find("launchable")
    assert launchable is not None and launchable.get("type") == "desktop-id"
    assert launchable.text == DESKTOP.name
    assert root.find("content_rating") is not None
    releases = root.findall("releases/release")
    assert releases and releases[0].get("version") == planner.__version__
    assert [m.text for m in root.findall("provides/mediatype")] == sorted(mime_types())
    assert [b.text for b in root.findall("provides/binary")] == [APP_NAME]
    images = [i.text or "" for i in root.findall("screenshots/screenshot/image")]
    assert images and all(u.startswith("https://") for u in images)
    # each screenshot it names is one the repository has
    for u in images:
        assert (REPO / "docs" / "screenshots" / u.rsplit("/", 1)[1]).exists(), u


# ---------------------------------------------------------------------------------------
# Icons


@pytest.mark.parametrize("size", ICON_SIZES)
def test_icon_png_has_its_size(size: int) -> None:
    from PySide6.QtGui import QImage

    png = ICONS / f"cost-planner-{size}.png"
    assert png.exists(), f"{png} missing: run python scripts/render_icons.py"
    img = QImage(str(png))
    assert not img.isNull()
    assert (img.width(), img.height()) == (size, size)
    assert img.hasAlphaChannel()
    assert img.pixelColor(0, 0).alpha() == 0  # transparent outside the rounded tile
    assert img.pixelColor(size // 2, size // 2).alpha() == 255


def test_icon_svg_is_valid() -> None:
    from PySide6.QtSvg import QSvgRenderer

    r = QSvgRenderer(str(ICONS / "cost-planner.svg"))
    assert r.isValid()
    assert (r.defaultSize().width(), r.defaultSize().height()) == (512, 512)


def test_render_icons_script_sizes_match_the_app() -> None:
    tree = ast.parse((REPO / "scripts" / "render_icons.py").read_text(encoding="utf-8"))
    sizes = next(
        ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "SIZES" for t in node.targets)
    )
    assert tuple(sizes) == ICON_SIZES


def test_app_icon_has_every_size(qapp) -> None:  # QIcon needs the application object
    from planner.qt_runtime import app_icon

    icon = app_icon()
    assert not icon.isNull()
    assert sorted(s.width() for s in icon.availableSizes()) == sorted(ICON_SIZES)


def test_make_app_sets_ids_icon_and_style() -> None:
    """A fresh process, since make_app only names a QApplication it creates itself."""
    code = (
        "from PySide6.QtGui import QGuiApplication\n"
        "from planner.qt_runtime import make_app\n"
        "app = make_app()\n"
        "print(app.applicationName(), app.desktopFileName(), app.style().name().lower(),\n"
        "      app.windowIcon().isNull(), QGuiApplication.highDpiScaleFactorRoundingPolicy().name)\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=REPO, timeout=120)
    assert r.returncode == 0, r.stderr
    name, desktop, style, icon_null, policy = r.stdout.split()
    assert (name, desktop) == (APP_NAME, APP_ID)
    assert style != "windows"  # the platform style, else Fusion: both follow a dark palette
    assert icon_null == "False"
    assert policy == "PassThrough"


# ---------------------------------------------------------------------------------------
# make install-desktop


def _run_install(data_home: Path, *args: str, path: str | None = None, binary: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "COST_PLANNER_BIN"}
    env["XDG_DATA_HOME"] = str(data_home)
    if path is not None:
        env["PATH"] = path
    if binary is not None:
        env["COST_PLANNER_BIN"] = binary
    return subprocess.run(["sh", str(INSTALL_SCRIPT), *args], capture_output=True, text=True, env=env, timeout=120)


def _installed_files(data: Path) -> list[Path]:
    return [
        data / "applications" / DESKTOP.name,
        data / "metainfo" / METAINFO.name,
        data / "mime" / "packages" / MIME_XML.name,
        data / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg",
        *(data / "icons" / "hicolor" / f"{n}x{n}" / "apps" / f"{APP_ID}.png" for n in ICON_SIZES),
    ]


def test_install_desktop_installs_and_uninstalls(tmp_path: Path) -> None:
    data = tmp_path / "share"
    binary = str(tmp_path / "my apps" / "cost-planner")
    r = _run_install(data, binary=binary)
    assert r.returncode == 0, r.stderr
    for f in _installed_files(data):
        assert f.is_file(), f
    e = desktop_entry(data / "applications" / DESKTOP.name)
    assert e["Exec"] == f'"{binary}" %f'  # absolute, quoted: the path has a space
    assert e["TryExec"] == binary
    assert e["StartupWMClass"] == APP_NAME
    if shutil.which("desktop-file-validate"):
        v = run_tool("desktop-file-validate", str(data / "applications" / DESKTOP.name))
        assert v.returncode == 0 and not desktop_problems(v), v.stdout
    if shutil.which("update-mime-database"):
        assert "application/x-costplan:*.costplan" in (data / "mime" / "globs2").read_text()

    r = _run_install(data, "--uninstall")
    assert r.returncode == 0, r.stderr
    assert not any(f.exists() for f in _installed_files(data))


def test_install_desktop_works_without_the_cache_tools(tmp_path: Path) -> None:
    """Only the basic utilities on PATH: no update-*-database, no gtk-update-icon-cache."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("sh", "mkdir", "cp", "sed", "mv", "chmod", "rm", "dirname", "cat"):
        found = shutil.which(tool)
        assert found, tool
        (bin_dir / tool).symlink_to(found)
    data = tmp_path / "share"
    r = _run_install(data, path=str(bin_dir), binary="/opt/cost-planner/cost-planner")
    assert r.returncode == 0, r.stderr
    for f in _installed_files(data):
        assert f.is_file(), f
    assert not (data / "mime" / "globs2").exists()  # no cache was built, and none failed
    assert desktop_entry(data / "applications" / DESKTOP.name)["Exec"] == '"/opt/cost-planner/cost-planner" %f'


# ---------------------------------------------------------------------------------------
# The PyInstaller bundle


def test_spec_is_python_and_bundles_data_and_resources() -> None:
    text = SPEC.read_text(encoding="utf-8")
    ast.parse(text)
    assert '"data"' in text and '"resources"' in text
    assert "cost_planner_entry.py" in text
    entry = (PACKAGING / "cost_planner_entry.py").read_text(encoding="utf-8")
    assert "from planner.cli import main" in entry


@pytest.mark.slow
@pytest.mark.skipif(
    not os.environ.get("COST_PLANNER_PACKAGE_TEST"),
    reason="builds the PyInstaller bundle (about a minute): make test-package, or set COST_PLANNER_PACKAGE_TEST=1",
)
def test_bundle_runs_screenshot(tmp_path: Path) -> None:
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        pytest.fail("PyInstaller is not installed in this environment: run make test-package")
    dist, work = tmp_path / "dist", tmp_path / "build"
    build = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(dist), "--workpath", str(work), str(SPEC)],
        capture_output=True, text=True, cwd=REPO, timeout=1200,
    )
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    exe = dist / APP_NAME / APP_NAME
    assert exe.is_file() and os.access(exe, os.X_OK)
    internal = dist / APP_NAME / "_internal"
    assert (internal / "data" / "catalog.json").is_file()
    assert (internal / "resources" / "fonts" / "DejaVuSans.ttf").is_file()
    assert (internal / "resources" / "icons" / "cost-planner-256.png").is_file()
    assert not list(internal.rglob("libQt6Quick*")) and not list(internal.rglob("libQt6WebEngine*"))

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "COST_PLANNER_HOME": str(tmp_path / "home")}
    run = lambda *a: subprocess.run([str(exe), *a], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)

    r = run("--version")
    assert r.returncode == 0 and r.stdout.strip() == f"{APP_NAME} {planner.__version__}", r.stdout + r.stderr

    from PySide6.QtGui import QImage

    shots = {
        "models": ("--tab", "models"),
        # the Charts tab imports pyqtgraph, which needs QtOpenGL even when it draws without it
        "charts": ("--tab", "charts", "--plan", str(REPO / "data" / "examples" / "small-saas.costplan")),
    }
    for name, args in shots.items():
        out = tmp_path / f"{name}.png"
        r = run("screenshot", *args, "--out", str(out), "--size", "1200x800")
        assert r.returncode == 0, r.stdout + r.stderr
        assert "Traceback" not in r.stderr, r.stderr
        img = QImage(str(out))
        assert (img.width(), img.height()) == (1200, 800), name
        colours = {img.pixel(x, y) for x in range(0, 1200, 37) for y in range(0, 800, 23)}
        assert len(colours) > 8, f"{name}: the screenshot looks blank"

    r = run("models", "--limit", "3", "--format", "csv")
    assert r.returncode == 0 and len(r.stdout.strip().splitlines()) == 4, r.stdout + r.stderr

    # the window itself, twice (the second start with the settings the first one left)
    for start in ("first", "second"):
        p = subprocess.Popen([str(exe)], env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            out, err = p.communicate(timeout=8)
        except subprocess.TimeoutExpired:  # still running: the window is up
            p.kill()
            out, err = p.communicate()
        assert "Traceback" not in err and "Error" not in err, f"{start} start: {err[-3000:]}"

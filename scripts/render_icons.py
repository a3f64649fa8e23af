"""Render resources/icons/cost-planner.svg to the PNG sizes the app and the desktop use.

    python scripts/render_icons.py          # (re)write resources/icons/cost-planner-<N>.png
    python scripts/render_icons.py --check  # exit 1 if a PNG is missing or differs from the SVG

The PNGs are committed, so neither the app nor `make install-desktop` needs to render SVG.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

ICON_DIR = Path(__file__).resolve().parent.parent / "resources" / "icons"
SVG = ICON_DIR / "cost-planner.svg"
SIZES = (16, 32, 48, 64, 128, 256, 512)


def png_path(size: int) -> Path:
    return ICON_DIR / f"cost-planner-{size}.png"


def render(renderer: QSvgRenderer, size: int) -> QImage:
    img = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(Qt.GlobalColor.transparent)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(p)
    p.end()
    return img.convertToFormat(QImage.Format.Format_ARGB32)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only compare; write nothing")
    args = ap.parse_args(argv)
    _app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        print(f"{SVG}: not a valid SVG", file=sys.stderr)
        return 1
    stale = []
    for size in SIZES:
        img = render(renderer, size)
        out = png_path(size)
        if args.check:
            if not out.exists() or QImage(str(out)).convertToFormat(QImage.Format.Format_ARGB32) != img:
                stale.append(out)
            continue
        if not img.save(str(out), "PNG"):
            print(f"{out}: could not write", file=sys.stderr)
            return 1
        print(out)
    for out in stale:
        print(f"{out}: missing or out of date; run python scripts/render_icons.py", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())

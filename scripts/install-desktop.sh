#!/bin/sh
# Installs Cost Planner's desktop integration for the current user (no root needed):
#   $XDG_DATA_HOME (default ~/.local/share)/
#     applications/io.github.costplanner.CostPlanner.desktop   the menu entry, opens *.costplan
#     metainfo/io.github.costplanner.CostPlanner.metainfo.xml  AppStream (software centres)
#     mime/packages/cost-planner-mime.xml                      the application/x-costplan type
#     icons/hicolor/<N>x<N>/apps/io.github.costplanner.CostPlanner.png (and scalable/ SVG)
# then refreshes the desktop, MIME and icon caches with whichever tools are installed.
#
#   sh scripts/install-desktop.sh               install (what `make install-desktop` runs)
#   sh scripts/install-desktop.sh --uninstall   remove the same files
#
# The menu entry runs `cost-planner`. Which one: $COST_PLANNER_BIN if set, else the one on
# PATH (`pip install .`), else this checkout's .venv/bin/cost-planner (`make run`), else the
# bundle dist/cost-planner/cost-planner (`make package`); a found one is written as an
# absolute path, so the entry works whether or not it is on the menu's PATH.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
APP_ID=io.github.costplanner.CostPlanner
DATA=${XDG_DATA_HOME:-${HOME:?HOME is not set}/.local/share}
SIZES="16 32 48 64 128 256 512"

refresh() {
    # Each tool is optional; a missing or failing one is not an error.
    if command -v update-desktop-database >/dev/null 2>&1; then
        update-desktop-database -q "$DATA/applications" 2>/dev/null || true
    fi
    if command -v update-mime-database >/dev/null 2>&1; then
        update-mime-database "$DATA/mime" >/dev/null 2>&1 || true
    fi
    if command -v gtk-update-icon-cache >/dev/null 2>&1; then
        # -t: a per-user hicolor has no index.theme; -f: rebuild even if it looks current
        gtk-update-icon-cache -q -t -f "$DATA/icons/hicolor" 2>/dev/null || true
    fi
}

if [ "${1:-}" = "--uninstall" ]; then
    rm -f "$DATA/applications/$APP_ID.desktop" \
          "$DATA/metainfo/$APP_ID.metainfo.xml" \
          "$DATA/mime/packages/cost-planner-mime.xml" \
          "$DATA/icons/hicolor/scalable/apps/$APP_ID.svg"
    for n in $SIZES; do
        rm -f "$DATA/icons/hicolor/${n}x${n}/apps/$APP_ID.png"
    done
    refresh
    echo "Removed Cost Planner's desktop entry, file type and icons from $DATA"
    exit 0
elif [ $# -gt 0 ]; then
    echo "usage: sh scripts/install-desktop.sh [--uninstall]" >&2
    exit 2
fi

bin=${COST_PLANNER_BIN:-}
if [ -z "$bin" ]; then
    if command -v cost-planner >/dev/null 2>&1; then
        bin=$(command -v cost-planner)
    elif [ -x "$ROOT/.venv/bin/cost-planner" ]; then
        bin=$ROOT/.venv/bin/cost-planner
    elif [ -x "$ROOT/dist/cost-planner/cost-planner" ]; then
        bin=$ROOT/dist/cost-planner/cost-planner
    fi
fi

mkdir -p "$DATA/applications" "$DATA/metainfo" "$DATA/mime/packages" "$DATA/icons/hicolor/scalable/apps"

desktop=$DATA/applications/$APP_ID.desktop
if [ -n "$bin" ]; then
    # Desktop Entry Exec quoting: the path in double quotes, with \ " ` $ escaped.
    quoted=$(printf '%s' "$bin" | sed -e 's/[\\"`$]/\\\\&/g')
    quoted_sed=$(printf '%s' "\"$quoted\"" | sed -e 's/[\\&|]/\\&/g')
    try_sed=$(printf '%s' "$bin" | sed -e 's/[\\&|]/\\&/g')
    sed -e "s|^Exec=cost-planner |Exec=$quoted_sed |" -e "s|^TryExec=cost-planner\$|TryExec=$try_sed|" \
        "$ROOT/packaging/$APP_ID.desktop" > "$desktop.tmp"
else
    echo "warning: no cost-planner found (pip install ., make run or make package first);" >&2
    echo "         the menu entry runs 'cost-planner' from PATH" >&2
    cp "$ROOT/packaging/$APP_ID.desktop" "$desktop.tmp"
fi
chmod 644 "$desktop.tmp"
mv "$desktop.tmp" "$desktop"

cp "$ROOT/packaging/$APP_ID.metainfo.xml" "$DATA/metainfo/$APP_ID.metainfo.xml"
cp "$ROOT/packaging/cost-planner-mime.xml" "$DATA/mime/packages/cost-planner-mime.xml"
cp "$ROOT/resources/icons/cost-planner.svg" "$DATA/icons/hicolor/scalable/apps/$APP_ID.svg"
for n in $SIZES; do
    mkdir -p "$DATA/icons/hicolor/${n}x${n}/apps"
    cp "$ROOT/resources/icons/cost-planner-$n.png" "$DATA/icons/hicolor/${n}x${n}/apps/$APP_ID.png"
done

refresh
echo "Installed Cost Planner's desktop entry, file type (*.costplan) and icons under $DATA"
echo "  menu entry runs: ${bin:-cost-planner}"

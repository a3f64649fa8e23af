#!/bin/sh
# Checks what a real Qt window needs before `make run` starts the app: the system
# libraries (installed with apt-get on Debian/Ubuntu) and a display to draw on.
set -u

LIBS="libegl1 libgl1 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-shape0 libfontconfig1 libdbus-1-3"

if [ "${QT_QPA_PLATFORM:-}" = "offscreen" ]; then
    exit 0
fi

if command -v dpkg-query >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    missing=""
    for p in $LIBS; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
            missing="$missing $p"
        fi
    done
    if [ -n "$missing" ]; then
        echo "A Qt window needs these system libraries, which are not installed:$missing"
        if [ "${COST_PLANNER_INSTALL_DEPS:-}" != "1" ]; then
            if [ -t 0 ]; then
                printf 'Install them now with apt-get? [y/N] '
                read -r answer || answer=""
                case "$answer" in y|Y|yes|YES) ;; *)
                    echo "Not installed. Install them yourself: apt-get install$missing" >&2
                    exit 1 ;;
                esac
            else
                echo "error: install them with: apt-get install$missing" >&2
                echo "       (or run with COST_PLANNER_INSTALL_DEPS=1 to let make run install them)" >&2
                exit 1
            fi
        fi
        if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
            echo "error: not root and no sudo; install them yourself: apt-get install$missing" >&2
            exit 1
        fi
        $SUDO apt-get update -qq || true
        if ! DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing; then
            echo "error: apt-get could not install:$missing" >&2
            exit 1
        fi
    fi
else
    echo "note: not a Debian/Ubuntu system; if the window fails to open, install your"
    echo "      distribution's packages for: EGL, OpenGL, xkbcommon-x11, xcb-cursor, xcb-icccm,"
    echo "      xcb-keysyms, xcb-image, xcb-render-util, xcb-shape, fontconfig, D-Bus."
fi

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    cat >&2 <<'MSG'
error: there is no display to open a window on (DISPLAY and WAYLAND_DISPLAY are unset).
  - on a machine without a screen, run it on a virtual one:  xvfb-run -a make run
    (Debian: apt-get install xvfb xauth)
  - or use the headless commands, which need no display:
      .venv/bin/cost-planner models --sort value --min-quality 30
      .venv/bin/cost-planner quote data/examples/small-saas.costplan
MSG
    exit 1
fi
exit 0

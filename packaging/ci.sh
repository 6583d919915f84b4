#!/usr/bin/env bash
# The bundle step of CI (.ci/run calls it after the test run): build the Linux one-folder app and its
# tarball from this checkout with packaging/build.py, then run the frozen executable with
# packaging/check_bundle.py (--version, check-config, the headless demo, the monthly reports, the GUI
# under Xvfb with screenshots in dist/bundle-check/). Each half is timed. On a fresh clone it installs
# what it needs: the venv (when .ci/run has not made it), PyInstaller (build.py, from pyproject's
# `bundle` extra), and, when missing and run as root, Xvfb, xwd and the X libraries Qt's xcb plugin loads.
set -euo pipefail
cd "$(dirname "$0")/.."
unset QT_QPA_PLATFORM  # the GUI check runs on a real (virtual) X screen, not offscreen

# Xvfb and xwd run the check; libxcb-cursor0 is loaded by Qt at run time (dlopen), the others are linked by
# Qt's xcb plugin. PyInstaller copies the ones present at build time into the bundle.
X_PACKAGES=(xvfb x11-apps libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0
            libxcb-randr0 libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0 libegl1 libgl1 libfontconfig1 libdbus-1-3)
missing=()
for package in "${X_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
        echo "== installing ${missing[*]}"
        apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null \
            || { apt-get update >/dev/null && apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null; }
    else
        echo "packaging/ci.sh: missing ${missing[*]} (install them, or run as root with apt-get)" >&2
        exit 1
    fi
fi
[[ -x .venv/bin/python ]] || { python3 -m venv .venv && .venv/bin/pip install -e .; }

echo "== bundle: build"; time .venv/bin/python packaging/build.py
echo "== bundle: du of the largest entries"
du -sh dist/energymon dist/energymon-*.tar.gz
du -a dist/energymon/_internal | sort -rn | sed -n '2,16p'
echo "== bundle: run the frozen app"; time .venv/bin/python packaging/check_bundle.py dist/energymon

#!/usr/bin/env bash
# Set up everything the project needs on a Debian machine, idempotently and quickly when done:
# Debian packages (Cairo/Pango headers, ffmpeg, a small TeX Live with dvisvgm, chromium for the
# slide deck's browser test), the .venv at the
# repo root, and `pip install -e .[dev]` (re-run only when pyproject.toml changes).
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(libcairo2-dev libpango1.0-dev pkg-config ffmpeg python3-venv
  texlive-latex-base texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended
  texlive-science dvisvgm cm-super-minimal chromium
  festival festvox-us-slt-hts flite espeak-ng)  # the voices that speak the lecture (voices.py)

missing=()
for pkg in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null; then
    echo "bootstrap: missing Debian packages: ${missing[*]}; run as root or install them" >&2
    exit 2
  fi
  SUDO=$([ "$(id -u)" -eq 0 ] && echo "" || echo sudo)
  echo "bootstrap: installing Debian packages: ${missing[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "bootstrap: creating .venv" >&2
  "$PYTHON" -m venv .venv
fi

stamp=.venv/.glmm-explainer-installed
want=$(cat pyproject.toml | sha256sum | cut -c1-16)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ] || [ ! -x .venv/bin/glmm-explainer ]; then
  echo "bootstrap: installing the project into .venv (pip install -e .[dev])" >&2
  log=$(mktemp)
  if ! { .venv/bin/python -m pip install -q --upgrade pip && .venv/bin/python -m pip install -q -e ".[dev]"; } >"$log" 2>&1; then
    grep -v '^WARNING: Location' "$log" | tail -20 >&2
    rm -f "$log"
    echo "bootstrap: pip install failed (see above)" >&2
    exit 2
  fi
  rm -f "$log"
  echo "$want" > "$stamp"
fi

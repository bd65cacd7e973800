#!/usr/bin/env bash
# Installs everything Medvirke needs into this checkout: a Python 3.12+ virtualenv (.venv) with
# the project and its dev tools, the npm front-end packages, and compiled translations.
# Safe to run again: each step is skipped when it is already up to date.
set -euo pipefail
cd "$(dirname "$0")/.."

find_python() {
  for candidate in "${MEDVIRKE_PYTHON:-}" python3.13 python3.12 \
      "$(command -v pyenv >/dev/null 2>&1 && pyenv root)"/versions/3.1[2-9]*/bin/python \
      "$HOME"/.pyenv/versions/3.1[2-9]*/bin/python /usr/bin/python3 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
      command -v "$candidate"; return 0
    fi
  done
  echo "Medvirke needs Python 3.12 or newer (set MEDVIRKE_PYTHON to its path)." >&2
  return 1
}

if [ ! -x .venv/bin/python ]; then
  py=$(find_python)
  echo "==> Creating .venv with $("$py" --version)"
  "$py" -m venv .venv
fi
stamp=.venv/.medvirke-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "==> Installing Python packages"
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".[dev]"
  touch "$stamp"
fi
if [ ! -d node_modules/@digdir ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "==> Installing front-end packages (npm)"
  npm ci --no-audit --no-fund --loglevel=error
fi
echo "==> Compiling translations"
(cd medvirke && ../.venv/bin/python ../manage.py compilemessages --verbosity 0)

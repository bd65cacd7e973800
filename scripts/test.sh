#!/usr/bin/env bash
# The whole test suite on SQLite: lint, types, layering, migrations, then every test including
# the browser tests (Playwright + Debian's chromium + axe-core). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/ensure-chromium.sh
export PATH="$PWD/.venv/bin:$PATH"
# One command a line: under `set -e` a failure on the left of `&&` does not stop the script, so
# `check && echo ok` would let a failed check pass.
echo "==> ruff";           ruff check .; ruff format --check . >/dev/null
echo "==> mypy";           mypy medvirke bench
echo "==> import-linter";  lint-imports --no-cache >/dev/null; echo "layering contract kept"
echo "==> migrations";     python manage.py makemigrations --check --dry-run >/dev/null
echo "no missing migrations"
echo "==> translations";   python scripts/check_translations.py
echo "==> pytest ($(python -c 'import django.db; print(django.db.connections["default"].vendor)' 2>/dev/null || echo sqlite))"
DJANGO_SETTINGS_MODULE=medvirke.settings pytest -q "$@"

#!/usr/bin/env bash
# The one test command: installs mockfinra with its test extra, the Node client used by the
# compatibility test (tests/compat), then runs pytest in parallel. Extra arguments go to pytest:
#   bash scripts/test.sh                  # everything
#   bash scripts/test.sh -m "not compat"  # without Node
#   bash scripts/test.sh tests/test_core.py -k clock
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON=${PYTHON:-python}

echo "test.sh: installing mockfinra[test] (editable)" >&2
"$PYTHON" -m pip install --quiet --disable-pip-version-check -e ".[test]"

if command -v npm >/dev/null 2>&1; then
  echo "test.sh: installing the okta-auth-js client in tests/compat" >&2
  if [[ -f tests/compat/package-lock.json ]]; then
    (cd tests/compat && npm ci --no-audit --no-fund --loglevel=error)
  else
    (cd tests/compat && npm install --no-audit --no-fund --loglevel=error)
  fi
else
  echo "test.sh: npm not found; the compatibility tests (marker compat) will fail" >&2
fi

exec "$PYTHON" -m pytest -n auto "$@"

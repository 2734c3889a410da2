#!/usr/bin/env bash
# The one test command: installs mockfinra with its test extra, the Node clients and gimme-aws-creds used by the
# compatibility tests (tests/compat), chromium for the browser tests and Debian's PostgreSQL, then runs pytest in
# parallel, first on the embedded SQLite store and then on PostgreSQL (MOCKFINRA_TEST_DB=postgresql: a throwaway
# server, a schema per test; tests/postgres_support.py). It stops after the first pass that fails, and exits
# non-zero when either does. Extra arguments go to both passes:
#   bash scripts/test.sh                  # everything
#   bash scripts/test.sh -m "not compat"  # without Node
#   bash scripts/test.sh tests/test_core.py -k clock
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON=${PYTHON:-python}

echo "test.sh: installing mockfinra[test] (editable)" >&2
"$PYTHON" -m pip install --quiet --disable-pip-version-check -e ".[test]"

if command -v npm >/dev/null 2>&1; then
  echo "test.sh: installing the Node clients in tests/compat" >&2
  if [[ -f tests/compat/package-lock.json ]]; then
    (cd tests/compat && npm ci --no-audit --no-fund --loglevel=error)
  else
    (cd tests/compat && npm install --no-audit --no-fund --loglevel=error)
  fi
else
  echo "test.sh: npm not found; the compatibility tests (marker compat) will fail" >&2
fi

# gimme-aws-creds pins okta 2.x and urllib3 1.x, which clash with the test extra: it gets a venv of its own,
# rebuilt when its pinned requirements change.
GIMME=tests/compat/.venv-gimme
if [[ ! -f $GIMME/requirements.txt ]] || ! cmp -s tests/compat/gimme-requirements.txt $GIMME/requirements.txt; then
  echo "test.sh: installing gimme-aws-creds in $GIMME" >&2
  rm -rf "$GIMME"
  "$PYTHON" -m venv "$GIMME"
  "$GIMME/bin/python" -m pip install --quiet --disable-pip-version-check -r tests/compat/gimme-requirements.txt
  cp tests/compat/gimme-requirements.txt "$GIMME/requirements.txt"
fi

# The browser tests drive Debian's chromium through Playwright (Playwright's own browser download cannot work
# offline). Install it when missing and we are root; otherwise the tests marked `browser` say what is missing.
CHROMIUM=${MOCKFINRA_CHROMIUM:-/usr/bin/chromium}
if [[ ! -x "$CHROMIUM" ]]; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: installing Debian's chromium for the browser tests" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null && apt-get install -y -qq chromium >/dev/null
  else
    echo "test.sh: $CHROMIUM not found and not root; the browser tests (marker browser) will fail" >&2
  fi
fi

# PostgreSQL for the second pass: Debian's server binaries (tests/postgres_support.py starts a throwaway server
# from them). Install them when missing and we are root; otherwise that pass says what is missing.
if ! compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null && [[ -z "${MOCKFINRA_PG_BIN:-}" ]]; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: installing Debian's postgresql for the PostgreSQL pass" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null && apt-get install -y -qq postgresql >/dev/null
  else
    echo "test.sh: no /usr/lib/postgresql/*/bin/pg_ctl and not root; the PostgreSQL pass will fail" >&2
  fi
fi

echo "test.sh: the suite on SQLite" >&2
"$PYTHON" -m pytest -n auto "$@"

echo "test.sh: the suite on PostgreSQL" >&2
MOCKFINRA_TEST_DB=postgresql "$PYTHON" -m pytest -n auto "$@"

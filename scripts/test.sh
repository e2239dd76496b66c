#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: installs what the tests need, then pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

# LibreOffice opens the generated workbooks in the tests; pdftoppm turns its PDFs into pictures.
if ! command -v soffice >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installation de LibreOffice (libreoffice-calc-nogui) et de poppler-utils…"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      libreoffice-calc-nogui poppler-utils >/dev/null
  else
    echo "LibreOffice absent : installez libreoffice-calc-nogui, sinon ses tests seront ignorés."
  fi
fi

# The print tests run LibreOffice in French (fr_FR.UTF-8): generate the locale when missing.
if ! locale -a 2>/dev/null | grep -qi '^fr_FR\.utf-\?8$'; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Génération de la locale fr_FR.UTF-8…"
    if ! command -v localedef >/dev/null 2>&1; then
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends locales >/dev/null
    fi
    localedef -i fr_FR -f UTF-8 fr_FR.UTF-8
  else
    echo "Locale fr_FR.UTF-8 absente : les tests d'impression en français seront ignorés."
  fi
fi

PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'
.venv/bin/python -m ruff check --quiet treso_xl tests scripts benchmarks
exec .venv/bin/python -m pytest -m "slow or not slow" "$@"

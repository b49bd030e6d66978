#!/usr/bin/env bash
# Unicorn (PyPI) in a venv, the oracle of the interpreter-vs-Unicorn fuzz test
# (Tests/EngineTests/FuzzUnicorn.swift, scripts/unicorn-oracle.py). scripts/test.sh
# runs it and stops when it fails; a plain `swift test` without it skips that test.
# Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.build/unicorn-venv
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import unicorn' 2>/dev/null; then
    exit 0
fi
mkdir -p .build
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check 'unicorn==2.1.4'
"$venv/bin/python" -c 'import unicorn; print("unicorn", unicorn.__version__, "in", "'"$venv"'")'

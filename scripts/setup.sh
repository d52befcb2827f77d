#!/usr/bin/env bash
# Create .venv with pinned dependencies and this package installed editable.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
# torch first, on its own, so nothing else can pull a CUDA build in its place.
.venv/bin/python -m pip install --quiet torch==2.13.0
.venv/bin/python -m pip install --quiet -r requirements.txt
# Only the benchmarks need these; their smoke test runs with the other tests.
.venv/bin/python -m pip install --quiet -r requirements-bench.txt
.venv/bin/python -m pip install --quiet --no-deps -e .
.venv/bin/python -m pip check
echo "Set up .venv: $(.venv/bin/python -m spacy info | grep -E 'spaCy version' || true)"

#!/usr/bin/env bash
# Prints the path of a Python virtual environment holding exactly the pinned
# packages of tests/python/requirements.txt (schemathesis, python-troveclient,
# python-openstackclient), building it first when the cache has none for this
# file and interpreter. Cached under .cache/venv/<hash>/ (survives
# ./unstack.sh --purge); pip's downloads under .cache/pip/. Progress goes to
# stderr, the path alone to stdout.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
REQS="$ROOT/tests/python/requirements.txt"
PYTHON=${AUTOMAT_VENV_PYTHON:-/usr/bin/python3}
key=$( { "$PYTHON" --version 2>&1; cat "$REQS"; } | sha256sum | cut -c1-16)
VENV="$ROOT/.cache/venv/$key"
if [ ! -x "$VENV/bin/python" ] || [ ! -f "$VENV/.complete" ]; then
  echo "python_venv: building $VENV from tests/python/requirements.txt" >&2
  rm -rf "$VENV"
  mkdir -p "$ROOT/.cache/venv" "$ROOT/.cache/pip"
  "$PYTHON" -m venv "$VENV" >&2
  PIP_CACHE_DIR="$ROOT/.cache/pip" PIP_DISABLE_PIP_VERSION_CHECK=1 \
    "$VENV/bin/pip" install --quiet --no-input -r "$REQS" >&2
  touch "$VENV/.complete"
  # Older environments of other requirement versions are dropped.
  find "$ROOT/.cache/venv" -mindepth 1 -maxdepth 1 -type d ! -name "$key" -exec rm -rf {} + 2>/dev/null || true
fi
echo "$VENV"

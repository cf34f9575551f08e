#!/usr/bin/env bash
# Runs pytest on the given test folder with the pinned virtual environment of
# tests/python/requirements.txt (schemathesis, python-troveclient,
# python-openstackclient), building it on first use (scripts/python_venv.sh;
# cached under .cache/venv/). Registered with ctest by tests/fuzz.cmake and
# tests/trove.cmake.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
venv=$("$ROOT/scripts/python_venv.sh")
cd "$ROOT"
exec "$venv/bin/python" -m pytest -v -rfE --durations=8 -p no:cacheprovider "$@"

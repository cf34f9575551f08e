#!/usr/bin/env bash
# Configures (Ninja, RelWithDebInfo) and builds the whole tree incrementally
# into $BUILD_DIR (default: build/ at the repository root). Extra arguments go
# to ninja (e.g. a target name). $AUTOMAT_BUILD_JOBS sets the parallelism.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
JOBS=${AUTOMAT_BUILD_JOBS:-2}
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
ninja -C "$BUILD_DIR" -j "$JOBS" "$@"

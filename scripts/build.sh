#!/usr/bin/env bash
# Configures (Ninja) and builds the whole tree incrementally into $BUILD_DIR
# (default: build/ at the repository root). Extra arguments go to ninja (e.g.
# a target name). $AUTOMAT_BUILD_JOBS sets the parallelism. The build type is
# $AUTOMAT_BUILD_TYPE: by default RelWithDebInfo (-O2 -g, what the stack and
# the benchmarks run), and Dev (-Og -g1, see CMakeLists.txt) when CI=true,
# where the whole tree must build and pass within CI's time.
# Compiles through ccache when it is installed (a second worktree or a
# rebuild after a branch switch then costs little).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
JOBS=${AUTOMAT_BUILD_JOBS:-2}
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  # Paths below the parent of the checkout are hashed relative, so worktrees
  # side by side share hits.
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$(cd .. && pwd)}
  export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-true}
fi
BUILD_TYPE=${AUTOMAT_BUILD_TYPE:-}
if [ -z "$BUILD_TYPE" ]; then
  if [ "${CI:-}" = true ]; then BUILD_TYPE=Dev; else BUILD_TYPE=RelWithDebInfo; fi
fi
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="$BUILD_TYPE" "${launcher[@]}"
ninja -C "$BUILD_DIR" -j "$JOBS" "$@"

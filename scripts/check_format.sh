#!/usr/bin/env bash
# Checks that every C++ source tracked by git is formatted by clang-format
# with the repository's .clang-format (Google style, 100 columns); prints the
# files that are not and exits 1. `scripts/check_format.sh --fix` rewrites
# them instead. Run by .ci/run before the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.cc' '*.h')
if [ "${1:-}" = "--fix" ]; then
  clang-format -i "${files[@]}"
  exit 0
fi
bad=$(clang-format --dry-run "${files[@]}" 2>&1 | sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: warning:.*/\1/p' | sort -u)
if [ -n "$bad" ]; then
  echo "check_format: not formatted (fix with scripts/check_format.sh --fix):" >&2
  echo "$bad" | sed 's/^/  /' >&2
  exit 1
fi
echo "check_format: ${#files[@]} files formatted"

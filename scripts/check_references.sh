#!/usr/bin/env bash
# Checks that every repository path named in the tracked sources and docs
# (comments, docs, scripts: "api/router.h", "tests/e2e/conftest.py") exists,
# so a comment or a page never points at a file that was renamed or removed.
# Generated files (*.pb.h, *.grpc.pb.h) and placeholders ("<name>", "{x}",
# "*", "NNN") are skipped. Prints the missing paths with where they are named
# and exits 1. Then scripts/check_identifiers.py checks the functions and
# types they name the same way. Run by .ci/run before the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
top='api|common|db|taskmanager|conductor|guestagent|guestclient|compute|datastores|storage|cli|manage|tests|scripts|docs|proto|bench|etc'
pattern="\\b($top)/[A-Za-z0-9_./<>{}*-]+\\.(h|cc|proto|py|sh|md|cmake|yaml|sql|conf|txt|json)\\b"
missing=0
while IFS= read -r hit; do
  file=${hit%%:*}
  path=${hit#*:}
  case $path in
    *'<'* | *'{'* | *'*'* | *NNN* | *.pb.h) continue ;;
  esac
  if [ ! -e "$path" ]; then
    echo "check_references: $file names $path, which does not exist" >&2
    missing=1
  fi
done < <(git ls-files -z '*.h' '*.cc' '*.md' '*.proto' '*.py' '*.sh' '*.cmake' '*.txt' '*.yaml' \
  '*.sql' '.ci/run' | xargs -0 grep -oHE "$pattern" | sort -u)
if [ "$missing" = 1 ]; then exit 1; fi
echo "check_references: every named path exists"
python3 scripts/check_identifiers.py

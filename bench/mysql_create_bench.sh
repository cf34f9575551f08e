#!/usr/bin/env bash
# Time from POST /instances to ACTIVE for a MySQL instance (flavor m1.tiny,
# 1 GB), N times one after another (default 3; BENCH_N to change), each
# deleted after; prints every run and the median as a table row.
# Run against a running ./stack.sh stack.
set -euo pipefail
source "$(dirname "$0")/common.sh"
N=${BENCH_N:-3}

times=()
for i in $(seq 1 "$N"); do
  start=$(now_ms)
  id=$(create_instance "bench-create-$i-$$")
  wait_status "$id" ACTIVE 300
  elapsed=$(($(now_ms) - start))
  times+=("$elapsed")
  printf 'run %d: instance %s ACTIVE after %d.%03d s\n' "$i" "$id" $((elapsed / 1000)) $((elapsed % 1000)) >&2
  delete_instance "$id"
done

median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END {
  if (NR % 2) m = a[(NR + 1) / 2]; else m = (a[NR / 2] + a[NR / 2 + 1]) / 2
  printf "%.1f", m / 1000 }')
echo "| MySQL instance POST → ACTIVE (median of $N) | < 10 s | ${median} s |"

#!/usr/bin/env bash
# Runs every benchmark against the running ./stack.sh stack and prints a
# markdown table to paste into docs/performance.md:
#   bench/api_bench.sh            GET /instances/{id} with wrk (16 and 64 connections)
#   automat-heartbeat-bench       conductor heartbeat ingestion (if built)
#   bench/mysql_create_bench.sh   POST /instances -> ACTIVE
#   bench/replica_bench.py        replica of a 100 MB master -> ACTIVE, replication lag
#   bench/cassandra_bench.py      Cassandra clusters: 1 and 3 nodes -> ACTIVE, grow,
#                                 shrink, JVM RSS; 3 nodes one after another as baseline
#   bench/cassandra_backup_bench.py  a 3-node ring's backup against cp, a second
#                                 backup's bytes, restore against ring + CQL load
#   bench/worker_parking_bench.py one worker: a MySQL create while a Cassandra node
#                                 joins, against idle (restarts the taskmanager)
#   bench/rss.sh                  idle RSS of automat-api and a guest agent
# Each prints result rows "| metric | target | measured |" on stdout, gathered
# here; everything a benchmark prints is shown on stderr as well.
set -euo pipefail
BENCH=$(cd "$(dirname "$0")" && pwd)
source "$BENCH/common.sh"
ROWS=$(mktemp)
trap 'rm -f "$ROWS"' EXIT

# run_bench NAME CMD...: runs one benchmark, keeping its table rows; a failed
# one is reported in the table rather than stopping the others.
run_bench() {
  local name=$1 status=0 out
  shift
  echo "==> $name" >&2
  out=$(mktemp)
  "$@" >"$out" || status=$?
  cat "$out" >&2
  grep '^|' "$out" >>"$ROWS" || true
  rm -f "$out"
  if [ "$status" -ne 0 ]; then
    echo "| $name | | failed (exit $status) |" >>"$ROWS"
  fi
}

# api_bench.sh prints a plain table: "connections req/s p50 p75 p90 p99 errors".
api_bench() {
  local out
  out=$("$BENCH/api_bench.sh" "$1")
  echo "$out"
  awk '$1 ~ /^[0-9]+$/ && NF >= 7 {
    printf "| GET one instance, %s connections | ≥ 5,000 req/s, p99 < 20 ms | %s req/s, p50 %s, p99 %s, %s errors |\n", $1, $2, $3, $6, $7 }' <<<"$out"
}

# One ACTIVE instance for the whole run: the target of api_bench.sh and the
# guest agent rss.sh measures.
echo "==> creating the instance the benchmarks read" >&2
BENCH_INSTANCE=$(create_instance "bench-$$")
trap 'rm -f "$ROWS"; delete_instance "$BENCH_INSTANCE" >/dev/null || true' EXIT
wait_status "$BENCH_INSTANCE" ACTIVE 300

if [ -x "$BENCH/api_bench.sh" ]; then
  run_bench api_bench.sh api_bench "$BENCH_INSTANCE"
else
  echo "| GET one instance | ≥ 5,000 req/s, p99 < 20 ms | not run (no bench/api_bench.sh) |" >>"$ROWS"
fi

# automat-heartbeat-bench prints prose; its end-to-end "ingest rate" line is
# the number the target is about.
heartbeat_bench() {
  local out rate
  out=$("$1" --config "$AUTOMAT_CONFIG" --guests "${BENCH_GUESTS:-2000}" \
    --publishers "${BENCH_PUBLISHERS:-8}" --seconds "${BENCH_SECONDS:-10}")
  echo "$out"
  rate=$(sed -n 's/^ingest rate: *\([0-9]*\) heartbeats\/s.*/\1/p' <<<"$out")
  echo "| conductor heartbeat ingestion (${BENCH_GUESTS:-2000} guests) | ≥ 10,000 heartbeats/s | ${rate:-?} heartbeats/s |"
}

HB="$ROOT/build/bin/automat-heartbeat-bench"
if [ -x "$HB" ]; then
  run_bench automat-heartbeat-bench heartbeat_bench "$HB"
else
  echo "| conductor heartbeats/s | ≥ 10,000 | not run (automat-heartbeat-bench not built) |" >>"$ROWS"
fi

run_bench mysql_create_bench.sh "$BENCH/mysql_create_bench.sh"
run_bench replica_bench.py /usr/bin/python3 "$BENCH/replica_bench.py"
run_bench backup_bench.py /usr/bin/python3 "$BENCH/backup_bench.py"
run_bench cassandra_bench.py /usr/bin/python3 "$BENCH/cassandra_bench.py"
run_bench cassandra_backup_bench.py /usr/bin/python3 "$BENCH/cassandra_backup_bench.py"
run_bench worker_parking_bench.py /usr/bin/python3 "$BENCH/worker_parking_bench.py"
run_bench rss.sh "$BENCH/rss.sh"

mem_gb=$(awk '/MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo)
os=$(. /etc/os-release && echo "$PRETTY_NAME")
echo
echo "Measured $(date -u +%F) on $(nproc) cores, ${mem_gb} GB RAM, $os:"
echo
echo "| metric | target | measured |"
echo "|---|---|---|"
cat "$ROWS"

#!/usr/bin/env bash
# GET /instances/{id} throughput and latency of a running automat-api, with
# wrk at 16 and 64 connections.
#
#   source .automat/openrc            # AUTOMAT_URL, AUTOMAT_TOKEN
#   bench/api_bench.sh [INSTANCE_ID]  # default: $AUTOMAT_INSTANCE_ID, else the
#                                     # tenant's first instance
# Environment:
#   AUTOMAT_URL       the tenant endpoint, http://127.0.0.1:8779/v1.0/<tenant_id>
#   AUTOMAT_TOKEN     an X-Auth-Token of that tenant
#   BENCH_DURATION    seconds per run (default 15)
#   BENCH_THREADS     wrk threads (default 2)
#   BENCH_CONNECTIONS connection counts to run (default "16 64")
# Prints, per connection count, requests/s and the p50/p75/p90/p99 latency,
# and the automat-api resident memory before and after.
set -euo pipefail

die() { echo "api_bench: $*" >&2; exit 1; }

: "${AUTOMAT_URL:?set AUTOMAT_URL (source .automat/openrc)}"
: "${AUTOMAT_TOKEN:?set AUTOMAT_TOKEN (source .automat/openrc)}"
duration=${BENCH_DURATION:-15}
threads=${BENCH_THREADS:-2}
connections=${BENCH_CONNECTIONS:-16 64}
command -v wrk >/dev/null || die "wrk is not installed (apt-get install wrk)"
command -v curl >/dev/null || die "curl is not installed"

case "$AUTOMAT_URL" in
  http://127.0.0.1:*|http://localhost:*) ;;
  *) echo "api_bench: warning: $AUTOMAT_URL is not on 127.0.0.1; results include the network" >&2 ;;
esac

instance_id=${1:-${AUTOMAT_INSTANCE_ID:-}}
if [ -z "$instance_id" ]; then
  instance_id=$(curl -fsS -H "X-Auth-Token: $AUTOMAT_TOKEN" "$AUTOMAT_URL/instances" |
    python3 -c 'import json,sys; l=json.load(sys.stdin)["instances"]; print(l[0]["id"] if l else "")')
  [ -n "$instance_id" ] || die "the tenant has no instance; create one or pass an INSTANCE_ID"
fi
target="$AUTOMAT_URL/instances/$instance_id"
status=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Auth-Token: $AUTOMAT_TOKEN" "$target")
[ "$status" = 200 ] || die "GET $target answered $status, expected 200"

api_rss() {
  local pid
  pid=$(pgrep -x automat-api | head -1 || true)
  if [ -n "$pid" ]; then
    awk '/^VmRSS/ {printf "%.1f MB", $2/1024}' "/proc/$pid/status"
  else
    echo "n/a (no local automat-api process)"
  fi
}

echo "automat-api GET /instances/{id} benchmark"
echo "date:    $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
echo "target:  $target"
echo "wrk:     ${threads} threads, ${duration}s per run"
echo "api RSS before: $(api_rss)"
echo
printf '%-12s %12s %10s %10s %10s %10s %10s\n' connections req/s p50 p75 p90 p99 errors
for c in $connections; do
  out=$(wrk -t"$threads" -c"$c" -d"${duration}s" --latency \
    -H "X-Auth-Token: $AUTOMAT_TOKEN" "$target")
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  pct() { awk -v p="$1" '$1 == p {print $2}' <<<"$out"; }
  non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' <<<"$out")
  sockerr=$(awk '/Socket errors:/ {print $0}' <<<"$out")
  errors=${non2xx:-0}
  printf '%-12s %12s %10s %10s %10s %10s %10s\n' "$c" "$rps" "$(pct 50%)" "$(pct 75%)" \
    "$(pct 90%)" "$(pct 99%)" "$errors"
  [ -z "$sockerr" ] || echo "             $sockerr"
done
echo
echo "api RSS after:  $(api_rss)"

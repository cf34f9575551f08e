#!/usr/bin/env bash
# Idle resident memory of automat-api and of one guest agent (the agent alone,
# not its mariadbd). Uses a running guest of the stack, or creates a tiny
# MySQL instance for the measurement and deletes it afterwards.
# Run against a running ./stack.sh stack.
set -euo pipefail
source "$(dirname "$0")/common.sh"
IDLE_SECONDS=${BENCH_IDLE_SECONDS:-15}

rss_mb() {
  local kb
  kb=$(ps -o rss= -p "$1" | tr -d ' ')
  [ -n "$kb" ] || { echo "process $1 is gone" >&2; return 1; }
  awk -v kb="$kb" 'BEGIN { printf "%.1f", kb / 1024 }'
}

live_pid() {
  local pid
  pid=$(cat "$1" 2>/dev/null) || return 1
  kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "$2" && echo "$pid"
}

api_pid=$(live_pid "$STATE/run/automat-api.pid" automat-api) || {
  echo "automat-api is not running: run ./stack.sh" >&2; exit 1; }

guest_pid=""
for pidfile in "$STATE"/instances/*/guestagent.pid; do
  guest_pid=$(live_pid "$pidfile" automat-guestagent) && break
done
temp_id=""
if [ -z "$guest_pid" ]; then
  temp_id=$(create_instance "bench-rss-$$")
  trap 'delete_instance "$temp_id" || true' EXIT
  wait_status "$temp_id" ACTIVE 300
  guest_pid=$(live_pid "$STATE/instances/$temp_id/guestagent.pid" automat-guestagent)
fi
echo "letting the guest agent (pid $guest_pid) idle for ${IDLE_SECONDS}s" >&2
sleep "$IDLE_SECONDS"

echo "| automat-api idle RSS | < 60 MB | $(rss_mb "$api_pid") MB |"
echo "| automat-guestagent idle RSS | < 20 MB | $(rss_mb "$guest_pid") MB |"

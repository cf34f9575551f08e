# shellcheck shell=bash
# Background services with pid files, guest-agent sessions, and INI edits.
# Sourced by stack.sh, unstack.sh and run_tests.sh.

# pid_alive PIDFILE NAME: true when PIDFILE names a live process whose command
# line mentions NAME, a fixed string (so a recycled pid is not mistaken for
# our service).
pid_alive() {
  local pidfile=$1 name=$2 pid
  pid=$(cat "$pidfile" 2>/dev/null) || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$name"
}

# start_service NAME PIDFILE LOGFILE CMD...: starts CMD detached (own session,
# immune to hangups, stdin closed) unless PIDFILE names a live NAME. The pid
# recorded is the service's own: setsid and nohup exec in place.
start_service() {
  local name=$1 pidfile=$2 logfile=$3
  shift 3
  if pid_alive "$pidfile" "$name"; then
    echo "  $name already running (pid $(cat "$pidfile"))"
    return 0
  fi
  echo "--- $(date -u +%FT%TZ) starting $name" >>"$logfile"
  setsid nohup "$@" >>"$logfile" 2>&1 </dev/null &
  echo $! >"$pidfile"
  echo "  $name started (pid $!, log $logfile)"
}

# wait_pid_exit PID SECONDS: true once PID is gone.
wait_pid_exit() {
  local pid=$1 secs=$2 i
  for ((i = 0; i < secs * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  ! kill -0 "$pid" 2>/dev/null
}

# stop_service NAME PIDFILE: SIGTERM, up to 10 s, then SIGKILL; removes PIDFILE.
stop_service() {
  local name=$1 pidfile=$2 pid
  if pid_alive "$pidfile" "$name"; then
    pid=$(cat "$pidfile")
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_pid_exit "$pid" 10; then
      echo "  $name (pid $pid) ignored SIGTERM for 10 s; killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
      wait_pid_exit "$pid" 5 || true
    fi
    echo "  stopped $name (pid $pid)"
  fi
  rm -f "$pidfile"
}

# session_pids SID: pids of every process whose session id is SID.
session_pids() {
  local sid=$1
  ps -eo pid=,sid= | awk -v sid="$sid" -v self=$$ '$2 == sid && $1 != self { print $1 }'
}

# kill_session SID: SIGTERM to every process of session SID, up to 10 s, then
# SIGKILL to what is left. A guest agent leads its own session, and the
# datastore it starts (mariadbd, a Cassandra JVM) stays in it, so this stops
# both.
kill_session() {
  local sid=$1 pids i
  [[ "$sid" =~ ^[0-9]+$ ]] && [ "$sid" -gt 1 ] || return 0
  pids=$(session_pids "$sid")
  [ -n "$pids" ] || return 0
  # shellcheck disable=SC2086
  kill -TERM $pids 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    pids=$(session_pids "$sid")
    [ -n "$pids" ] || return 0
    sleep 0.1
  done
  # shellcheck disable=SC2086
  kill -KILL $pids 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    [ -n "$(session_pids "$sid")" ] || return 0
    sleep 0.1
  done
}

# stop_guest_sessions INSTANCES_DIR: stops every guest agent under
# INSTANCES_DIR/<id>/ with everything in its session, plus a datastore left
# running after its guest's session was broken up: any other *.pid file under
# INSTANCES_DIR/<id>/ (a datastore's own, e.g. mysql/mariadbd.pid or
# cassandra/cassandra.pid) whose process is alive and whose command line
# mentions INSTANCES_DIR/<id>/ (its config file lives there), so a pid file
# naming a recycled pid never gets another program signalled.
stop_guest_sessions() {
  local dir=$1 inst pidfile pid count=0
  [ -d "$dir" ] || return 0
  dir=$(cd "$dir" && pwd)
  for pidfile in "$dir"/*/guestagent.pid; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile" 2>/dev/null || true)
    if [ -n "$(session_pids "$pid" 2>/dev/null)" ]; then
      kill_session "$pid"
      count=$((count + 1))
    fi
  done
  for inst in "$dir"/*/; do
    inst=${inst%/}
    while IFS= read -r pidfile; do
      if pid_alive "$pidfile" "$inst/"; then
        pid=$(cat "$pidfile")
        kill -TERM "$pid" 2>/dev/null || true
        wait_pid_exit "$pid" 10 || kill -KILL "$pid" 2>/dev/null || true
        count=$((count + 1))
      fi
    done < <(find "$inst" -type f -name '*.pid' ! -path "$inst/guestagent.pid" 2>/dev/null)
  done
  [ "$count" -eq 0 ] || echo "  stopped $count guest session(s) under $dir"
}

# ini_get FILE SECTION KEY: the value of KEY in [SECTION] (empty if absent).
ini_get() {
  awk -v sec="$2" -v key="$3" '
    /^[ \t]*\[/ { gsub(/[][ \t]/, ""); cur = $0; next }
    cur == sec && $0 ~ "^[ \t]*" key "[ \t]*=" {
      sub(/^[^=]*=[ \t]*/, ""); sub(/[ \t]+$/, ""); print; exit }
  ' "$1"
}

# ini_set FILE SECTION KEY VALUE: sets KEY in [SECTION] in place, appending
# the key (and the section) when missing.
ini_set() {
  local file=$1 tmp
  tmp=$(mktemp "$file.XXXXXX")
  awk -v sec="$2" -v key="$3" -v val="$4" '
    function emit() { print key " = " val; done = 1 }
    /^[ \t]*\[/ {
      if (cur == sec && !done) emit()
      s = $0; gsub(/[][ \t]/, "", s); cur = s; print; next }
    cur == sec && !done && $0 ~ "^[ \t]*" key "[ \t]*=" { emit(); next }
    { print }
    END {
      if (!done) { if (cur != sec) print "\n[" sec "]"; emit() } }
  ' "$file" >"$tmp"
  cat "$tmp" >"$file"
  rm -f "$tmp"
}

# random_hex BYTES: BYTES random bytes from the kernel, hex-encoded.
random_hex() {
  head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'
}

# free_port: a TCP port on 127.0.0.1 that no socket uses right now, taken
# above the kernel's ephemeral range (so an outgoing connection's local port
# cannot claim it between this choice and the server's bind) and above the
# Cassandra nodes' JMX ports (10000-32767, guest_cassandra_command.h).
free_port() {
  local port lo hi=60999
  read -r lo hi </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true
  [ "${hi:-0}" -lt 65000 ] && [ "${hi:-0}" -ge 32768 ] || hi=60999
  while :; do
    port=$((hi + 1 + RANDOM % (65535 - hi)))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue
    if command -v ss >/dev/null && [ -n "$(ss -Htan "( sport = :$port )" 2>/dev/null)" ]; then
      continue
    fi
    echo "$port"
    return 0
  done
}

# stop_config_users DIR: stops every process started with `--config DIR/...`
# (services and guest agents of a run whose driver died before its own
# clean-up): SIGTERM, up to 10 s, then SIGKILL.
stop_config_users() {
  local dir=$1 pid pids="" i
  for pid in $(ps -eo pid=); do
    [ "$pid" != $$ ] || continue
    { tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null | grep -qF -- "--config $dir/" &&
      pids="$pids $pid"
  done
  [ -n "$pids" ] || return 0
  echo "  stopping leftover processes:$pids"
  # shellcheck disable=SC2086
  kill -TERM $pids 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    # shellcheck disable=SC2086
    kill -0 $pids 2>/dev/null || return 0
    sleep 0.1
  done
  # shellcheck disable=SC2086
  kill -KILL $pids 2>/dev/null || true
}

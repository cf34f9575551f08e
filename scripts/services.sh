# shellcheck shell=bash
# Private PostgreSQL and RabbitMQ instances under a directory of our own,
# started as their system users on loopback ports. Sourced by stack.sh,
# unstack.sh and run_tests.sh.

PG_BIN=/usr/lib/postgresql/15/bin

# start_postgres DIR PORT [--unsafe-fast]: initdb on first use, start if not
# running. Durable by default: fsync, full_page_writes and synchronous_commit
# on, so every commit PostgreSQL acknowledged (and so every write the API
# answered for, or a workflow step saved) survives a kill -9 of the
# postmaster or a crash of the machine. --unsafe-fast turns all three off: a
# crash may then lose acknowledged commits or corrupt the data directory, so
# pass it only for a throw-away database nothing crashes on purpose. A server
# already running with the other settings is restarted to take these.
start_postgres() {
  local dir=$1 port=$2 mode=${3:-}
  local durability=on
  case $mode in
    "") ;;
    --unsafe-fast) durability=off ;;
    *) echo "start_postgres: unknown option '$mode' (known: --unsafe-fast)" >&2; return 1 ;;
  esac
  local settings="-c fsync=$durability -c synchronous_commit=$durability -c full_page_writes=$durability"
  local opts="-h 127.0.0.1 -p $port -k $dir -c max_connections=200 $settings"
  mkdir -p "$dir"
  chown postgres:postgres "$dir"
  chmod 700 "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    runuser -u postgres -- "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust \
      --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || {
      cat "$dir/initdb.log" >&2; return 1; }
  fi
  local action=start
  if runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    local current
    current=$(postgres_durability "$dir" "$port")
    [ "$current" != "$durability" ] || return 0
    if [ "$current" = unknown ]; then
      echo "PostgreSQL in $dir runs (pg_ctl status) but does not answer on port $port;" \
        "see $dir/postgres.log" >&2
      return 1
    fi
    echo "  PostgreSQL in $dir runs with other durability settings; restarting it with fsync, synchronous_commit and full_page_writes $durability"
    action=restart
  fi
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
    -m fast -o "$opts" "$action" >/dev/null || { tail -20 "$dir/postgres.log" >&2; return 1; }
}

# postgres_durability DIR PORT: "on" when the running server has fsync,
# synchronous_commit and full_page_writes all on, "off" when all off,
# "mixed" otherwise, "unknown" when it does not answer.
postgres_durability() {
  local dir=$1 port=$2 values
  values=$(runuser -u postgres -- "$PG_BIN/psql" -X -tA -h "$dir" -p "$port" -U postgres \
    -d postgres -c "SELECT current_setting('fsync') || current_setting('synchronous_commit')
                    || current_setting('full_page_writes')" 2>/dev/null) || {
    echo unknown
    return 0
  }
  case $values in
    ononon) echo on ;;
    offoffoff) echo off ;;
    *) echo mixed ;;
  esac
}

stop_postgres() {
  local dir=$1
  [ -f "$dir/data/postmaster.pid" ] || return 0
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
}

# start_rabbitmq DIR PORT DIST_PORT: start a private node if not running.
start_rabbitmq() {
  local dir=$1 port=$2 dist=$3
  mkdir -p "$dir"
  chown rabbitmq:rabbitmq "$dir"
  local node="automat-$port@localhost"
  local envs=(HOME="$dir" RABBITMQ_MNESIA_BASE="$dir/mnesia" RABBITMQ_LOG_BASE="$dir/log"
    RABBITMQ_NODENAME="$node" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$port"
    RABBITMQ_DIST_PORT="$dist" RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins"
    RABBITMQ_FEATURE_FLAGS_FILE="$dir/feature_flags" RABBITMQ_PID_FILE="$dir/rabbitmq.pid"
    RABBITMQ_CONFIG_FILE="$dir/rabbitmq" ERL_EPMD_ADDRESS=127.0.0.1)
  [ -f "$dir/enabled_plugins" ] || { echo '[].' >"$dir/enabled_plugins"; chown rabbitmq:rabbitmq "$dir/enabled_plugins"; }
  if [ ! -f "$dir/rabbitmq.conf" ]; then
    # The default guest user may connect from loopback only, which is all we use.
    printf 'loopback_users.guest = false\nlisteners.tcp.default = 127.0.0.1:%s\n' "$port" >"$dir/rabbitmq.conf"
    chown rabbitmq:rabbitmq "$dir/rabbitmq.conf"
  fi
  local pid
  pid=$(cat "$dir/rabbitmq.pid" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && wait_port 127.0.0.1 "$port" 1; then
    return 0
  fi
  env "${envs[@]}" setsid runuser -u rabbitmq -p -- rabbitmq-server >"$dir/server.out" 2>&1 </dev/null &
  # The AMQP listener opens when the broker is ready for clients.
  if wait_port 127.0.0.1 "$port" 90; then
    return 0
  fi
  echo "RabbitMQ did not start; see $dir/server.out and $dir/log" >&2
  tail -20 "$dir/server.out" >&2
  return 1
}

stop_rabbitmq() {
  local dir=$1 pid i
  pid=$(cat "$dir/rabbitmq.pid" 2>/dev/null || true)
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || true
  for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$dir/rabbitmq.pid"
}

# wait_port HOST PORT SECONDS
wait_port() {
  local host=$1 port=$2 secs=${3:-30} i
  for i in $(seq 1 $((secs * 10))); do
    (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# rabbitmqctl_node DIR PORT ARGS...: rabbitmqctl against the node that
# start_rabbitmq DIR PORT started (its name, cookie and epmd address). Runs
# the tool itself: Debian's wrapper would look for the cookie elsewhere.
rabbitmqctl_node() {
  local dir=$1 port=$2
  shift 2
  env HOME="$dir" RABBITMQ_NODENAME="automat-$port@localhost" ERL_EPMD_ADDRESS=127.0.0.1 \
    runuser -u rabbitmq -p -- /usr/lib/rabbitmq/bin/rabbitmqctl -q "$@"
}

# add_rabbitmq_vhost DIR PORT VHOST: a virtual host on that node that the
# guest user may use, so a second stack shares the broker without sharing
# queues (amqp://guest:guest@127.0.0.1:PORT/VHOST).
add_rabbitmq_vhost() {
  local dir=$1 port=$2 vhost=$3
  rabbitmqctl_node "$dir" "$port" add_vhost "$vhost" &&
    rabbitmqctl_node "$dir" "$port" set_permissions -p "$vhost" guest '.*' '.*' '.*'
}

# delete_rabbitmq_vhost DIR PORT VHOST: removes it with its queues.
delete_rabbitmq_vhost() {
  rabbitmqctl_node "$1" "$2" delete_vhost "$3"
}

# The S3-compatible server of the storage tests: s3proxy, one jar from Maven
# Central run on the Java 17 the Cassandra nodes use, serving S3 (SigV4,
# multipart uploads, ListObjectsV2) out of a local directory.
S3PROXY_VERSION=2.6.0

# java17_home: the JDK 17 Maven and s3proxy run on (JAVA_HOME may name
# another release); empty when only the java on PATH is known.
java17_home() {
  local home
  for home in /usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/java-17-openjdk-arm64; do
    [ -x "$home/bin/java" ] && { echo "$home"; return 0; }
  done
  echo ""
}

# s3proxy_jar M2: where fetch_s3proxy leaves the jar in Maven repository M2.
s3proxy_jar() {
  echo "$1/org/gaul/s3proxy/$S3PROXY_VERSION/s3proxy-$S3PROXY_VERSION-jar-with-dependencies.jar"
}

# fetch_s3proxy M2: downloads org.gaul:s3proxy (classifier
# jar-with-dependencies, no transitive dependencies: the jar holds them) into
# the Maven repository M2 unless it is there already.
fetch_s3proxy() {
  local m2=$1 jar home
  jar=$(s3proxy_jar "$m2")
  [ -f "$jar" ] && return 0
  home=$(java17_home)
  echo "  downloading s3proxy $S3PROXY_VERSION into $m2"
  env ${home:+JAVA_HOME="$home"} mvn -B -q -Dstyle.color=never -Dmaven.repo.local="$m2" \
    org.apache.maven.plugins:maven-dependency-plugin:3.6.1:get \
    -Dartifact="org.gaul:s3proxy:$S3PROXY_VERSION:jar:jar-with-dependencies" -Dtransitive=false \
    </dev/null || { echo "cannot download s3proxy $S3PROXY_VERSION from Maven Central" >&2; return 1; }
  [ -f "$jar" ] || { echo "s3proxy: $jar is missing after mvn" >&2; return 1; }
}

# start_s3proxy DIR PORT ACCESS_KEY SECRET_KEY JAR: serves S3 on
# 127.0.0.1:PORT with that key pair, its buckets as directories under
# DIR/data; pid file, properties and log in DIR.
start_s3proxy() {
  local dir=$1 port=$2 identity=$3 credential=$4 jar=$5 home java=java
  home=$(java17_home)
  [ -z "$home" ] || java="$home/bin/java"
  mkdir -p "$dir/data"
  (
    umask 077
    cat >"$dir/s3proxy.properties" <<PROPERTIES
s3proxy.endpoint=http://127.0.0.1:$port
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$identity
s3proxy.credential=$credential
jclouds.provider=filesystem
jclouds.filesystem.basedir=$dir/data
PROPERTIES
  )
  start_service s3proxy "$dir/s3proxy.pid" "$dir/s3proxy.log" \
    "$java" -Xmx256m -jar "$jar" --properties "$dir/s3proxy.properties"
  if wait_port 127.0.0.1 "$port" 60; then
    return 0
  fi
  echo "s3proxy did not start; see $dir/s3proxy.log" >&2
  tail -20 "$dir/s3proxy.log" >&2
  return 1
}

# stop_s3proxy DIR: stops the s3proxy whose pid file is in DIR (only when
# that pid's command line still names s3proxy).
stop_s3proxy() {
  stop_service s3proxy "$1/s3proxy.pid"
}

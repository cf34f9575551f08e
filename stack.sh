#!/usr/bin/env bash
# Brings up a complete Automat on this machine under .automat/ (git-ignored):
# installs missing Debian packages, builds, starts a private PostgreSQL
# (127.0.0.1:5433) and RabbitMQ (127.0.0.1:5673), migrates the schema,
# registers the mysql datastore and the flavors, lays out and registers the
# Cassandra image (.automat/images, downloads cached in .cache/cassandra/.m2),
# makes a token for tenant "demo", and starts automat-api,
# automat-taskmanager and automat-conductor in the background. Safe to run
# again: it starts only what is not running, so it also restarts a crashed
# service. ./unstack.sh stops everything.
#
# Backups go to .automat/backups (the `file` driver). With
# AUTOMAT_BACKUP_STORAGE=s3 they go to an S3 server instead: s3proxy (the
# S3-compatible server ./run_tests.sh uses, one jar from Maven Central on the
# Java 17 of the Cassandra nodes) on 127.0.0.1:${AUTOMAT_S3_PORT:-8790},
# bucket automat-backups, serving .automat/s3proxy/data; its key pair is made
# on the first such run and kept in .automat/s3proxy.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")" && pwd)
cd "$ROOT"
# shellcheck source=scripts/services.sh
source scripts/services.sh
# shellcheck source=scripts/processes.sh
source scripts/processes.sh
# shellcheck source=scripts/volumes.sh
source scripts/volumes.sh

STATE="$ROOT/.automat"
BIN="$ROOT/build/bin"
CONF="$STATE/automat.conf"
PG_PORT=5433
AMQP_PORT=5673
AMQP_DIST_PORT=25673
DATABASE_URL="postgresql://automat@127.0.0.1:$PG_PORT/automat"
AMQP_URL="amqp://guest:guest@127.0.0.1:$AMQP_PORT/"
ADDRESS_POOL=127.10.0.0/16
TENANT=demo
CASSANDRA_VERSION=5.0.9
SERVICES=(automat-conductor automat-taskmanager automat-api)
BACKUP_STORAGE=${AUTOMAT_BACKUP_STORAGE:-file}
S3_PORT=${AUTOMAT_S3_PORT:-8790}
S3_BUCKET=automat-backups

step() { printf '\n==> %s\n' "$*"; }

make_state_dirs() {
  mkdir -p "$STATE"/{logs,run,instances}
  # The postgres, rabbitmq and mysql system users must reach their own dirs.
  chmod 755 "$STATE" "$STATE/instances"
  chmod 700 "$STATE/run"
  local user
  for user in postgres rabbitmq mysql; do
    if ! runuser -u "$user" -- test -x "$STATE/instances"; then
      echo "The $user system user cannot reach $STATE: a parent directory is closed" >&2
      echo "to others. Allow traversal (chmod o+x on each parent) or clone elsewhere." >&2
      exit 1
    fi
  done
}

# Writes .automat/automat.conf from etc/automat.conf on every run (so changes
# to the sample reach the stack), keeping the guest secret made on the first.
write_config() {
  local secret=""
  [ -f "$CONF" ] && secret=$(ini_get "$CONF" DEFAULT guest_secret)
  [ -n "$secret" ] && [ "$secret" != change-me ] || secret=$(random_hex 32)
  local tmp="$CONF.new"
  cp etc/automat.conf "$tmp"
  chmod 600 "$tmp"
  ini_set "$tmp" DEFAULT database_url "$DATABASE_URL"
  ini_set "$tmp" DEFAULT amqp_url "$AMQP_URL"
  ini_set "$tmp" DEFAULT guest_secret "$secret"
  ini_set "$tmp" DEFAULT state_dir "$STATE"
  ini_set "$tmp" compute address_pool "$ADDRESS_POOL"
  if [ "$BACKUP_STORAGE" = s3 ]; then
    ini_set "$tmp" backup_storage driver s3
    ini_set "$tmp" backup_storage endpoint "http://127.0.0.1:$S3_PORT"
    ini_set "$tmp" backup_storage bucket "$S3_BUCKET"
    ini_set "$tmp" backup_storage access_key "$(cat "$STATE/s3proxy/access_key")"
    ini_set "$tmp" backup_storage secret_key "$(cat "$STATE/s3proxy/secret_key")"
  fi
  mv "$tmp" "$CONF"
}

# AUTOMAT_BACKUP_STORAGE=s3: the key pair (made once), the jar (cached in
# .cache/cassandra/.m2 beside Cassandra's downloads) and the server, with
# its bucket (a directory of the filesystem backend).
prepare_s3() {
  case "$BACKUP_STORAGE" in
    file) return 0 ;;
    s3) ;;
    *) echo "AUTOMAT_BACKUP_STORAGE must be file or s3, not $BACKUP_STORAGE" >&2; exit 2 ;;
  esac
  mkdir -p "$STATE/s3proxy"
  chmod 700 "$STATE/s3proxy"
  [ -s "$STATE/s3proxy/access_key" ] || echo "automat-stack" >"$STATE/s3proxy/access_key"
  [ -s "$STATE/s3proxy/secret_key" ] || (umask 077; random_hex 20 >"$STATE/s3proxy/secret_key")
  fetch_s3proxy "$ROOT/.cache/cassandra/.m2"
}

start_s3() {
  [ "$BACKUP_STORAGE" = s3 ] || return 0
  mkdir -p "$STATE/s3proxy/data/$S3_BUCKET"
  # An s3proxy of an earlier run that still runs is kept (start_service).
  start_s3proxy "$STATE/s3proxy" "$S3_PORT" "$(cat "$STATE/s3proxy/access_key")" \
    "$(cat "$STATE/s3proxy/secret_key")" "$(s3proxy_jar "$ROOT/.cache/cassandra/.m2")"
}

psql_admin() {
  "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres "$@"
}

create_database() {
  if [ "$(psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname = 'automat'")" != 1 ]; then
    psql_admin -c "CREATE ROLE automat LOGIN"
  fi
  if [ "$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = 'automat'")" != 1 ]; then
    psql_admin -c "CREATE DATABASE automat OWNER automat"
  fi
}

manage() { "$BIN/automat-manage" --config "$CONF" "$@"; }

mariadb_version() {
  local bin
  bin=$(command -v mariadbd || echo /usr/sbin/mariadbd)
  "$bin" --version | sed -n 's/.*Ver \([0-9]*\.[0-9]*\).*/\1/p'
}

seed_catalog() {
  local version
  version=$(mariadb_version)
  [ -n "$version" ] || { echo "cannot tell the MariaDB version from mariadbd --version" >&2; exit 1; }
  # automat-manage registers and creates by upsert, so every run may repeat it.
  manage datastore register --name mysql --version "$version" --manager mysql --default --enable-replication >/dev/null
  manage flavor create --id 1 --name m1.tiny --ram 512 --vcpus 1 --disk 5 >/dev/null
  manage flavor create --id 2 --name m1.small --ram 1024 --vcpus 1 --disk 10 >/dev/null
  manage flavor create --id 3 --name m1.medium --ram 2048 --vcpus 2 --disk 20 >/dev/null
  manage flavor create --id 4 --name m1.large --ram 4096 --vcpus 2 --disk 40 >/dev/null
  echo "  mysql $version (default), flavors m1.tiny m1.small m1.medium m1.large"
}

# The Cassandra image under .automat/images (a no-op once .complete is there;
# Maven's downloads stay in .cache/, which ./unstack.sh --purge keeps), and
# its datastore version, cluster-enabled.
install_cassandra() {
  manage datastore install cassandra --version "$CASSANDRA_VERSION" \
    --images-dir "$STATE/images" --maven-repo "$ROOT/.cache/cassandra/.m2" | sed 's/^/  /'
}

start_services() {
  local svc
  for svc in "${SERVICES[@]}"; do
    start_service "$svc" "$STATE/run/$svc.pid" "$STATE/logs/$svc.log" \
      "$BIN/$svc" --config "$CONF"
  done
}

# Restarts the guest agent of every instance left from an earlier run (after
# ./unstack.sh or a reboot) the way the local compute driver starts one:
# detached in its own session, logging to and recording its pid in the
# instance's directory.
start_guests() {
  local conf dir count=0
  mount_volumes "$STATE"
  for conf in "$STATE"/instances/*/guest.conf; do
    [ -f "$conf" ] || continue
    dir=$(dirname "$conf")
    pid_alive "$dir/guestagent.pid" automat-guestagent && continue
    start_service automat-guestagent "$dir/guestagent.pid" "$dir/guestagent.log" \
      "$BIN/automat-guestagent" --config "$conf" >/dev/null
    count=$((count + 1))
  done
  [ "$count" -eq 0 ] || echo "  restarted $count guest agent(s) of existing instances"
}

# Fails, showing the log's tail, when a service died right after start.
check_services_alive() {
  local svc
  for svc in "${SERVICES[@]}"; do
    if ! pid_alive "$STATE/run/$svc.pid" "$svc"; then
      echo "$svc exited; last lines of $STATE/logs/$svc.log:" >&2
      tail -n 30 "$STATE/logs/$svc.log" >&2
      exit 1
    fi
  done
}

api_endpoint() {
  local host port
  host=$(ini_get "$CONF" api bind_host)
  port=$(ini_get "$CONF" api bind_port)
  echo "http://${host:-127.0.0.1}:${port:-8779}"
}

# HTTP status of GET $1 with token $2.
http_status() {
  curl -s -o /dev/null -w '%{http_code}' -H "X-Auth-Token: $2" "$1" || true
}

# Reuses the token kept in .automat/openrc while the API still accepts it;
# otherwise asks automat-manage for one (once, not on every run).
ensure_token() {
  local endpoint=$1 url="" token="" out
  if [ -f "$STATE/openrc" ]; then
    url=$(sed -n 's/^export AUTOMAT_URL=//p' "$STATE/openrc")
    token=$(sed -n 's/^export AUTOMAT_TOKEN=//p' "$STATE/openrc")
  fi
  if [ -n "$token" ]; then
    local status
    status=$(http_status "$endpoint/v1.0/${url##*/}/flavors" "$token")
    case $status in
      200)
        echo "  reusing the token of tenant $TENANT in $STATE/openrc"
        TOKEN=$token
        TENANT_ID=${url##*/}
        return 0 ;;
      401 | 403 | 404) echo "  the token in $STATE/openrc is no longer valid; making a new one" ;;
      *) echo "automat-api answered $status to a token check; see $STATE/logs/automat-api.log" >&2
         exit 1 ;;
    esac
  fi
  out=$(manage token create --tenant "$TENANT")
  TOKEN=$(awk '{ print $NF }' <<<"$out" | tail -n 1)
  TENANT_ID=$(sed -n 's/.*(tenant_id \([^)]*\)).*/\1/p' <<<"$out" | tail -n 1)
  if [ -z "$TOKEN" ] || [ -z "$TENANT_ID" ]; then
    echo "unexpected output from automat-manage token create: $out" >&2
    exit 1
  fi
  echo "  created a token for tenant $TENANT ($TENANT_ID)"
}

write_openrc() {
  local endpoint=$1
  umask 077
  cat >"$STATE/openrc" <<EOF
# Automat credentials for tenant $TENANT, written by ./stack.sh. Source me.
export AUTOMAT_URL=$endpoint/v1.0/$TENANT_ID
export AUTOMAT_TOKEN=$TOKEN
export AUTOMAT_CONFIG=$CONF
# Trove's clients (python-troveclient, \`openstack database ...\`) without
# Keystone: keystoneauth's admin_token plugin, this endpoint and token.
export OS_AUTH_TYPE=admin_token
export OS_ENDPOINT=$endpoint/v1.0/$TENANT_ID
export OS_TOKEN=$TOKEN
case ":\$PATH:" in *":$BIN:"*) ;; *) export PATH="$BIN:\$PATH" ;; esac
EOF
  umask 022
}

main() {
  step "Installing missing packages"
  # The product's only; ./run_tests.sh adds the test tools.
  scripts/install_deps.sh --product
  step "Building"
  # The product binaries only; ./run_tests.sh builds the tests.
  scripts/build.sh automat_products
  step "State directory $STATE"
  make_state_dirs
  prepare_s3
  write_config
  step "PostgreSQL on 127.0.0.1:$PG_PORT"
  start_postgres "$STATE/pg" "$PG_PORT"
  create_database
  step "RabbitMQ on 127.0.0.1:$AMQP_PORT"
  start_rabbitmq "$STATE/rabbitmq" "$AMQP_PORT" "$AMQP_DIST_PORT"
  if [ "$BACKUP_STORAGE" = s3 ]; then
    step "s3proxy on 127.0.0.1:$S3_PORT (backups in bucket $S3_BUCKET)"
    start_s3
  fi
  step "Schema and catalog"
  manage db sync
  seed_catalog
  install_cassandra
  step "Services"
  start_services
  start_guests
  local endpoint
  endpoint=$(api_endpoint)
  if ! wait_port "$(ini_get "$CONF" api bind_host)" "${endpoint##*:}" 30; then
    check_services_alive
    echo "automat-api does not listen on $endpoint; see $STATE/logs/automat-api.log" >&2
    exit 1
  fi
  sleep 0.5
  check_services_alive
  step "Credentials"
  ensure_token "$endpoint"
  write_openrc "$endpoint"
  local backups_in=".automat/backups"
  [ "$BACKUP_STORAGE" = file ] || backups_in="s3://$S3_BUCKET on 127.0.0.1:$S3_PORT"
  local volumes
  volumes=$(manage compute check 2>/dev/null)
  cat <<EOF

Automat is running ($endpoint, logs in .automat/logs/).
Instance $volumes.
Now:

  source .automat/openrc
  automat flavor list
  automat datastore list
  automat instance create mydb --flavor m1.tiny --size 1 --database appdb --user app:app-password:appdb --wait
  automat backup create first --instance mydb --wait      # into $backups_in
  automat instance create mycopy --flavor m1.tiny --size 1 --backup <backup id> --wait
  automat instance resize mydb --size 2 --wait            # the volume grows online
  automat cluster create ring --datastore cassandra --flavor m1.small --size 1 --nodes 3 --rack rack1 --rack rack2 --wait
  automat cluster resize ring --flavor m1.medium --wait   # a rolling restart that keeps QUORUM

./unstack.sh stops it all.
EOF
}

main "$@"

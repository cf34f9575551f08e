#!/usr/bin/env bash
# Runs the whole test suite (unit, integration, end to end) with ctest.
# Installs missing packages, builds, then starts a private PostgreSQL,
# RabbitMQ and S3 server (s3proxy) in a temporary directory on free loopback
# ports, so it never touches a developer's stack (.automat/). Arguments go to
# ctest, e.g.
#   ./run_tests.sh -R e2e        only the end-to-end group
#   ./run_tests.sh -L unit -j2   unit tests, two at a time: builds only the unit
#                                test binaries, installs, downloads and starts
#                                nothing on a configured tree
# Exits with ctest's status; stops everything it started on the way out.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")" && pwd)
cd "$ROOT"
# shellcheck source=scripts/services.sh
source scripts/services.sh
# shellcheck source=scripts/processes.sh
source scripts/processes.sh
# shellcheck source=scripts/volumes.sh
source scripts/volumes.sh

BUILD_DIR=${BUILD_DIR:-build}
BUILD_DIR=$(cd "$ROOT" && mkdir -p "$BUILD_DIR" && cd "$BUILD_DIR" && pwd)
TMP=""
# The Cassandra image the CQL and Cassandra tests start nodes from. .cache/
# survives ./unstack.sh --purge; in a fresh clone the first run downloads it
# (~95 MB into the Maven repository), later runs reuse it at once.
CASSANDRA_VERSION=5.0.9
CASSANDRA_IMAGES="$ROOT/.cache/images"
CASSANDRA_M2="$ROOT/.cache/cassandra/.m2"
# s3proxy, the S3 server of the storage tests, is one jar kept in that same
# Maven repository (fetched once, ~41 MB, cached with it).
S3PROXY_M2="$CASSANDRA_M2"

cleanup() {
  local status=$?
  set +e
  if [ -n "$TMP" ] && [ -d "$TMP" ]; then
    echo "==> Stopping the test services"
    # Guest agents (and their datastores) left behind by an aborted e2e run.
    local dir
    while IFS= read -r dir; do
      stop_guest_sessions "$dir"
    done < <(find "$TMP" -maxdepth 2 -type d -name instances 2>/dev/null)
    stop_config_users "$TMP"
    stop_s3proxy "$TMP/s3proxy"
    stop_rabbitmq "$TMP/rabbitmq"
    stop_postgres "$TMP/pg"
    # Instance volumes an aborted (or kept) e2e stack left mounted: removing
    # through their mount points would empty them and leave them mounted.
    unmount_volumes "$TMP"
    rm -rf "$TMP"
  fi
  exit "$status"
}

pick_ports() {
  PG_PORT=$(free_port)
  AMQP_PORT=$(free_port)
  while [ "$AMQP_PORT" = "$PG_PORT" ]; do AMQP_PORT=$(free_port); done
  AMQP_DIST_PORT=$(free_port)
  while [ "$AMQP_DIST_PORT" = "$PG_PORT" ] || [ "$AMQP_DIST_PORT" = "$AMQP_PORT" ]; do
    AMQP_DIST_PORT=$(free_port)
  done
  S3_PORT=$(free_port)
  while [ "$S3_PORT" = "$PG_PORT" ] || [ "$S3_PORT" = "$AMQP_PORT" ] ||
    [ "$S3_PORT" = "$AMQP_DIST_PORT" ]; do
    S3_PORT=$(free_port)
  done
}

# True when the ctest arguments select the unit label only (-L unit,
# -L '^unit$', -Lunit, --label-regex=unit): those tests need no PostgreSQL,
# RabbitMQ, S3 server or Cassandra image, and only the unit test binaries
# (target automat_unit_tests, tests/CMakeLists.txt) are built for them.
unit_only() {
  local prev="" arg label
  for arg in "$@"; do
    label=""
    case $arg in
      -L | --label-regex) ;;
      -L*) label=${arg#-L} ;;
      --label-regex=*) label=${arg#--label-regex=} ;;
      *) if [ "$prev" = "-L" ] || [ "$prev" = "--label-regex" ]; then label=$arg; fi ;;
    esac
    case $label in unit | '^unit$') return 0 ;; esac
    prev=$arg
  done
  return 1
}

# True when some test the ctest arguments select is labelled integration or
# e2e (asked of ctest itself, so -R patterns that pick only unit tests start
# nothing either).
needs_services() {
  ctest --test-dir "$BUILD_DIR" --show-only=json-v1 "$@" </dev/null | python3 -c '
import json, sys
tests = json.load(sys.stdin).get("tests", [])
for test in tests:
    for prop in test.get("properties", []):
        if prop["name"] == "LABELS" and set(prop["value"]) & {"integration", "e2e"}:
            sys.exit(0)
sys.exit(1)'
}

main() {
  if unit_only "$@"; then
    # On a tree configured with its tests nothing is installed: the unit
    # tests need only what built them. (A tree ./stack.sh configured has no
    # GoogleTest yet.)
    if ! grep -qs '^AUTOMAT_TESTS_CONFIGURED:INTERNAL=\(1\|ON\|TRUE\)$' \
      "$BUILD_DIR/CMakeCache.txt"; then
      echo "==> Installing missing packages"
      scripts/install_deps.sh
    fi
    echo "==> Building the unit tests"
    BUILD_DIR=$BUILD_DIR scripts/build.sh automat_unit_tests
    echo "==> ctest (unit tests: no services started, nothing downloaded)"
    ctest --test-dir "$BUILD_DIR" --output-on-failure "$@" </dev/null
    return
  fi
  echo "==> Installing missing packages"
  scripts/install_deps.sh
  echo "==> Building"
  BUILD_DIR=$BUILD_DIR scripts/build.sh
  if ! needs_services "$@"; then
    echo "==> ctest (only unit tests selected: no services started)"
    ctest --test-dir "$BUILD_DIR" --output-on-failure "$@" </dev/null
    return
  fi
  echo "==> Cassandra $CASSANDRA_VERSION image"
  "$BUILD_DIR/bin/automat-manage" datastore install cassandra --version "$CASSANDRA_VERSION" \
    --images-dir "$CASSANDRA_IMAGES" --maven-repo "$CASSANDRA_M2" --no-register
  export AUTOMAT_CASSANDRA_IMAGE="$CASSANDRA_IMAGES/cassandra/$CASSANDRA_VERSION"
  export AUTOMAT_CASSANDRA_M2="$CASSANDRA_M2"
  echo "==> s3proxy $S3PROXY_VERSION"
  fetch_s3proxy "$S3PROXY_M2"

  TMP=$(mktemp -d /tmp/automat-tests.XXXXXX)
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  # postgres, rabbitmq and mysql (the e2e instances) must traverse it.
  chmod 755 "$TMP"
  pick_ports
  echo "==> PostgreSQL on 127.0.0.1:$PG_PORT, RabbitMQ on 127.0.0.1:$AMQP_PORT (in $TMP)"
  # --unsafe-fast (fsync, synchronous_commit, full_page_writes off): safe here
  # because this database lives in a temporary directory removed at exit and
  # nothing crashes this server on purpose; a crash of the machine loses only
  # a test run. The crash drills (tests/e2e/test_crash_drills.py) kill
  # PostgreSQL, so they start a durable one of their own instead.
  start_postgres "$TMP/pg" "$PG_PORT" --unsafe-fast
  start_rabbitmq "$TMP/rabbitmq" "$AMQP_PORT" "$AMQP_DIST_PORT"
  echo "==> s3proxy on 127.0.0.1:$S3_PORT"
  local s3_access_key s3_secret_key
  s3_access_key="automat-tests"
  s3_secret_key=$(random_hex 16)
  start_s3proxy "$TMP/s3proxy" "$S3_PORT" "$s3_access_key" "$s3_secret_key" \
    "$(s3proxy_jar "$S3PROXY_M2")"

  export AUTOMAT_TEST_DATABASE_URL="postgresql://postgres@127.0.0.1:$PG_PORT/postgres"
  export AUTOMAT_TEST_AMQP_URL="amqp://guest:guest@127.0.0.1:$AMQP_PORT/"
  # Where that broker lives, for tests that add a virtual host of their own
  # (add_rabbitmq_vhost in scripts/services.sh).
  export AUTOMAT_TEST_RABBITMQ_DIR="$TMP/rabbitmq"
  # The S3 server of the storage tests, and the directory it serves (a
  # bucket is a directory in it, an object a file), where tests damage
  # objects behind its back.
  export AUTOMAT_TEST_S3_ENDPOINT="http://127.0.0.1:$S3_PORT"
  export AUTOMAT_TEST_S3_ACCESS_KEY="$s3_access_key"
  export AUTOMAT_TEST_S3_SECRET_KEY="$s3_secret_key"
  export AUTOMAT_TEST_S3_DIR="$TMP/s3proxy/data"
  export AUTOMAT_BUILD_DIR="$BUILD_DIR"
  # Short: an instance's unix socket path lives under it.
  export AUTOMAT_E2E_TMPDIR="$TMP"

  echo "==> ctest"
  local status=0
  ctest --test-dir "$BUILD_DIR" --output-on-failure "$@" </dev/null || status=$?
  return "$status"
}

main "$@"

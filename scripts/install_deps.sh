#!/usr/bin/env bash
# Installs the Debian packages Automat needs: with --product only those that
# build and run its local stack (what ./stack.sh asks for), otherwise those
# and the ones its tests and checks need (./run_tests.sh, .ci/run).
# Idempotent: does nothing when all are present, and runs `apt-get update`
# only when something is missing. Never leaves the Debian packages' own
# PostgreSQL, RabbitMQ or MariaDB services running: Automat starts private
# instances of its own (scripts/services.sh).
set -euo pipefail

PRODUCT_PACKAGES=(
  build-essential cmake ninja-build pkg-config mold
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  librabbitmq-dev libpqxx-dev libboost-system-dev libboost-dev
  nlohmann-json3-dev libcli11-dev libspdlog-dev libcurl4-openssl-dev libssl-dev libicu-dev
  libvalijson-dev
  postgresql postgresql-client rabbitmq-server mariadb-server mariadb-client mariadb-backup zstd xfsprogs
  curl python3 python3-yaml iproute2 procps psmisc util-linux
  openjdk-17-jre-headless maven
)
# GoogleTest, the style check, the Python test tools and the benchmarks' HTTP
# load generator: CMake configures tests/ only when GoogleTest is there.
TEST_PACKAGES=(
  libgtest-dev libgmock-dev clang-format wrk python3-pytest python3-venv python3-cassandra
)
PACKAGES=("${PRODUCT_PACKAGES[@]}")
case "${1:-}" in
  --product) ;;
  "") PACKAGES+=("${TEST_PACKAGES[@]}") ;;
  *)
    echo "usage: install_deps.sh [--product]" >&2
    exit 2
    ;;
esac

# Packages whose install may start a system service, with that service's name.
declare -A SERVICE_OF=([postgresql]=postgresql [rabbitmq-server]=rabbitmq-server
  [mariadb-server]=mariadb)

missing_packages() {
  local p status
  for p in "${PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [ "$status" = "install ok installed" ] || echo "$p"
  done
}

# Keeps package scripts from starting services while we install: a
# policy-rc.d answering 101 ("action forbidden") when the machine has none.
POLICY=/usr/sbin/policy-rc.d
OUR_POLICY=0
forbid_service_starts() {
  if [ ! -e "$POLICY" ]; then
    printf '#!/bin/sh\n# written by automat scripts/install_deps.sh for the install only\nexit 101\n' >"$POLICY"
    chmod 755 "$POLICY"
    OUR_POLICY=1
  fi
}
allow_service_starts() {
  if [ "$OUR_POLICY" = 1 ]; then rm -f "$POLICY"; OUR_POLICY=0; fi
}

# Stops and disables the system service of a package we just installed, in
# case it started anyway (a machine whose init ignores policy-rc.d).
stop_package_service() {
  local svc=$1
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
    systemctl disable --now "$svc" >/dev/null 2>&1 || true
  elif [ -x "/etc/init.d/$svc" ]; then
    "/etc/init.d/$svc" stop >/dev/null 2>&1 || true
    command -v update-rc.d >/dev/null && update-rc.d "$svc" disable >/dev/null 2>&1 || true
  fi
}

main() {
  local missing
  mapfile -t missing < <(missing_packages)
  if [ "${#missing[@]}" -eq 0 ]; then
    echo "install_deps: all packages present"
    return 0
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "install_deps: missing packages (${missing[*]}); run as root to install them" >&2
    return 1
  fi
  echo "install_deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  forbid_service_starts
  trap allow_service_starts EXIT
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" </dev/null
  allow_service_starts
  local p
  for p in "${missing[@]}"; do
    [ -n "${SERVICE_OF[$p]:-}" ] && stop_package_service "${SERVICE_OF[$p]}"
  done
  echo "install_deps: done"
}

main

#!/usr/bin/env bash
# Installs every Debian package Automat needs to build, test and run its local
# stack. Idempotent: does nothing when all are present, and runs
# `apt-get update` only when something is missing. Never leaves the Debian
# packages' own PostgreSQL, RabbitMQ or MariaDB services running: Automat
# starts private instances of its own (scripts/services.sh).
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config mold
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  librabbitmq-dev libpqxx-dev libboost-system-dev libboost-dev
  nlohmann-json3-dev libcli11-dev libspdlog-dev libcurl4-openssl-dev libssl-dev libicu-dev
  libgtest-dev libgmock-dev
  postgresql postgresql-client rabbitmq-server mariadb-server mariadb-client mariadb-backup zstd xfsprogs
  clang-format wrk curl python3 python3-pytest python3-venv python3-yaml libvalijson-dev iproute2 procps psmisc util-linux
  openjdk-17-jre-headless maven python3-cassandra
)

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

main "$@"

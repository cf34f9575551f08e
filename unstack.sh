#!/usr/bin/env bash
# Stops everything ./stack.sh started: automat-api, automat-taskmanager and
# automat-conductor (by their pid files), every guest agent under
# .automat/instances with the datastore processes of its session, then the
# private RabbitMQ and PostgreSQL. Only processes the stack started are
# touched. Data stays in .automat/ unless --purge is given; instance volumes
# stay mounted (./stack.sh mounts any that are not, e.g. after a reboot) and
# --purge unmounts them before removing anything.
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
PURGE=0
for arg in "$@"; do
  case $arg in
    --purge) PURGE=1 ;;
    -h | --help) echo "usage: $0 [--purge]   (--purge also removes .automat/)"; exit 0 ;;
    *) echo "unknown argument: $arg (usage: $0 [--purge])" >&2; exit 2 ;;
  esac
done

if [ ! -d "$STATE" ]; then
  echo "Nothing to stop: $STATE does not exist."
  exit 0
fi

echo "==> Services"
for svc in automat-api automat-taskmanager automat-conductor; do
  stop_service "$svc" "$STATE/run/$svc.pid"
done
echo "==> Guest agents and their datastores"
stop_guest_sessions "$STATE/instances"
echo "==> RabbitMQ"
stop_rabbitmq "$STATE/rabbitmq"
echo "==> PostgreSQL"
stop_postgres "$STATE/pg"
if [ -d "$STATE/s3proxy" ]; then
  echo "==> s3proxy"
  stop_s3proxy "$STATE/s3proxy"
fi

if [ "$PURGE" = 1 ]; then
  echo "==> Volumes"
  unmount_volumes "$STATE"
  rm -rf "$STATE"
  echo "Stopped; removed $STATE."
else
  echo "Stopped. Data is kept in $STATE (databases, instances, logs);"
  echo "./stack.sh starts it again, ./unstack.sh --purge removes it."
fi

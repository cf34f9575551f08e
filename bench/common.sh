# shellcheck shell=bash
# Shared by the bench scripts: the running ./stack.sh stack's credentials and
# small HTTP/JSON helpers. Results are printed as markdown table rows
# "| metric | target | measured |" which run_all.sh gathers.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE="$ROOT/.automat"
if [ -z "${AUTOMAT_URL:-}" ] || [ -z "${AUTOMAT_TOKEN:-}" ]; then
  if [ ! -f "$STATE/openrc" ]; then
    echo "no running stack: run ./stack.sh first (no $STATE/openrc)" >&2
    exit 1
  fi
  # shellcheck disable=SC1091
  source "$STATE/openrc"
fi

# api METHOD PATH [BODY]: curl against $AUTOMAT_URL; prints the body.
api() {
  local method=$1 path=$2 body=${3:-}
  if [ -n "$body" ]; then
    curl -sS -X "$method" -H "X-Auth-Token: $AUTOMAT_TOKEN" -H 'Content-Type: application/json' \
      --data-binary "$body" "$AUTOMAT_URL$path"
  else
    curl -sS -X "$method" -H "X-Auth-Token: $AUTOMAT_TOKEN" "$AUTOMAT_URL$path"
  fi
}

# api_status PATH: the HTTP status of GET PATH.
api_status() {
  curl -s -o /dev/null -w '%{http_code}' -H "X-Auth-Token: $AUTOMAT_TOKEN" "$AUTOMAT_URL$1"
}

# json EXPR: evaluates a Python expression over the JSON document on stdin (d).
json() {
  python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"
}

# now_ms: wall clock in milliseconds.
now_ms() { date +%s%3N; }

# create_instance NAME: POSTs a tiny MySQL instance; prints its id.
create_instance() {
  api POST /instances "{\"instance\": {\"name\": \"$1\", \"flavorRef\": \"1\",
    \"volume\": {\"size\": 1}, \"datastore\": {\"type\": \"mysql\"}}}" | json 'd["instance"]["id"]'
}

# instance_status ID: BUILD, ACTIVE, ERROR ... or GONE once deleted.
instance_status() {
  local out
  out=$(api GET "/instances/$1")
  case $out in
    *itemNotFound*) echo GONE ;;
    *) json 'd["instance"]["status"]' <<<"$out" ;;
  esac
}

# wait_status ID STATUS SECONDS: polls every 100 ms; fails on ERROR or timeout.
wait_status() {
  local id=$1 want=$2 secs=$3 status deadline
  deadline=$(($(now_ms) + secs * 1000))
  while [ "$(now_ms)" -lt "$deadline" ]; do
    status=$(instance_status "$id")
    [ "$status" = "$want" ] && return 0
    if [ "$status" = ERROR ]; then
      echo "instance $id went ERROR" >&2
      return 1
    fi
    sleep 0.1
  done
  echo "instance $id not $want after ${secs}s (last: $status)" >&2
  return 1
}

# delete_instance ID: deletes and waits until it is gone.
delete_instance() {
  api DELETE "/instances/$1" >/dev/null
  wait_status "$1" GONE 120
}

"""What the Python benchmarks share: the running ./stack.sh stack's
credentials (AUTOMAT_URL/AUTOMAT_TOKEN, else .automat/openrc), the API call,
and progress on stderr. Imported by the bench/*.py scripts (their own folder
is on sys.path when they run)."""
import configparser
import json
import os
import sys
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def openrc():
    url, token = os.environ.get("AUTOMAT_URL"), os.environ.get("AUTOMAT_TOKEN")
    if url and token:
        return url, token
    env = {}
    with open(os.path.join(ROOT, ".automat", "openrc")) as f:
        for line in f:
            if line.startswith("export ") and "=" in line:
                k, v = line[len("export "):].strip().split("=", 1)
                env[k] = v.strip("'\"")
    return env["AUTOMAT_URL"], env["AUTOMAT_TOKEN"]


URL, TOKEN = openrc()


def api(method, path, body=None):
    """(HTTP status, JSON answer) of one call; an error body that is not JSON
    comes back as {"raw": text}."""
    req = urllib.request.Request(URL + path, method=method,
                                 data=json.dumps(body).encode() if body is not None else None,
                                 headers={"X-Auth-Token": TOKEN,
                                          "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as e:
        text = e.read()
        try:
            return e.code, json.loads(text or b"{}")
        except ValueError:
            return e.code, {"raw": text.decode(errors="replace")}


def storage_driver():
    """The running stack's [backup_storage] driver ("file" or "s3"), as
    .automat/automat.conf names it."""
    conf = configparser.ConfigParser(interpolation=None, strict=False)
    conf.read(os.path.join(ROOT, ".automat", "automat.conf"))
    return conf.get("backup_storage", "driver", fallback="file").strip() or "file"


def cluster_view(cluster_id):
    """The cluster as GET /clusters/{id} shows it; None once it is gone."""
    status, body = api("GET", f"/clusters/{cluster_id}")
    if status == 404:
        return None
    if status != 200:
        raise SystemExit(f"GET cluster {cluster_id} answered {status}: {body}")
    return body["cluster"]


def wait_cluster_active(cluster_id, start, timeout):
    """(seconds since `start`, view) once the cluster is ACTIVE with task
    NONE; exits when it disappears, goes ERROR or takes over `timeout` s."""
    while time.monotonic() - start < timeout:
        c = cluster_view(cluster_id)
        if c is None:
            raise SystemExit(f"cluster {cluster_id} disappeared")
        if c["status"] == "ACTIVE" and c["task"]["name"] == "NONE":
            return time.monotonic() - start, c
        if c["status"] == "ERROR" and c["task"]["name"] == "NONE":
            raise SystemExit(f"cluster {cluster_id} went ERROR: {c}")
        time.sleep(0.25)
    raise SystemExit(f"cluster {cluster_id} not ACTIVE after {timeout} s")


def delete_cluster(cluster_id, timeout=600):
    """DELETE /clusters/{id}, then waits (up to `timeout` s) until it is gone;
    says so when it is not."""
    status, body = api("DELETE", f"/clusters/{cluster_id}")
    if status not in (202, 404):
        log(f"delete of cluster {cluster_id} answered {status}: {body}")
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and cluster_view(cluster_id) is not None:
        time.sleep(0.5)
    if cluster_view(cluster_id) is not None:
        log(f"cluster {cluster_id} still there {timeout} s after its delete")

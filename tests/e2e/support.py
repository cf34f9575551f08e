"""Helpers shared by the end-to-end tests: HTTP calls, polling, the CLI.

The session's stack (conftest.py) sets API_ROOT and BUILD_DIR before any test
runs; tests import what they need from here.
"""
import ipaddress
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from http import client as http_client
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

API_ROOT = ""  # http://127.0.0.1:<port>, set by conftest.py
BUILD_DIR = ""  # the build tree holding bin/, set by conftest.py

# The stack's timings (conftest.py writes them into its config), short enough
# for tests to watch them happen.
HEARTBEAT_INTERVAL = 2
AGENT_HEARTBEAT_EXPIRY = 8
SWEEP_INTERVAL = 1
ORPHAN_SCAN_SECONDS = 2
ORPHAN_GRACE_SECONDS = 5
# Another pool lets a second e2e run share the machine (e.g. from a worktree).
ADDRESS_POOL = os.environ.get("AUTOMAT_E2E_ADDRESS_POOL", "127.20.0.0/16")
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def last_subnet(pool=ADDRESS_POOL):
    """The last /24 of `pool` (a quarter of it when smaller), for a test's own
    stack: the session's stack leases from the bottom and never gets there."""
    net = ipaddress.ip_network(pool, strict=False)
    return str(list(net.subnets(new_prefix=max(net.prefixlen + 2, 24)))[-1])


@dataclass
class Response:
    status: int
    headers: dict
    text: str
    json: Any = None

    def fault(self):
        """(fault name, code, message) of a Trove error body."""
        assert isinstance(self.json, dict) and len(self.json) == 1, (
            f"expected one fault object, got {self.text!r}")
        name, body = next(iter(self.json.items()))
        return name, body.get("code"), body.get("message", "")


@dataclass
class Tenant:
    name: str
    id: str
    token: str = field(repr=False)
    api_root: str = ""  # its stack's API; "" for API_ROOT

    def url(self, path=""):
        return f"{self.api_root or API_ROOT}/v1.0/{self.id}{path}"

    def cli_env(self):
        return {"AUTOMAT_URL": self.url(), "AUTOMAT_TOKEN": self.token}


def http(method, path, token=None, body=None, raw=None, headers=None, timeout=30):
    """One HTTP call to the API; never raises on an HTTP error status.

    path: a full URL or a path under API_ROOT. body: JSON-encoded when given;
    raw: bytes sent as they are instead.
    """
    url = path if path.startswith("http") else API_ROOT + path
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("X-Auth-Token", token)
    for key, value in (headers or {}).items():
        req.add_header(key, value)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return _response(resp.status, resp.headers, resp.read())
    except urllib.error.HTTPError as err:
        return _response(err.code, err.headers, err.read())


def _response(status, headers, payload):
    text = payload.decode(errors="replace")
    try:
        doc = json.loads(text) if text else None
    except ValueError:
        doc = None
    return Response(status, {k.lower(): v for k, v in headers.items()}, text, doc)


def wait_for(predicate: Callable[[], Any], timeout: float, interval: float = 0.5,
             message: str = "condition") -> Any:
    """Polls predicate until it returns something truthy; returns that value.

    Raises AssertionError naming `message` (and the last value seen) when the
    deadline passes first.
    """
    deadline = time.monotonic() + timeout
    last = None
    while True:
        last = predicate()
        if last:
            return last
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {message}; "
                                 f"last value: {last!r}")
        time.sleep(interval)


def cli(args, env=None, timeout=300, input_text=None):
    """Runs the real `automat` CLI; returns the CompletedProcess (text mode)."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run([os.path.join(BUILD_DIR, "bin", "automat"), *args], env=full_env,
                          input=input_text, capture_output=True, text=True, timeout=timeout)


# --- instances -------------------------------------------------------------

def create_body(name, version, flavor="1", size=1, databases=(), users=()):
    return {"instance": {
        "name": name, "flavorRef": flavor, "volume": {"size": size},
        "datastore": {"type": "mysql", "version": version},
        "databases": [{"name": d} for d in databases],
        "users": [{"name": u, "password": p, "databases": [{"name": d} for d in dbs]}
                  for (u, p, dbs) in users],
    }}


def create_instance(tenant: Tenant, body) -> tuple:
    """POSTs a create; asserts the 202 contract; returns (instance, operation id)."""
    resp = http("POST", tenant.url("/instances"), tenant.token, body)
    assert resp.status == 202, f"create answered {resp.status}: {resp.text}"
    op_id = resp.headers.get("x-operation-id")
    assert op_id, f"no X-Operation-Id header in {resp.headers}"
    assert resp.json["operation"]["id"] == op_id
    return resp.json["instance"], op_id


def get_instance(tenant: Tenant, instance_id):
    return http("GET", tenant.url(f"/instances/{instance_id}"), tenant.token)


def instance_status(tenant: Tenant, instance_id):
    resp = get_instance(tenant, instance_id)
    if resp.status == 404:
        return "GONE"
    assert resp.status == 200, f"GET instance answered {resp.status}: {resp.text}"
    return resp.json["instance"]["status"]


def wait_status(tenant: Tenant, instance_id, wanted, timeout=180, fail_on=("ERROR",)):
    """Waits until the instance shows `wanted`; fails at once on a fail_on status."""
    def check():
        status = instance_status(tenant, instance_id)
        if status in fail_on and status != wanted:
            raise AssertionError(f"instance {instance_id} went {status} while waiting for "
                                 f"{wanted}: {get_instance(tenant, instance_id).text}")
        return status == wanted
    wait_for(check, timeout, message=f"instance {instance_id} to be {wanted}")
    return get_instance(tenant, instance_id).json if wanted != "GONE" else None


def get_operation(tenant: Tenant, op_id):
    resp = http("GET", tenant.url(f"/operations/{op_id}"), tenant.token)
    assert resp.status == 200, f"GET operation answered {resp.status}: {resp.text}"
    return resp.json["operation"]


def delete_instance(tenant: Tenant, instance_id, timeout=120):
    """Deletes an instance (waiting out a build first) and waits until it is gone."""
    def accepted():
        resp = http("DELETE", tenant.url(f"/instances/{instance_id}"), tenant.token)
        if resp.status in (202, 204, 404):
            return True
        assert resp.status == 409, f"DELETE answered {resp.status}: {resp.text}"
        return False  # still building: try again
    wait_for(accepted, timeout, interval=1, message=f"delete of {instance_id} to be accepted")
    wait_status(tenant, instance_id, "GONE", timeout=timeout, fail_on=())


# --- processes and sockets ---------------------------------------------------

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(host, port, timeout=1.0):
    """True when something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except ConnectionRefusedError:
        return False
    except OSError:
        return False


def connect_refused(host, port):
    """True when a TCP connect to host:port is actively refused."""
    try:
        with socket.create_connection((host, port), timeout=2):
            return False
    except ConnectionRefusedError:
        return True


def session_pids(sid):
    """Pids of every process whose session id is `sid` (from /proc/<pid>/stat)."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        # After "pid (comm) ": state ppid pgrp session ...
        if len(fields) > 3 and int(fields[3]) == sid:
            pids.append(int(entry))
    return pids


def kill_session(sid, grace=10.0):
    """SIGTERM every process of session `sid`, SIGKILL what is left after grace."""
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        pids = session_pids(sid)
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + wait
        while session_pids(sid) and time.monotonic() < deadline:
            time.sleep(0.1)


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead for our purposes.
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def mounts_under(root):
    """Mount points at or below `root` (per /proc/self/mountinfo), deepest first."""
    root = os.path.realpath(root)
    found = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            point = line.split()[4].encode().decode("unicode_escape")
            if point == root or point.startswith(root + "/"):
                found.append(point)
    return sorted(found, reverse=True)


def unmount_under(root):
    """Unmounts every filesystem mounted below `root` (the instances' volumes)."""
    for point in mounts_under(root):
        subprocess.run(["umount", point], check=False, capture_output=True)


def loop_volumes_possible():
    """Whether this host lets the local driver loop-mount volumes, or why not."""
    if os.geteuid() != 0:
        return False, "not root"
    if not os.path.exists("/dev/loop-control"):
        return False, "no /dev/loop-control"
    if shutil.which("mkfs.xfs") is None:
        return False, "no mkfs.xfs"
    return True, ""


def read_pid(path) -> Optional[int]:
    try:
        with open(path) as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return None


def mariadb(host, user, password, database, sql, timeout=30):
    """Runs SQL through the mariadb client over TCP; returns the CompletedProcess."""
    return subprocess.run(
        ["mariadb", "--no-defaults", "-h", host, "-P", "3306", "-u", user,
         f"--password={password}", "--batch", "--skip-column-names",
         "--connect-timeout=10", database, "-e", sql],
        capture_output=True, text=True, timeout=timeout)


def http_raw(method, path, token, payload: bytes, headers=None, timeout=30):
    """Sends payload with http.client and reads the answer even when the server
    stops reading the body early (as it should for an oversized one)."""
    url = urllib.parse.urlsplit(path if path.startswith("http") else API_ROOT + path)
    conn = http_client.HTTPConnection(url.hostname, url.port, timeout=timeout)
    hdrs = {"Content-Type": "application/json", "Content-Length": str(len(payload))}
    if token:
        hdrs["X-Auth-Token"] = token
    hdrs.update(headers or {})
    conn.putrequest(method, url.path)
    for key, value in hdrs.items():
        conn.putheader(key, value)
    conn.endheaders()
    try:
        for start in range(0, len(payload), 65536):
            conn.send(payload[start:start + 65536])
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server answered before taking the whole body
    resp = conn.getresponse()
    result = _response(resp.status, resp.headers, resp.read())
    conn.close()
    return result


# --- the scripts' private services -------------------------------------------

def services_sh(*command, timeout=180):
    """Runs a function of scripts/services.sh (e.g. "start_postgres", dir,
    port); asserts it succeeded; returns its output."""
    out = subprocess.run(
        ["bash", "-c", f'source "{ROOT}/scripts/services.sh" && "$@"', "services.sh", *command],
        capture_output=True, text=True, timeout=timeout)
    assert out.returncode == 0, (f"scripts/services.sh {' '.join(command)} failed "
                                 f"({out.returncode}): {out.stdout}{out.stderr}")
    return out.stdout


class PrivatePostgres:
    """A PostgreSQL of a test's own, started durable by scripts/services.sh as
    ./stack.sh starts it, so the test may kill -9 it (never the shared one of
    ./run_tests.sh, which other tests use)."""

    def __init__(self, parent_dir):
        self.root = tempfile.mkdtemp(prefix="pg-", dir=parent_dir)
        os.chmod(self.root, 0o755)  # the postgres user owns pg/ below
        self.dir = os.path.join(self.root, "pg")
        self.port = free_port()
        self.admin_dsn = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def start(self):
        """Starts it (initdb on first use, crash recovery after a kill)."""
        services_sh("start_postgres", self.dir, str(self.port))

    def setting(self, name):
        out = subprocess.run(["psql", "-X", "-tA", self.admin_dsn, "-c", f"SHOW {name}"],
                             capture_output=True, text=True, timeout=30)
        assert out.returncode == 0, out.stderr
        return out.stdout.strip()

    def kill_postmaster(self):
        """kill -9 of the postmaster, as in a crash; returns once it is gone."""
        with open(os.path.join(self.dir, "data", "postmaster.pid")) as f:
            pid = int(f.readline().strip())  # the first of its lines
        assert pid > 1, f"bad postmaster.pid under {self.dir}"
        os.kill(pid, signal.SIGKILL)

        def gone():
            # Reaped, not only dead: a new postmaster refuses to start while
            # the old pid exists, even as a zombie.
            try:
                os.kill(pid, 0)
                return False
            except ProcessLookupError:
                return True
        wait_for(gone, 60, 0.05, f"postmaster {pid} to be gone")

    def destroy(self):
        services_sh("stop_postgres", self.dir)
        shutil.rmtree(self.root, ignore_errors=True)


class RabbitVhost:
    """A virtual host of its own on ./run_tests.sh's RabbitMQ, so a test's own
    stack shares the broker but none of its queues."""

    def __init__(self, amqp_url):
        self.rabbit_dir = os.environ.get("AUTOMAT_TEST_RABBITMQ_DIR", "")
        assert self.rabbit_dir, "AUTOMAT_TEST_RABBITMQ_DIR is not set (./run_tests.sh sets it)"
        parts = urllib.parse.urlsplit(amqp_url)
        self.port = str(parts.port)
        self.name = "automat-drill-" + secrets.token_hex(4)
        self.amqp_url = urllib.parse.urlunsplit(parts._replace(path="/" + self.name))
        services_sh("add_rabbitmq_vhost", self.rabbit_dir, self.port, self.name)

    def destroy(self):
        services_sh("delete_rabbitmq_vhost", self.rabbit_dir, self.port, self.name)

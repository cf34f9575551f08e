"""What the Cassandra cluster test needs besides the API: nodetool run from the
image the way the guest runs it, the CQL driver (Debian's python3-cassandra),
the nodes' JVMs and guest logs, and the clusters API calls."""
import ipaddress
import os
import re
import shutil
import subprocess
import time

import support
from support import http, read_pid, wait_for

# datastores/cassandra/guest_cassandra_command.h: JMX listens on 127.0.0.1 at
# 10000 + (the low 24 bits of the node's IPv4 address mod 22768).
JMX_PORT_BASE = 10000
JMX_PORT_SPAN = 22768
NATIVE_PORT = 9042


# --- nodetool -----------------------------------------------------------------

def jmx_port(address):
    return JMX_PORT_BASE + (int(ipaddress.IPv4Address(address)) & 0xFFFFFF) % JMX_PORT_SPAN


def java():
    home = os.environ.get("JAVA_HOME")
    return os.path.join(home, "bin", "java") if home else (shutil.which("java") or "java")


def client_options(image):
    """The JVM options of Cassandra's tools (conf/jvm17-clients.options), as the guest
    reads them."""
    with open(os.path.join(image, "conf", "jvm17-clients.options")) as f:
        return [ln.strip() for ln in f if ln.strip() and not ln.strip().startswith("#")]


def nodetool(image, address, *args, timeout=180):
    """Runs NodeTool against the node at `address`; returns its stdout (asserts success)."""
    argv = [java(), *client_options(image),
            f"-Dlogback.configurationFile={image}/conf/logback-tools.xml",
            "-cp", f"{image}/conf:{image}/lib/*", "org.apache.cassandra.tools.NodeTool",
            "-h", "127.0.0.1", "-p", str(jmx_port(address)), *args]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    assert out.returncode == 0, (f"nodetool {' '.join(args)} on {address} failed "
                                 f"({out.returncode}): {out.stdout}{out.stderr}")
    return out.stdout


STATUS_LINE = re.compile(r"^([UD][NLJM])\s+(\d+\.\d+\.\d+\.\d+)\s+.*\s(\S+)\s*$")


def ring_status(image, address):
    """{address: (state, rack)} from `nodetool status` on the node at `address`.

    A status line reads "UN  127.23.0.1  104 KiB  16  ?  <host id>  rack1": the
    state first, the address second, the rack last.
    """
    ring = {}
    for line in nodetool(image, address, "status").splitlines():
        match = STATUS_LINE.match(line.strip())
        if match:
            ring[match.group(2)] = (match.group(1), match.group(3))
    return ring


# --- processes and files ------------------------------------------------------

def java_pids_under(dirs):
    """Pids of live java processes whose command line names one of `dirs`."""
    found = []
    needles = [d.encode() for d in dirs]
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmdline = f.read()
        except OSError:
            continue
        argv0 = cmdline.split(b"\0", 1)[0]
        if os.path.basename(argv0) == b"java" and any(n in cmdline for n in needles):
            if support.pid_alive(int(entry)):
                found.append(int(entry))
    return found


def jvm_pid(instance_dir):
    """The live pid in <instance_dir>/volume/cassandra/cassandra.pid, checked to be that
    node's JVM."""
    pid_file = os.path.join(instance_dir, "volume", "cassandra", "cassandra.pid")
    pid = read_pid(pid_file)
    assert pid and pid > 1, f"no pid in {pid_file}"
    assert pid in java_pids_under([instance_dir]), (
        f"pid {pid} of {pid_file} is not that node's live JVM")
    return pid


GUEST_ACTION = re.compile(r"event=cassandra\.action instance=(\S+) action=(\S+)")


def guest_actions(instance_dir, since=""):
    """The Cassandra actions the node's guest logged (timestamps >= `since`), in order."""
    actions = []
    try:
        with open(os.path.join(instance_dir, "guestagent.log"), errors="replace") as f:
            for line in f:
                match = GUEST_ACTION.search(line)
                if match and line[:23] >= since:
                    actions.append(match.group(2))
    except OSError:
        pass
    return actions


def log_stamp():
    """Now, in the guest logs' timestamp format (local time, milliseconds)."""
    now = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(now)) + f".{int(now % 1 * 1000):03d}"


# --- CQL ----------------------------------------------------------------------

def cql_session(ips, user, password, keyspace=None):
    """A driver session on the ring (contact points: every node), DC-aware on dc1."""
    from cassandra.auth import PlainTextAuthProvider
    from cassandra.cluster import EXEC_PROFILE_DEFAULT, Cluster, ExecutionProfile
    from cassandra.policies import DCAwareRoundRobinPolicy
    profile = ExecutionProfile(load_balancing_policy=DCAwareRoundRobinPolicy(local_dc="dc1"),
                               request_timeout=30)
    cluster = Cluster(contact_points=list(ips), port=NATIVE_PORT,
                      auth_provider=PlainTextAuthProvider(user, password),
                      execution_profiles={EXEC_PROFILE_DEFAULT: profile},
                      connect_timeout=20, control_connection_timeout=20)
    try:
        return cluster, cluster.connect(keyspace)
    except Exception:
        cluster.shutdown()
        raise


def with_session(ips, user, password, work, keyspace=None, timeout=120):
    """Runs work(session), retrying the connection until `timeout` (roles and
    schema reach every node within seconds); returns what work returned."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            cluster, session = cql_session(ips, user, password, keyspace)
        except Exception as err:  # NoHostAvailable, AuthenticationFailed while roles spread
            if time.monotonic() >= deadline:
                raise AssertionError(f"cannot connect to {ips} as {user}: {err}") from err
            time.sleep(2)
            continue
        try:
            return work(session)
        finally:
            cluster.shutdown()


# --- the clusters API ---------------------------------------------------------

def cluster_view(tenant, cluster_id):
    """The cluster's view, or None once it is gone (404)."""
    resp = http("GET", tenant.url(f"/clusters/{cluster_id}"), tenant.token)
    if resp.status == 404:
        return None
    assert resp.status == 200, f"GET cluster answered {resp.status}: {resp.text}"
    return resp.json["cluster"]


def cluster_action(tenant, cluster_id, body, path="", retry_unreported=True):
    """POSTs an action; returns the Response. Retries while a node has not yet
    reported its ring or keyspaces (422 '... retry shortly')."""
    def attempt():
        resp = http("POST", tenant.url(f"/clusters/{cluster_id}{path}"), tenant.token, body)
        if retry_unreported and resp.status == 422 and "retry shortly" in resp.text:
            return None
        return resp
    return wait_for(attempt, 60, 2, f"{body} to be judged on reported rings")


def wait_cluster_operation(tenant, cluster_id, op_id, timeout, on_poll=None):
    """Waits for the operation to finish; asserts it COMPLETED. on_poll(view)
    sees the cluster on every poll (e.g. to record node phases)."""
    final = {}

    def done():
        op = support.get_operation(tenant, op_id)
        final.update(op)
        if on_poll is not None:
            view = cluster_view(tenant, cluster_id)
            if view is not None:
                on_poll(view)
        return op["state"] in ("COMPLETED", "FAILED")
    wait_for(done, timeout, 2, f"operation {op_id} ({final.get('type')}) to finish")
    assert final["state"] == "COMPLETED", (
        f"operation {final.get('type')} failed: {final}\n"
        f"cluster: {summary(cluster_view(tenant, cluster_id))}")
    return final


def summary(view):
    """The parts of a cluster view a failure message needs (no links)."""
    if view is None:
        return "gone"
    nodes = [{k: n.get(k) for k in ("id", "ip", "rack", "seed", "status", "phase")}
             for n in view["instances"]]
    return {"status": view["status"], "task": view["task"]["name"], "nodes": nodes}


def node_ips(view):
    return {n["id"]: n["ip"][0] for n in view["instances"]}

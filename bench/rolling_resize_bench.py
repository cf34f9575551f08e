#!/usr/bin/env python3
"""Rolling flavor resize of a Cassandra ring under a QUORUM client, against a
running ./stack.sh stack, with Debian's Python and its Cassandra driver
(python3-cassandra, installed by scripts/install_deps.sh):

    /usr/bin/python3 bench/rolling_resize_bench.py

1. A 3-node cluster, one node in each of rack1, rack2 and rack3, on
   BENCH_CASSANDRA_FLAVOR (default 2, m1.small, 1024 MB) -> ACTIVE; root
   enabled (POST /clusters/{id}/root); a keyspace with
   NetworkTopologyStrategy dc1: 3 (a replica in every rack), one table,
   BENCH_ROWS rows (default 10,000).
2. A client thread reads and writes those rows at QUORUM, one request after
   another, half reads and half writes, and keeps every request's start,
   latency and error for the whole run.
3. BENCH_IDLE_SECONDS (default 30) with nothing else going on: the idle
   baseline.
4. POST /clusters/{id}/action {"resize": {"flavorRef": BIG, "by": "node"}}
   -> the cluster ACTIVE again with every node on BIG (BENCH_RESIZE_FLAVOR,
   default the catalog's next flavor by RAM, m1.medium), the operation's
   phases logged as they change.
5. Another idle window on BIG, then {"resize": {"flavorRef": SMALL, "by":
   "rack"}} back, measured the same way.
6. Every row still there (a QUORUM scan).
Per roll: seconds from the request to ACTIVE, the requests made and failed
while it ran, p50/p99 latency (every request, failed ones at the time they
took) during it against the idle window before it, and whether every node's
JVM restarted with the new heap (read from /proc, so only when the bench
runs on the stack's machine). The cluster is deleted at the end. Prints
"| metric | target | measured |" rows on stdout, progress on stderr. Env:
AUTOMAT_URL/AUTOMAT_TOKEN (else .automat/openrc), BENCH_CASSANDRA_VERSION
(else the datastore's default), BENCH_CASSANDRA_FLAVOR, BENCH_RESIZE_FLAVOR,
BENCH_ROWS, BENCH_IDLE_SECONDS.
"""
import collections
import json
import os
import random
import secrets
import threading
import time

from cassandra import ConsistencyLevel
from cassandra.auth import PlainTextAuthProvider
from cassandra.cluster import EXEC_PROFILE_DEFAULT, Cluster, ExecutionProfile
from cassandra.concurrent import execute_concurrent_with_args
from cassandra.policies import DCAwareRoundRobinPolicy, TokenAwarePolicy
from cassandra.query import SimpleStatement

from benchlib import api, delete_cluster, log, wait_cluster_active  # bench/, this script's folder, is on sys.path

SMALL = os.environ.get("BENCH_CASSANDRA_FLAVOR", "2")
BIG = os.environ.get("BENCH_RESIZE_FLAVOR")  # None: the next flavor by RAM
VERSION = os.environ.get("BENCH_CASSANDRA_VERSION")
ROWS = int(os.environ.get("BENCH_ROWS", "10000"))
IDLE_S = float(os.environ.get("BENCH_IDLE_SECONDS", "30"))
RACKS = ("rack1", "rack2", "rack3")
KEYSPACE = "bench_roll"
PAD_BYTES = 100
REQUEST_TIMEOUT = 10  # s, the driver's per-request limit
TIMEOUT = 1800  # s, for the create and for each roll


def flavors():
    """{id: {"name", "ram"}} of the catalog (GET /flavors)."""
    status, answer = api("GET", "/flavors")
    if status != 200:
        raise SystemExit(f"GET /flavors answered {status}: {answer}")
    return {str(f["id"]): f for f in answer["flavors"]}


def next_larger(catalog, flavor_id):
    """The catalog's flavor with the least RAM above `flavor_id`'s."""
    ram = catalog[flavor_id]["ram"]
    larger = [f for f in catalog.values() if f["ram"] > ram]
    if not larger:
        raise SystemExit(f"no flavor has more RAM than {flavor_id} ({ram} MB)")
    return str(min(larger, key=lambda f: f["ram"])["id"])


def wait_active(cluster_id, start):
    """(seconds from `start`, view) once the cluster is ACTIVE with task NONE."""
    return wait_cluster_active(cluster_id, start, TIMEOUT)


def create(made):
    """POSTs the 3-rack ring (its id goes to `made` at once, so it is deleted
    whatever happens next); returns its view once ACTIVE."""
    ds = {"type": "cassandra", **({"version": VERSION} if VERSION else {})}
    nodes = [{"flavorRef": SMALL, "volume": {"size": 1}, "availability_zone": r} for r in RACKS]
    start = time.monotonic()
    status, answer = api("POST", "/clusters", {"cluster": {
        "name": "bench-roll", "datastore": ds, "instances": nodes}})
    if status != 202:
        raise SystemExit(f"cluster create answered {status}: {answer}")
    cluster_id = answer["cluster"]["id"]
    made.append(cluster_id)
    log(f"cluster {cluster_id}: 3 nodes in {', '.join(RACKS)}, waiting for ACTIVE")
    seconds, view = wait_active(cluster_id, start)
    log(f"  ACTIVE after {seconds:.1f} s")
    return view


def connect(view):
    """A driver session as the cluster's root user, QUORUM by default."""
    status, answer = api("POST", f"/clusters/{view['id']}/root")
    assert status == 200, answer
    user = answer["user"]
    profile = ExecutionProfile(
        load_balancing_policy=TokenAwarePolicy(DCAwareRoundRobinPolicy(local_dc="dc1")),
        consistency_level=ConsistencyLevel.QUORUM, request_timeout=REQUEST_TIMEOUT)
    cluster = Cluster([n["ip"][0] for n in view["instances"]],
                      auth_provider=PlainTextAuthProvider(user["name"], user["password"]),
                      execution_profiles={EXEC_PROFILE_DEFAULT: profile},
                      protocol_version=4, connect_timeout=30)
    return cluster, cluster.connect()


def load(session):
    session.execute(f"CREATE KEYSPACE {KEYSPACE} WITH replication = "
                    "{'class': 'NetworkTopologyStrategy', 'dc1': 3}")
    session.execute(f"CREATE TABLE {KEYSPACE}.rows (id int PRIMARY KEY, pad text)")
    insert = session.prepare(f"INSERT INTO {KEYSPACE}.rows (id, pad) VALUES (?, ?)")
    rows = [(i, secrets.token_hex(PAD_BYTES // 2)) for i in range(ROWS)]
    results = execute_concurrent_with_args(session, insert, rows, concurrency=32,
                                           raise_on_first_error=True)
    assert all(r.success for r in results)
    log(f"{ROWS} rows loaded at QUORUM")


def count(session):
    """Rows of the table, by a paged scan of the keys at QUORUM."""
    scan = SimpleStatement(f"SELECT id FROM {KEYSPACE}.rows",
                           consistency_level=ConsistencyLevel.QUORUM, fetch_size=2000)
    return len({r.id for r in session.execute(scan, timeout=600)})


class Client(threading.Thread):
    """QUORUM reads and writes of the loaded rows, one at a time, half each.
    samples: (monotonic start, seconds, "" or what failed) per request."""

    def __init__(self, session):
        super().__init__(daemon=True)
        self.session = session
        self.read = session.prepare(f"SELECT pad FROM {KEYSPACE}.rows WHERE id = ?")
        self.write = session.prepare(f"UPDATE {KEYSPACE}.rows SET pad = ? WHERE id = ?")
        # Both may run twice: the driver then retries one on the next host
        # when its connection to a node that is stopping drops.
        self.read.is_idempotent = self.write.is_idempotent = True
        self.done = threading.Event()
        self.samples = []
        self.logged = 0

    def request(self, rng):
        """An empty string when the request succeeded, else what failed."""
        key = rng.randrange(ROWS)
        try:
            if rng.random() < 0.5:
                if self.session.execute(self.read, (key,)).one() is None:
                    return "read found no row"
            else:
                self.session.execute(self.write, (secrets.token_hex(PAD_BYTES // 2), key))
            return ""
        # Whatever the driver raises (Unavailable, ReadTimeout, WriteTimeout,
        # OperationTimedOut, NoHostAvailable, a connection error) is a failed
        # request to count by its kind; letting one end the thread would
        # report the rest of the run as failure-free.
        except Exception as e:
            if self.logged < 20:
                self.logged += 1
                log(f"  request failed: {type(e).__name__}: {e}")
            return type(e).__name__

    def run(self):
        rng = random.Random(1)
        while not self.done.is_set():
            start = time.monotonic()
            error = self.request(rng)
            self.samples.append((start, time.monotonic() - start, error))

    def window(self, start, end):
        """The requests started in [start, end): count, failures by kind,
        p50 and p99 latency in ms."""
        picked = [s for s in list(self.samples) if start <= s[0] < end]
        latencies = sorted(took for _, took, _ in picked)
        failed = collections.Counter(error for _, _, error in picked if error)
        return {"requests": len(picked), "failed": failed, "seconds": end - start,
                "p50": percentile(latencies, 50), "p99": percentile(latencies, 99)}


def percentile(sorted_values, p):
    """Nearest-rank percentile, in ms; None without values."""
    if not sorted_values:
        return None
    rank = max(1, -(-len(sorted_values) * p // 100))
    return 1000 * sorted_values[int(rank) - 1]


def jvms(view):
    """{node id: (pid, -Xmx)} of the nodes' Cassandra JVMs on this machine
    (the java process whose command line names the node's instance
    directory); a node whose JVM is not found here is left out."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                args = f.read().split(b"\0")
        except OSError:
            continue
        if not args[0].endswith(b"java"):
            continue
        for n in view["instances"]:
            if any(f"/instances/{n['id']}/".encode() in a for a in args):
                xmx = next((a[4:].decode() for a in args if a.startswith(b"-Xmx")), "?")
                found[n["id"]] = (int(entry), xmx)
    return found


def roll(cluster_id, flavor, by):
    """POSTs the rolling resize (retrying while the nodes' reports are
    pending) and waits for the cluster ACTIVE with every node on `flavor`,
    logging the operation's phases. Returns (request time, seconds, view)."""
    body = {"resize": {"flavorRef": flavor, "by": by}}
    deadline = time.monotonic() + 60
    while True:
        start = time.monotonic()
        status, answer = api("POST", f"/clusters/{cluster_id}/action", body)
        if status == 202:
            break
        if status == 422 and "retry shortly" in json.dumps(answer) and time.monotonic() < deadline:
            time.sleep(1)
            continue
        raise SystemExit(f"resize by {by} to flavor {flavor} answered {status}: {answer}")
    operation_id = answer.get("operation", {}).get("id")
    phases = threading.Thread(target=log_phases, args=(operation_id, start), daemon=True)
    phases.start()
    seconds, view = wait_active(cluster_id, start)
    phases.join(timeout=5)
    behind = [n["name"] for n in view["instances"] if str(n["flavor"]["id"]) != flavor]
    if behind:
        raise SystemExit(f"cluster {cluster_id} ACTIVE after the resize by {by}, but nodes"
                         f" {', '.join(behind)} are not on flavor {flavor}")
    return start, seconds, view


def log_phases(operation_id, start):
    """Logs the operation's message each time it changes, until it ends."""
    last = None
    while operation_id and time.monotonic() - start < TIMEOUT:
        status, answer = api("GET", f"/operations/{operation_id}")
        op = answer.get("operation", {}) if status == 200 else {}
        message = (op.get("state"), op.get("message"))
        if message != last:
            log(f"  {time.monotonic() - start:7.1f} s  {op.get('state')}: {op.get('message')}")
            last = message
        if op.get("state") in ("COMPLETED", "FAILED"):
            return
        time.sleep(0.5)


def ms(value):
    return "-" if value is None else f"{value:.1f}"


def failures(w):
    total = sum(w["failed"].values())
    kinds = ", ".join(f"{n} {kind}" for kind, n in w["failed"].most_common())
    return f"{total} of {w['requests']:,}" + (f" ({kinds})" if kinds else "")


def row(metric, target, measured):
    print(f"| {metric} | {target} | {measured} |", flush=True)


def report(r):
    """The rows of one roll: r holds by, was, flavor (names), seconds, idle
    and during (Client.window), before and after (jvms)."""
    roll_name = f"rolling resize by {r['by']}"
    row(f"{roll_name}, {r['was']} → {r['flavor']}, 3 nodes in 3 racks (request → ACTIVE)", "—",
        f"{r['seconds']:.1f} s")
    during, idle = r["during"], r["idle"]
    row(f"QUORUM reads + writes failed during the {roll_name}", "0", failures(during))
    row(f"QUORUM latency p50 / p99 during the {roll_name} (idle before it: "
        f"{idle['seconds']:.0f} s, {failures(idle)} failed)", "—",
        f"{ms(during['p50'])} / {ms(during['p99'])} ms ({ms(idle['p50'])} /"
        f" {ms(idle['p99'])} ms)")
    before, after = r["before"], r["after"]
    if not before or not after:
        row(f"JVMs restarted with the new heap by the {roll_name}", "every node",
            "not measured (the nodes' JVMs are not on this machine)")
        return
    restarted = [i for i in before if i in after and after[i][0] != before[i][0]]
    heaps = sorted({f"{before[i][1]} → {after[i][1]}" for i in restarted})
    row(f"JVMs restarted with the new heap by the {roll_name}", "every node",
        f"{len(restarted)} of {len(before)}, -Xmx {', '.join(heaps) or '-'}")


def idle_window(client, what):
    log(f"{IDLE_S:.0f} s idle on {what}")
    start = time.monotonic()
    time.sleep(IDLE_S)
    return client.window(start, time.monotonic())


def main():
    catalog = flavors()
    big = BIG or next_larger(catalog, SMALL)
    name = {f: f"{catalog[f]['name']} ({catalog[f]['ram']} MB)" for f in (SMALL, big)}
    made = []
    cluster = client = None
    try:
        view = create(made)
        cluster_id = view["id"]
        cluster, session = connect(view)
        load(session)
        client = Client(session)
        client.start()
        time.sleep(3)  # the driver's pools warm up; not counted
        results = []
        for flavor, by, was in ((big, "node", SMALL), (SMALL, "rack", big)):
            idle = idle_window(client, name[was])
            before = jvms(view)
            log(f"resize by {by}: {name[was]} → {name[flavor]}")
            start, seconds, view = roll(cluster_id, flavor, by)
            during = client.window(start, start + seconds)
            log(f"  ACTIVE on {name[flavor]} after {seconds:.1f} s; {failures(during)} failed")
            results.append({"by": by, "was": name[was], "flavor": name[flavor],
                            "seconds": seconds, "idle": idle, "during": during,
                            "before": before, "after": jvms(view)})
        client.done.set()
        client.join()
        rows = count(session)
        print("| metric | target | measured |")
        print("|---|---|---|")
        for result in results:
            report(result)
        row("rows after both rolls (QUORUM scan)", f"{ROWS:,}", f"{rows:,}")
        if rows != ROWS:
            raise SystemExit(f"the ring holds {rows} of {ROWS} rows after the rolls")
    finally:
        if client:
            client.done.set()
            client.join(timeout=REQUEST_TIMEOUT + 5)
        if cluster:
            cluster.shutdown()
        for cluster_id in made:
            delete_cluster(cluster_id)


if __name__ == "__main__":
    main()

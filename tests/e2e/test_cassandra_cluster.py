"""A Cassandra cluster on real Apache Cassandra 5.0 nodes, through its whole
life (issue 3, section 8):

create 3 nodes over 2 racks -> nodetool status on a node shows 3 UN with the
right racks -> enable root; a keyspace with RF 3 (NetworkTopologyStrategy
dc1: 3) and 1,000 rows written at QUORUM -> a rolling resize by rack, or two
nodes at a time, is refused (422: QUORUM) -> grow to 4 into a third rack
(nodetool cleanup ran on the 3 old nodes) -> shrink one of the original
nodes -> all 1,000 rows read back at QUORUM -> a rolling resize by rack to
a bigger flavor while a client reads and writes at QUORUM sees 0 failures,
each JVM restarted with the new heap (issue 13) -> cleanup -> two cluster backups to the run's S3
server, the second of unchanged data sending under 5 % of the first's bytes,
no snapshot left (issue 12) -> 500 more rows in each of two tables, then a
new cluster restored from the first backup holds exactly the first 1,000 of
each, each node with its source's tokens and rack -> one table restored in
place: back to 1,000 rows while the other keeps 1,500 -> a shrink to 2 is refused (422: RF 3) -> kill -9
one node's JVM; a backup then FAILS naming that host, leaving no snapshot ->
replace_node it -> every row still readable -> delete -> no Cassandra JVM,
no node directory, the cluster 404.

The steps build on each other, so they are one test. Every wait has a
deadline; a failure shows the operation, the cluster and (conftest) the
services', guests' and nodes' logs.
"""
import glob
import os
import secrets
import signal
import threading
import time

from cassandra import ConsistencyLevel
from cassandra.concurrent import execute_concurrent_with_args
from cassandra.query import SimpleStatement

from cassandra_support import (cluster_action, cluster_view, cql_session, guest_actions,
                               java_pids_under,
                               jvm_pid, log_stamp, node_ips, nodetool, ring_status, summary,
                               wait_cluster_operation, with_session)
from support import (create_body, get_operation, http, loop_volumes_possible, pid_alive,
                     wait_for)

FLAVOR = "2"  # m1.small, 1024 MB: the least Cassandra accepts
BIGGER = "3"  # m1.medium, 2048 MB: a 512 MB heap instead of 256 MB
ROWS = 1000
KEYSPACE = "e2e_ring"
# Bounded, but generous: this machine runs every JVM on 2 shared cores.
CREATE_TIMEOUT = 900
GROW_TIMEOUT = 900
SHRINK_TIMEOUT = 600
REPLACE_TIMEOUT = 900
DELETE_TIMEOUT = 300


def node_spec(rack, size=1):
    return {"flavorRef": FLAVOR, "volume": {"size": size}, "availability_zone": rack}


class Ring:
    """The cluster under test, and every node it ever had (for the final checks)."""

    def __init__(self, stack, tenant):
        self.stack, self.tenant = stack, tenant
        self.id = None
        self.ever = set()  # every node id seen
        self.timings = {}

    def view(self):
        view = cluster_view(self.tenant, self.id)
        if view is not None:
            self.ever.update(n["id"] for n in view["instances"])
        return view

    def dir(self, node_id):
        return self.stack.instance_dir(node_id)

    def run(self, what, op_id, timeout, on_poll=None):
        """Waits for the operation; records its duration; returns it."""
        start = time.monotonic()
        op = wait_cluster_operation(self.tenant, self.id, op_id, timeout, on_poll)
        self.timings[what] = time.monotonic() - start
        print(f"cassandra e2e: {what} took {self.timings[what]:.0f} s")
        return op

    def active(self, size):
        """The cluster view once it is ACTIVE, task NONE, with `size` ACTIVE nodes
        (a node's status follows its guest's next heartbeat: seconds)."""
        last = {}

        def ready():
            view = self.view()
            assert view is not None, f"cluster {self.id} disappeared"
            last["view"] = view
            return view if (view["status"] == "ACTIVE" and view["task"]["name"] == "NONE"
                            and len(view["instances"]) == size
                            and all(n["status"] == "ACTIVE" for n in view["instances"])) else None
        try:
            return wait_for(ready, 30, 1, f"cluster {self.id} ACTIVE with {size} ACTIVE nodes")
        except AssertionError as err:
            raise AssertionError(f"{err}\ncluster: {summary(last.get('view'))}") from None

    def assert_ring(self, view):
        """nodetool status on a node shows every node UN with its rack, nothing else."""
        expected = {n["ip"][0]: ("UN", n["rack"]) for n in view["instances"]}
        address = view["instances"][0]["ip"][0]
        seen = {}

        def settled():
            seen.clear()
            seen.update(ring_status(self.stack.cassandra_image, address))
            return seen == expected
        wait_for(settled, 60, 2, f"nodetool status on {address} to show {expected}")
        return seen

    def assert_gone(self, node_id):
        assert node_id not in node_ips(self.view())
        assert not java_pids_under([self.dir(node_id)]), f"node {node_id}'s JVM still runs"
        assert not os.path.exists(self.dir(node_id)), f"{self.dir(node_id)} is still there"


class QuorumClient(threading.Thread):
    """Writes a row and reads it back, both at QUORUM, back to back until
    stopped; every failure (an error, or a read missing the write) is kept."""

    def __init__(self, ips, user, password):
        super().__init__(daemon=True)
        self.ips, self.user, self.password = ips, user, password
        self.stop = threading.Event()
        self.ready = threading.Event()
        self.done = 0
        self.failures = []

    def run(self):
        try:
            cluster, session = cql_session(self.ips, self.user, self.password)
        except Exception as err:
            self.failures.append(f"connect: {err!r}")
            self.ready.set()
            return
        try:
            write = session.prepare(f"INSERT INTO {KEYSPACE}.roll (id, v) VALUES (?, ?)")
            read = session.prepare(f"SELECT v FROM {KEYSPACE}.roll WHERE id = ?")
            for statement in (write, read):
                statement.consistency_level = ConsistencyLevel.QUORUM
                statement.is_idempotent = True
            self.ready.set()
            while not self.stop.is_set():
                i = self.done
                try:
                    session.execute(write, (i, f"roll-{i}"))
                    rows = list(session.execute(read, (i,)))
                    if [r.v for r in rows] != [f"roll-{i}"]:
                        self.failures.append(f"read of id {i} found {rows}")
                except Exception as err:  # every failure counts
                    self.failures.append(f"id {i} at {time.strftime('%H:%M:%S')}: {err!r}")
                self.done += 1
        finally:
            self.ready.set()
            cluster.shutdown()


def heap_of(pid):
    with open(f"/proc/{pid}/cmdline", "rb") as f:
        args = f.read().split(b"\0")
    return next((a[4:].decode() for a in args if a.startswith(b"-Xmx")), None)


def rolling_resize(ring, view, user, password):
    tenant = ring.tenant
    ips = list(node_ips(view).values())
    with_session(ips, user, password, lambda s: s.execute(
        f"CREATE TABLE IF NOT EXISTS {KEYSPACE}.roll (id int PRIMARY KEY, v text)"))
    jvms = {n["id"]: jvm_pid(ring.dir(n["id"])) for n in view["instances"]}
    assert {heap_of(p) for p in jvms.values()} == {"256M"}, {i: heap_of(p) for i, p in jvms.items()}
    client = QuorumClient(ips, user, password)
    client.start()
    assert client.ready.wait(120), "the QUORUM client did not connect"
    time.sleep(3)
    idle_done = client.done
    assert idle_done > 0 and not client.failures, (idle_done, client.failures[:5])
    resp = cluster_action(tenant, ring.id, {"resize": {"flavorRef": BIGGER, "by": "rack"}},
                          path="/action")
    assert resp.status == 202, f"resize answered {resp.status}: {resp.text}"
    assert resp.json["cluster"]["task"]["name"] == "RESIZING", resp.text
    op_id = resp.json["operation"]["id"]
    phases, messages = set(), []

    def record(v):
        phases.update(n["phase"] for n in v["instances"] if n.get("phase"))
        message = get_operation(tenant, op_id).get("message")
        if message and (not messages or messages[-1] != message):
            messages.append(message)
    try:
        ring.run("rolling resize by rack", op_id, GROW_TIMEOUT, record)
    finally:
        client.stop.set()
        client.join(60)
    print(f"cassandra e2e: the rolling resize's messages: {messages}")
    assert client.done > idle_done, "the client did nothing during the roll"
    assert not client.failures, (
        f"{len(client.failures)} of {client.done} QUORUM requests failed during the roll: "
        f"{client.failures[:10]}")
    print(f"cassandra e2e: {client.done} QUORUM write+read pairs during the roll, 0 failed")
    assert "restarting" in phases, phases
    assert any(m.startswith("rack rack") for m in messages), messages
    view = ring.active(3)
    ring.assert_ring(view)
    for node in view["instances"]:
        assert node["flavor"]["id"] == BIGGER, node
        pid = jvm_pid(ring.dir(node["id"]))
        assert pid != jvms[node["id"]], f"{node['id']}'s JVM did not restart"
        assert heap_of(pid) == "512M", (node["id"], heap_of(pid))

    def count(session):
        scan = SimpleStatement(f"SELECT id FROM {KEYSPACE}.roll",
                               consistency_level=ConsistencyLevel.QUORUM, fetch_size=1000)
        return len(list(session.execute(scan)))
    assert with_session(ips, user, password, count) == client.done
    return view


def write_rows(ips, user, password, first=0, count=ROWS, table="kv"):
    def work(session):
        if first == 0:
            session.execute(f"CREATE KEYSPACE IF NOT EXISTS {KEYSPACE} WITH replication = "
                            "{'class': 'NetworkTopologyStrategy', 'dc1': 3}")
            session.execute(f"CREATE TABLE IF NOT EXISTS {KEYSPACE}.{table} "
                            "(id int PRIMARY KEY, v text)")
        insert = session.prepare(f"INSERT INTO {KEYSPACE}.{table} (id, v) VALUES (?, ?)")
        insert.consistency_level = ConsistencyLevel.QUORUM
        results = execute_concurrent_with_args(session, insert,
                                               [(i, f"value-{i}")
                                                for i in range(first, first + count)],
                                               concurrency=32, raise_on_first_error=False)
        failed = [r.result_or_exc for r in results if not r.success]
        assert not failed, f"{len(failed)} QUORUM writes failed, e.g. {failed[0]}"
    with_session(ips, user, password, work)


def read_rows(ips, user, password, count=ROWS, table="kv"):
    """Every row of the table read at QUORUM (one scan, plus a QUORUM read per key):
    exactly ids 0..count-1, each with its value."""
    def work(session):
        scan = SimpleStatement(f"SELECT id, v FROM {KEYSPACE}.{table}",
                               consistency_level=ConsistencyLevel.QUORUM, fetch_size=250)
        rows = {r.id: r.v for r in session.execute(scan)}
        one = session.prepare(f"SELECT v FROM {KEYSPACE}.{table} WHERE id = ?")
        one.consistency_level = ConsistencyLevel.QUORUM
        results = execute_concurrent_with_args(session, one, [(i,) for i in range(count + 5)],
                                               concurrency=32, raise_on_first_error=False)
        by_key = {}
        for i, r in enumerate(results):
            assert r.success, f"QUORUM read of id {i} failed: {r.result_or_exc}"
            found = list(r.result_or_exc)
            if found:
                by_key[i] = found[0].v
        return rows, by_key
    rows, by_key = with_session(ips, user, password, work)
    expected = {i: f"value-{i}" for i in range(count)}
    assert rows == expected, (f"the QUORUM scan of {table} found {len(rows)} rows; expected "
                              f"exactly ids "
                              f"0..{count - 1}, {len(set(rows) & set(expected))} of them intact")
    assert by_key == expected, f"QUORUM reads by key found {len(by_key)} rows, expected {count}"


def cluster_backup(ring, name, timeout=600):
    """POST /clusters/{id}/backups, waited for: the COMPLETED backup's view."""
    tenant = ring.tenant
    resp = http("POST", tenant.url(f"/clusters/{ring.id}/backups"), tenant.token,
                {"backup": {"name": name}})
    assert resp.status == 202, f"cluster backup answered {resp.status}: {resp.text}"
    backup = wait_backup_end(tenant, resp.json["backup"]["id"], timeout)
    assert backup["status"] == "COMPLETED", backup
    assert backup["cluster_id"] == ring.id, backup
    ring.active(len(ring.view()["instances"]))
    return backup


def wait_backup_end(tenant, backup_id, timeout=600):
    """The backup's view once it is COMPLETED or FAILED."""
    def ended():
        resp = http("GET", tenant.url(f"/backups/{backup_id}"), tenant.token)
        assert resp.status == 200, resp.text
        b = resp.json["backup"]
        return b if b["status"] in ("COMPLETED", "FAILED") else None
    return wait_for(ended, timeout, 1, f"backup {backup_id} to end")


def node_tokens(stack, address):
    """The node's tokens, as `nodetool info -T` lists them (a frozenset)."""
    out = nodetool(stack.cassandra_image, address, "info", "-T")
    tokens = frozenset(line.split(":", 1)[1].strip() for line in out.splitlines()
                       if line.startswith("Token"))
    assert tokens, f"nodetool info -T on {address} listed no tokens: {out}"
    return tokens


def snapshots_left(ring, view):
    """Every backup snapshot ("automat-<backup id>") under the data of the cluster's
    nodes (a TRUNCATE's own automatic snapshots are Cassandra's, and stay)."""
    found = []
    for node in view["instances"]:
        found += glob.glob(os.path.join(ring.dir(node["id"]), "volume", "cassandra", "data", "*", "*",
                                        "snapshots", "automat-*"))
    return found


def throttled_drill(ring, stack, ips, user, password):
    tenant = ring.tenant

    def load(session):
        session.execute(f"CREATE TABLE IF NOT EXISTS {KEYSPACE}.blobs (id int PRIMARY KEY, v text)")
        insert = session.prepare(f"INSERT INTO {KEYSPACE}.blobs (id, v) VALUES (?, ?)")
        insert.consistency_level = ConsistencyLevel.ALL
        results = execute_concurrent_with_args(session, insert,
                                               [(i, secrets.token_hex(10240))
                                                for i in range(300)],
                                               concurrency=16, raise_on_first_error=False)
        assert all(r.success for r in results), "writing the blobs failed"
    with_session(ips, user, password, load)
    view = ring.view()
    for node in view["instances"]:
        nodetool(stack.cassandra_image, node["ip"][0], "flush", KEYSPACE)
    rate = 1  # MiB/s per node
    start = time.monotonic()
    resp = http("POST", tenant.url(f"/clusters/{ring.id}/backups"), tenant.token,
                {"backup": {"name": "e2e-throttled", "keyspaces": [f"{KEYSPACE}.blobs"],
                            "max_mib_per_second": rate}})
    assert resp.status == 202, f"a throttled backup answered {resp.status}: {resp.text}"
    backup_id, op_id = resp.json["backup"]["id"], resp.json["operation"]["id"]
    wait_for(lambda: get_operation(tenant, op_id)["step_name"] == "store-snapshots", 120, 0.05,
             f"backup {backup_id} to store the snapshots")
    stack.kill("automat-taskmanager")
    try:
        killed = get_operation(tenant, op_id)
        assert killed["state"] == "RUNNING" and killed["step_name"] == "store-snapshots", killed
        time.sleep(1)
    finally:
        stack.start("automat-taskmanager")
    backup = wait_backup_end(tenant, backup_id, 300)
    elapsed = time.monotonic() - start
    assert backup["status"] == "COMPLETED", backup
    # The backup is COMPLETED by the operation's last step; the runner
    # records the operation's end a moment later.
    last = {}

    def ended():
        last.update(get_operation(tenant, op_id))
        return last["state"] not in ("SUBMITTED", "RUNNING")
    wait_for(ended, 30, 0.2, f"operation {op_id} to end")
    assert last["state"] == "COMPLETED", last
    per_node = backup["size_bytes"] / len(view["instances"])
    assert per_node >= 3 * 1024 * 1024, backup  # random hex: LZ4 keeps most of it
    # Every node sent its part at no more than the rate (less one free chunk).
    floor = (per_node - 256 * 1024) / (rate * 1024 * 1024)
    assert elapsed >= floor, f"{per_node:.0f} bytes a node stored in {elapsed:.1f} s at {rate} MiB/s"
    assert not snapshots_left(ring, view), f"snapshots left: {snapshots_left(ring, view)}"
    ring.active(len(view["instances"]))
    print(f"cassandra e2e: a backup throttled to {rate} MiB/s per node stored "
          f"{per_node / 1048576:.1f} MiB a node in {elapsed:.1f} s across a taskmanager kill -9")
    with_session(ips, user, password, lambda s: s.execute(f"DROP TABLE {KEYSPACE}.blobs"))


def test_cassandra_cluster_lifecycle(stack, tenant_a, tenant_b):
    ring = Ring(stack, tenant_a)
    ring.other_tenant = tenant_b
    body = {"cluster": {"name": "e2e-cass-" + secrets.token_hex(3),
                        "datastore": {"type": "cassandra", "version": stack.cassandra_version},
                        # Sizes as strings, as `openstack database cluster create
                        # ... --instance flavor=m1.small,volume=1` sends them.
                        "instances": [node_spec(r, "1") for r in ("rack1", "rack1", "rack2")]}}
    resp = http("POST", tenant_a.url("/clusters"), tenant_a.token, body)
    assert resp.status == 202, f"create answered {resp.status}: {resp.text}"
    ring.id = resp.json["cluster"]["id"]
    assert resp.headers.get("x-operation-id") == resp.json["operation"]["id"]
    try:
        lifecycle(ring, resp.json["operation"]["id"])
    finally:
        if ring.view() is not None:  # a failed step: delete what is left (best effort)
            http("DELETE", tenant_a.url(f"/clusters/{ring.id}"), tenant_a.token)
    print("cassandra e2e timings: " +
          ", ".join(f"{k} {v:.0f} s" for k, v in ring.timings.items()))


def lifecycle(ring, create_op):
    tenant, stack = ring.tenant, ring.stack

    # 1. Create: 3 nodes over 2 racks, every one UN with its rack.
    ring.run("create", create_op, CREATE_TIMEOUT)
    view = ring.active(3)
    originals = {n["id"]: n for n in view["instances"]}
    assert sorted(n["rack"] for n in originals.values()) == ["rack1", "rack1", "rack2"], (
        summary(view))
    assert {n["rack"] for n in originals.values() if n["seed"]} == {"rack1", "rack2"}, (
        f"every rack needs a seed: {summary(view)}")
    ring.assert_ring(view)
    # As in Trove, the instance list leaves a cluster's members out unless
    # include_clustered=true; a member's view names its cluster.
    listed = http("GET", tenant.url("/instances"), tenant.token).json["instances"]
    assert not set(originals) & {i["id"] for i in listed}, listed
    listed = http("GET", tenant.url("/instances?include_clustered=true"),
                  tenant.token).json["instances"]
    members = {i["id"]: i for i in listed if i["id"] in originals}
    assert set(members) == set(originals), listed
    assert all(i["cluster_id"] == ring.id for i in members.values()), listed

    # 2. Root, a keyspace with RF 3, 1,000 rows at QUORUM.
    resp = http("POST", tenant.url(f"/clusters/{ring.id}/root"), tenant.token)
    assert resp.status == 200, f"enable root answered {resp.status}: {resp.text}"
    user, password = resp.json["user"]["name"], resp.json["user"]["password"]
    assert user and password
    write_rows(list(node_ips(view).values()), user, password)
    write_rows(list(node_ips(view).values()), user, password, table="kv2")

    # 2b. A rolling flavor resize that could cost QUORUM is refused (issue
    #     13): rack1's two nodes may hold two of a range's three replicas,
    #     and so may any two nodes.
    for body, why in (
            # Which keyspace and factor the reason names depends on the
            # nodes' last reports (cached up to a minute): e2e_ring at 3, or
            # system_auth at 2 from before the third node secured it.
            ({"flavorRef": BIGGER, "by": "rack"},
             "restarting every node of 1 rack at a time could stop"),
            ({"flavorRef": BIGGER, "concurrency": 2},
             "restarting 2 nodes at a time could stop")):
        resp = cluster_action(tenant, ring.id, {"resize": body}, path="/action")
        assert resp.status == 422 and why in resp.text, (body, resp.status, resp.text)
    assert ring.view()["task"]["name"] == "NONE"

    # 3. Grow to 4 (into rack3): the new node joins, then cleanup on each old node.
    since = log_stamp()
    phases = {}

    def record(v):
        for n in v["instances"]:
            if n.get("phase"):
                phases.setdefault(n["id"], set()).add(n["phase"])
    resp = cluster_action(tenant, ring.id, {"grow": [node_spec("rack3")]})
    assert resp.status == 202, f"grow answered {resp.status}: {resp.text}"
    op = ring.run("grow by one", resp.json["operation"]["id"], GROW_TIMEOUT, record)
    view = ring.active(4)
    grown = [n for n in view["instances"] if n["id"] not in originals]
    assert len(grown) == 1 and grown[0]["rack"] == "rack3", summary(view)
    ring.assert_ring(view)
    for node_id in originals:
        actions = guest_actions(ring.dir(node_id), since)
        assert "cleanup" in actions, (
            f"the grow did not run nodetool cleanup on old node {node_id} (its guest's "
            f"actions since the grow: {actions}); operation: {op}")
    print(f"cassandra e2e: node phases seen during the grow: {phases}")

    # 4. Shrink one original node of rack1 (rack1 keeps its other node): a
    #    non-seed, so the seeds stay where they are. 3 nodes over 3 racks.
    leaving = next(n["id"] for n in originals.values() if n["rack"] == "rack1" and not n["seed"])
    resp = cluster_action(tenant, ring.id, {"shrink": [{"id": leaving}]})
    assert resp.status == 202, f"shrink answered {resp.status}: {resp.text}"
    ring.run("shrink by one", resp.json["operation"]["id"], SHRINK_TIMEOUT)
    view = ring.active(3)
    ring.assert_gone(leaving)
    ring.assert_ring(view)
    read_rows(list(node_ips(view).values()), user, password)

    # 4a. A rolling flavor resize by rack (issue 13): one rack at a time,
    #     each node drained, stopped and started with the bigger flavor's
    #     heap, the next rack only once it is UN everywhere and its hints
    #     are delivered; a client writing and reading at QUORUM throughout
    #     sees no failure.
    view = rolling_resize(ring, view, user, password)
    read_rows(list(node_ips(view).values()), user, password)

    # 4b. Cassandra's own action, cleanup: nodetool cleanup on every node,
    #     through the generic action route; the rows stay.
    since = log_stamp()
    resp = cluster_action(tenant, ring.id, {"cleanup": {}}, path="/action")
    assert resp.status == 202, f"cleanup answered {resp.status}: {resp.text}"
    assert resp.json["cluster"]["task"]["name"] == "CLEANING", resp.text
    op = ring.run("clean up every node", resp.json["operation"]["id"], GROW_TIMEOUT)
    view = ring.active(3)
    for node in view["instances"]:
        actions = guest_actions(ring.dir(node["id"]), since)
        assert actions.count("cleanup") == 1, (
            f"the cleanup action ran nodetool cleanup {actions.count('cleanup')} times on "
            f"node {node['id']} (its guest's actions: {actions}); operation: {op}")
    read_rows(list(node_ips(view).values()), user, password)

    # 4b'. A volume resize of the whole cluster (issue 13): every node's
    #      volume grows to 2 GB while its JVM keeps running; each node's
    #      view shows the new size and what its guest reports used.
    jvms = {n["id"]: jvm_pid(ring.dir(n["id"])) for n in view["instances"]}
    resp = cluster_action(tenant, ring.id, {"resize_volume": {"size": 2}}, path="/action")
    assert resp.status == 202, f"resize_volume answered {resp.status}: {resp.text}"
    ring.run("grow every node's volume", resp.json["operation"]["id"], GROW_TIMEOUT)
    view = ring.active(3)
    real, _ = loop_volumes_possible()
    for node in view["instances"]:
        assert node["volume"]["size"] == 2, node
        assert jvm_pid(ring.dir(node["id"])) == jvms[node["id"]], f"{node['id']}'s JVM restarted"
        if real:
            st = os.statvfs(ring.stack.volume_dir(node["id"]))
            assert st.f_blocks * st.f_frsize > 1.8 * (1 << 30), (node["id"], st)
    wait_for(lambda: all("used" in n["volume"] for n in ring.view()["instances"]), 30, 1,
             "every node's volume usage in the cluster view")
    read_rows(list(node_ips(view).values()), user, password)

    # 4c. Cluster backups (issue 12, section 4): a snapshot on every node,
    #     each node's snapshot stored, the snapshots cleared; the backup
    #     names every node; a second backup of unchanged data sends under
    #     5 % of the first's bytes. One SSTable per node first (flush and
    #     major compaction), so no compaction rewrites files in between.
    for node in view["instances"]:
        nodetool(stack.cassandra_image, node["ip"][0], "flush", KEYSPACE)
        nodetool(stack.cassandra_image, node["ip"][0], "compact", KEYSPACE)
    first = cluster_backup(ring, "e2e-first")
    assert first["size_bytes"] > 0 and first["uploaded_bytes"] > 0, first
    assert not snapshots_left(ring, view), f"snapshots left: {snapshots_left(ring, view)}"
    second = cluster_backup(ring, "e2e-second")
    assert second["uploaded_bytes"] < 0.05 * first["uploaded_bytes"], (
        f"the second backup of unchanged data sent {second['uploaded_bytes']} bytes, the first "
        f"{first['uploaded_bytes']}")
    assert second["size_bytes"] >= first["size_bytes"] * 0.9, (first, second)
    print(f"cassandra e2e: backups sent {first['uploaded_bytes']} then "
          f"{second['uploaded_bytes']} bytes of {second['size_bytes']}")
    listed = http("GET", tenant.url(f"/clusters/{ring.id}/backups"), tenant.token)
    assert [b["id"] for b in listed.json["backups"]] == [first["id"], second["id"]], listed.text
    other = ring.other_tenant
    resp = http("GET", other.url(f"/backups/{first['id']}"), other.token)
    assert resp.status == 404, f"another tenant's GET answered {resp.status}: {resp.text}"
    resp = http("GET", other.url(f"/clusters/{ring.id}/backups"), other.token)
    assert resp.status == 404, f"another tenant's list answered {resp.status}: {resp.text}"
    # A Cassandra cluster's backup restored as a MySQL instance: 400 with
    # the reason, no instance made.
    before = len(http("GET", tenant.url("/instances"), tenant.token).json["instances"])
    body = create_body("e2e-wrong-restore", stack.version)
    body["instance"]["restorePoint"] = {"backupRef": first["id"]}
    resp = http("POST", tenant.url("/instances"), tenant.token, body)
    assert resp.status == 400 and "is a cluster backup" in resp.text, (resp.status, resp.text)
    assert len(http("GET", tenant.url("/instances"), tenant.token).json["instances"]) == before
    objects = stack.backup_objects_dir
    if objects:
        stored = [os.path.join(d, f) for d, _, fs in os.walk(objects) for f in fs]
        assert any(f"/backups/{first['id']}/manifest.json" in p for p in stored), stored[:20]
    read_rows(list(node_ips(view).values()), user, password)

    # 4d. Restore into a new cluster (issue 12, section 2): 500 more rows
    #     on the source, then a cluster from the first backup holds exactly
    #     the first 1,000, and each new node the tokens (and rack) of the
    #     node it took over. The restored cluster is deleted after.
    for table in ("kv", "kv2"):
        write_rows(list(node_ips(view).values()), user, password, first=ROWS, count=500,
                   table=table)
        read_rows(list(node_ips(view).values()), user, password, count=ROWS + 500, table=table)
    source_tokens = {node_tokens(stack, n["ip"][0]): n["rack"] for n in view["instances"]}
    restored = Ring(stack, tenant)
    resp = http("POST", tenant.url("/clusters"), tenant.token,
                {"cluster": {"name": "e2e-restored-" + secrets.token_hex(3),
                             "datastore": {"type": "cassandra", "version": stack.cassandra_version},
                             "restore": {"backup": first["id"]}}})
    assert resp.status == 202, f"restore answered {resp.status}: {resp.text}"
    restored.id = resp.json["cluster"]["id"]
    try:
        # The taskmanager killed -9 while the new nodes fetch and import
        # their files (issue 12 section 5): another one picks the operation
        # up from its cursor, the guests' jobs went on meanwhile.
        restore_op = resp.json["operation"]["id"]
        wait_for(lambda: get_operation(tenant, restore_op)["step_name"] == "restore-data",
                 CREATE_TIMEOUT, 0.05, "the restore to load the data")
        stack.kill("automat-taskmanager")
        try:
            killed = get_operation(tenant, restore_op)
            assert killed["state"] == "RUNNING" and killed["step_name"] == "restore-data", killed
        finally:
            stack.start("automat-taskmanager")
        restored.run("restore into a new cluster", restore_op, CREATE_TIMEOUT)
        rview = restored.active(3)
        got = {node_tokens(stack, n["ip"][0]): n["rack"] for n in rview["instances"]}
        assert got == source_tokens, (
            f"the restored nodes' tokens and racks differ from their sources': {got} vs "
            f"{source_tokens}")
        resp = http("POST", tenant.url(f"/clusters/{restored.id}/root"), tenant.token)
        assert resp.status == 200, f"enable root answered {resp.status}: {resp.text}"
        for table in ("kv", "kv2"):
            read_rows(list(node_ips(rview).values()), resp.json["user"]["name"],
                      resp.json["user"]["password"], count=ROWS, table=table)
        # The restore left the backup as it was: COMPLETED, usable again.
        shown = http("GET", tenant.url(f"/backups/{first['id']}"), tenant.token).json["backup"]
        assert shown["status"] == "COMPLETED", shown
    finally:
        resp = http("DELETE", tenant.url(f"/clusters/{restored.id}"), tenant.token)
        assert resp.status == 202, f"DELETE of the restored cluster answered {resp.status}"
        wait_for(lambda: restored.view() is None, DELETE_TIMEOUT, 1,
                 f"restored cluster {restored.id} to be gone")

    # 4e. Restore one table in place: fetch on every node, truncate, import;
    #     kv is back to its 1,000 rows, kv2 keeps its 1,500.
    resp = cluster_action(tenant, ring.id,
                          {"restore": {"backup": first["id"], "tables": [f"{KEYSPACE}.kv"]}},
                          path="/action")
    assert resp.status == 202, f"restore in place answered {resp.status}: {resp.text}"
    assert resp.json["cluster"]["task"]["name"] == "RESTORING", resp.text
    ring.run("restore a table in place", resp.json["operation"]["id"], CREATE_TIMEOUT)
    view = ring.active(3)
    read_rows(list(node_ips(view).values()), user, password, count=ROWS, table="kv")
    read_rows(list(node_ips(view).values()), user, password, count=ROWS + 500, table="kv2")
    assert not snapshots_left(ring, view), f"snapshots left: {snapshots_left(ring, view)}"
    staging = glob.glob(os.path.join(ring.dir(view["instances"][0]["id"]), "volume", "cassandra",
                                     "restore-*"))
    assert not staging, f"restore files left: {staging}"
    # A backup of another cluster cannot be restored in place here.
    resp = cluster_action(tenant, ring.id,
                          {"restore": {"backup": "no-such-backup", "tables": [f"{KEYSPACE}.kv"]}},
                          path="/action")
    assert resp.status == 400, f"restoring an unknown backup answered {resp.status}: {resp.text}"
    rows_now = ROWS

    # 4f. A backup held to 1 MiB/s per node (issue 12 section 4), with the
    #     taskmanager killed -9 while the nodes store their snapshots: a new
    #     taskmanager picks the operation up, the guests' upload jobs went on
    #     meanwhile, and the backup COMPLETES once, with no snapshot left.
    #     300 rows of 20 KB of random hex on each node (RF 3) take several
    #     seconds at that rate.
    throttled_drill(ring, stack, list(node_ips(view).values()), user, password)

    # 5. A shrink to 2 is refused: the keyspace keeps 3 replicas in dc1.
    # The victim of step 6: a non-seed when there is one.
    victim = sorted(view["instances"], key=lambda n: n["seed"])[0]
    other = next(n for n in view["instances"] if n["id"] != victim["id"])
    resp = cluster_action(tenant, ring.id, {"shrink": [{"id": other["id"]}]})
    assert resp.status == 422, f"a shrink to 2 nodes answered {resp.status}: {resp.text}"
    assert "replication factor 3" in resp.fault()[2], resp.text
    view = ring.active(3)
    # An action Cassandra does not have is named as such.
    resp = cluster_action(tenant, ring.id, {"restart": {}}, path="/action")
    assert resp.status == 400, f"an unknown action answered {resp.status}: {resp.text}"
    assert ("use one of grow, shrink, replace_node, resize_volume, resize, restore, cleanup"
            in resp.fault()[2]), resp.text

    # 6. kill -9 a node's JVM; replace it; every row still readable.
    pid = jvm_pid(ring.dir(victim["id"]))
    os.kill(pid, signal.SIGKILL)
    wait_for(lambda: not pid_alive(pid), 30, 0.2, f"JVM {pid} to die")
    # 5b. A backup while a node's JVM is dead: FAILED naming that host, no
    #     snapshot left on any node, nothing stored under the backup, the
    #     cluster idle again for the replace.
    resp = http("POST", tenant.url(f"/clusters/{ring.id}/backups"), tenant.token,
                {"backup": {"name": "e2e-doomed"}})
    assert resp.status == 202, f"backup answered {resp.status}: {resp.text}"
    doomed = wait_backup_end(tenant, resp.json["backup"]["id"])
    assert doomed["status"] == "FAILED", doomed
    # Its operation records the host it failed on once it has ended.
    op = wait_for(lambda: (lambda o: o if o["state"] in ("COMPLETED", "FAILED") else None)(
        get_operation(tenant, doomed["operation_id"])), 120, 1, "the backup's operation to end")
    assert op["state"] == "FAILED", op
    doomed = http("GET", tenant.url(f"/backups/{doomed['id']}"), tenant.token).json["backup"]
    hosts = {e["host"] for e in doomed["errors"]}
    assert victim["ip"][0] in hosts or victim["id"] in hosts, doomed["errors"]
    assert not snapshots_left(ring, view), f"snapshots left: {snapshots_left(ring, view)}"
    if stack.backup_objects_dir:
        left = os.path.join(stack.backup_objects_dir, "backups", doomed["id"])
        assert not os.path.exists(left) or not any(fs for _, _, fs in os.walk(left)), left
    wait_for(lambda: ring.view()["task"]["name"] == "NONE", 30, 1,
             f"cluster {ring.id} to be idle after the failed backup")

    def victim_down():
        node = next(n for n in ring.view()["instances"] if n["id"] == victim["id"])
        return node["status"] != "ACTIVE" and node["status"]
    down = wait_for(victim_down, 60, 1, f"node {victim['id']} to stop showing ACTIVE")
    print(f"cassandra e2e: the killed node shows {down}")
    resp = cluster_action(tenant, ring.id, {"replace_node": {"id": victim["id"]}},
                          path="/action", retry_unreported=False)
    assert resp.status == 202, f"replace_node answered {resp.status}: {resp.text}"
    ring.run("replace a dead node", resp.json["operation"]["id"], REPLACE_TIMEOUT)
    view = ring.active(3)
    ring.assert_gone(victim["id"])
    fresh = [n for n in view["instances"] if n["id"] not in originals and n["id"] not in
             {g["id"] for g in grown}]
    assert len(fresh) == 1 and fresh[0]["rack"] == victim["rack"], summary(view)
    ring.assert_ring(view)
    read_rows(list(node_ips(view).values()), user, password, count=rows_now)
    read_rows(list(node_ips(view).values()), user, password, count=ROWS + 500, table="kv2")

    # 7. Delete: no JVM, no directory, the cluster and its nodes 404.
    resp = http("DELETE", tenant.url(f"/clusters/{ring.id}"), tenant.token)
    assert resp.status == 202, f"DELETE answered {resp.status}: {resp.text}"
    start = time.monotonic()
    wait_for(lambda: ring.view() is None, DELETE_TIMEOUT, 1, f"cluster {ring.id} to be gone")
    ring.timings["delete"] = time.monotonic() - start
    dirs = [ring.dir(i) for i in ring.ever]
    assert len(ring.ever) == 5, f"expected 5 nodes over the cluster's life: {ring.ever}"
    wait_for(lambda: not java_pids_under(dirs), 30, 1, "every Cassandra JVM of the cluster to exit")
    assert not [d for d in dirs if os.path.exists(d)], "node directories are left"
    for node_id in ring.ever:
        resp = http("GET", tenant.url(f"/instances/{node_id}"), tenant.token)
        assert resp.status == 404, f"node {node_id} still answers: {resp.text}"
    listed = http("GET", tenant.url("/clusters"), tenant.token)
    assert ring.id not in {c["id"] for c in listed.json["clusters"]}, listed.text

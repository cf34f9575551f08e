#!/usr/bin/env python3
"""Cassandra cluster benchmark against a running ./stack.sh stack.

On real Apache Cassandra nodes (flavor m1.small, 1024 MB), one run, one
cluster at a time so the clusters do not compete for the cores:

A. "one after another" (Trove's order): a 1-node cluster POST -> ACTIVE
   (one node's start), BENCH_REPEAT times (default 3; the median counts: a
   cluster turns ACTIVE on a guest heartbeat, so up to one heartbeat
   interval late). The first of them is then grown by one node twice, each
   grow waited out before the next: its three nodes start strictly one
   after another, and the sum is the baseline. (Each grow also pushes the
   seed list and runs nodetool cleanup on the nodes already there; on an
   empty ring that takes seconds, and it is part of what a sequential start
   costs in Automat.)
B. A 3-node cluster over the same racks POST -> ACTIVE (Automat's create:
   servers and guests provisioned in parallel, the nodes started one at a
   time with auto_bootstrap off, seeds first, no cleanup), BENCH_REPEAT
   times, median.
   On the last one: the resident memory of each node's JVM (VmRSS), a grow
   by one (3 -> 4) and a shrink by one (4 -> 3; a 3-node ring cannot
   shrink: system_distributed keeps 3 replicas).
Every cluster is deleted when measured.

Every time runs from the POST to the cluster showing ACTIVE with task NONE
(polled every 0.25 s). Target: the 3-node ring ACTIVE in under 1.5 x one
node's start (A's median). Prints "| metric | target | measured |" rows
on stdout, progress on stderr. Env: AUTOMAT_URL/AUTOMAT_TOKEN (else
.automat/openrc), BENCH_CASSANDRA_VERSION (else the datastore's default),
BENCH_CASSANDRA_FLAVOR (default 2, m1.small), BENCH_REPEAT (default 3).
"""
import json
import os
import statistics
import time

from benchlib import api, cluster_view as view, delete_cluster, log  # bench/, this script's folder, is on sys.path

FLAVOR = os.environ.get("BENCH_CASSANDRA_FLAVOR", "2")
VERSION = os.environ.get("BENCH_CASSANDRA_VERSION")
RACKS = ("rack1", "rack2", "rack1")  # the nodes' racks, in the order they start in A
TIMEOUT = 1200
REPEAT = max(1, int(os.environ.get("BENCH_REPEAT", "3")))


def node(rack):
    return {"flavorRef": FLAVOR, "volume": {"size": 1}, "availability_zone": rack}


def wait_active(cluster_id, size, start):
    """Seconds from `start` until the cluster is ACTIVE, task NONE, with `size` nodes."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        c = view(cluster_id)
        if c is None:
            raise SystemExit(f"cluster {cluster_id} disappeared")
        if (c["status"] == "ACTIVE" and c["task"]["name"] == "NONE"
                and len(c["instances"]) == size):
            return time.monotonic() - start
        if c["status"] == "ERROR" and c["task"]["name"] == "NONE":
            raise SystemExit(f"cluster {cluster_id} went ERROR: {c}")
        time.sleep(0.25)
    raise SystemExit(f"cluster {cluster_id} not ACTIVE with {size} nodes after {TIMEOUT}s")


def create(name, racks, made):
    """POSTs a cluster (its id goes to `made` at once, so a cluster that goes
    ERROR is still deleted); returns (id, seconds to ACTIVE)."""
    ds = {"type": "cassandra", **({"version": VERSION} if VERSION else {})}
    start = time.monotonic()
    status, body = api("POST", "/clusters", {"cluster": {
        "name": name, "datastore": ds, "instances": [node(r) for r in racks]}})
    if status != 202:
        raise SystemExit(f"cluster create answered {status}: {body}")
    cluster_id = body["cluster"]["id"]
    made.append(cluster_id)
    log(f"{name}: cluster {cluster_id}, {len(racks)} node(s), waiting for ACTIVE")
    return cluster_id, wait_active(cluster_id, len(racks), start)


def act(cluster_id, body, size):
    """POSTs a grow or shrink (retrying while the nodes' reports are pending);
    returns seconds to ACTIVE with `size` nodes."""
    deadline = time.monotonic() + 60
    while True:
        start = time.monotonic()
        status, answer = api("POST", f"/clusters/{cluster_id}", body)
        if status == 202:
            return wait_active(cluster_id, size, start)
        if status == 422 and "retry shortly" in json.dumps(answer) and time.monotonic() < deadline:
            time.sleep(1)
            continue
        raise SystemExit(f"{list(body)[0]} answered {status}: {answer}")


def jvm_rss_mb(node_id):
    """VmRSS of the node's Cassandra JVM (the java process whose command line
    names the node's instance directory), in MB."""
    needle = f"/instances/{node_id}/cassandra/".encode()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmdline = f.read()
            if needle not in cmdline or not cmdline.split(b"\0", 1)[0].endswith(b"java"):
                continue
            with open(f"/proc/{entry}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1]) / 1024
        except OSError:
            continue
    raise SystemExit(f"no Cassandra JVM of node {node_id} on this machine")


def sequential(made):
    """A: one node, REPEAT times; the first grown by one twice."""
    ones, grows = [], []
    for i in range(REPEAT):
        cluster_id, one = create(f"bench-cass-one-{i + 1}", RACKS[:1], made)
        ones.append(one)
        log(f"  1 node ACTIVE after {one:.1f} s")
        for size in (2, 3) if i == 0 else ():
            grows.append(act(cluster_id, {"grow": [node(RACKS[size - 1])]}, size))
            log(f"  grown to {size} after {grows[-1]:.1f} s")
        delete_cluster(cluster_id, 300)
        made.remove(cluster_id)
    return ones, grows


def parallel(made):
    """B: three nodes at once, REPEAT times; on the last, each node's JVM RSS,
    then grown to 4 and shrunk to 3."""
    threes = []
    for i in range(REPEAT):
        cluster_id, three = create(f"bench-cass-ring-{i + 1}", RACKS, made)
        threes.append(three)
        log(f"  3 nodes ACTIVE after {three:.1f} s")
        if i + 1 < REPEAT:
            delete_cluster(cluster_id, 300)
            made.remove(cluster_id)
    rss = [jvm_rss_mb(n["id"]) for n in view(cluster_id)["instances"]]
    log("  JVM RSS: " + ", ".join(f"{r:.0f} MB" for r in rss))
    grow = act(cluster_id, {"grow": [node("rack2")]}, 4)
    log(f"  grown to 4 after {grow:.1f} s")
    leaving = next(n["id"] for n in view(cluster_id)["instances"]
                   if n["rack"] == "rack1" and not n["seed"])
    shrink = act(cluster_id, {"shrink": [{"id": leaving}]}, 3)
    log(f"  shrunk to 3 after {shrink:.1f} s")
    delete_cluster(cluster_id, 300)
    made.remove(cluster_id)
    return threes, rss, grow, shrink


def runs(values):
    return ", ".join(f"{v:.1f}" for v in values)


def main():
    made = []
    try:
        ones, grows = sequential(made)
        threes, rss, grow, shrink = parallel(made)
    finally:
        for cluster_id in made:
            delete_cluster(cluster_id, 300)
    one, three = statistics.median(ones), statistics.median(threes)
    baseline = ones[0] + sum(grows)
    print(f"| Cassandra 1-node cluster: POST → ACTIVE (one node's start), median of {REPEAT} |"
          f" — | {one:.1f} s (runs: {runs(ones)} s) |")
    print(f"| Cassandra 3-node cluster over 2 racks: POST → ACTIVE, median of {REPEAT} |"
          f" < 1.5 × one node's start = {1.5 * one:.1f} s | {three:.1f} s = {three / one:.2f} ×"
          f" (runs: {runs(threes)} s) |")
    print(f"| Cassandra 3 nodes strictly one after another (1-node create + 2 grows, Trove's"
          f" order) | — | {baseline:.1f} s ({runs([ones[0], *grows])} s); Automat's create takes"
          f" {three / baseline:.2f} × of it |")
    print(f"| Cassandra grow by one node (1 → 2, 2 → 3, 3 → 4) | — | {runs([*grows, grow])} s |")
    print(f"| Cassandra shrink by one node (4 → 3, decommission) | — | {shrink:.1f} s |")
    print(f"| Cassandra node RSS (VmRSS of each JVM, 3-node ring, m1.small) | — |"
          f" {', '.join(f'{r:.0f}' for r in rss)} MB |")
    if three >= 1.5 * one:
        log(f"target missed: 3-node ring {three:.1f} s >= 1.5 × {one:.1f} s")


if __name__ == "__main__":
    main()

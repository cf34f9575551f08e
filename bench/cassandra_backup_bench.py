#!/usr/bin/env python3
"""Cassandra cluster backup and restore benchmark against a running ./stack.sh
stack (issue 12, section 9), with Debian's Python and its Cassandra driver
(python3-cassandra, installed by scripts/install_deps.sh):

    /usr/bin/python3 bench/cassandra_backup_bench.py

1. A 3-node cluster (racks rack1, rack2, rack1; m1.small) POST -> ACTIVE:
   the empty ring a user would start from.
2. BENCH_ROWS rows (default 180,000: 1.7 GB on each node) of BENCH_ROW_BYTES (default 10 KB, random
   hex: incompressible) into one table at RF 3,
   through CQL (prepared INSERTs at QUORUM, 64 in flight): what a user
   without Automat would do to refill a ring.
3. A cluster backup to the stack's backup storage (POST /clusters/{id}/backups
   -> COMPLETED): its bytes and time, against a plain `cp -r` of the same
   tables' files of every node on this disk, taken after the backup's
   snapshot flushed them (the physical limit; the page cache is dropped
   before each).
4. A second backup of the unchanged data: the bytes it sent (target <= 5 %
   of the first's).
5. A new cluster from the first backup (POST /clusters with "restore" ->
   ACTIVE), against 1 + 2 (an empty ring, then the rows through CQL).
   Target: >= 5x faster. The restored ring's row count is checked.
Every cluster is deleted at the end. Prints "| metric | target | measured |"
rows on stdout, progress on stderr.
"""
import glob
import os
import secrets
import shutil
import subprocess
import tempfile
import time

from cassandra import ConsistencyLevel
from cassandra.auth import PlainTextAuthProvider
from cassandra.cluster import Cluster
from cassandra.concurrent import execute_concurrent_with_args
from cassandra.query import SimpleStatement

from benchlib import (ROOT, api, delete_cluster, log, storage_driver,
                      wait_cluster_active)  # bench/ is on sys.path

ROWS = int(os.environ.get("BENCH_ROWS", "180000"))
ROW_BYTES = int(os.environ.get("BENCH_ROW_BYTES", "10240"))  # random, so incompressible
FLAVOR = os.environ.get("BENCH_CASSANDRA_FLAVOR", "2")
VOLUME = int(os.environ.get("BENCH_CASSANDRA_VOLUME", "5"))  # two rings fit the default quota
TIMEOUT = 1800
KEYSPACE = "bench_backup"


def wait_cluster(cluster_id, start):
    return wait_cluster_active(cluster_id, start, TIMEOUT)


def create(body):
    start = time.monotonic()
    status, answer = api("POST", "/clusters", {"cluster": body})
    assert status == 202, answer
    cluster_id = answer["cluster"]["id"]
    seconds, view = wait_cluster(cluster_id, start)
    return cluster_id, seconds, view


def backup(cluster_id, name):
    start = time.monotonic()
    status, answer = api("POST", f"/clusters/{cluster_id}/backups", {"backup": {"name": name}})
    assert status == 202, answer
    backup_id = answer["backup"]["id"]
    while time.monotonic() - start < TIMEOUT:
        status, answer = api("GET", f"/backups/{backup_id}")
        b = answer["backup"]
        if b["status"] == "COMPLETED":
            return time.monotonic() - start, b
        if b["status"] == "FAILED":
            raise SystemExit(f"backup {backup_id} FAILED: {b}")
        time.sleep(0.25)
    raise SystemExit(f"backup {backup_id} did not complete in {TIMEOUT} s")


def session_for(view):
    status, answer = api("POST", f"/clusters/{view['id']}/root")
    assert status == 200, answer
    user = answer["user"]
    ips = [n["ip"][0] for n in view["instances"]]
    cluster = Cluster(ips, auth_provider=PlainTextAuthProvider(user["name"], user["password"]),
                      protocol_version=4, connect_timeout=30)
    return cluster, cluster.connect()


def load(session):
    session.execute(f"CREATE KEYSPACE {KEYSPACE} WITH replication = "
                    "{'class': 'NetworkTopologyStrategy', 'dc1': 3}")
    session.execute(f"CREATE TABLE {KEYSPACE}.rows (id int PRIMARY KEY, pad text)")
    insert = session.prepare(f"INSERT INTO {KEYSPACE}.rows (id, pad) VALUES (?, ?)")
    insert.consistency_level = ConsistencyLevel.QUORUM
    start = time.monotonic()
    step = 5000
    for first in range(0, ROWS, step):
        batch = [(i, secrets.token_hex(ROW_BYTES // 2)) for i in range(first, min(ROWS, first + step))]
        results = execute_concurrent_with_args(session, insert, batch, concurrency=64,
                                               raise_on_first_error=True)
        assert all(r.success for r in results)
        log(f"loaded {min(ROWS, first + step)} of {ROWS} rows")
    return time.monotonic() - start


def count(session):
    """Rows of the table, by a paged scan of the keys at QUORUM."""
    scan = SimpleStatement(f"SELECT id FROM {KEYSPACE}.rows",
                           consistency_level=ConsistencyLevel.QUORUM, fetch_size=2000)
    return len({r.id for r in session.execute(scan, timeout=600)})


def table_dirs(view):
    dirs = []
    for n in view["instances"]:
        dirs += glob.glob(os.path.join(ROOT, ".automat", "instances", n["id"], "volume",
                                       "cassandra", "data", KEYSPACE, "*"))
    return dirs


def drop_caches():
    subprocess.run(["sync"], check=False)
    try:
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("3\n")
    except OSError:
        log("cannot drop the page cache (not root?): copy figures are warm")


def plain_copy(view):
    """Seconds and bytes of a cp -r of every node's table files on this disk."""
    dirs = table_dirs(view)
    if not dirs:
        raise SystemExit("found no table directories under .automat/instances")
    size = sum(os.path.getsize(f) for d in dirs for f in glob.glob(os.path.join(d, "*"))
               if os.path.isfile(f))
    target = tempfile.mkdtemp(prefix="automat-copy-", dir=os.path.join(ROOT, ".automat"))
    try:
        drop_caches()
        start = time.monotonic()
        for k, d in enumerate(dirs):
            subprocess.run(["cp", "-r", d, os.path.join(target, str(k))], check=True)
        subprocess.run(["sync"], check=True)
        return time.monotonic() - start, size
    finally:
        shutil.rmtree(target, ignore_errors=True)


def row(metric, target, measured):
    print(f"| {metric} | {target} | {measured} |", flush=True)


def main():
    nodes = [{"flavorRef": FLAVOR, "volume": {"size": VOLUME}, "availability_zone": r}
             for r in ("rack1", "rack2", "rack1")]
    mb = 1024 * 1024
    source_id, create_s, view = create({"name": "bench-backup-src",
                                        "datastore": {"type": "cassandra"}, "instances": nodes})
    log(f"empty 3-node ring ACTIVE in {create_s:.1f} s")
    restored_id = None
    try:
        cluster, session = session_for(view)
        load_s = load(session)
        cluster.shutdown()
        row(f"rows of {ROW_BYTES} B loaded, as CQL at QUORUM (64 in flight)", "-",
            f"{ROWS} in {load_s:.1f} s ({ROWS / load_s:.0f} rows/s)")
        drop_caches()
        backup_s, first = backup(source_id, "bench-1")
        # After the backup: its snapshot flushed every memtable, so the
        # table directories hold all the data the backup read.
        copy_s, copy_bytes = plain_copy(view)
        row("plain cp -r of every node's table files (cold cache)", "-",
            f"{copy_bytes / mb:.0f} MiB in {copy_s:.1f} s ({copy_bytes / mb / copy_s:.0f} MiB/s)")
        row(f"cluster backup to `{storage_driver()}` (POST -> COMPLETED)",
            ">= 70 % of the copy rate",
            f"{first['size_bytes'] / mb:.0f} MiB in {backup_s:.1f} s "
            f"({first['size_bytes'] / mb / backup_s:.0f} MiB/s, "
            f"{100 * (first['size_bytes'] / backup_s) / (copy_bytes / copy_s):.0f} % of the copy)")
        second_s, second = backup(source_id, "bench-2")
        row("second backup of unchanged data: bytes sent", "<= 5 % of the first's",
            f"{second['uploaded_bytes']} of {first['uploaded_bytes']} "
            f"({100 * second['uploaded_bytes'] / first['uploaded_bytes']:.2f} %) in {second_s:.1f} s")
        start = time.monotonic()
        status, answer = api("POST", "/clusters", {"cluster": {
            "name": "bench-backup-restored", "datastore": {"type": "cassandra"},
            "restore": {"backup": first["id"]}}})
        assert status == 202, answer
        restored_id = answer["cluster"]["id"]
        restore_s, rview = wait_cluster(restored_id, start)
        cluster, session = session_for(rview)
        restored_rows = count(session)
        cluster.shutdown()
        assert restored_rows == ROWS, f"the restored ring holds {restored_rows} of {ROWS} rows"
        row("restore into a new 3-node cluster (POST -> ACTIVE)", "-",
            f"{restore_s:.1f} s, {restored_rows} rows")
        row("an empty ring then the rows through CQL", "-",
            f"{create_s:.1f} + {load_s:.1f} = {create_s + load_s:.1f} s")
        row("restore against ring + CQL load", ">= 5x faster",
            f"{(create_s + load_s) / restore_s:.1f}x")
    finally:
        for c in (restored_id, source_id):
            if c:
                delete_cluster(c)


if __name__ == "__main__":
    main()

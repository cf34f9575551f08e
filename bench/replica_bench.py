#!/usr/bin/env python3
"""MySQL replication benchmark against a running ./stack.sh stack.

1. A master (m1.tiny) with a database and a user, loaded with ~100 MB
   (REPLICA_BENCH_DOUBLINGS=10 loads ~1 GB: each doubling doubles it).
2. Time from POST /instances {"replica_of"} to the replica ACTIVE (caught up).
3. Replication lag under a steady insert load: a writer inserts a row with
   the master's NOW(6) every 5 ms for 20 s over one connection; a reader on
   the replica samples NOW(6) - MAX(ts) every 100 ms. Both servers run on
   this machine, so their clocks agree; the figure includes up to one write
   interval (5 ms) of sampling error.
4. With REPLICA_BENCH_BACKUP=1, the other way to copy the master into a new
   instance, to compare with 2: a full backup of the master (mariadb-backup
   to the stack's backup storage) then a restore into a new instance
   (POST /instances with restorePoint) until it is ACTIVE.
Prints "| metric | target | measured |" rows; everything else on stderr.
"""
import os
import secrets
import statistics
import subprocess
import threading
import time

from benchlib import api, log  # bench/, this script's folder, is on sys.path



def wait_active(instance_id, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        status, body = api("GET", f"/instances/{instance_id}")
        s = body.get("instance", {}).get("status")
        if s == "ACTIVE":
            return body["instance"]
        if s == "ERROR":
            raise SystemExit(f"instance {instance_id} went ERROR: {body}")
        time.sleep(0.1)
    raise SystemExit(f"instance {instance_id} not ACTIVE after {timeout}s")


def delete(instance_id):
    api("DELETE", f"/instances/{instance_id}")
    deadline = time.time() + 120
    while time.time() < deadline and api("GET", f"/instances/{instance_id}")[0] != 404:
        time.sleep(0.2)


def sql(ip, password, statement):
    r = subprocess.run(["mariadb", "--no-defaults", "-h", ip, "-u", "bench",
                        f"--password={password}", "--batch", "--skip-column-names", "benchdb",
                        "-e", statement], capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        raise SystemExit(f"SQL on {ip} failed: {r.stderr}")
    return r.stdout.strip()


def main():
    password = "pw-" + secrets.token_hex(8)
    status, body = api("POST", "/instances", {"instance": {
        "name": "bench-master", "flavorRef": "1", "volume": {"size": 2},
        "datastore": {"type": "mysql"}, "databases": [{"name": "benchdb"}],
        "users": [{"name": "bench", "password": password, "databases": [{"name": "benchdb"}]}]}})
    assert status == 202, body
    master_id = body["instance"]["id"]
    replica_id = restored_id = None
    try:
        master_ip = wait_active(master_id, 300)["ip"][0]
        doublings = int(os.environ.get("REPLICA_BENCH_DOUBLINGS", "7"))
        log("master", master_id, "at", master_ip, f"— loading {4096 << doublings} rows")
        sql(master_ip, password,
            "CREATE TABLE bulk (id INT AUTO_INCREMENT PRIMARY KEY, pad CHAR(200) NOT NULL)"
            " ENGINE=InnoDB;"
            "INSERT INTO bulk (pad) SELECT REPEAT(MD5(seq), 6) FROM seq_1_to_4096;")
        for _ in range(doublings):  # 4096 * 2^7 = 524,288 rows of ~200 bytes
            sql(master_ip, password, "INSERT INTO bulk (pad) SELECT pad FROM bulk;")
        size_mb = float(sql(master_ip, password,
                            "ANALYZE TABLE bulk PERSISTENT FOR ALL;"
                            "SELECT ROUND((data_length + index_length) / 1048576, 1)"
                            " FROM information_schema.tables"
                            " WHERE table_schema = 'benchdb' AND table_name = 'bulk';").split()[-1])
        rows = int(sql(master_ip, password, "SELECT COUNT(*) FROM bulk;"))
        log(f"master holds {rows} rows, {size_mb} MB in InnoDB")

        start = time.time()
        status, body = api("POST", "/instances", {"instance": {"name": "bench-replica",
                                                               "replica_of": master_id}})
        assert status == 202, body
        replica_id = body["instance"]["id"]
        replica_ip = wait_active(replica_id, 1800)["ip"][0]
        create_s = time.time() - start
        copied = int(sql(replica_ip, password, "SELECT COUNT(*) FROM bulk;"))
        assert copied == rows, f"replica has {copied} of {rows} rows"
        log(f"replica ACTIVE after {create_s:.1f} s with all {copied} rows")

        sql(master_ip, password, "CREATE TABLE ticks (id INT AUTO_INCREMENT PRIMARY KEY,"
                                 " ts DATETIME(6) NOT NULL) ENGINE=InnoDB;")
        lags, stop = [], threading.Event()

        def reader():
            while not stop.is_set():
                out = sql(replica_ip, password,
                          "SELECT TIMESTAMPDIFF(MICROSECOND, MAX(ts), NOW(6)) FROM ticks;")
                if out and out != "NULL":
                    lags.append(int(out) / 1000.0)
                time.sleep(0.1)

        writer = subprocess.Popen(["mariadb", "--no-defaults", "-h", master_ip, "-u", "bench",
                                   f"--password={password}", "benchdb"],
                                  stdin=subprocess.PIPE, text=True)
        t = threading.Thread(target=reader)
        t.start()
        writes, end = 0, time.time() + 20
        while time.time() < end:
            writer.stdin.write("INSERT INTO ticks (ts) VALUES (NOW(6));\n")
            writer.stdin.flush()
            writes += 1
            time.sleep(0.005)
        writer.stdin.close()
        writer.wait(timeout=60)
        stop.set()
        t.join()
        lags.sort()
        p50 = statistics.median(lags)
        p99 = lags[min(len(lags) - 1, int(len(lags) * 0.99))]
        log(f"{writes} inserts in 20 s; {len(lags)} lag samples: p50 {p50:.1f} ms,"
            f" p99 {p99:.1f} ms, max {lags[-1]:.1f} ms")
        print(f"| Replica of a {size_mb:.0f} MB master: POST → ACTIVE (caught up) | — |"
              f" {create_s:.1f} s |")
        print(f"| Replication lag, {writes / 20:.0f} inserts/s for 20 s | — |"
              f" p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {lags[-1]:.1f} ms |")
        if os.environ.get("REPLICA_BENCH_BACKUP") == "1":
            restored_id = backup_and_restore(master_id, size_mb, rows, password)
    finally:
        if restored_id:
            delete(restored_id)
        if replica_id:
            delete(replica_id)
        delete(master_id)


def backup_and_restore(master_id, size_mb, rows, password):
    """Full backup of the master, then a new instance restored from it;
    prints the time of each and of both. Returns the new instance's id."""
    start = time.time()
    status, body = api("POST", "/backups", {"backup": {"name": "bench-seed",
                                                       "instance": master_id}})
    assert status == 202, body
    backup_id = body["backup"]["id"]
    deadline = time.time() + 1800
    while True:
        status, body = api("GET", f"/backups/{backup_id}")
        state = body["backup"]["status"]
        if state == "COMPLETED":
            break
        if state == "FAILED" or time.time() > deadline:
            raise SystemExit(f"backup {backup_id} ended {state}: {body}")
        time.sleep(0.2)
    backup_s = time.time() - start
    start = time.time()
    status, body = api("POST", "/instances", {"instance": {
        "name": "bench-restored", "flavorRef": "1", "volume": {"size": 2},
        "datastore": {"type": "mysql"}, "restorePoint": {"backupRef": backup_id}}})
    assert status == 202, body
    restored_id = body["instance"]["id"]
    restored_ip = wait_active(restored_id, 1800)["ip"][0]
    restore_s = time.time() - start
    copied = int(sql(restored_ip, password, "SELECT COUNT(*) FROM bulk;"))
    assert copied == rows, f"the restored instance has {copied} of {rows} rows"
    log(f"backup {backup_s:.1f} s, restore into a new instance {restore_s:.1f} s")
    print(f"| Copy of a {size_mb:.0f} MB master by full backup + restore into a new instance"
          f" | — | {backup_s + restore_s:.1f} s (backup {backup_s:.1f} s,"
          f" restore → ACTIVE {restore_s:.1f} s) |")
    api("DELETE", f"/backups/{backup_id}")
    return restored_id


if __name__ == "__main__":
    main()

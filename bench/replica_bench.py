#!/usr/bin/env python3
"""MySQL replication benchmark against a running ./stack.sh stack.

1. A master (m1.tiny) with a database and a user, loaded with ~100 MB.
2. Time from POST /instances {"replica_of"} to the replica ACTIVE (caught up).
3. Replication lag under a steady insert load: a writer inserts a row with
   the master's NOW(6) every 5 ms for 20 s over one connection; a reader on
   the replica samples NOW(6) - MAX(ts) every 100 ms. Both servers run on
   this machine, so their clocks agree; the figure includes up to one write
   interval (5 ms) of sampling error.
Prints "| metric | target | measured |" rows; everything else on stderr.
"""
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
    replica_id = None
    try:
        master_ip = wait_active(master_id, 300)["ip"][0]
        log("master", master_id, "at", master_ip, "— loading ~100 MB")
        sql(master_ip, password,
            "CREATE TABLE bulk (id INT AUTO_INCREMENT PRIMARY KEY, pad CHAR(200) NOT NULL)"
            " ENGINE=InnoDB;"
            "INSERT INTO bulk (pad) SELECT REPEAT(MD5(seq), 6) FROM seq_1_to_4096;")
        for _ in range(7):  # doubling: 4096 * 2^7 = 524,288 rows of ~200 bytes
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
    finally:
        if replica_id:
            delete(replica_id)
        delete(master_id)


if __name__ == "__main__":
    main()

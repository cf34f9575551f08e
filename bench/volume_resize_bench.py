#!/usr/bin/env python3
"""Online volume resize benchmark against a running ./stack.sh stack whose
volumes are real (`automat-manage compute check` says XFS filesystems).

1. A MySQL instance on a 2 GB volume loaded with ~BENCH_RESIZE_MB (default
   1024) MB of InnoDB rows.
2. POST /instances/{id}/action {"resize": {"volume": {"size": 3}}} -> ACTIVE
   with size 3, timed from the request; the filesystem's size checked with
   statvfs; mariadbd's pid the same before and after (no restart).
3. While it grows, a client inserts one row every 10 ms: its failed writes
   (target 0) and its slowest write.
Prints "| metric | target | measured |" rows; everything else on stderr.
"""
import os
import secrets
import subprocess
import threading
import time

from benchlib import ROOT, api, log  # bench/, this script's folder, is on sys.path

MB = 1 << 20
GIB = 1 << 30


def wait_instance(instance_id, timeout, ready):
    deadline = time.time() + timeout
    while time.time() < deadline:
        _, body = api("GET", f"/instances/{instance_id}")
        inst = body.get("instance", {})
        if inst.get("status") == "ERROR":
            raise SystemExit(f"instance {instance_id} went ERROR: {body}")
        if ready(inst):
            return inst
        time.sleep(0.05)
    raise SystemExit(f"instance {instance_id} not ready after {timeout}s")


def sql(ip, password, statement, timeout=1800):
    return subprocess.run(["mariadb", "--no-defaults", "-h", ip, "-u", "bench",
                           f"--password={password}", "--batch", "--skip-column-names",
                           "benchdb", "-e", statement], capture_output=True, text=True,
                          timeout=timeout)


def must(ip, password, statement):
    r = sql(ip, password, statement)
    if r.returncode != 0:
        raise SystemExit(f"SQL on {ip} failed: {r.stderr}")
    return r.stdout.strip()


class Writer(threading.Thread):
    """Inserts a row every 10 ms and counts failures and the slowest write."""

    def __init__(self, ip, password):
        super().__init__(daemon=True)
        self.ip, self.password = ip, password
        self.done = threading.Event()
        self.ok = self.failed = 0
        self.slowest = 0.0

    def run(self):
        while not self.done.is_set():
            start = time.time()
            r = sql(self.ip, self.password, "INSERT INTO probe (at) VALUES (NOW(6));", 30)
            took = time.time() - start
            self.slowest = max(self.slowest, took)
            if r.returncode == 0:
                self.ok += 1
            else:
                self.failed += 1
                log(f"write failed: {r.stderr.strip()}")
            time.sleep(0.01)


def main():
    target_mb = int(os.environ.get("BENCH_RESIZE_MB", "1024"))
    password = "pw-" + secrets.token_hex(8)
    status, body = api("POST", "/instances", {"instance": {
        "name": "bench-resize", "flavorRef": "2", "volume": {"size": 2},
        "datastore": {"type": "mysql"}, "databases": [{"name": "benchdb"}],
        "users": [{"name": "bench", "password": password, "databases": [{"name": "benchdb"}]}]}})
    assert status == 202, body
    instance_id = body["instance"]["id"]
    try:
        ip = wait_instance(instance_id, 300, lambda i: i.get("status") == "ACTIVE")["ip"][0]
        volume = os.path.join(ROOT, ".automat", "instances", instance_id, "volume")
        if not os.path.ismount(volume):
            raise SystemExit(f"{volume} is not a mount point: volumes are plain directories here"
                             " (automat-manage compute check says why)")
        log(f"instance {instance_id} at {ip}: loading ~{target_mb} MB")
        must(ip, password, "CREATE TABLE bulk (id INT AUTO_INCREMENT PRIMARY KEY,"
                           " pad CHAR(200) NOT NULL) ENGINE=InnoDB;"
                           "INSERT INTO bulk (pad) SELECT REPEAT(MD5(seq), 6) FROM seq_1_to_4096;"
                           "CREATE TABLE probe (id INT AUTO_INCREMENT PRIMARY KEY,"
                           " at DATETIME(6));")
        rows = 4096
        while rows * 260 < target_mb * MB:
            must(ip, password, "INSERT INTO bulk (pad) SELECT pad FROM bulk;")
            rows *= 2
        st = os.statvfs(volume)
        used = (st.f_blocks - st.f_bfree) * st.f_frsize
        log(f"{rows} rows; volume {used / MB:.0f} MB used of {st.f_blocks * st.f_frsize / MB:.0f}")
        pid_file = os.path.join(volume, "mysql", "mariadbd.pid")
        with open(pid_file) as f:
            pid_before = int(f.read())

        writer = Writer(ip, password)
        writer.start()
        time.sleep(2)  # the writer's idle pace first
        idle_slowest = writer.slowest
        start = time.time()
        status, body = api("POST", f"/instances/{instance_id}/action",
                           {"resize": {"volume": {"size": 3}}})
        assert status == 202, body
        wait_instance(instance_id, 300, lambda i: i.get("status") == "ACTIVE"
                      and i.get("volume", {}).get("size") == 3)
        resize_s = time.time() - start
        time.sleep(1)
        writer.done.set()
        writer.join()
        st = os.statvfs(volume)
        total = st.f_blocks * st.f_frsize
        with open(pid_file) as f:
            pid_after = int(f.read())
        log(f"resize 2 -> 3 GB: {resize_s:.2f} s; filesystem {total / GIB:.2f} GiB;"
            f" writes {writer.ok} ok, {writer.failed} failed; slowest {writer.slowest * 1000:.0f} ms"
            f" (idle {idle_slowest * 1000:.0f} ms); mariadbd pid {pid_before} -> {pid_after}")
        assert total > 2.8 * GIB, f"the filesystem is {total} bytes"
        print("| metric | target | measured |")
        print("|---|---|---|")
        print(f"| online volume resize 2 -> 3 GB, {used / MB:.0f} MB on it (request to ACTIVE) "
              f"| — | {resize_s:.2f} s |")
        print(f"| writes failed during the resize | 0 | {writer.failed} of "
              f"{writer.ok + writer.failed} |")
        print(f"| slowest write during the resize (idle) | — | {writer.slowest * 1000:.0f} ms "
              f"({idle_slowest * 1000:.0f} ms) |")
        print(f"| mariadbd restarted | no | {'yes' if pid_after != pid_before else 'no'} |")
    finally:
        api("DELETE", f"/instances/{instance_id}")


if __name__ == "__main__":
    main()

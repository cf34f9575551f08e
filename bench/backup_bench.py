#!/usr/bin/env python3
"""MySQL backup and restore benchmark against a running ./stack.sh stack
(whose [backup_storage] is the `file` driver under .automat/backups unless
configured otherwise).

1. An instance loaded with ~BENCH_BACKUP_MB (default 1024) MB of InnoDB rows.
2. The physical limit: a plain `cp -a` of its data dir onto this disk, synced.
3. A full backup: POST /backups -> COMPLETED, as the data dir's bytes per
   second (mariadb-backup streamed through zstd -1 into the storage).
4. An incremental backup after 1 % more rows: its stored bytes.
5. A restore: POST /instances with restorePoint -> ACTIVE, rows checked.
Prints "| metric | target | measured |" rows; everything else on stderr.
"""
import os
import secrets
import shutil
import subprocess
import tempfile
import time

from benchlib import ROOT, api, log, storage_driver  # bench/, this script's folder, is on sys.path

MB = 1 << 20


def wait_active(instance_id, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        _, body = api("GET", f"/instances/{instance_id}")
        s = body.get("instance", {}).get("status")
        if s == "ACTIVE":
            return body["instance"]
        if s == "ERROR":
            raise SystemExit(f"instance {instance_id} went ERROR: {body}")
        time.sleep(0.2)
    raise SystemExit(f"instance {instance_id} not ACTIVE after {timeout}s")


def backup(instance_id, name, incremental=False):
    start = time.time()
    status, body = api("POST", "/backups", {"backup": {"name": name, "instance": instance_id,
                                                       "incremental": incremental}})
    assert status == 202, body
    backup_id = body["backup"]["id"]
    while True:
        _, body = api("GET", f"/backups/{backup_id}")
        b = body["backup"]
        if b["status"] == "COMPLETED":
            return b, time.time() - start
        if b["status"] == "FAILED":
            raise SystemExit(f"backup {backup_id} FAILED: {b['errors']}")
        time.sleep(0.2)


def delete(path, what_id):
    api("DELETE", f"{path}/{what_id}")
    deadline = time.time() + 120
    while time.time() < deadline and api("GET", f"{path}/{what_id}")[0] != 404:
        time.sleep(0.2)


def sql(ip, password, statement):
    r = subprocess.run(["mariadb", "--no-defaults", "-h", ip, "-u", "bench",
                        f"--password={password}", "--batch", "--skip-column-names", "benchdb",
                        "-e", statement], capture_output=True, text=True, timeout=1800)
    if r.returncode != 0:
        raise SystemExit(f"SQL on {ip} failed: {r.stderr}")
    return r.stdout.strip()


def dir_bytes(path):
    return int(subprocess.run(["du", "-sb", path], capture_output=True, text=True,
                              check=True).stdout.split()[0])


def main():
    target_mb = int(os.environ.get("BENCH_BACKUP_MB", "1024"))
    password = "pw-" + secrets.token_hex(8)
    status, body = api("POST", "/instances", {"instance": {
        "name": "bench-backup", "flavorRef": "2", "volume": {"size": 4},
        "datastore": {"type": "mysql"}, "databases": [{"name": "benchdb"}],
        "users": [{"name": "bench", "password": password, "databases": [{"name": "benchdb"}]}]}})
    assert status == 202, body
    source = body["instance"]["id"]
    made, backups = [source], []
    try:
        ip = wait_active(source, 300)["ip"][0]
        log(f"instance {source} at {ip}: loading ~{target_mb} MB")
        sql(ip, password, "CREATE TABLE bulk (id INT AUTO_INCREMENT PRIMARY KEY,"
                          " pad CHAR(200) NOT NULL) ENGINE=InnoDB;"
                          "INSERT INTO bulk (pad) SELECT REPEAT(MD5(seq), 6) FROM seq_1_to_4096;")
        rows = 4096
        while rows * 260 < target_mb * MB:  # ~260 bytes a row in InnoDB
            sql(ip, password, "INSERT INTO bulk (pad) SELECT pad FROM bulk;")
            rows *= 2
        data_dir = os.path.join(ROOT, ".automat", "instances", source, "volume", "mysql", "data")
        data = dir_bytes(data_dir)
        log(f"{rows} rows; data dir {data / MB:.0f} MB")

        scratch = tempfile.mkdtemp(dir=os.path.join(ROOT, ".automat"), prefix="bench-copy-")
        start = time.time()
        subprocess.run(["cp", "-a", data_dir, os.path.join(scratch, "data")], check=True)
        subprocess.run(["sync"], check=True)
        copy_s = time.time() - start
        shutil.rmtree(scratch)
        copy_rate = data / copy_s / MB
        log(f"cp -a + sync: {copy_s:.1f} s, {copy_rate:.0f} MB/s")

        full, full_s = backup(source, "bench-full")
        backups.append(full["id"])
        full_rate = data / full_s / MB
        log(f"full backup: {full_s:.1f} s, {full_rate:.0f} MB/s of data dir,"
            f" stored {full['size_bytes'] / MB:.0f} MB")

        sql(ip, password, f"INSERT INTO bulk (pad) SELECT pad FROM bulk LIMIT {rows // 100};")
        inc, inc_s = backup(source, "bench-inc", incremental=True)
        backups.append(inc["id"])
        log(f"incremental after 1 % more rows: {inc_s:.1f} s, stored"
            f" {inc['size_bytes'] / MB:.1f} MB")

        start = time.time()
        status, body = api("POST", "/instances", {"instance": {
            "name": "bench-restored", "flavorRef": "2", "volume": {"size": 4},
            "datastore": {"type": "mysql"}, "restorePoint": {"backupRef": full["id"]}}})
        assert status == 202, body
        made.append(body["instance"]["id"])
        restored_ip = wait_active(made[-1], 1800)["ip"][0]
        restore_s = time.time() - start
        got = int(sql(restored_ip, password, "SELECT COUNT(*) FROM bulk;"))
        assert got == rows, f"restored {got} of {rows} rows"
        log(f"restore into a new instance: {restore_s:.1f} s, {got} rows")

        print(f"| plain copy of the data dir ({data / MB:.0f} MB, cp -a + sync) | physical limit"
              f" | {copy_rate:.0f} MB/s ({copy_s:.1f} s) |")
        print(f"| MySQL full backup to `{storage_driver()}` (POST → COMPLETED) | ≥ 70 % of the copy rate"
              f" | {full_rate:.0f} MB/s ({full_s:.1f} s, {100 * full_rate / copy_rate:.0f} % of"
              f" the copy; stored {full['size_bytes'] / MB:.0f} MB) |")
        print(f"| MySQL incremental backup after 1 % more rows | | {inc_s:.1f} s, stored"
              f" {inc['size_bytes'] / MB:.1f} MB ({100 * inc['size_bytes'] / full['size_bytes']:.1f}"
              f" % of the full) |")
        print(f"| MySQL restore of the full backup into a new instance (POST → ACTIVE) | |"
              f" {restore_s:.1f} s |")
    finally:
        for backup_id in reversed(backups):
            delete("/backups", backup_id)
        for instance_id in made:
            delete("/instances", instance_id)


if __name__ == "__main__":
    main()

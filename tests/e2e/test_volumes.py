"""Real volumes and resizes (issue 13): a MySQL instance's files live on an XFS
filesystem of its volume size, loop-mounted under its directory. Filling it
is a real "disk full" the database reports while it stays reachable, the
instance's status says so, and an online volume resize lets writes go on
without a restart of mariadbd; a flavor resize restarts it with the new
flavor's buffer pool, every row kept."""
import os
import secrets
import subprocess

import pytest

import support
from support import cli, get_instance, http, mariadb, read_pid, wait_for

GIB = 1 << 30


def volume_total(path):
    st = os.statvfs(path)
    return st.f_blocks * st.f_frsize


def error_log_tail(volume, lines=100):
    try:
        with open(os.path.join(volume, "mysql", "mariadbd.err"), errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError as err:
        return f"(no error log: {err})"


def instance_view(tenant, instance_id):
    resp = get_instance(tenant, instance_id)
    assert resp.status == 200, resp.text
    return resp.json["instance"]


# About 1 MiB a statement in rows of 255 bytes, 16 statements a call, each its
# own transaction, as an application writes. (Bigger ones are a different
# story on MariaDB 10.11: a statement that fails on a full disk after it
# wrote is rolled back, and a rollback that runs out of space, as one of
# BLOB rows does, is fatal to mariadbd: "[FATAL] InnoDB: Error (Out of disk
# space) in rollback".)
FILL = "INSERT INTO fill (pad) SELECT REPEAT('y', 255) FROM seq_1_to_4000;" * 16


def test_mysql_volume_fills_for_real_and_grows_online(stack, tenant_a):
    possible, why = support.loop_volumes_possible()
    if not possible:
        pytest.skip(f"real volumes need loop devices here: {why}")
    name = "e2e-volume-" + secrets.token_hex(3)
    password = "pw-" + secrets.token_hex(8)
    created = cli(["instance", "create", name, "--flavor", "1", "--size", "1",
                   "--datastore", "mysql", "--datastore-version", stack.version,
                   "--database", "appdb", "--user", f"app:{password}:appdb",
                   "--wait", "-f", "json"], env=tenant_a.cli_env())
    assert created.returncode == 0, f"create failed: {created.stdout}{created.stderr}"
    listed = http("GET", tenant_a.url("/instances"), tenant_a.token)
    instance_id = next(i["id"] for i in listed.json["instances"] if i["name"] == name)
    view = instance_view(tenant_a, instance_id)
    ip = view["ip"][0]

    # df on the node shows its volume's size, not the host's disk.
    volume = stack.volume_dir(instance_id)
    assert os.path.ismount(volume), f"{volume} is not a mount point"
    assert 0.9 * GIB < volume_total(volume) <= GIB, volume_total(volume)
    assert os.path.isdir(os.path.join(volume, "mysql", "data")), "the datadir is on the volume"
    seen = wait_for(lambda: instance_view(tenant_a, instance_id)["volume"].get("used") is not None
                    and instance_view(tenant_a, instance_id)["volume"], 30, 0.5,
                    "the volume's usage in the instance view")
    assert seen["size"] == 1 and 0 < seen["used"] < 1, seen

    # Filling it: the database refuses the write (the disk is full) ...
    ok = mariadb(ip, "app", password, "appdb",
                 "CREATE TABLE fill (id INT AUTO_INCREMENT PRIMARY KEY, pad CHAR(255));")
    assert ok.returncode == 0, ok.stderr
    # Most of it taken by something else on the volume (say, the server's
    # logs), the rest by the database's own writes.
    ballast = os.path.join(volume, "ballast")
    st = os.statvfs(volume)
    subprocess.run(["fallocate", "-l", str(st.f_bavail * st.f_frsize - 48 * (1 << 20)), ballast],
                   check=True)
    refused = None
    for _ in range(12):  # 192 MiB at most
        run = mariadb(ip, "app", password, "appdb", FILL, timeout=120)
        if run.returncode != 0:
            refused = run.stderr
            break
    assert refused is not None, "the volume took more than it holds"
    assert "is full" in refused or "No space left" in refused or "28" in refused, (
        f"{refused}\nmariadbd.err:\n{error_log_tail(volume)}")
    # ... while it stays reachable and answers reads.
    rows = mariadb(ip, "app", password, "appdb", "SELECT COUNT(*) > 0 FROM fill;")
    assert rows.returncode == 0 and rows.stdout.strip() == "1", (
        rows.stdout + rows.stderr + error_log_tail(volume))
    # The instance's status says its volume is full.
    full = wait_for(lambda: (instance_view(tenant_a, instance_id).get("fault") or {})
                    .get("message", "").startswith("volume "), 30, 0.5,
                    "the instance's fault to say its volume is full")
    assert full
    view = instance_view(tenant_a, instance_id)
    assert view["status"] == "ACTIVE", view
    assert "% full" in view["fault"]["message"], view["fault"]
    assert view["volume"]["used_percent"] >= 90, view["volume"]

    # An online resize: the same mariadbd grows room and takes writes again.
    mysqld = read_pid(os.path.join(volume, "mysql", "mariadbd.pid"))
    assert mysqld and support.pid_alive(mysqld), error_log_tail(volume)
    resp = http("POST", tenant_a.url(f"/instances/{instance_id}/action"), tenant_a.token,
                {"resize": {"volume": {"size": 2}}})
    assert resp.status == 202, resp.text
    wait_for(lambda: instance_view(tenant_a, instance_id)["status"] == "ACTIVE"
             and instance_view(tenant_a, instance_id)["volume"]["size"] == 2, 60, 0.5,
             "the instance back to ACTIVE with a 2 GB volume")
    assert 1.8 * GIB < volume_total(volume) <= 2 * GIB, volume_total(volume)
    run = mariadb(ip, "app", password, "appdb", FILL, timeout=120)
    assert run.returncode == 0, f"a write after the resize failed: {run.stderr}"
    assert read_pid(os.path.join(volume, "mysql", "mariadbd.pid")) == mysqld
    assert support.pid_alive(mysqld), "mariadbd restarted"
    wait_for(lambda: "fault" not in instance_view(tenant_a, instance_id), 30, 0.5,
             "the volume-full fault to clear")

    # A flavor resize (Trove's resize.flavorRef): mariadbd restarts with the
    # buffer pool of the new flavor's memory (half of it), every row kept.
    def query(statement):
        run = mariadb(ip, "app", password, "appdb", statement)
        assert run.returncode == 0, run.stderr
        return run.stdout.strip()
    rows = query("SELECT COUNT(*) FROM fill;")
    assert int(query("SELECT @@innodb_buffer_pool_size;")) == 256 << 20  # m1.tiny: 512 MB
    resp = http("POST", tenant_a.url(f"/instances/{instance_id}/action"), tenant_a.token,
                {"resize": {"flavorRef": "2"}})
    assert resp.status == 202, resp.text
    wait_for(lambda: instance_view(tenant_a, instance_id)["status"] == "ACTIVE"
             and instance_view(tenant_a, instance_id)["flavor"]["id"] == "2", 180, 0.5,
             "the instance back to ACTIVE with flavor 2")
    assert int(query("SELECT @@innodb_buffer_pool_size;")) == 512 << 20  # m1.small: 1 GB
    assert query("SELECT COUNT(*) FROM fill;") == rows
    resp = http("POST", tenant_a.url(f"/instances/{instance_id}/action"), tenant_a.token,
                {"resize": {"flavorRef": "2"}})
    assert resp.status == 400 and "already" in resp.text, (resp.status, resp.text)

    # Volumes only grow, and never past the server's bound.
    for size, words in ((1, "only grow"), (100000, "at most")):
        resp = http("POST", tenant_a.url(f"/instances/{instance_id}/action"), tenant_a.token,
                    {"resize": {"volume": {"size": size}}})
        assert resp.status == 400 and words in resp.text, (size, resp.status, resp.text)

    deleted = cli(["instance", "delete", instance_id, "--wait"], env=tenant_a.cli_env())
    assert deleted.returncode == 0, f"delete failed: {deleted.stdout}{deleted.stderr}"
    assert not os.path.ismount(volume), "the volume stayed mounted"
    assert not os.path.exists(os.path.join(stack.state_dir, "volumes", instance_id + ".img"))

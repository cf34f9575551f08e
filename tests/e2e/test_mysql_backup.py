"""MySQL backups through the API and the CLI, on the stack's backup storage
(the run's S3 server when ./run_tests.sh started one): rows -> full backup ->
more rows -> incremental backup -> each restored into a new instance holds
exactly the rows of its moment, and its users log in; bad input is refused
with nothing created; a parent cannot be deleted under its incremental; a
daily schedule starts a real backup when its minute comes."""
import datetime
import json
import secrets

from support import (cli, create_body, create_instance, delete_instance, http, mariadb,
                     wait_for, wait_status)

PASSWORD = "pw-" + secrets.token_hex(8)


def ip_of(view):
    ip = view["instance"]["ip"]
    return ip[0] if isinstance(ip, list) else ip


def rows_and_checksum(ip):
    out = mariadb(ip, "app", PASSWORD, "appdb", "SELECT COUNT(*) FROM t; CHECKSUM TABLE t;")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().split("\n")
    return int(lines[0]), lines[1].split("\t")[1]


def insert_rows(ip, first, count):
    values = ",".join(f"({i}, '{secrets.token_hex(16)}')" for i in range(first, first + count))
    out = mariadb(ip, "app", PASSWORD, "appdb", f"INSERT INTO t VALUES {values};")
    assert out.returncode == 0, out.stderr


def wait_backup(tenant, backup_id, timeout=300):
    def done():
        resp = http("GET", tenant.url(f"/backups/{backup_id}"), tenant.token)
        assert resp.status == 200, resp.text
        b = resp.json["backup"]
        assert b["status"] != "FAILED", f"backup {backup_id} FAILED: {resp.text}"
        return b if b["status"] == "COMPLETED" else None
    return wait_for(done, timeout, interval=1, message=f"backup {backup_id} to complete")


def restore(tenant, stack, name, backup_id):
    body = create_body(name, stack.version, size=1)
    body["instance"]["restorePoint"] = {"backupRef": backup_id}
    instance, _ = create_instance(tenant, body)
    return wait_status(tenant, instance["id"], "ACTIVE", timeout=300)


def test_mysql_backup_incremental_and_restore(stack, tenant_a, tenant_b):
    source, _ = create_instance(tenant_a, create_body(
        "e2e-bk-src-" + secrets.token_hex(3), stack.version,
        databases=["appdb"], users=[("app", PASSWORD, ["appdb"])]))
    view = wait_status(tenant_a, source["id"], "ACTIVE", timeout=300)
    ip = ip_of(view)
    made = [source["id"]]
    try:
        out = mariadb(ip, "app", PASSWORD, "appdb",
                      "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(40)) ENGINE=InnoDB;")
        assert out.returncode == 0, out.stderr
        insert_rows(ip, 0, 1000)
        at_full = rows_and_checksum(ip)

        # A full backup through the CLI, waited for with progress.
        created = cli(["backup", "create", "full-1", "--instance", source["id"], "--wait",
                       "-f", "json"], env=tenant_a.cli_env())
        assert created.returncode == 0, created.stdout + created.stderr
        listed = http("GET", tenant_a.url(f"/instances/{source['id']}/backups"), tenant_a.token)
        assert listed.status == 200, listed.text
        assert [b["name"] for b in listed.json["backups"]] == ["full-1"], listed.text
        full = wait_backup(tenant_a, listed.json["backups"][0]["id"])
        assert full["parent_id"] is None and full["size_bytes"] > 0, full
        assert full["datastore"]["type"] == "mysql", full

        # More rows, then an incremental backup on top of the full one.
        insert_rows(ip, 1000, 500)
        at_incremental = rows_and_checksum(ip)
        resp = http("POST", tenant_a.url("/backups"), tenant_a.token,
                    {"backup": {"name": "inc-1", "instance": source["id"], "incremental": True}})
        assert resp.status == 202, resp.text
        inc = wait_backup(tenant_a, resp.json["backup"]["id"])
        assert inc["parent_id"] == full["id"], inc
        insert_rows(ip, 1500, 10)  # after the last backup: restored by neither

        # Another tenant sees neither.
        assert http("GET", tenant_b.url(f"/backups/{full['id']}"), tenant_b.token).status == 404

        # Each backup restores to exactly its moment; the users log in.
        from_full = restore(tenant_a, stack, "e2e-bk-full-" + secrets.token_hex(3), full["id"])
        made.append(from_full["instance"]["id"])
        assert rows_and_checksum(ip_of(from_full)) == at_full
        from_inc = restore(tenant_a, stack, "e2e-bk-inc-" + secrets.token_hex(3), inc["id"])
        made.append(from_inc["instance"]["id"])
        assert rows_and_checksum(ip_of(from_inc)) == at_incremental
        wrong = mariadb(ip_of(from_inc), "app", PASSWORD + "x", "appdb", "SELECT 1;")
        assert wrong.returncode != 0, "a wrong password was accepted on the restored instance"

        # Bad input: nothing is created.
        count = len(http("GET", tenant_a.url("/instances"), tenant_a.token).json["instances"])
        for ref in ("no-such-backup", full["id"]):
            body = create_body("e2e-bk-bad", stack.version)
            body["instance"]["restorePoint"] = {"backupRef": ref}
            token_url = (tenant_a, tenant_b)[ref == full["id"]]
            resp = http("POST", token_url.url("/instances"), token_url.token, body)
            assert resp.status == 400, resp.text
            assert "was not found" in resp.text, resp.text
        assert len(http("GET", tenant_a.url("/instances"), tenant_a.token)
                   .json["instances"]) == count

        # The full backup cannot go while the incremental depends on it.
        blocked = http("DELETE", tenant_a.url(f"/backups/{full['id']}"), tenant_a.token)
        assert blocked.status == 409 and inc["id"] in blocked.text, blocked.text
        for b in (inc, full):
            gone = cli(["backup", "delete", b["id"], "--wait"], env=tenant_a.cli_env())
            assert gone.returncode == 0, gone.stdout + gone.stderr
            assert http("GET", tenant_a.url(f"/backups/{b['id']}"), tenant_a.token).status == 404
        shown = cli(["backup", "list", "-f", "json"], env=tenant_a.cli_env())
        assert shown.returncode == 0, shown.stderr
        assert all(b["id"] not in (full["id"], inc["id"]) for b in json.loads(shown.stdout))

        # A daily schedule whose time is the next whole minute (at least 5 s
        # away, so that the schedule is set before its slot begins): the
        # taskmanager (scanning every 2 s here) starts a full backup then.
        at = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=65)
        daily_at = at.strftime("%H:%M")
        set_out = cli(["backup", "schedule", "set", source["id"], "--daily-at", daily_at,
                       "--retention", "2"], env=tenant_a.cli_env())
        assert set_out.returncode == 0, set_out.stdout + set_out.stderr
        schedule_url = tenant_a.url(f"/instances/{source['id']}/backup_schedule")
        assert http("GET", tenant_b.url(f"/instances/{source['id']}/backup_schedule"),
                    tenant_b.token).status == 404

        def scheduled_backup():
            resp = http("GET", schedule_url, tenant_a.token)
            assert resp.status == 200, resp.text
            schedule = resp.json["backup_schedule"]
            assert schedule["last_error"] is None, resp.text
            return schedule["last_backup_id"]
        scheduled_id = wait_for(scheduled_backup, 180, interval=2,
                                message=f"the schedule at {daily_at} UTC to start a backup")
        scheduled = wait_backup(tenant_a, scheduled_id)
        assert scheduled["scheduled"] is True and scheduled["instance_id"] == source["id"]
        assert scheduled["parent_id"] is None and scheduled["size_bytes"] > 0, scheduled
        cleared = cli(["backup", "schedule", "clear", source["id"]], env=tenant_a.cli_env())
        assert cleared.returncode == 0, cleared.stdout + cleared.stderr
        assert http("GET", schedule_url, tenant_a.token).status == 404
        gone = cli(["backup", "delete", scheduled_id, "--wait"], env=tenant_a.cli_env())
        assert gone.returncode == 0, gone.stdout + gone.stderr
    finally:
        for instance_id in made:
            delete_instance(tenant_a, instance_id)

"""MySQL master/replica on real MariaDB: a replica copies and follows its
master, refuses application writes, blocks the master's delete, survives a
promote (the old master follows the new one), detaches into an independent
writable instance, and a broken replica shows ERROR with the server's error."""
import json
import os
import re
import secrets
import subprocess

from support import (cli, connect_refused, create_body, create_instance, delete_instance,
                     get_instance, get_operation, http, mariadb, wait_for, wait_status)

DB = "appdb"


def wait_operation(tenant, op_id, timeout=300):
    """Waits until the operation finished; asserts it COMPLETED."""
    final = {}

    def done():
        op = get_operation(tenant, op_id)
        final.update(op)
        return op["state"] in ("COMPLETED", "FAILED")
    wait_for(done, timeout, message=f"operation {op_id} to finish")
    assert final["state"] == "COMPLETED", f"operation failed: {final}"
    return final


def make_master(stack, tenant, user, password):
    body = create_body("e2e-master-" + secrets.token_hex(3), stack.version, databases=[DB],
                       users=[(user, password, [DB])])
    inst, op = create_instance(tenant, body)
    wait_operation(tenant, op, timeout=240)
    view = wait_status(tenant, inst["id"], "ACTIVE", timeout=60)["instance"]
    return view["id"], view["ip"][0]


def make_replica(tenant, master_id, **extra):
    body = {"instance": {"name": "e2e-replica-" + secrets.token_hex(3), "replica_of": master_id,
                         **extra}}
    resp = http("POST", tenant.url("/instances"), tenant.token, body)
    assert resp.status == 202, f"replica create answered {resp.status}: {resp.text}"
    return resp.json


def action(tenant, instance_id, name):
    resp = http("POST", tenant.url(f"/instances/{instance_id}/action"), tenant.token,
                {name: {}})
    assert resp.status == 202, f"{name} answered {resp.status}: {resp.text}"
    return resp.json["operation"]["id"]


def sql_ok(ip, user, password, sql):
    r = mariadb(ip, user, password, DB, sql)
    assert r.returncode == 0, f"{sql} on {ip} failed: {r.stderr}"
    return r.stdout.strip()


def count_on(ip, user, password):
    r = mariadb(ip, user, password, DB, "SELECT COUNT(*) FROM t;")
    return int(r.stdout.strip()) if r.returncode == 0 else -1


def view_of(tenant, instance_id):
    resp = get_instance(tenant, instance_id)
    assert resp.status == 200, resp.text
    return resp.json["instance"]


def test_replica_promote_detach(stack, tenant_a):
    user, password = "app", "pw-" + secrets.token_hex(8)
    master_id, master_ip = make_master(stack, tenant_a, user, password)
    sql_ok(master_ip, user, password,
           "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20));"
           "INSERT INTO t VALUES (1, 'one'), (2, 'two'), (3, 'three');")

    created = make_replica(tenant_a, master_id)
    replica_id = created["instance"]["id"]
    assert created["instance"]["replica_of"]["id"] == master_id
    wait_operation(tenant_a, created["operation"]["id"], timeout=300)
    replica = wait_status(tenant_a, replica_id, "ACTIVE", timeout=60)["instance"]
    replica_ip = replica["ip"][0]
    assert replica_ip != master_ip

    # The master's data and accounts are on the replica, and new writes follow.
    assert count_on(replica_ip, user, password) == 3
    sql_ok(master_ip, user, password, "INSERT INTO t VALUES (4, 'four');")
    wait_for(lambda: count_on(replica_ip, user, password) == 4, 15,
             message="the master's new row on the replica")
    refused = mariadb(replica_ip, user, password, DB, "INSERT INTO t VALUES (99, 'no');")
    assert refused.returncode != 0, "the application wrote on a read-only replica"
    assert "read-only" in refused.stderr or "READ ONLY" in refused.stderr, refused.stderr
    assert [r["id"] for r in view_of(tenant_a, master_id)["replicas"]] == [replica_id]

    # The master cannot go while the replica follows it.
    resp = http("DELETE", tenant_a.url(f"/instances/{master_id}"), tenant_a.token)
    assert resp.status == 409, resp.text
    assert "detach or delete its replicas first" in resp.fault()[2]

    # Promote (through the CLI): the replica becomes the master, the old master follows it.
    promoted = cli(["instance", "promote", replica_id, "--wait"], env=tenant_a.cli_env())
    assert promoted.returncode == 0, f"promote failed: {promoted.stdout}{promoted.stderr}"
    assert "replica_of" not in view_of(tenant_a, replica_id)
    assert view_of(tenant_a, master_id)["replica_of"]["id"] == replica_id
    assert view_of(tenant_a, replica_id)["status"] == "ACTIVE"
    assert count_on(replica_ip, user, password) == 4, "a committed row was lost in the promote"
    sql_ok(replica_ip, user, password, "INSERT INTO t VALUES (5, 'five');")
    wait_for(lambda: count_on(master_ip, user, password) == 5, 15,
             message="the new master's row on the old master")
    demoted = mariadb(master_ip, user, password, DB, "INSERT INTO t VALUES (98, 'no');")
    assert demoted.returncode != 0, "the demoted master still takes application writes"

    # Detach the old master (PUT form): it stops following and is writable.
    resp = http("PUT", tenant_a.url(f"/instances/{master_id}"), tenant_a.token,
                {"instance": {"replica_of": None}})
    assert resp.status == 202, resp.text
    wait_operation(tenant_a, resp.headers["x-operation-id"])
    detached = view_of(tenant_a, master_id)
    assert "replica_of" not in detached and detached["status"] == "ACTIVE", detached
    sql_ok(master_ip, user, password, "INSERT INTO t VALUES (100, 'mine');")
    sql_ok(replica_ip, user, password, "INSERT INTO t VALUES (6, 'six');")
    # Give replication a chance to (wrongly) deliver the row, then check it did not.
    wait_for(lambda: count_on(replica_ip, user, password) == 6, 5, message="the local row")
    assert sql_ok(master_ip, user, password, "SELECT COUNT(*) FROM t WHERE id = 6;") == "0"
    assert sql_ok(replica_ip, user, password, "SELECT COUNT(*) FROM t WHERE id = 100;") == "0"

    for instance_id in (master_id, replica_id):
        delete_instance(tenant_a, instance_id)
    for ip in (master_ip, replica_ip):
        wait_for(lambda: connect_refused(ip, 3306), 15, message=f"{ip}:3306 to close")
    for instance_id in (master_id, replica_id):
        assert not os.path.exists(stack.instance_dir(instance_id))


def root_socket(stack, instance_id):
    """The unix socket of an instance's mariadbd, from its my.cnf."""
    cnf = os.path.join(stack.instance_dir(instance_id), "volume", "mysql", "my.cnf")
    with open(cnf) as f:
        match = re.search(r"^socket\s*=\s*(\S+)", f.read(), re.M)
    assert match, f"no socket in {cnf}"
    return match.group(1)


def test_broken_replica_shows_error_with_the_servers_message(stack, tenant_a):
    user, password = "app", "pw-" + secrets.token_hex(8)
    master_id, master_ip = make_master(stack, tenant_a, user, password)
    sql_ok(master_ip, user, password, "CREATE TABLE t (id INT PRIMARY KEY);")
    # Two replicas from one backup, through the CLI.
    made = cli(["instance", "create", "e2e-ro-" + secrets.token_hex(3), "--replica-of", master_id,
                "--replica-count", "2", "--wait", "-f", "json"], env=tenant_a.cli_env())
    assert made.returncode == 0, f"replica create failed: {made.stdout}{made.stderr}"
    listed = json.loads(made.stdout)
    assert isinstance(listed, list) and len(listed) == 2, made.stdout
    # Once both creates completed, each replica is ACTIVE. Its status comes
    # from its latest heartbeat; one CI run (2026-12-02) saw a replica listed
    # not ACTIVE right at completion (status not captured), so the statuses
    # are named and the next 30 s allowed before this fails.
    statuses = {i["id"]: i["status"] for i in listed}
    for i in listed:
        if i["status"] != "ACTIVE":
            print(f"replica {i['id']} listed {i['status']} at completion: {statuses}")
            wait_status(tenant_a, i["id"], "ACTIVE", timeout=30)
    replica_id, other_id = listed[0]["id"], listed[1]["id"]
    assert sorted(r["id"] for r in view_of(tenant_a, master_id)["replicas"]) == sorted(
        [replica_id, other_id])

    # A row written behind replication's back makes the master's insert collide.
    subprocess.run(["mariadb", "--no-defaults", "-S", root_socket(stack, replica_id), "-u",
                    "root", DB, "-e", "SET sql_log_bin=0; SET GLOBAL read_only=0;"
                    " INSERT INTO t VALUES (7); SET GLOBAL read_only=1;"],
                   check=True, capture_output=True, text=True)
    sql_ok(master_ip, user, password, "INSERT INTO t VALUES (7);")
    view = wait_status(tenant_a, replica_id, "ERROR", timeout=30, fail_on=())["instance"]
    assert "replication stopped" in view["fault"]["message"], view
    assert "Duplicate entry" in view["fault"]["message"], view
    assert view_of(tenant_a, other_id)["status"] == "ACTIVE"

    for instance_id in (replica_id, other_id, master_id):
        delete_instance(tenant_a, instance_id)


def test_eject_makes_the_most_advanced_replica_the_master(stack, tenant_a):
    from support import kill_session, read_pid
    user, password = "app", "pw-" + secrets.token_hex(8)
    master_id, master_ip = make_master(stack, tenant_a, user, password)
    sql_ok(master_ip, user, password, "CREATE TABLE t (id INT PRIMARY KEY);"
                                      "INSERT INTO t VALUES (1), (2);")
    created = make_replica(tenant_a, master_id, replica_count=2)
    for op in created["operations"]:
        wait_operation(tenant_a, op["id"], timeout=300)
    replicas = [i["id"] for i in created["instances"]]
    ips = {r: view_of(tenant_a, r)["ip"][0] for r in replicas}
    for r in replicas:
        wait_for(lambda: count_on(ips[r], user, password) == 2, 15, message=f"rows on {r}")

    # Eject is refused while the master's guest still reports.
    resp = http("POST", tenant_a.url(f"/instances/{master_id}/action"), tenant_a.token,
                {"eject_replica_source": {}})
    assert resp.status == 409, resp.text

    # The master's whole server dies (guest and mariadbd).
    pid = read_pid(os.path.join(stack.instance_dir(master_id), "guestagent.pid"))
    kill_session(pid)
    wait_status(tenant_a, master_id, "ERROR", timeout=60, fail_on=())
    wait_operation(tenant_a, action(tenant_a, master_id, "eject_replica_source"))

    masters = [r for r in replicas if "replica_of" not in view_of(tenant_a, r)]
    assert len(masters) == 1, [view_of(tenant_a, r) for r in replicas]
    new_master = masters[0]
    other = next(r for r in replicas if r != new_master)
    assert view_of(tenant_a, other)["replica_of"]["id"] == new_master
    assert "replica_of" not in view_of(tenant_a, master_id)
    sql_ok(ips[new_master], user, password, "INSERT INTO t VALUES (3);")
    wait_for(lambda: count_on(ips[other], user, password) == 3, 15,
             message="the new master's row on the other replica")

    for instance_id in (other, new_master, master_id):
        delete_instance(tenant_a, instance_id)

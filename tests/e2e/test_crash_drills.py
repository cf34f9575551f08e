"""Crash drills: kill -9 and lost records on a running stack lose nothing,
leave no orphan and repeat nothing.

(a) PostgreSQL killed -9 right after POST /instances answered 202, then
    restarted: the instance exists and reaches ACTIVE. On a durable
    PostgreSQL of the drill's own (scripts/services.sh, as ./stack.sh starts
    it) and a small stack of its own on it, since the shared PostgreSQL of
    ./run_tests.sh serves every other test.
(b) An orphan guest (an ACTIVE instance whose records are removed behind the
    API's back, as a lost create leaves it) is reaped: its guest agent and
    MariaDB stop, its directory and address lease go, the taskmanager logs
    it, and the next create that gets the address reaches ACTIVE.
(c) A taskmanager killed -9 during an operation: another one resumes it
    within 10 s, with the lease timings of etc/automat.conf, and the
    operation completes once.
"""
import os
import re
import secrets
import time

import pytest

from conftest import Stack
from support import (ADDRESS_POOL, ORPHAN_GRACE_SECONDS, ORPHAN_SCAN_SECONDS, PrivatePostgres,
                     RabbitVhost, create_body, create_instance, delete_instance, get_instance,
                     get_operation, last_subnet, mariadb, pid_alive, port_open, read_pid,
                     wait_for, wait_status)

TAKEOVER_LIMIT = 10  # seconds, from a kill -9 to another taskmanager's claim


def log_events(text, event, **fields):
    """The log lines of `event` whose fields include `fields` (key=value)."""
    lines = []
    for line in text.splitlines():
        if f"event={event} " not in line + " ":
            continue
        if all(re.search(rf"\b{k}={re.escape(v)}(\s|$)", line) for k, v in fields.items()):
            lines.append(line)
    return lines


# --- (a) PostgreSQL killed right after a 202 ---------------------------------

@pytest.fixture
def durable_stack(stack, report_logs_of):
    """A small stack (api, taskmanager, conductor) on a durable PostgreSQL of
    its own and a virtual host of its own on the shared RabbitMQ, with
    addresses from the top of the pool. Yields (stack, postgres)."""
    pg = PrivatePostgres(os.environ.get("AUTOMAT_E2E_TMPDIR") or None)
    vhost = None
    drill = None
    try:
        pg.start()
        vhost = RabbitVhost(stack.amqp_url)
        drill = Stack(admin_dsn=pg.admin_dsn, amqp_url=vhost.amqp_url,
                      address_pool=last_subnet(ADDRESS_POOL), primary=False)
        report_logs_of(drill)
        drill.set_up()
        yield drill, pg
    finally:
        if drill is not None:
            drill.tear_down()
        if vhost is not None:
            vhost.destroy()
        pg.destroy()


def test_acknowledged_create_survives_postgres_kill9(durable_stack):
    drill, pg = durable_stack
    for setting in ("fsync", "synchronous_commit", "full_page_writes"):
        assert pg.setting(setting) == "on", f"the drill's PostgreSQL runs with {setting} off"
    tenant = drill.tenants["a"]
    instance, op_id = create_instance(
        tenant, create_body("e2e-pgkill-" + secrets.token_hex(3), drill.version))
    pg.kill_postmaster()  # right after the 202
    pg.start()  # crash recovery replays what was committed

    # The API's first request after the restart (its pooled connections all
    # died with the server) answers from the recovered database.
    first = get_instance(tenant, instance["id"])
    assert first.status == 200, (
        f"the acknowledged instance is gone or the API failed after the restart: "
        f"{first.status} {first.text}")
    rows = drill.sql(f"SELECT count(*) FROM operations WHERE id = '{op_id}'")
    assert rows == "1", "the acknowledged operation was lost"

    wait_status(tenant, instance["id"], "ACTIVE", timeout=240)
    done = wait_for(lambda: (op := get_operation(tenant, op_id))["state"] == "COMPLETED" and op,
                    60, message=f"operation {op_id} to be COMPLETED")
    assert done["progress"] == 1, done
    delete_instance(tenant, instance["id"])


# --- (b) an orphan guest is reaped ---------------------------------------------

def lose_records(stack, instance_id):
    """Deletes every row of an instance but its address lease, behind the
    API's back: what a database crash left of a create in issue 10."""
    stack.sql(f"DELETE FROM operations WHERE resource_id = '{instance_id}';"
              f"DELETE FROM service_statuses WHERE instance_id = '{instance_id}';"
              f"DELETE FROM agent_heartbeats WHERE instance_id = '{instance_id}';"
              f"DELETE FROM conductor_lastseen WHERE instance_id = '{instance_id}';"
              f"DELETE FROM instances WHERE id = '{instance_id}'")


def test_orphan_guest_is_reaped_and_its_address_serves_the_next_create(stack, tenant_a):
    instance, _ = create_instance(
        tenant_a, create_body("e2e-orphan-" + secrets.token_hex(3), stack.version))
    orphan_id = instance["id"]
    view = wait_status(tenant_a, orphan_id, "ACTIVE", timeout=240)
    ip = view["instance"]["ip"][0]
    inst_dir = stack.instance_dir(orphan_id)
    guest = read_pid(os.path.join(inst_dir, "guestagent.pid"))
    mysqld = read_pid(os.path.join(inst_dir, "volume", "mysql", "mariadbd.pid"))
    assert guest and pid_alive(guest) and mysqld and pid_alive(mysqld), (guest, mysqld)
    assert stack.sql(f"SELECT address FROM address_leases WHERE instance_id = '{orphan_id}'") == ip

    lose_records(stack, orphan_id)
    lost_at = time.monotonic()
    assert get_instance(tenant_a, orphan_id).status == 404, "the API no longer sees it"

    limit = ORPHAN_GRACE_SECONDS + 2 * ORPHAN_SCAN_SECONDS + 30  # + stopping MariaDB
    wait_for(lambda: not pid_alive(guest) and not pid_alive(mysqld), limit, 0.5,
             f"the orphan's guest agent ({guest}) and MariaDB ({mysqld}) to stop")
    wait_for(lambda: not os.path.exists(inst_dir), 15, 0.5, f"{inst_dir} to be removed")
    wait_for(lambda: stack.sql(f"SELECT count(*) FROM address_leases "
                               f"WHERE instance_id = '{orphan_id}'") == "0",
             15, 0.5, f"the lease of {ip} to be released")
    assert not port_open(ip, 3306), f"something still answers on {ip}:3306"
    removed = wait_for(lambda: log_events(stack.log_text("automat-taskmanager"),
                                          "orphan.removed", instance=orphan_id),
                       15, 0.5, "the taskmanager to log the removal")
    assert len(removed) == 1, removed
    assert 'why="no instance record"' in removed[0], removed[0]
    assert f"address={ip}" in removed[0] and "mariadbd" in removed[0], removed[0]
    print(f"orphan reaped {time.monotonic() - lost_at:.1f}s after its records went")

    # The lowest free address again: the next create gets it, and its guest
    # (not the orphan's) answers there.
    password = "pw-" + secrets.token_hex(8)
    nxt, _ = create_instance(tenant_a, create_body("e2e-after-orphan-" + secrets.token_hex(3),
                                                   stack.version, databases=["afterdb"],
                                                   users=[("after", password, ["afterdb"])]))
    try:
        view = wait_status(tenant_a, nxt["id"], "ACTIVE", timeout=240)
        assert view["instance"]["ip"][0] == ip, (view["instance"]["ip"], ip)
        check = mariadb(ip, "after", password, "afterdb", "SELECT DATABASE();")
        assert check.returncode == 0 and check.stdout.strip() == "afterdb", check.stderr
    finally:
        delete_instance(tenant_a, nxt["id"])


# --- (c) a taskmanager killed -9 mid-operation ----------------------------------

def owner_and_step(stack, op_id):
    row = stack.sql(f"SELECT coalesce(owner, '') || '|' || step_name || '|' || state "
                    f"FROM operations WHERE id = '{op_id}'")
    owner, step_name, state = row.split("|")
    return owner, step_name, state


def test_taskmanager_kill9_is_taken_over_within_10s_and_completes_once(stack, tenant_a):
    stack.start("automat-taskmanager", "automat-taskmanager-2")
    names = ("automat-taskmanager", "automat-taskmanager-2")
    killed_name = None
    instance = None
    try:
        instance, op_id = create_instance(
            tenant_a, create_body("e2e-takeover-" + secrets.token_hex(3), stack.version,
                                  databases=["takeoverdb"]))
        # Mid-operation: while the guest prepares MariaDB (a step of seconds).
        owner, step_name, _ = wait_for(
            lambda: (o := owner_and_step(stack, op_id))[1] == "prepare-datastore" and o[0] and o,
            120, 0.05, f"operation {op_id} to reach prepare-datastore")
        owner_pid = int(owner.split(":")[1])
        killed_name = next(n for n in names if stack.procs[n].pid == owner_pid)
        survivor = next(n for n in names if n != killed_name)
        stack.kill(killed_name)  # SIGKILL
        killed_at = time.monotonic()

        def claimed_by_another():
            now = owner_and_step(stack, op_id)[0]
            if now not in ("", owner):
                return now
            # The survivor may finish in the same moment it claims: the
            # guest's prepare job ran on while no taskmanager looked, so
            # the resumed step finds it ended. Its log names the claim.
            claims = log_events(stack.log_text(survivor), "operation.claimed", op=op_id)
            return claims and re.search(r"\bowner=(\S+)", claims[0]).group(1)

        new_owner = wait_for(claimed_by_another, TAKEOVER_LIMIT + 20, 0.1,
                             f"another taskmanager to claim {op_id}")
        took = time.monotonic() - killed_at
        print(f"taken over after {took:.1f}s by {new_owner}")
        assert int(new_owner.split(":")[1]) == stack.procs[survivor].pid, new_owner
        assert took < TAKEOVER_LIMIT, f"the takeover took {took:.1f}s"

        wait_status(tenant_a, instance["id"], "ACTIVE", timeout=240)
        done = wait_for(lambda: (op := get_operation(tenant_a, op_id))["state"] == "COMPLETED"
                        and op, 60, message=f"operation {op_id} to be COMPLETED")
        assert done["progress"] == 1, done

        logs = "\n".join(stack.log_text(n) for n in names)
        assert len(log_events(logs, "operation.completed", op=op_id)) == 1, "completed once"
        assert len(log_events(logs, "operation.claimed", op=op_id,
                              owner=new_owner)) == 1, "claimed once by the survivor"
        assert len(log_events(logs, "compute.guest_started", instance=instance["id"])) == 1, (
            "the guest agent was started once")
        # Nothing ran after the takeover in the killed one (it is dead), and
        # the survivor resumed from the saved cursor: allocate ran once.
        assert len(log_events(logs, "instance.server_allocated", op=op_id)) == 1
    finally:
        if killed_name == "automat-taskmanager" or (
                stack.procs["automat-taskmanager"].poll() is not None):
            stack.start("automat-taskmanager")
        stack.stop("automat-taskmanager-2")
        if instance is not None:
            delete_instance(tenant_a, instance["id"])

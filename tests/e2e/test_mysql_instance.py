"""A MySQL instance through the CLI: create with a database and a user, use it
with the mariadb client, delete it, and check nothing is left behind."""
import ipaddress
import json
import os
import secrets

from support import (ADDRESS_POOL, cli, connect_refused, get_instance, mariadb, wait_for)


def test_mysql_instance_lifecycle(stack, tenant_a):
    name = "e2e-mysql-" + secrets.token_hex(3)
    password = "pw-" + secrets.token_hex(8)
    created = cli(["instance", "create", name, "--flavor", "1", "--size", "1",
                   "--datastore", "mysql", "--datastore-version", stack.version,
                   "--database", "appdb", "--user", f"app:{password}:appdb",
                   "--wait", "-f", "json"], env=tenant_a.cli_env())
    assert created.returncode == 0, f"create failed: {created.stdout}{created.stderr}"
    assert password not in created.stdout + created.stderr, "the CLI echoed the password"

    listed = cli(["instance", "list", "-f", "json"], env=tenant_a.cli_env())
    assert listed.returncode == 0, listed.stderr
    matches = [i for i in json.loads(listed.stdout) if i["name"] == name]
    assert len(matches) == 1, f"{name} not listed once: {listed.stdout}"
    instance_id = matches[0]["id"]

    shown = cli(["instance", "show", instance_id, "-f", "json"], env=tenant_a.cli_env())
    assert shown.returncode == 0, shown.stderr
    view = json.loads(shown.stdout)
    assert view["status"] == "ACTIVE", view
    ip = view["ip"][0] if isinstance(view["ip"], list) else view["ip"]
    pool = ipaddress.ip_network(ADDRESS_POOL)
    assert ipaddress.ip_address(ip) in pool, f"address {ip} is not from the e2e pool {pool}"

    # The database and user exist, with the grants asked for.
    rows = mariadb(ip, "app", password, "appdb",
                   "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20));"
                   "INSERT INTO t VALUES (1, 'one'), (2, 'two');"
                   "SELECT id, v FROM t ORDER BY id;")
    assert rows.returncode == 0, rows.stderr
    assert rows.stdout.split("\n")[:2] == ["1\tone", "2\ttwo"], rows.stdout

    again = mariadb(ip, "app", password, "appdb", "SELECT COUNT(*) FROM t;")
    assert again.returncode == 0 and again.stdout.strip() == "2", again.stdout + again.stderr

    wrong = mariadb(ip, "app", password + "x", "appdb", "SELECT 1;")
    assert wrong.returncode != 0, "a wrong password was accepted"
    assert "Access denied" in wrong.stderr, wrong.stderr

    # Any unknown name would match an anonymous account, were there one.
    anonymous = mariadb(ip, "nobody" + secrets.token_hex(2), "", "appdb", "SELECT 1;")
    assert anonymous.returncode != 0, "an anonymous login was accepted"
    root = mariadb(ip, "root", "", "mysql", "SELECT 1;")
    assert root.returncode != 0, "root logged in over TCP without a password"

    deleted = cli(["instance", "delete", instance_id, "--wait"], env=tenant_a.cli_env())
    assert deleted.returncode == 0, f"delete failed: {deleted.stdout}{deleted.stderr}"

    assert get_instance(tenant_a, instance_id).status == 404
    wait_for(lambda: connect_refused(ip, 3306), 15, message=f"{ip}:3306 to refuse connections")
    assert not os.path.exists(stack.instance_dir(instance_id)), "instance directory left behind"
    missing = cli(["instance", "show", instance_id], env=tenant_a.cli_env())
    assert missing.returncode != 0, "show of a deleted instance succeeded"

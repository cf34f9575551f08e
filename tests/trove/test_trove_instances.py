"""A MySQL instance's whole life through python-troveclient and `openstack
database`: create with a database and a user, databases, users and their
access, passwords, root, a replica promoted and detached, delete. Every
change is checked on the real MariaDB with the mariadb client."""
import pytest

from support import mariadb, wait_for

VERSION_TIMEOUT = 240


def wait_active(clients, instance_id, timeout=VERSION_TIMEOUT):
    def active():
        inst = clients.trove.instances.get(instance_id)
        assert inst.status not in ("ERROR", "FAILED"), f"{instance_id} went {inst.status}"
        return inst if inst.status == "ACTIVE" else None
    return wait_for(active, timeout, 1, f"instance {instance_id} to be ACTIVE")


def wait_idle(clients, instance_id, timeout=VERSION_TIMEOUT):
    """ACTIVE with no task running (actions answer 422 meanwhile)."""
    def idle():
        inst = clients.trove.instances.get(instance_id)
        return inst if inst.status == "ACTIVE" and getattr(inst, "task", "NONE") == "NONE" else None
    return wait_for(idle, timeout, 1, f"instance {instance_id} to be idle")


def address_of(inst):
    """The instance's address from Trove's `addresses` list (the field clients read)."""
    addresses = getattr(inst, "addresses", None)
    assert addresses, f"instance {inst.id} shows no addresses: {inst._info}"
    return addresses[0]["address"]


def can_login(host, user, password, database=""):
    return mariadb(host, user, password, database, "SELECT 1").returncode == 0


@pytest.fixture(scope="module")
def master(clients, stack):
    inst = clients.trove.instances.create(
        "trove-db1", flavor_id="1", volume={"size": 1},
        databases=[{"name": "shop"}],
        users=[{"name": "app", "password": "app-pass-123", "databases": [{"name": "shop"}]}],
        datastore="mysql", datastore_version=stack.version)
    inst = wait_active(clients, inst.id)
    yield inst
    out = clients.openstack("database", "instance", "delete", inst.id, check=False)
    assert out.returncode == 0 or "not found" in (out.stdout + out.stderr).lower(), out.stderr


def test_created_instance_serves_its_user_and_shows_trove_fields(clients, master):
    host = address_of(master)
    assert can_login(host, "app", "app-pass-123", "shop")
    shown = clients.openstack_json("database", "instance", "show", master.id)
    assert shown["name"] == "trove-db1" and shown["status"] == "ACTIVE"
    assert shown["datastore"] == "mysql"
    listed = clients.openstack_json("database", "instance", "list")
    row = next(r for r in listed if r["ID"] == master.id)
    assert row["Addresses"], row  # a column Trove users read
    info = clients.trove.instances.get(master.id)._info
    assert info["tenant_id"] == clients.tenant.id
    assert info["region"]


def test_databases_through_the_library_and_the_cli(clients, master):
    clients.trove.databases.create(master.id, [{"name": "extra"}])
    names = [d.name for d in clients.trove.databases.list(master.id)]
    assert {"shop", "extra"} <= set(names)
    assert "mysql" not in names  # system databases are never listed
    clients.openstack("database", "db", "create", master.id, "cli_db")
    rows = clients.openstack_json("database", "db", "list", master.id)
    assert "cli_db" in {r["Name"] for r in rows}
    clients.openstack("database", "db", "delete", master.id, "cli_db")
    clients.trove.databases.delete(master.id, "extra")
    names = [d.name for d in clients.trove.databases.list(master.id)]
    assert "extra" not in names and "cli_db" not in names


def test_users_access_and_passwords(clients, master):
    host = address_of(master)
    trove = clients.trove
    trove.users.create(master.id, [{"name": "bob", "password": "bob-pass-123",
                                    "databases": [{"name": "shop"}]}])
    assert "bob" in {u.name for u in trove.users.list(master.id)}
    assert can_login(host, "bob", "bob-pass-123", "shop")
    assert [d.name for d in trove.users.list_access(master.id, "bob")] == ["shop"]

    trove.users.revoke(master.id, "bob", "shop")
    assert not can_login(host, "bob", "bob-pass-123", "shop")
    trove.users.grant(master.id, "bob", ["shop"])
    assert can_login(host, "bob", "bob-pass-123", "shop")

    trove.users.change_passwords(master.id, [{"name": "bob", "password": "bob-new-456"}])
    assert can_login(host, "bob", "bob-new-456", "shop")
    assert not can_login(host, "bob", "bob-pass-123", "shop")

    shown = clients.openstack_json("database", "user", "show", master.id, "bob")
    assert shown["name"] == "bob"
    clients.openstack("database", "user", "create", master.id, "carol", "carol-pass-1",
                      "--databases", "shop")
    assert can_login(host, "carol", "carol-pass-1", "shop")
    access = clients.openstack_json("database", "user", "show", "access", master.id, "carol")
    assert {r["Name"] for r in access} == {"shop"}
    clients.openstack("database", "user", "delete", master.id, "carol")
    assert not can_login(host, "carol", "carol-pass-1", "shop")

    trove.users.delete(master.id, "bob")
    assert "bob" not in {u.name for u in trove.users.list(master.id)}
    assert not can_login(host, "bob", "bob-new-456", "shop")


def test_root_enable_show_disable(clients, master):
    host = address_of(master)
    assert clients.trove.root.is_root_enabled(master.id).rootEnabled is False
    name, password = clients.trove.root.create(master.id)
    assert name == "root" and password
    assert can_login(host, "root", password)
    assert clients.trove.root.is_root_enabled(master.id).rootEnabled is True
    shown = clients.openstack_json("database", "root", "show", master.id)
    assert shown["is_root_enabled"] is True
    clients.openstack("database", "root", "disable", master.id)
    assert not can_login(host, "root", password)


def test_replica_promote_and_detach_through_the_cli(clients, master):
    replica = clients.openstack_json("database", "instance", "create", "trove-db1-ro",
                                     "--replica-of", master.id)
    replica_id = replica["id"]
    wait_active(clients, replica_id)
    wait_idle(clients, master.id)
    info = clients.trove.instances.get(replica_id)._info
    assert info["replica_of"]["id"] == master.id

    clients.openstack("database", "instance", "promote", replica_id)
    wait_for(lambda: "replica_of" not in clients.trove.instances.get(replica_id)._info,
             VERSION_TIMEOUT, 1, "the replica to become the master")
    wait_idle(clients, replica_id)
    wait_for(lambda: clients.trove.instances.get(master.id)._info.get("replica_of", {})
             .get("id") == replica_id, VERSION_TIMEOUT, 1, "the old master to follow")
    wait_idle(clients, master.id)

    clients.openstack("database", "instance", "detach", master.id)
    wait_for(lambda: "replica_of" not in clients.trove.instances.get(master.id)._info,
             VERSION_TIMEOUT, 1, "the old master to be detached")
    wait_idle(clients, master.id)
    clients.openstack("database", "instance", "delete", replica_id)
    wait_for(lambda: replica_id not in {i.id for i in clients.trove.instances.list()},
             VERSION_TIMEOUT, 1, "the replica to be deleted")

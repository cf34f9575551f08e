"""Databases, users and root of an instance (Trove's extensions) through HTTP
and the CLI on the real stack: every change is checked by logging in as the
user it concerns, with the mariadb client over TCP for MySQL and the Python
driver for Cassandra."""
import json
import secrets
import urllib.parse

from cassandra_support import with_session
from support import (cli, create_body, create_instance, delete_instance, http, mariadb,
                     wait_status)


def quote_user(name, host=None):
    """A user as python-troveclient puts it in a path (common.quote_user_host)."""
    text = f"{name}@{host}" if host else name
    return urllib.parse.quote(text).replace(".", "%2e")


def logs_in(ip, user, password, database, sql="SELECT 1;"):
    return mariadb(ip, user, password, database, sql).returncode == 0


def test_mysql_databases_users_and_root(stack, tenant_a):
    name = "e2e-admin-" + secrets.token_hex(3)
    instance, _ = create_instance(tenant_a, create_body(name, stack.version))
    iid = instance["id"]
    url = lambda path: tenant_a.url(f"/instances/{iid}{path}")  # noqa: E731
    try:
        view = wait_status(tenant_a, iid, "ACTIVE")["instance"]
        ip = view["ip"][0]

        # Databases: created, listed by page, a second create refused with the reason.
        resp = http("POST", url("/databases"), tenant_a.token,
                    {"databases": [{"name": "shop"}, {"name": "crm", "character_set": "utf8mb4"}]})
        assert resp.status == 202, resp.text
        resp = http("GET", url("/databases?limit=1"), tenant_a.token)
        assert resp.status == 200, resp.text
        assert resp.json["databases"] == [{"name": "crm"}], resp.text
        next_href = resp.json["links"][0]["href"]
        assert "marker=crm" in next_href, next_href
        resp = http("GET", next_href.replace("https://", "http://"), tenant_a.token)
        assert resp.json["databases"] == [{"name": "shop"}], resp.text
        resp = http("POST", url("/databases"), tenant_a.token, {"databases": [{"name": "shop"}]})
        assert resp.status == 400 and "already exists" in resp.text, resp.text

        # A user reaches its database only, over TCP.
        password = "pw-" + secrets.token_hex(8)
        resp = http("POST", url("/users"), tenant_a.token, {"users": [
            {"name": "app", "password": password, "databases": [{"name": "shop"}]}]})
        assert resp.status == 202, resp.text
        rows = mariadb(ip, "app", password, "shop",
                       "CREATE TABLE t (k INT PRIMARY KEY); INSERT INTO t VALUES (1);"
                       "SELECT COUNT(*) FROM t;")
        assert rows.returncode == 0 and rows.stdout.strip() == "1", rows.stdout + rows.stderr
        assert not logs_in(ip, "app", password, "crm"), "app reached crm without a grant"
        again = http("POST", url("/users"), tenant_a.token, {"users": [
            {"name": "app", "password": password}]})
        assert again.status == 400, again.text
        assert password not in again.text, "a refusal echoed the password"

        # The user as troveclient names it, and through the CLI.
        resp = http("GET", url("/users/" + quote_user("app", "%")), tenant_a.token)
        assert resp.status == 200, resp.text
        assert resp.json["user"] == {"name": "app", "host": "%",
                                     "databases": [{"name": "shop"}]}, resp.text
        listed = cli(["user", "list", name, "-f", "json"], env=tenant_a.cli_env())
        assert listed.returncode == 0, listed.stderr
        assert [u["name"] for u in json.loads(listed.stdout)] == ["app"], listed.stdout

        # Grant and revoke take effect.
        resp = http("PUT", url("/users/app/databases"), tenant_a.token,
                    {"databases": [{"name": "crm"}]})
        assert resp.status == 202, resp.text
        assert logs_in(ip, "app", password, "crm"), "the grant did not take effect"
        granted = cli(["user", "revoke", name, "app", "crm"], env=tenant_a.cli_env())
        assert granted.returncode == 0, granted.stderr
        assert not logs_in(ip, "app", password, "crm"), "the revoke did not take effect"

        # A password change takes effect.
        new_password = "pw-" + secrets.token_hex(8)
        resp = http("PUT", url("/users"), tenant_a.token, {"users": [
            {"name": "app", "password": new_password}]})
        assert resp.status == 202, resp.text
        assert logs_in(ip, "app", new_password, "shop")
        assert not logs_in(ip, "app", password, "shop"), "the old password still works"

        # A deleted user cannot log in.
        resp = http("DELETE", url("/users/" + quote_user("app", "%")), tenant_a.token)
        assert resp.status == 202, resp.text
        assert not logs_in(ip, "app", new_password, "shop"), "a deleted user logged in"
        assert http("GET", url("/users/app"), tenant_a.token).status == 404

        # Root: enabled with a generated password, logs in over TCP, disabled.
        assert http("GET", url("/root"), tenant_a.token).json == {"rootEnabled": False}
        resp = http("POST", url("/root"), tenant_a.token)
        assert resp.status == 200, resp.text
        root = resp.json["user"]
        assert root["name"] == "root" and len(root["password"]) >= 16, resp.text
        assert logs_in(ip, "root", root["password"], "mysql", "CREATE DATABASE by_root;")
        assert http("GET", url("/root"), tenant_a.token).json == {"rootEnabled": True}
        shown = cli(["root", "show", name, "-f", "json"], env=tenant_a.cli_env())
        assert json.loads(shown.stdout) == {"rootEnabled": True}, shown.stdout + shown.stderr
        resp = http("DELETE", url("/root"), tenant_a.token)
        assert resp.status == 204, resp.text
        assert not logs_in(ip, "root", root["password"], "mysql"), "root still logs in"
        assert http("GET", url("/root"), tenant_a.token).json == {"rootEnabled": False}
        assert http("DELETE", url("/root"), tenant_a.token).status == 404

        # The CLI's database commands.
        made = cli(["database", "create", name, "ledger"], env=tenant_a.cli_env())
        assert made.returncode == 0, made.stderr
        dbs = cli(["database", "list", name, "-f", "json"], env=tenant_a.cli_env())
        assert {d["name"] for d in json.loads(dbs.stdout)} == {"by_root", "crm", "ledger", "shop"}
        gone = cli(["database", "delete", name, "ledger"], env=tenant_a.cli_env())
        assert gone.returncode == 0, gone.stderr
        assert http("DELETE", url("/databases/ledger"), tenant_a.token).status == 404
    finally:
        delete_instance(tenant_a, iid)


def test_another_tenant_sees_no_databases(stack, tenant_a, tenant_b):
    instance, _ = create_instance(tenant_a, create_body("e2e-admin-iso-" + secrets.token_hex(3),
                                                        stack.version))
    try:
        resp = http("GET", tenant_b.url(f"/instances/{instance['id']}/databases"),
                    tenant_b.token)
        assert resp.status == 404, resp.text
        # Before it is ACTIVE, the owner is told why it must wait.
        resp = http("GET", tenant_a.url(f"/instances/{instance['id']}/users"), tenant_a.token)
        assert resp.status in (200, 422), resp.text
        if resp.status == 422:
            assert "ACTIVE" in resp.json["unprocessableEntity"]["message"], resp.text
    finally:
        delete_instance(tenant_a, instance["id"])


def test_cassandra_keyspace_role_and_root(stack, tenant_a):
    body = {"instance": {
        "name": "e2e-cass-admin-" + secrets.token_hex(3), "flavorRef": "2",
        "volume": {"size": 1},
        "datastore": {"type": "cassandra", "version": stack.cassandra_version}}}
    instance, _ = create_instance(tenant_a, body)
    iid = instance["id"]
    url = lambda path: tenant_a.url(f"/instances/{iid}{path}")  # noqa: E731
    try:
        ips = wait_status(tenant_a, iid, "ACTIVE", timeout=300)["instance"]["ip"]
        resp = http("POST", url("/databases"), tenant_a.token, {"databases": [{"name": "appks"}]})
        assert resp.status == 202, resp.text
        password = "pw-" + secrets.token_hex(8)
        resp = http("POST", url("/users"), tenant_a.token, {"users": [
            {"name": "app", "password": password, "databases": [{"name": "appks"}]}]})
        assert resp.status == 202, resp.text
        resp = http("GET", url("/users"), tenant_a.token)
        assert resp.json["users"] == [{"name": "app", "host": "%",
                                       "databases": [{"name": "appks"}]}], resp.text

        def work(session):
            session.execute("CREATE TABLE IF NOT EXISTS kv (k int PRIMARY KEY, v text)")
            session.execute("INSERT INTO kv (k, v) VALUES (1, 'one')")
            return [r.v for r in session.execute("SELECT v FROM kv WHERE k = 1")]
        assert with_session(ips, "app", password, work, keyspace="appks") == ["one"]

        resp = http("POST", url("/root"), tenant_a.token, {"password": "r00t-" + password})
        assert resp.status == 200, resp.text
        assert resp.json["user"] == {"name": "root", "password": "r00t-" + password}

        def keyspaces(session):
            return {r.keyspace_name for r in
                    session.execute("SELECT keyspace_name FROM system_schema.keyspaces")}
        assert "appks" in with_session(ips, "root", "r00t-" + password, keyspaces)
        assert http("GET", url("/root"), tenant_a.token).json == {"rootEnabled": True}
        resp = http("DELETE", url("/databases/appks"), tenant_a.token)
        assert resp.status == 202, resp.text
        assert http("GET", url("/databases"), tenant_a.token).json == {"databases": [], "links": []}
    finally:
        delete_instance(tenant_a, iid, timeout=180)

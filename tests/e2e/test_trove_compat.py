"""Trove compatibility through HTTP, the CLI and automat-manage (issue 10,
section 2): the catalog in Trove's shapes (datastore version routes, flavor
ids, pagination with next links), per-tenant quotas (defaults from the
config, changed by an admin token and by automat-manage, 413 overLimit on
creates of instances and of clusters' nodes), sizes given as strings as
`openstack database ...` sends them, and the instance view fields Trove's
clients read."""
import re
import secrets

from support import (Tenant, cli, create_body, create_instance, delete_instance, http,
                     wait_status)


def make_tenant(stack, name, admin=False):
    args = ["token", "create", "--tenant", name] + (["--role", "admin"] if admin else [])
    line = [ln for ln in stack.manage(*args).splitlines() if ln.strip()][-1]
    match = re.search(r"\(tenant_id ([^)]+)\)", line)
    assert match, f"unexpected token create output: {line!r}"
    return Tenant(name=name, id=match.group(1), token=line.split()[-1])


def ok(resp):
    assert resp.status == 200, f"{resp.status}: {resp.text}"
    return resp.json


def quota_of(tenant, resource):
    body = ok(http("GET", tenant.url(f"/mgmt/quotas/{tenant.id}"), tenant.token))
    return next(q for q in body["quotas"] if q["resource"] == resource)


def test_catalog_in_troves_shapes_and_pages(stack, tenant_b):
    flavors = ok(http("GET", tenant_b.url("/flavors"), tenant_b.token))
    assert [(f["id"], f["str_id"], f["ephemeral"]) for f in flavors["flavors"]] == [
        (1, "1", 0), (2, "2", 0), (3, "3", 0)], flavors
    assert flavors["links"] == []

    # limit and marker, with a next link while more remain.
    first = ok(http("GET", tenant_b.url("/flavors?limit=1"), tenant_b.token))
    assert [f["name"] for f in first["flavors"]] == ["m1.tiny"]
    assert first["links"][0]["rel"] == "next", first
    second = ok(http("GET", first["links"][0]["href"], tenant_b.token))
    assert [f["name"] for f in second["flavors"]] == ["m1.small"]
    third = ok(http("GET", second["links"][0]["href"], tenant_b.token))
    assert [f["name"] for f in third["flavors"]] == ["m1.medium"]
    assert third["links"] == []
    for query in ("limit=0", "limit=abc", "marker=no-such-flavor"):
        resp = http("GET", tenant_b.url("/flavors?" + query), tenant_b.token)
        assert resp.status == 400 and "badRequest" in resp.json, (query, resp.text)

    # A version by its id alone, and the flavors a version accepts.
    datastores = ok(http("GET", tenant_b.url("/datastores"), tenant_b.token))["datastores"]
    by_name = {d["name"]: d for d in datastores}
    mysql = by_name["mysql"]["versions"][0]
    shown = ok(http("GET", tenant_b.url(f"/datastores/versions/{mysql['id']}"),
                    tenant_b.token))["version"]
    assert (shown["name"], shown["version"]) == (stack.version, stack.version), shown
    assert "image" not in shown, "a tenant is not shown where the binaries live"
    cassandra = by_name["cassandra"]["versions"][0]
    usable = ok(http("GET", tenant_b.url(f"/datastores/cassandra/versions/{cassandra['id']}"
                                         "/flavors"), tenant_b.token))
    assert [f["name"] for f in usable["flavors"]] == ["m1.small", "m1.medium"], (
        "Cassandra needs 1 GB of RAM")
    resp = http("GET", tenant_b.url("/instances?include_clustered=perhaps"), tenant_b.token)
    assert resp.status == 400, resp.text


def test_quotas_limit_creates_and_views_carry_troves_fields(stack):
    suffix = secrets.token_hex(3)
    member = make_tenant(stack, "e2e-quota-" + suffix)
    admin = make_tenant(stack, "e2e-quota-admin-" + suffix, admin=True)

    # The [quota] defaults of the configuration (etc/automat.conf).
    limits = ok(http("GET", member.url("/limits"), member.token))["limits"]
    assert limits == [{"verb": "ABSOLUTE", "max_instances": 10, "max_ram": -1,
                       "max_volumes": 40, "max_backups": 50}], limits

    # Only an admin token changes a quota.
    body = {"quotas": {"instances": 1}}
    resp = http("PUT", member.url(f"/mgmt/quotas/{member.id}"), member.token, body)
    assert resp.status == 403 and "forbidden" in resp.json, resp.text
    resp = http("PUT", admin.url(f"/mgmt/quotas/{member.id}"), admin.token, body)
    assert ok(resp) == {"quotas": {"instances": 1}}

    # A create as `openstack database instance create --size 1` may send it.
    create = create_body("e2e-quota-" + suffix, stack.version)
    create["instance"]["volume"]["size"] = "1"
    instance, _ = create_instance(member, create)
    try:
        assert instance["volume"]["size"] == 1
        resp = http("POST", member.url("/instances"), member.token, create)
        assert resp.status == 413, resp.text
        message = resp.json["overLimit"]["message"]
        assert "instances would be 2" in message and "over the limit of 1 by 1" in message, message
        # A cluster's nodes are instances; its string sizes pass, the quota does not.
        cluster = {"cluster": {"name": "e2e-quota-ring",
                               "datastore": {"type": "cassandra",
                                             "version": stack.cassandra_version},
                               "instances": [{"flavorRef": "2", "volume": {"size": "1"},
                                              "availability_zone": "rack1"}] * 3}}
        resp = http("POST", member.url("/clusters"), member.token, cluster)
        assert resp.status == 413, resp.text
        assert "(1 in use + 3 asked)" in resp.json["overLimit"]["message"], resp.text
        assert stack.sql(f"SELECT count(*) FROM instances WHERE tenant_id = '{member.id}'") == "1"

        assert quota_of(member, "instances") == {"resource": "instances", "in_use": 1,
                                                 "reserved": 0, "limit": 1}
        assert quota_of(member, "volumes")["in_use"] == 1
        assert quota_of(member, "ram")["in_use"] == 512  # m1.tiny
        shown = cli(["quota", "show"], env=member.cli_env())
        assert shown.returncode == 0, shown.stderr
        assert "instances" in shown.stdout and "unlimited" in shown.stdout, shown.stdout

        # automat-manage changes it from the control plane's side.
        out = stack.manage("quota", "set", "--tenant", member.name, "--instances", "2")
        assert re.search(r"instances\s+1\s+2\n", out), out
        limits = cli(["limits", "-f", "json"], env=member.cli_env())
        assert limits.returncode == 0, limits.stderr
        assert '"max_instances": 2' in limits.stdout, limits.stdout

        # The fields Trove's clients read, once the instance runs.
        view = wait_status(member, instance["id"], "ACTIVE")["instance"]
        assert view["operating_status"] == "HEALTHY", view
        assert view["addresses"] == [{"address": view["ip"][0], "type": "private"}], view
        assert view["access"] == {"is_public": False}
        assert view["region"] == "RegionOne" and view["tenant_id"] == member.id, view
        assert view["service_status_updated"], view
    finally:
        delete_instance(member, instance["id"])
    assert quota_of(member, "instances")["in_use"] == 0, "a deleted instance frees its quota"

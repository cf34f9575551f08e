"""Tenant isolation with two tokens: a token is good only on its own tenant's
URL (403 elsewhere), another tenant's ids are 404 (never leaked), lists are
scoped."""
import secrets

from support import create_body, create_instance, delete_instance, http, wait_for


def ids(resp):
    assert resp.status == 200, resp.text
    return {i["id"] for i in resp.json["instances"]}


def test_tenants_are_isolated(stack, tenant_a, tenant_b):
    instance, op_id = create_instance(
        tenant_a, create_body("e2e-iso-" + secrets.token_hex(3), stack.version))
    inst = instance["id"]
    try:
        # B's token on A's URLs: forbidden, whatever the resource.
        for method, path in (("GET", "/instances"), ("GET", f"/instances/{inst}"),
                             ("DELETE", f"/instances/{inst}"), ("GET", f"/operations/{op_id}"),
                             ("GET", "/instances/detail")):
            resp = http(method, tenant_a.url(path), tenant_b.token)
            assert resp.status == 403, f"{method} {path} with B's token: {resp.status} {resp.text}"
            assert "forbidden" in resp.json, resp.text

        # A's ids under B's own URL: not found, as if they did not exist.
        for method, path in (("GET", f"/instances/{inst}"), ("DELETE", f"/instances/{inst}"),
                             ("GET", f"/operations/{op_id}")):
            resp = http(method, tenant_b.url(path), tenant_b.token)
            assert resp.status == 404, f"{method} {path} under B: {resp.status} {resp.text}"
            assert "itemNotFound" in resp.json, resp.text
            assert "e2e-iso" not in resp.text, "the 404 leaked the instance's name"

        # Lists are scoped to the URL's tenant.
        assert inst in ids(http("GET", tenant_a.url("/instances"), tenant_a.token))
        assert inst not in ids(http("GET", tenant_b.url("/instances"), tenant_b.token))
        assert inst not in ids(http("GET", tenant_b.url("/instances/detail"), tenant_b.token))

        # B's DELETE did nothing: A still sees its instance, not being deleted.
        mine = http("GET", tenant_a.url(f"/instances/{inst}"), tenant_a.token)
        assert mine.status == 200 and mine.json["instance"]["task"] != "DELETING", mine.text
        # Only A's create was ever recorded against it.
        assert stack.sql(f"SELECT count(*) FROM operations WHERE resource_id = '{inst}'") == "1"
    finally:
        wait_for(lambda: http("GET", tenant_a.url(f"/instances/{inst}"),
                              tenant_a.token).json["instance"]["status"] != "BUILD",
                 240, 1, f"instance {inst} to finish building")
        delete_instance(tenant_a, inst)

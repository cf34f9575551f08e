"""Quotas through Trove's clients: an admin reads and changes a tenant's
quota (`openstack database quota show|update`), the tenant sees it in its
limits, and a create over it is refused with 413 overLimit naming the
resource, leaving nothing behind."""
import pytest
from troveclient import exceptions

from support import wait_for


def usage(admin_clients, tenant):
    rows = admin_clients.openstack_json("database", "quota", "show", tenant.id)
    return {r["Resource"]: r for r in rows}


def test_admin_sets_a_quota_that_the_tenant_meets(stack, admin_clients, member_b):
    tenant = stack.tenants["b"]
    before = usage(admin_clients, tenant)
    assert {"instances", "volumes", "backups"} <= set(before)
    in_use = before["instances"]["In Use"]

    updated = admin_clients.openstack_json("database", "quota", "update", tenant.id,
                                           "instances", str(in_use))
    assert updated["instances"] == in_use
    try:
        # The tenant sees its new limit...
        member = member_b
        assert member.trove.limits.list()[0].max_instances == in_use
        # ...and a create over it is refused, with nothing left behind.
        with pytest.raises(exceptions.ClientException) as err:
            member.trove.instances.create("over-quota", flavor_id="1", volume={"size": 1},
                                          datastore="mysql", datastore_version=stack.version)
        assert err.value.http_status == 413, err.value
        assert "instances" in str(err.value)
        assert "over-quota" not in {i.name for i in member.trove.instances.list()}
        # A member token cannot change quotas.
        out = member.openstack("database", "quota", "update", tenant.id, "instances", "50",
                               check=False)
        assert out.returncode != 0 and "403" in out.stderr + out.stdout
    finally:
        admin_clients.openstack("database", "quota", "update", tenant.id, "instances",
                                str(before["instances"]["Limit"]))
    assert usage(admin_clients, tenant)["instances"]["Limit"] == before["instances"]["Limit"]

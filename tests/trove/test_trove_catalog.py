"""The catalog through Trove's clients: flavors, datastores, versions, limits."""


def test_flavors_through_the_library_and_the_cli(clients):
    flavors = {f.name: f for f in clients.trove.flavors.list()}
    assert {"m1.tiny", "m1.small"} <= set(flavors)
    tiny = clients.trove.flavors.get(flavors["m1.tiny"].id)
    assert tiny.ram == 512 and tiny.vcpus == 1
    rows = clients.openstack_json("database", "flavor", "list")
    by_name = {r["Name"]: r for r in rows}
    assert by_name["m1.small"]["RAM"] == 1024
    shown = clients.openstack_json("database", "flavor", "show", "m1.tiny")
    assert shown["ram"] == 512


def test_datastores_and_versions(clients):
    names = {d.name for d in clients.trove.datastores.list()}
    assert {"mysql", "cassandra"} <= names
    versions = clients.trove.datastore_versions.list("cassandra")
    assert [v.name for v in versions] == ["5.0.9"]
    version = clients.trove.datastore_versions.get_by_uuid(versions[0].id)
    assert version.name == "5.0.9" and version.active
    rows = clients.openstack_json("datastore", "version", "list", "mysql")
    assert rows and all(r["Name"] for r in rows)
    shown = clients.openstack_json("datastore", "show", "cassandra")
    assert shown["name"] == "cassandra"


def test_limits_list_the_absolute_quotas(clients):
    limits = clients.trove.limits.list()
    absolute = limits[0]
    assert absolute.verb == "ABSOLUTE"
    assert absolute.max_instances >= 1
    assert absolute.max_volumes >= 1
    out = clients.openstack("database", "limit", "list")
    assert "max_instances" in out.stdout

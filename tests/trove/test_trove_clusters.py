"""A Cassandra cluster through `openstack database cluster ...` (the command
line a Trove user types, which sends numeric strings such as "size": "1"),
with its root, a grow and the cluster's instances hidden from the instance
list unless include_clustered is asked for."""
from support import wait_for

TIMEOUT = 300


def cluster_state(clients, cluster_id):
    cluster = clients.trove.clusters.get(cluster_id)
    task = cluster.task["name"] if isinstance(cluster.task, dict) else cluster.task
    return task, getattr(cluster, "status", None), cluster


def wait_cluster_idle(clients, cluster_id):
    def idle():
        task, status, cluster = cluster_state(clients, cluster_id)
        assert status not in ("ERROR", "FAILED"), f"cluster {cluster_id} went {status}"
        return cluster if task == "NONE" and status == "ACTIVE" else None
    return wait_for(idle, TIMEOUT, 1, f"cluster {cluster_id} to be ACTIVE and idle")


def test_cluster_created_grown_and_deleted_through_the_cli(clients, stack):
    created = clients.openstack_json(
        "database", "cluster", "create", "trove-ring", "cassandra", stack.cassandra_version,
        "--instance", "flavor=m1.small,volume=1,availability_zone=rack1", timeout=180)
    cluster_id = created["id"]
    try:
        cluster = wait_cluster_idle(clients, cluster_id)
        members = [i["id"] for i in cluster.instances]
        assert len(members) == 1

        # Cluster members are hidden from the instance list unless asked for.
        listed = {i.id for i in clients.trove.instances.list()}
        assert not set(members) & listed
        clustered = clients.trove.instances.list(include_clustered=True)
        assert set(members) <= {i.id for i in clustered}
        member = clients.trove.instances.get(members[0])._info
        assert member["cluster_id"] == cluster_id

        shown = clients.openstack_json("database", "cluster", "show", cluster_id)
        assert shown["name"] == "trove-ring"
        rows = clients.openstack_json("database", "cluster", "list", "instances", cluster_id)
        assert {r["ID"] for r in rows} == set(members)

        # Root: not enabled, then enabled once with a password shown only then.
        assert clients.trove.root.is_cluster_root_enabled(cluster_id).rootEnabled is False
        root = clients.openstack_json("database", "root", "enable", cluster_id)
        assert root["name"] and root["password"]
        assert clients.trove.root.is_cluster_root_enabled(cluster_id).rootEnabled is True

        clients.openstack("database", "cluster", "grow", cluster_id,
                          "--instance", "flavor=m1.small,volume=1,availability_zone=rack1")
        wait_for(lambda: len(cluster_state(clients, cluster_id)[2].instances) == 2, TIMEOUT, 1,
                 "the grown cluster to list 2 nodes")
        wait_cluster_idle(clients, cluster_id)
    finally:
        clients.openstack("database", "cluster", "delete", cluster_id, check=False)
        wait_for(lambda: cluster_id not in {c.id for c in clients.trove.clusters.list()},
                 TIMEOUT, 1, "the cluster to be deleted")

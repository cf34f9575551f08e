"""A one-node Cassandra from POST /instances on a real Cassandra node: a flavor
under 1 GB is refused with a 400 that says so and leaves nothing; the node is
secured (the default cassandra/cassandra login is refused), its user logs in
and writes to its keyspace; delete leaves no JVM and no directory."""
import os
import secrets

import pytest

from cassandra_support import java_pids_under, jvm_pid, with_session
from support import (create_instance, delete_instance, http, wait_for, wait_status)

KEYSPACE = "appks"


def cassandra_body(stack, name, flavor, users=(), databases=()):
    return {"instance": {
        "name": name, "flavorRef": flavor, "volume": {"size": 1},
        "datastore": {"type": "cassandra", "version": stack.cassandra_version},
        "databases": [{"name": d} for d in databases],
        "users": [{"name": u, "password": p, "databases": [{"name": d} for d in dbs]}
                  for (u, p, dbs) in users],
    }}


def instance_names(tenant):
    resp = http("GET", tenant.url("/instances"), tenant.token)
    assert resp.status == 200, resp.text
    return {i["name"] for i in resp.json["instances"]}


def test_a_flavor_under_1_gb_is_refused_and_leaves_nothing(stack, tenant_a):
    name = "e2e-cass-tiny-" + secrets.token_hex(3)
    resp = http("POST", tenant_a.url("/instances"), tenant_a.token,
                cassandra_body(stack, name, "1"))  # m1.tiny: 512 MB
    assert resp.status == 400, f"answered {resp.status}: {resp.text}"
    message = resp.json["badRequest"]["message"]
    assert "MB of RAM" in message and "Cassandra" in message, message
    assert name not in instance_names(tenant_a)


def test_standalone_cassandra_is_secured_and_serves_its_user(stack, tenant_a):
    password = "pw-" + secrets.token_hex(8)
    body = cassandra_body(stack, "e2e-cass-one-" + secrets.token_hex(3), "2",
                          users=[("app", password, [KEYSPACE])], databases=[KEYSPACE])
    instance, _ = create_instance(tenant_a, body)
    instance_dir = stack.instance_dir(instance["id"])
    try:
        view = wait_status(tenant_a, instance["id"], "ACTIVE", timeout=300)["instance"]
        ips = view["ip"]
        assert ips, f"no address: {view}"
        jvm_pid(instance_dir)

        # The user owns its keyspace: it writes and reads back.
        def work(session):
            session.execute("CREATE TABLE IF NOT EXISTS kv (k int PRIMARY KEY, v text)")
            session.execute("INSERT INTO kv (k, v) VALUES (1, 'one')")
            return [r.v for r in session.execute("SELECT v FROM kv WHERE k = 1")]
        assert with_session(ips, "app", password, work, keyspace=KEYSPACE) == ["one"]

        # Secured: the default superuser login is gone.
        from cassandra import AuthenticationFailed
        from cassandra.auth import PlainTextAuthProvider
        from cassandra.cluster import (EXEC_PROFILE_DEFAULT, Cluster, ExecutionProfile,
                                       NoHostAvailable)
        from cassandra.policies import RoundRobinPolicy
        profile = ExecutionProfile(load_balancing_policy=RoundRobinPolicy())
        # Protocol v4 pinned: no version-downgrade retry, whose NoHostAvailable
        # lists only the hosts instead of each host's error.
        cluster = Cluster(contact_points=ips, execution_profiles={EXEC_PROFILE_DEFAULT: profile},
                          auth_provider=PlainTextAuthProvider("cassandra", "cassandra"),
                          protocol_version=4, connect_timeout=20)
        try:
            with pytest.raises(NoHostAvailable) as refused:
                cluster.connect()
            errors = refused.value.errors
            if isinstance(errors, dict):  # the node answered: it must be the login it refused
                assert errors and all(isinstance(e, AuthenticationFailed)
                                      for e in errors.values()), errors
        finally:
            cluster.shutdown()
        # The user's password is never shown again.
        shown = http("GET", tenant_a.url(f"/instances/{instance['id']}"), tenant_a.token)
        assert password not in shown.text
    finally:
        delete_instance(tenant_a, instance["id"], timeout=180)
    wait_for(lambda: not java_pids_under([instance_dir]), 60,
             message="the node's JVM to end")
    assert not os.path.exists(instance_dir), f"{instance_dir} is still there"

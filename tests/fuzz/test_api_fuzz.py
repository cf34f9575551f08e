"""Property-based fuzzing of the real automat-api with schemathesis.

Schemathesis reads docs/openapi.yaml and sends every operation generated
requests: bodies and parameters that fit the schemas, and ones that violate
them. Two checks must hold for every one of them:
  - not_a_server_error: nothing answers 5xx;
  - negative_data_rejection: a request that violates the schema is a 4xx.
The run is bounded (examples per operation) and seeded, so a failure
reproduces. A first pass uses random ids (the id routes answer 404 after the
body was checked); a second pass aims every id at real rows of the tenant, so
handlers run on them too. Afterwards the api must still be up and answering.
"""
import json
import os
import subprocess
import sys

import pytest

from support import http, wait_for

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SPEC = os.path.join(ROOT, "docs", "openapi.yaml")
CONFIG = os.path.join(os.path.dirname(__file__), "schemathesis.toml")
SEED = 20261202
# Examples per operation and pass; the coverage phase adds its boundary cases.
MAX_EXAMPLES = int(os.environ.get("AUTOMAT_FUZZ_EXAMPLES", "25"))


def schemathesis_cli():
    st = os.path.join(os.path.dirname(sys.executable), "st")
    if not os.path.exists(st):
        pytest.fail("schemathesis is not installed beside this python: run the fuzz tests "
                    "through ./run_tests.sh (it builds tests/python/requirements.txt's venv)",
                    pytrace=False)
    return st


def run_schemathesis(stack, tenant, extra_parameters, label, tmp_path):
    config = tmp_path / f"schemathesis-{label}.toml"
    text = open(CONFIG).read()
    for name, value in extra_parameters.items():
        text = text.replace("[parameters]\n", f'[parameters]\n"path.{name}" = "{value}"\n', 1)
    config.write_text(text)
    cmd = [schemathesis_cli(), "--config-file", str(config), "--no-color", "run", SPEC,
           "--url", stack.api_root, "-H", f"X-Auth-Token: {tenant.token}",
           "--checks", "not_a_server_error,negative_data_rejection",
           "--phases", "examples,coverage,fuzzing", "--mode", "all",
           "--max-examples", str(MAX_EXAMPLES), "--seed", str(SEED), "--workers", "1",
           "--generation-database", "none", "--request-timeout", "20",
           "--suppress-health-check", "all", "--output-sanitize", "true"]
    env = {**os.environ, "AUTOMAT_FUZZ_TENANT": tenant.id}
    out = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True,
                         timeout=1200)
    report = out.stdout[-30000:] + out.stderr[-5000:]
    print(f"===== schemathesis ({label}) =====\n{report}")
    summary = [ln for ln in out.stdout.splitlines() if "passed" in ln or "failed" in ln]
    sys.stderr.write(f"schemathesis ({label}): {summary[-1] if summary else out.stdout[-300:]}\n")
    assert out.returncode == 0, f"schemathesis ({label}) found failures:\n{report}"
    return out.stdout


def api_alive(stack, tenant):
    resp = http("GET", tenant.url("/flavors"), tenant.token)
    assert resp.status == 200, f"the api does not answer after fuzzing: {resp.status} {resp.text}"
    stack._check_alive()


def real_rows(tenant):
    """An instance and a cluster of the tenant (never built: no taskmanager)."""
    created = http("POST", tenant.url("/instances"), tenant.token, body={
        "instance": {"name": "fuzz-target", "flavorRef": "1", "volume": {"size": 1},
                     "datastore": {"type": "mysql"}}})
    assert created.status == 202, created.text
    cluster = http("POST", tenant.url("/clusters"), tenant.token, body={
        "cluster": {"name": "fuzz-ring",
                    "datastore": {"type": "cassandra", "version": "5.0.9"},
                    "instances": [{"flavorRef": "2", "volume": {"size": 1}}] * 2}})
    assert cluster.status == 202, cluster.text
    node = cluster.json["cluster"]["instances"][0]["id"]
    return {"instance_id": created.json["instance"]["id"],
            "cluster_id": cluster.json["cluster"]["id"], "node_id": node,
            "operation_id": created.json["operation"]["id"],
            "datastore": "mysql", "flavor_id": "1"}


def test_random_ids_never_5xx_and_schema_violations_are_4xx(api_stack, tmp_path):
    tenant = api_stack.tenants["a"]
    run_schemathesis(api_stack, tenant, {}, "random-ids", tmp_path)
    api_alive(api_stack, tenant)


def test_real_ids_never_5xx_and_schema_violations_are_4xx(api_stack, tmp_path):
    tenant = api_stack.tenants["b"]
    ids = real_rows(tenant)
    run_schemathesis(api_stack, tenant, ids, "real-ids", tmp_path)
    api_alive(api_stack, tenant)
    # The rows it aimed at are still readable (or deleted through the API),
    # never broken.
    for path in (f"/instances/{ids['instance_id']}", f"/clusters/{ids['cluster_id']}"):
        resp = http("GET", tenant.url(path), tenant.token)
        assert resp.status in (200, 404), f"{path}: {resp.status} {resp.text}"

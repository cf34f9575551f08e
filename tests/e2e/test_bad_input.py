"""Every bad-input case of the instance API answers its 4xx with a Trove fault
whose message names the field, and leaves no row behind."""
import copy

import pytest

from support import create_body, http, http_raw

FAULTS = {400: "badRequest", 401: "unauthorized", 413: "overLimit"}


def good_body(version):
    return create_body("e2e-bad-input", version, databases=["okdb"],
                       users=[("okuser", "good-password-1", ["okdb"])])


def mutate(body, path, value):
    """A copy of body with the dotted path (under "instance") set, or removed
    when value is DELETE."""
    doc = copy.deepcopy(body)
    node = doc["instance"]
    keys = path.split(".")
    for key in keys[:-1]:
        node = node[int(key)] if isinstance(node, list) else node[key]
    last = int(keys[-1]) if isinstance(node, list) else keys[-1]
    if value is DELETE:
        del node[last]
    else:
        node[last] = value
    return doc


DELETE = object()

# (case id, dotted path, new value, word the message must contain)
FIELD_CASES = [
    ("name-missing", "name", DELETE, "name"),
    ("name-number", "name", 123, "name"),
    ("name-empty", "name", "", "name"),
    ("flavor-unknown", "flavorRef", "999", "flavor"),
    ("flavor-list", "flavorRef", [1], "flavor"),
    ("flavor-missing", "flavorRef", DELETE, "flavor"),
    ("volume-missing", "volume", DELETE, "volume"),
    ("volume-string", "volume", "big", "volume"),
    ("volume-size-string", "volume.size", "ten", "size"),
    ("volume-size-zero", "volume.size", 0, "size"),
    ("volume-size-huge", "volume.size", 100000, "size"),
    ("volume-size-negative", "volume.size", -1, "size"),
    ("datastore-unknown", "datastore.type", "nosuchdb", "datastore"),
    ("datastore-number", "datastore.type", 5, "datastore"),
    ("version-unknown", "datastore.version", "0.0", "version"),
    ("databases-not-list", "databases", "okdb", "databases"),
    ("database-name-number", "databases.0.name", 7, "name"),
    ("users-not-list", "users", {"name": "x"}, "users"),
    ("user-password-number", "users.0.password", 12345678, "password"),
    ("user-password-short", "users.0.password", "short", "password"),
    ("user-unknown-database", "users.0.databases", [{"name": "nosuchdb"}], "database"),
]


def snapshot(stack, tenant):
    """What a leaked write would change: the tenant's list and its rows."""
    listed = http("GET", tenant.url("/instances"), tenant.token)
    assert listed.status == 200, listed.text
    ids = sorted(i["id"] for i in listed.json["instances"])
    rows = stack.sql(f"SELECT (SELECT count(*) FROM instances WHERE tenant_id = '{tenant.id}')"
                     f" || '/' || (SELECT count(*) FROM operations WHERE tenant_id = '{tenant.id}')")
    return ids, rows


@pytest.fixture
def unchanged(stack, tenant_b):
    """Asserts after the test that tenant b (used only here) gained no rows."""
    before = snapshot(stack, tenant_b)
    yield
    assert snapshot(stack, tenant_b) == before, "a refused request left a row behind"


def assert_fault(resp, status, word=None):
    assert resp.status == status, f"expected {status}, got {resp.status}: {resp.text}"
    name, code, message = resp.fault()
    assert name == FAULTS[status], resp.text
    assert code == status, resp.text
    assert message, resp.text
    if word:
        assert word.lower() in message.lower(), f"message {message!r} does not name {word!r}"


@pytest.mark.parametrize("case,path,value,word", FIELD_CASES, ids=[c[0] for c in FIELD_CASES])
def test_bad_field(stack, tenant_b, unchanged, case, path, value, word):
    body = mutate(good_body(stack.version), path, value)
    resp = http("POST", tenant_b.url("/instances"), tenant_b.token, body)
    assert_fault(resp, 400, word)


@pytest.mark.parametrize("payload", [b'{"instance": {"name": "x",', b"not json", b"[1, 2",
                                     b'{"instance": "x"}', b"[]", b""])
def test_malformed_body(stack, tenant_b, unchanged, payload):
    resp = http("POST", tenant_b.url("/instances"), tenant_b.token, raw=payload)
    word = "instance" if payload in (b'{"instance": "x"}', b"[]") else None
    assert_fault(resp, 400, word)


def test_malformed_json_says_json(stack, tenant_b, unchanged):
    resp = http("POST", tenant_b.url("/instances"), tenant_b.token, raw=b'{"instance": {')
    assert_fault(resp, 400, "json")


def test_body_over_one_mib(stack, tenant_b, unchanged):
    filler = "x" * (1024 * 1024)
    payload = ('{"instance": {"name": "big", "flavorRef": "1", "volume": {"size": 1}, '
               f'"description": "{filler}"}}}}').encode()
    assert len(payload) > 1024 * 1024
    resp = http_raw("POST", tenant_b.url("/instances"), tenant_b.token, payload)
    assert_fault(resp, 413)
    # The server is still serving.
    assert http("GET", tenant_b.url("/instances"), tenant_b.token).status == 200


def test_no_token(stack, tenant_b, unchanged):
    resp = http("POST", tenant_b.url("/instances"), None, good_body(stack.version))
    assert_fault(resp, 401)
    assert http("GET", tenant_b.url("/instances"), None).status == 401


def test_unknown_token(stack, tenant_b, unchanged):
    resp = http("POST", tenant_b.url("/instances"), "not-a-token", good_body(stack.version))
    assert_fault(resp, 401)


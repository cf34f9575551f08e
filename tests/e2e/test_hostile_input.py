"""Hostile input against the real stack (issue 10, part 1): each attack any
tenant's token could make is answered with a 4xx (or a 503 for a crowd of
connections) in the project's own words, creates nothing, and the API is
still alive and serving afterwards.

Routes come from docs/openapi.yaml, so a new route is attacked too."""
import configparser
import json
import os
import re
import resource
import socket
import time
from multiprocessing import Pipe, Process

import pytest
import yaml

import support
from support import create_body, http

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
REQUEST_ID = re.compile(r"^req-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
# Path segments no resource can be named by, as sent on the wire.
BAD_SEGMENTS = [b"%FF", b"%C0%AF", b"%ED%A0%80", b"\xff", b"x%00y"]
HUGE_NUMBERS = [b"1e400", b"-1e400", b"9" * 400]


def operations():
    """(method, path pattern, has a request body) of every operation published."""
    with open(os.path.join(ROOT, "docs", "openapi.yaml")) as f:
        doc = yaml.safe_load(f)
    out = []
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                out.append((method.upper(), path, "requestBody" in op))
    return out


def fill(pattern, tenant, value: bytes) -> bytes:
    """The pattern with {tenant_id} as the tenant and every other placeholder as value."""
    path = pattern.replace("{tenant_id}", tenant.id).encode()
    return re.sub(rb"\{[a-z_]+\}", lambda _: value, path)


def path_of(tenant, path) -> bytes:
    return f"/v1.0/{tenant.id}{path}".encode()


def api_address():
    return "127.0.0.1", int(support.API_ROOT.rsplit(":", 1)[1])


def raw_exchange(data: bytes, source="127.0.0.1", timeout=10):
    """Sends raw bytes on a fresh connection; returns (status, headers, body text)
    of the answer, or (0, {}, "") when the connection closed without one."""
    with socket.create_connection(api_address(), timeout=timeout,
                                  source_address=(source, 0)) as s:
        s.sendall(data)
        got = b""
        while True:
            head_end = got.find(b"\r\n\r\n")
            if head_end >= 0:
                head = got[:head_end].decode("latin-1")
                headers = {k.strip().lower(): v.strip() for k, v in
                           (line.split(":", 1) for line in head.split("\r\n")[1:])}
                length = int(headers.get("content-length", "-1"))
                if 0 <= length <= len(got) - head_end - 4:
                    body = got[head_end + 4:head_end + 4 + length].decode(errors="replace")
                    return int(head[9:12]), headers, body
            try:
                chunk = s.recv(65536)
            except (ConnectionResetError, socket.timeout):
                chunk = b""
            if not chunk:
                return 0, {}, ""
            got += chunk


def request(method, target: bytes, token, body: bytes = None, extra=b""):
    head = method.encode() + b" " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    head += b"Connection: close\r\n"
    if token:
        head += b"X-Auth-Token: " + token.encode() + b"\r\n"
    if body is not None and b"Transfer-Encoding" not in extra:
        head += b"Content-Type: application/json\r\nContent-Length: %d\r\n" % len(body)
    return head + extra + b"\r\n" + (body or b"")


def message(body_text):
    doc = json.loads(body_text)
    return next(iter(doc.values()))["message"]


def rows(stack, tenant):
    return stack.sql(f"SELECT (SELECT count(*) FROM instances WHERE tenant_id = '{tenant.id}')"
                     f" || '/' || (SELECT count(*) FROM operations WHERE tenant_id = '{tenant.id}')"
                     f" || '/' || (SELECT count(*) FROM clusters WHERE tenant_id = '{tenant.id}')")


@pytest.fixture
def nothing_created(stack, tenant_b):
    """Tenant b is used only by this module's refused requests: no row may appear."""
    before = rows(stack, tenant_b)
    yield
    assert rows(stack, tenant_b) == before, "a refused request left a row behind"


def assert_alive(stack, tenant):
    assert stack.procs["automat-api"].poll() is None, "automat-api died:\n" + stack.log_tail(
        "automat-api")
    assert http("GET", "/").status == 200
    assert http("GET", tenant.url("/instances"), tenant.token).status == 200


def test_an_85000_deep_body_is_a_400_naming_the_limit(stack, tenant_b, nothing_created):
    deep = (b'{"instance": {"name": "r", "replica_of": "x", "replica_count": '
            + b"[" * 85000 + b"]" * 85000 + b"}}")
    status, headers, body = raw_exchange(
        request("POST", path_of(tenant_b, "/instances"), tenant_b.token, deep))
    assert status == 400, body
    assert "deeper than 32 levels" in message(body)
    assert len(body) < 400
    # Under the limit the value is refused without being echoed.
    shallow = {"instance": {"name": "r", "replica_of": "x", "replica_count": [[[[["x" * 5000]]]]]}}
    resp = http("POST", tenant_b.url("/instances"), tenant_b.token, shallow)
    assert resp.status == 400, resp.text
    assert "x" * 100 not in resp.text and len(resp.text) < 400
    assert_alive(stack, tenant_b)


@pytest.mark.parametrize("number", HUGE_NUMBERS, ids=["1e400", "-1e400", "400-digits"])
def test_numbers_out_of_range_are_400_on_every_body_operation(stack, tenant_b, nothing_created,
                                                                number):
    checked = 0
    for method, pattern, has_body in operations():
        if not has_body:
            continue
        target = fill(pattern, tenant_b, b"some-id")
        status, _, body = raw_exchange(
            request(method, target, tenant_b.token, b'{"instance": {"volume": {"size": '
                    + number + b"}}}"))
        assert status == 400, f"{method} {target}: {status} {body}"
        assert "instance.volume.size is a number out of range" in message(body), body
        assert "999" not in body
        checked += 1
    assert checked >= 5


@pytest.mark.parametrize("segment", BAD_SEGMENTS, ids=["FF", "C0AF", "EDA080", "raw-FF", "NUL"])
def test_ids_no_resource_can_have_are_404_on_every_route(stack, tenant_b, nothing_created,
                                                          segment):
    for method, pattern, has_body in operations():
        if "{" not in pattern.replace("{tenant_id}", ""):
            continue
        target = fill(pattern, tenant_b, segment)
        status, headers, body = raw_exchange(
            request(method, target, tenant_b.token, b"{}" if has_body else None))
        assert status == 404, f"{method} {target!r}: {status} {body}"
        assert "itemNotFound" in body
        for leak in ("UTF8", "byte sequence", "encoding"):
            assert leak not in body, body


def test_nul_no_longer_cuts_an_id_short(stack, tenant_b):
    assert http("GET", tenant_b.url("/flavors/1"), tenant_b.token).status == 200
    assert http("GET", tenant_b.url("/flavors/1%00junk"), tenant_b.token).status == 404
    assert http("GET", tenant_b.url("/datastores/mysql"), tenant_b.token).status == 200
    assert http("GET", tenant_b.url("/datastores/mysql%00junk"), tenant_b.token).status == 404
    resp = http("GET", tenant_b.url("/instances?marker=%FF"), tenant_b.token)
    assert resp.status == 400 and "query parameter" in resp.fault()[2]


def test_nul_in_a_flavor_ref_creates_nothing(stack, tenant_b, nothing_created):
    body = create_body("nul-flavor", stack.version)
    body["instance"]["flavorRef"] = "1\u0000x"
    resp = http("POST", tenant_b.url("/instances"), tenant_b.token, body)
    assert resp.status == 400, resp.text
    assert "instance.flavorRef must not contain U+0000" in resp.fault()[2]


def test_duplicate_keys_are_refused(stack, tenant_b, nothing_created):
    raw = (b'{"instance": {"name": "dup", "flavorRef": "1", "flavorRef": "2", '
           b'"volume": {"size": 1}}}')
    resp = http("POST", tenant_b.url("/instances"), tenant_b.token, raw=raw)
    assert resp.status == 400, resp.text
    assert "instance.flavorRef is given twice" in resp.fault()[2]


@pytest.mark.parametrize("name", ["\u2028", "\u202e", "\u200b", "\u00a0", "a\u202egpj.exe",
                                  "x\u2066y", "\u0085", " \u3164 "],
                         ids=["U+2028", "U+202E", "ZWSP", "NBSP", "RLO", "LRI", "C1", "filler"])
def test_invisible_or_reordering_names_are_refused(stack, tenant_b, nothing_created, name):
    body = create_body("placeholder", stack.version)
    body["instance"]["name"] = name
    resp = http("POST", tenant_b.url("/instances"), tenant_b.token, body)
    assert resp.status == 400, resp.text
    assert resp.fault()[2].startswith("instance.name must not"), resp.text
    cluster = {"cluster": {"name": name, "datastore": {"type": "cassandra"},
                           "instances": [{"flavorRef": "2", "volume": {"size": 1}}]}}
    resp = http("POST", tenant_b.url("/clusters"), tenant_b.token, cluster)
    assert resp.status == 400, resp.text
    assert resp.fault()[2].startswith("cluster.name must not"), resp.text


def test_the_host_header_is_never_reflected(stack, tenant_b):
    status, _, body = raw_exchange(b"GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close"
                                   b"\r\n\r\n")
    assert status == 200
    assert json.loads(body)["versions"][0]["links"][0]["href"] == stack.api_root + "/v1.0/"
    target = path_of(tenant_b, "/flavors/1")
    status, _, body = raw_exchange(
        request("GET", target, tenant_b.token).replace(b"Host: 127.0.0.1", b"Host: evil.example"))
    assert status == 200
    assert "evil.example" not in body and stack.api_root in body


@pytest.mark.parametrize("framing,expected", [
    (b"Transfer-Encoding: identity\r\n", 501),
    (b"Transfer-Encoding: xchunked\r\n", 501),
    (b"Transfer-Encoding: chunked, chunked\r\n", 400),
    (b"Transfer-Encoding: identity\r\nContent-Length: 2\r\n", 400),
    (b"Transfer-Encoding: chunked\r\nContent-Length: 2\r\n", 400),
], ids=["identity", "xchunked", "chunked-twice", "identity+length", "chunked+length"])
def test_transfer_encoding_other_than_chunked_alone_is_refused(stack, tenant_b, nothing_created,
                                                                framing, expected):
    status, headers, body = raw_exchange(
        request("POST", path_of(tenant_b, "/instances"), tenant_b.token, b"{}", framing))
    assert status == expected, body
    text = message(body)
    assert text and "empty" not in text, text
    assert REQUEST_ID.match(headers.get("x-openstack-request-id", "")), headers


def test_every_answer_and_its_log_lines_carry_one_request_id(stack, tenant_b):
    seen = set()
    for resp in (http("GET", "/"), http("GET", tenant_b.url("/widgets"), tenant_b.token),
                 http("PUT", tenant_b.url("/flavors"), tenant_b.token, {}),
                 http("GET", tenant_b.url("/instances"), None)):
        rid = resp.headers.get("x-openstack-request-id", "")
        assert REQUEST_ID.match(rid), resp.headers
        seen.add(rid)
    status, headers, _ = raw_exchange(b"NOT HTTP AT ALL\r\n\r\n")
    assert status == 400 and REQUEST_ID.match(headers["x-openstack-request-id"])
    seen.add(headers["x-openstack-request-id"])
    assert len(seen) == 5
    # The api's lines for one request carry its id.
    resp = http("GET", tenant_b.url("/instances/no-such-instance"), tenant_b.token)
    rid = resp.headers["x-openstack-request-id"]

    def logged():
        with open(os.path.join(stack.logs_dir, "automat-api.log"), errors="replace") as f:
            return [line for line in f if f"request_id={rid}" in line]
    lines = support.wait_for(logged, 10, 0.2, "the access line of the request")
    assert any("event=http.request" in line and "status=404" in line for line in lines), lines


def test_long_values_are_never_echoed(stack, tenant_b, nothing_created):
    huge = "Z" * 4000  # a request head stays under 8 KB
    for path in ("/instances/", "/flavors/", "/datastores/", "/operations/", "/clusters/"):
        resp = http("GET", tenant_b.url(path + huge), tenant_b.token)
        assert resp.status in (400, 404, 413, 414), resp.status
        assert len(resp.text) < 600 and "Z" * 200 not in resp.text
    resp = http("POST", tenant_b.url("/instances/x/action"), tenant_b.token, {huge: {}})
    assert resp.status == 400 and len(resp.text) < 600, resp.text[:300]


def test_a_head_sent_too_slowly_is_closed(stack):
    with socket.create_connection(api_address(), timeout=30) as s:
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")  # never finished
        started = time.monotonic()
        assert s.recv(1024) == b""  # the server closes; it does not answer
        assert time.monotonic() - started < 15


def _hold_idle_connections(count, first_port, last_port, conn):
    """Child process: opens count idle connections from 127.0.0.1 (source ports
    named one by one), reports how many opened, then how many were answered
    503 with Retry-After, and holds them until told to stop."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    host, port = api_address()
    socks = []
    for source_port in range(first_port, last_port + 1):
        if len(socks) == count:
            break
        s = socket.socket()
        # A server binding this port with SO_REUSEADDR meanwhile is not refused.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", source_port))
            s.connect((host, port))
            socks.append(s)
        except OSError:
            s.close()
    conn.send(len(socks))
    conn.recv()  # "check"
    overloads = 0
    deadline = time.monotonic() + 30
    for s in socks:
        s.settimeout(max(0.01, min(0.5, deadline - time.monotonic())))
        try:
            data = s.recv(4096)
        except OSError:
            data = b""
        if data.startswith(b"HTTP/1.1 503 ") and b"\r\nRetry-After: " in data:
            overloads += 1
    conn.send(overloads)
    conn.recv()  # "stop"
    for s in socks:
        s.close()


def per_client_cap(stack):
    """[api] max_connections_per_client of the stack's config."""
    ini = configparser.ConfigParser(interpolation=None)
    ini.read(stack.config_path)
    return ini.getint("api", "max_connections_per_client")


def test_twenty_thousand_idle_sockets_do_not_starve_another_client(stack, tenant_b):
    hordes = []
    try:
        for first, last in ((32768, 46883), (46884, 60999)):
            parent, child = Pipe()
            proc = Process(target=_hold_idle_connections, args=(10000, first, last, child))
            proc.start()
            hordes.append((proc, parent))
        opened = [parent.recv() if parent.poll(120) else 0 for _, parent in hordes]
        assert sum(opened) == 20000, opened
        # Another client is served at once.
        started = time.monotonic()
        status, headers, _ = raw_exchange(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close"
                                          b"\r\n\r\n", source="127.0.0.2")
        assert status == 200
        assert time.monotonic() - started < 2
        # More from the crowded address are asked to come back later (the
        # admitted ones may have been closed by the header timeout meanwhile,
        # so cap + 20 more are sure to meet the cap).
        cap = per_client_cap(stack)
        extra = [socket.create_connection(api_address(), timeout=10) for _ in range(cap + 20)]
        try:
            answers = []
            for s in extra[cap:]:
                s.settimeout(5)
                answers.append(s.recv(4096))
        finally:
            for s in extra:
                s.close()
        assert all(a.startswith(b"HTTP/1.1 503 ") and b"\r\nRetry-After: " in a
                   and b"\r\nX-Openstack-Request-Id: req-" in a for a in answers), answers[:1]
        for _, parent in hordes:
            parent.send("check")
        overloads = sum(parent.recv() if parent.poll(60) else 0 for _, parent in hordes)
        assert overloads >= 20000 - cap, overloads
    finally:
        for proc, parent in hordes:
            try:
                parent.send("stop")
            except OSError:
                pass
            proc.join(30)
            if proc.is_alive():
                proc.kill()
    # Once they are gone, 127.0.0.1 is served again.
    support.wait_for(lambda: http("GET", "/").status == 200, 30, 0.5, "127.0.0.1 served again")


def test_the_api_is_alive_after_every_attack(stack, tenant_a, tenant_b):
    assert_alive(stack, tenant_b)
    assert_alive(stack, tenant_a)
    resp = http("GET", tenant_a.url("/flavors"), tenant_a.token)
    assert resp.status == 200 and resp.json["flavors"]
    for link in resp.json["flavors"][0]["links"]:
        assert link["href"].startswith(stack.api_root), link

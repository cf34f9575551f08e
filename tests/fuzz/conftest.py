"""A stack for fuzzing the API: the real automat-api alone, on its own database.

Reuses the end-to-end Stack (tests/e2e/conftest.py) with only automat-api and
an AMQP URL on which nothing listens: accepted requests write their rows and
their task publish fails (logged; the api still answers 202, as it does when
the broker is down), so nothing the fuzzer creates is ever built and nothing
it sends reaches another test's taskmanager.
"""
import importlib.util
import os
import socket
import sys

import pytest

E2E = os.path.join(os.path.dirname(__file__), "..", "e2e")
sys.path.insert(0, E2E)
_spec = importlib.util.spec_from_file_location("e2e_stack", os.path.join(E2E, "conftest.py"))
e2e_stack = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(e2e_stack)


def closed_port():
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def api_stack():
    stack = e2e_stack.Stack(services=("automat-api",),
                            amqp_url=f"amqp://guest:guest@127.0.0.1:{closed_port()}/")
    try:
        stack.set_up()
    except BaseException:
        print(stack.diagnostics())
        stack.tear_down()
        raise
    yield stack
    stack.tear_down()

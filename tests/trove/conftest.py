"""A full Automat stack driven by Trove's own clients.

python-troveclient (the library) and `openstack database ...`
(python-openstackclient with troveclient's plugin), from the pinned venv of
tests/python, talk to the real automat-api as a Trove user's tools would.
There is no Keystone: both use keystoneauth's admin_token plugin, an
endpoint plus a token, which is how an Automat user points them at the API
(README, "Using Trove's clients"). The stack (api, taskmanager, conductor,
real MariaDB and Cassandra nodes) is tests/e2e's Stack on a database of its
own; its instances take addresses from AUTOMAT_TROVE_ADDRESS_POOL.
"""
import importlib.util
import json
import os
import subprocess
import sys

import pytest

E2E = os.path.join(os.path.dirname(__file__), "..", "e2e")
sys.path.insert(0, E2E)
_spec = importlib.util.spec_from_file_location("e2e_stack", os.path.join(E2E, "conftest.py"))
e2e_stack = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(e2e_stack)

from keystoneauth1 import session as ks_session  # noqa: E402
from keystoneauth1.token_endpoint import Token  # noqa: E402
from troveclient.v1 import client as trove_client  # noqa: E402

BIN = os.path.dirname(sys.executable)


class Clients:
    """troveclient and the openstack CLI, both as one tenant (or the admin)."""

    def __init__(self, stack, tenant, admin_token=None):
        self.stack = stack
        self.tenant = tenant
        self.token = admin_token or tenant.token
        self.endpoint = tenant.url()
        sess = ks_session.Session(auth=Token(endpoint=self.endpoint, token=self.token))
        self.trove = trove_client.Client(session=sess)

    def cli_env(self):
        return {**os.environ, "OS_AUTH_TYPE": "admin_token", "OS_ENDPOINT": self.endpoint,
                "OS_TOKEN": self.token}

    def openstack(self, *args, check=True, timeout=120):
        """Runs `openstack <args>`; returns the CompletedProcess."""
        out = subprocess.run([os.path.join(BIN, "openstack"), *args], env=self.cli_env(),
                             capture_output=True, text=True, timeout=timeout)
        if check:
            assert out.returncode == 0, (f"openstack {' '.join(args)} failed ({out.returncode}):"
                                         f"\n{out.stdout}\n{out.stderr}")
        return out

    def openstack_json(self, *args, **kwargs):
        out = self.openstack(*args, "-f", "json", **kwargs)
        return json.loads(out.stdout)


_STACK = None


@pytest.fixture(scope="session")
def stack():
    global _STACK
    s = e2e_stack.Stack(address_pool=os.environ.get("AUTOMAT_TROVE_ADDRESS_POOL", "127.21.0.0/16"))
    try:
        s.set_up()
        # The admin of the quota API.
        out = s.manage("token", "create", "--tenant", "trove-ops", "--role", "admin")
        s.admin_token = [ln for ln in out.splitlines() if ln.strip()][-1].split()[-1]
    except BaseException:
        print(s.diagnostics())
        s.tear_down()
        raise
    _STACK = s
    yield s
    _STACK = None
    s.tear_down()


@pytest.fixture(scope="session")
def clients(stack):
    return Clients(stack, stack.tenants["a"])


@pytest.fixture(scope="session")
def member_b(stack):
    """Tenant b's own member token (the tenant whose quota the admin changes)."""
    return Clients(stack, stack.tenants["b"])


@pytest.fixture(scope="session")
def admin_clients(stack):
    """The admin token, acting on tenant b's URL (quotas are the admin's)."""
    return Clients(stack, stack.tenants["b"], admin_token=stack.admin_token)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed and _STACK is not None:
        report.sections.append(("automat service logs", _STACK.diagnostics()))

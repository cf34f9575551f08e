"""One Automat stack for the whole end-to-end session.

Needs the services ./run_tests.sh starts: AUTOMAT_TEST_DATABASE_URL (a
PostgreSQL superuser DSN) and AUTOMAT_TEST_AMQP_URL, plus AUTOMAT_BUILD_DIR
(the build tree holding bin/) and AUTOMAT_CASSANDRA_IMAGE (the Cassandra
image directory run_tests.sh lays out). The stack gets its own database, its
own state directory and config (api on a free port, instance addresses from
support.ADDRESS_POOL, short heartbeat and orphan-reaper timings; the lease
timings of etc/automat.conf), the mysql datastore (default) and a
cluster-enabled cassandra one, two tenants, and runs the real automat-api,
automat-taskmanager and automat-conductor. Everything it started, guest
agents and their datastores (MariaDB, Cassandra JVMs) included, is stopped at
the end.

A test may build a Stack of its own (e.g. on a PostgreSQL it kills, see
test_crash_drills.py): Stack(admin_dsn=..., amqp_url=..., address_pool=...,
primary=False); only the session's stack sets support.API_ROOT.
"""
import configparser
import os
import re
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.parse

import pytest

import support
from support import (ADDRESS_POOL, AGENT_HEARTBEAT_EXPIRY, HEARTBEAT_INTERVAL,
                     ORPHAN_GRACE_SECONDS, ORPHAN_SCAN_SECONDS, SWEEP_INTERVAL, Tenant, free_port,
                     kill_session, read_pid, wait_for)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SERVICES = ("automat-conductor", "automat-taskmanager", "automat-api")
CASSANDRA_VERSION = "5.0.9"
# What diagnostics() shows of each instance directory.
INSTANCE_LOGS = ("guestagent.log", "volume/mysql/mariadbd.err", "volume/cassandra/cassandra.out",
                 "volume/cassandra/logs/system.log")



def required_env(name):
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set: run the end-to-end tests through ./run_tests.sh "
                    f"(e.g. ./run_tests.sh -R e2e)", pytrace=False)
    return value


def cassandra_image():
    """The Cassandra image directory (AUTOMAT_CASSANDRA_IMAGE), checked to hold a lib/."""
    image = required_env("AUTOMAT_CASSANDRA_IMAGE")
    if not os.path.isdir(os.path.join(image, "lib")):
        pytest.fail(f"AUTOMAT_CASSANDRA_IMAGE={image} is not a Cassandra image (no lib/ in it); "
                    f"lay one out with automat-manage datastore install cassandra "
                    f"(./run_tests.sh does)", pytrace=False)
    return os.path.abspath(image)


def mariadb_version():
    out = subprocess.run(["mariadbd", "--version"], capture_output=True, text=True,
                         env={**os.environ, "PATH": os.environ.get("PATH", "") + ":/usr/sbin"})
    match = re.search(r"Ver (\d+\.\d+)", out.stdout)
    assert match, f"cannot tell the MariaDB version from: {out.stdout} {out.stderr}"
    return match.group(1)


class Stack:
    """The services of one e2e stack and what the tests need to reach them.

    By default on the PostgreSQL and RabbitMQ of ./run_tests.sh, with
    support.ADDRESS_POOL; `primary` makes support's helpers talk to it.
    `services` chooses which Automat services run (tests/fuzz runs the api
    alone, with an `amqp_url` on which nothing listens).
    """

    def __init__(self, admin_dsn=None, amqp_url=None, address_pool=None, primary=True,
                 services=SERVICES):
        self.services = tuple(services)
        self.build_dir = os.path.abspath(required_env("AUTOMAT_BUILD_DIR"))
        self.admin_dsn = admin_dsn or required_env("AUTOMAT_TEST_DATABASE_URL")
        self.amqp_url = amqp_url or required_env("AUTOMAT_TEST_AMQP_URL")
        self.address_pool = address_pool or ADDRESS_POOL
        self.primary = primary
        parent = os.environ.get("AUTOMAT_E2E_TMPDIR") or None
        self.state_dir = tempfile.mkdtemp(prefix="e2e-", dir=parent)
        # The mysql user must traverse down to each instance's data dir.
        os.chmod(self.state_dir, 0o755)
        self.logs_dir = os.path.join(self.state_dir, "logs")
        os.makedirs(self.logs_dir)
        self.instances_dir = os.path.join(self.state_dir, "instances")
        self.db_name = "automat_e2e_" + secrets.token_hex(4)
        self.dsn = self._dsn_for(self.db_name)
        self.api_port = free_port()
        self.api_root = f"http://127.0.0.1:{self.api_port}"
        self.config_path = os.path.join(self.state_dir, "automat.conf")
        self.version = mariadb_version()
        self.cassandra_image = cassandra_image()
        self.cassandra_version = CASSANDRA_VERSION
        self.procs = {}
        self.tenants = {}

    # --- set-up -------------------------------------------------------------

    def _dsn_for(self, db_name):
        parts = urllib.parse.urlsplit(self.admin_dsn)
        return urllib.parse.urlunsplit(parts._replace(path="/" + db_name))

    def psql(self, dsn, sql):
        out = subprocess.run(["psql", "-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1", dsn, "-c", sql],
                             capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, f"psql failed: {out.stderr}"
        return out.stdout.strip()

    def sql(self, query):
        """Runs a query on the stack's database; returns psql's unaligned output."""
        return self.psql(self.dsn, query)

    def write_config(self):
        ini = configparser.ConfigParser(interpolation=None)
        ini.optionxform = str
        ini.read(os.path.join(ROOT, "etc", "automat.conf"))
        overrides = {
            "DEFAULT": {"database_url": self.dsn, "amqp_url": self.amqp_url,
                        "guest_secret": secrets.token_hex(32), "state_dir": self.state_dir,
                        "log_level": "debug"},
            "api": {"bind_host": "127.0.0.1", "bind_port": str(self.api_port)},
            # Lease and resume timings stay those of etc/automat.conf: the
            # crash drills measure the takeover they give.
            "taskmanager": {"unclaimed_grace_seconds": "3",
                            "orphan_scan_seconds": str(ORPHAN_SCAN_SECONDS),
                            "orphan_grace_seconds": str(ORPHAN_GRACE_SECONDS),
                            "backup_schedule_scan_seconds": "2"},
            "conductor": {"agent_heartbeat_expiry": str(AGENT_HEARTBEAT_EXPIRY),
                          "sweep_interval": str(SWEEP_INTERVAL)},
            "compute": {"address_pool": self.address_pool,
                        "guestagent_binary": self.bin("automat-guestagent")},
            "guestagent": {"heartbeat_interval": str(HEARTBEAT_INTERVAL)},
        }
        # Backups go to the run's S3 server when ./run_tests.sh started one
        # (a bucket of this stack's own: a directory of s3proxy's data dir),
        # else to the file driver's default under state_dir.
        s3_endpoint = os.environ.get("AUTOMAT_TEST_S3_ENDPOINT")
        # Where the objects land on this disk (s3proxy's filesystem backend
        # keeps a key as a file under its bucket's directory); None: the
        # file driver's default.
        self.backup_objects_dir = None
        if s3_endpoint:
            bucket = "e2e-" + secrets.token_hex(4)
            self.backup_objects_dir = os.path.join(required_env("AUTOMAT_TEST_S3_DIR"), bucket)
            os.makedirs(self.backup_objects_dir)
            overrides["backup_storage"] = {
                "driver": "s3", "endpoint": s3_endpoint, "bucket": bucket,
                "access_key": required_env("AUTOMAT_TEST_S3_ACCESS_KEY"),
                "secret_key": required_env("AUTOMAT_TEST_S3_SECRET_KEY")}
        for section, values in overrides.items():
            if section != "DEFAULT" and not ini.has_section(section):
                ini.add_section(section)
            for key, value in values.items():
                ini.set(section, key, value)
        with open(self.config_path, "w") as f:
            ini.write(f)
        os.chmod(self.config_path, 0o600)

    def bin(self, name):
        return os.path.join(self.build_dir, "bin", name)

    def manage(self, *args):
        out = subprocess.run([self.bin("automat-manage"), "--config", self.config_path, *args],
                             capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, (f"automat-manage {' '.join(args)} failed "
                                     f"({out.returncode}): {out.stdout}{out.stderr}")
        return out.stdout

    def make_tenant(self, name):
        out = self.manage("token", "create", "--tenant", name)
        line = [ln for ln in out.splitlines() if ln.strip()][-1]
        match = re.search(r"\(tenant_id ([^)]+)\)", line)
        assert match, f"unexpected token create output: {out!r}"
        return Tenant(name=name, id=match.group(1), token=line.split()[-1],
                      api_root=self.api_root)

    def set_up(self):
        self.psql(self.admin_dsn, f"CREATE DATABASE {self.db_name}")
        self.write_config()
        self.manage("db", "sync")
        self.manage("datastore", "register", "--name", "mysql", "--version", self.version,
                    "--manager", "mysql", "--default", "--enable-replication")
        self.manage("datastore", "register", "--name", "cassandra", "--version",
                    self.cassandra_version, "--manager", "cassandra", "--image-location",
                    self.cassandra_image, "--enable-cluster", "--min-ram", "1024")
        for fid, name, ram, vcpus, disk in (("1", "m1.tiny", 512, 1, 5),
                                            ("2", "m1.small", 1024, 1, 10),
                                            ("3", "m1.medium", 2048, 2, 20)):
            self.manage("flavor", "create", "--id", fid, "--name", name, "--ram", str(ram),
                        "--vcpus", str(vcpus), "--disk", str(disk))
        self.tenants = {"a": self.make_tenant("e2e-a"), "b": self.make_tenant("e2e-b")}
        for svc in self.services:
            self.start(svc)
        wait_for(lambda: support.port_open("127.0.0.1", self.api_port) or self._check_alive(),
                 30, 0.1, "automat-api to listen")
        if self.primary:
            support.API_ROOT = self.api_root
            support.BUILD_DIR = self.build_dir

    # --- services -----------------------------------------------------------

    def start(self, svc, name=None):
        """Starts a service in its own session, logging to logs/<name>.log.

        name (default: svc) tells a second copy of a service apart, e.g. a
        second taskmanager: start("automat-taskmanager", "automat-taskmanager-2").
        """
        name = name or svc
        log = open(os.path.join(self.logs_dir, f"{name}.log"), "ab")
        log.write(f"--- {time.strftime('%H:%M:%S')} starting {svc}\n".encode())
        log.flush()
        self.procs[name] = subprocess.Popen(
            [self.bin(svc), "--config", self.config_path], stdin=subprocess.DEVNULL,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()

    def log_text(self, name):
        """The whole log of a service (by its start() name)."""
        try:
            with open(os.path.join(self.logs_dir, f"{name}.log"), errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def _check_alive(self):
        for svc, proc in self.procs.items():
            if proc.poll() is not None:
                raise AssertionError(f"{svc} exited with {proc.returncode}:\n"
                                     + self.log_tail(svc))
        return False

    def kill(self, svc, sig=signal.SIGKILL):
        """Sends sig to a service and waits for it to exit."""
        proc = self.procs[svc]
        proc.send_signal(sig)
        proc.wait(timeout=15)

    def stop(self, svc):
        proc = self.procs.get(svc)
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)

    def instance_dir(self, instance_id):
        return os.path.join(self.instances_dir, instance_id)

    def volume_dir(self, instance_id):
        """Where the instance's volume is mounted (a plain directory where the host
        cannot loop-mount)."""
        return os.path.join(self.instances_dir, instance_id, "volume")

    # --- diagnostics and tear-down -------------------------------------------

    def log_tail(self, name, lines=40):
        path = os.path.join(self.logs_dir, f"{name}.log")
        try:
            with open(path, errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return f"(no {path})\n"

    def diagnostics(self, lines=40):
        names = list(self.services) + [n for n in self.procs if n not in self.services]
        parts = [f"===== {svc}.log (last {lines} lines) =====\n{self.log_tail(svc, lines)}"
                 for svc in names]
        if os.path.isdir(self.instances_dir):
            for inst in sorted(os.listdir(self.instances_dir)):
                for name in INSTANCE_LOGS:
                    path = os.path.join(self.instances_dir, inst, name)
                    if os.path.exists(path):
                        with open(path, errors="replace") as f:
                            tail = "".join(f.readlines()[-lines:])
                        parts.append(f"===== instances/{inst}/{name} =====\n{tail}")
        return "\n".join(parts)

    def stop_guests(self):
        if not os.path.isdir(self.instances_dir):
            return
        for inst in os.listdir(self.instances_dir):
            pid = read_pid(os.path.join(self.instances_dir, inst, "guestagent.pid"))
            if pid and pid > 1:
                kill_session(pid)
            # A datastore that left its guest's session: killed by its pid file when
            # that pid still runs the instance's server.
            inst_dir = os.path.join(self.instances_dir, inst)
            for pid_file, marker in ((os.path.join("volume", "mysql", "mariadbd.pid"), b"mariadbd"),
                                     (os.path.join("volume", "cassandra", "cassandra.pid"),
                                      inst_dir.encode())):
                pid = read_pid(os.path.join(inst_dir, pid_file))
                if pid and pid > 1 and support.pid_alive(pid):
                    try:
                        with open(f"/proc/{pid}/cmdline", "rb") as f:
                            if marker in f.read():
                                os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass

    def tear_down(self):
        for svc in list(reversed(self.services)) + [n for n in self.procs
                                                     if n not in self.services]:
            self.stop(svc)
        self.stop_guests()
        try:
            self.psql(self.admin_dsn, f"DROP DATABASE IF EXISTS {self.db_name} WITH (FORCE)")
        except AssertionError as err:
            print(f"e2e: could not drop {self.db_name}: {err}")
        if os.environ.get("AUTOMAT_E2E_KEEP"):
            print(f"e2e: kept {self.state_dir}")
        else:
            # Instance volumes first: removing through a mount point would
            # empty the volume and leave it mounted.
            support.unmount_under(self.state_dir)
            shutil.rmtree(self.state_dir, ignore_errors=True)


_STACK = None
_EXTRA_STACKS = []  # stacks of single tests, whose logs a failure report shows too


@pytest.fixture(scope="session")
def stack():
    global _STACK
    s = Stack()
    _STACK = s
    try:
        s.set_up()
    except BaseException:
        print(s.diagnostics())
        s.tear_down()
        _STACK = None
        raise
    yield s
    _STACK = None
    s.tear_down()


@pytest.fixture
def report_logs_of():
    """A function to call with a test's own Stack: a failed test's report then
    shows that stack's logs too."""
    added = []

    def add(extra_stack):
        _EXTRA_STACKS.append(extra_stack)
        added.append(extra_stack)
    yield add
    for extra_stack in added:
        _EXTRA_STACKS.remove(extra_stack)


@pytest.fixture(scope="session")
def tenant_a(stack):
    return stack.tenants["a"]


@pytest.fixture(scope="session")
def tenant_b(stack):
    return stack.tenants["b"]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Adds the services' log tails to the report of a failed test."""
    outcome = yield
    report = outcome.get_result()
    if report.failed and _STACK is not None:
        report.sections.append(("automat service logs", _STACK.diagnostics()))
    if report.failed:
        for extra in _EXTRA_STACKS:
            report.sections.append((f"automat service logs of {extra.state_dir}",
                                    extra.diagnostics()))

"""A guest agent killed with -9 stops heartbeating: the conductor's sweeper
marks its instance FAILED_TIMEOUT_GUESTAGENT in the database (shown ERROR)
within agent_heartbeat_expiry, and the instance can still be deleted."""
import os
import secrets
import signal
import time

from support import (AGENT_HEARTBEAT_EXPIRY, HEARTBEAT_INTERVAL, SWEEP_INTERVAL, connect_refused,
                     create_body, create_instance, delete_instance, instance_status, pid_alive,
                     read_pid, wait_for, wait_status)

MARGIN = 10  # scheduling slack on a busy 2-core machine


def test_dead_guest_makes_instance_error(stack, tenant_a):
    instance, _ = create_instance(tenant_a, create_body("e2e-guestfail-" + secrets.token_hex(3),
                                                        stack.version))
    instance_id = instance["id"]
    try:
        view = wait_status(tenant_a, instance_id, "ACTIVE", timeout=240)
        ip = view["instance"]["ip"][0]
        pid = read_pid(os.path.join(stack.instance_dir(instance_id), "guestagent.pid"))
        assert pid and pid_alive(pid), f"no live guest agent for {instance_id} (pid {pid})"

        # Alive guest: heartbeats keep it ACTIVE past the expiry.
        time.sleep(AGENT_HEARTBEAT_EXPIRY + 2 * SWEEP_INTERVAL)
        assert instance_status(tenant_a, instance_id) == "ACTIVE"

        os.kill(pid, signal.SIGKILL)
        killed = time.monotonic()
        limit = AGENT_HEARTBEAT_EXPIRY + HEARTBEAT_INTERVAL + SWEEP_INTERVAL + MARGIN
        wait_for(lambda: instance_status(tenant_a, instance_id) == "ERROR", limit, 0.25,
                 f"instance {instance_id} to show ERROR after its guest died")
        elapsed = time.monotonic() - killed
        assert elapsed >= AGENT_HEARTBEAT_EXPIRY - HEARTBEAT_INTERVAL - 1, (
            f"marked ERROR after {elapsed:.1f}s, before the expiry could have passed")

        # The sweeper wrote it to the database; no read was needed to notice it.
        stored = stack.sql(f"SELECT status FROM service_statuses "
                           f"WHERE instance_id = '{instance_id}'")
        assert stored == "FAILED_TIMEOUT_GUESTAGENT", stored
    finally:
        delete_instance(tenant_a, instance_id)
    # The datastore the dead guest left behind went with the instance.
    wait_for(lambda: connect_refused(ip, 3306), 15, message=f"{ip}:3306 to refuse connections")
    assert not os.path.exists(stack.instance_dir(instance_id))

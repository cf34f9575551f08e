"""kill -9 of the taskmanager in the middle of a create: a new taskmanager
resumes the operation from its cursor and the instance ends ACTIVE."""
import secrets
import time

from support import (create_body, create_instance, delete_instance, get_operation, mariadb,
                     wait_for, wait_status)


def test_create_survives_taskmanager_kill(stack, tenant_a):
    password = "pw-" + secrets.token_hex(8)
    body = create_body("e2e-resume-" + secrets.token_hex(3), stack.version,
                       databases=["resumedb"], users=[("resumer", password, ["resumedb"])])
    instance, op_id = create_instance(tenant_a, body)
    try:
        running = wait_for(lambda: (op := get_operation(tenant_a, op_id))["state"] == "RUNNING"
                           and op, 60, 0.05, f"operation {op_id} to be RUNNING")
        stack.kill("automat-taskmanager")
        killed_at = get_operation(tenant_a, op_id)
        assert killed_at["state"] == "RUNNING", (
            f"the operation was no longer running when the taskmanager died: {killed_at}")

        # Nobody works on it now: it stays where the dead taskmanager left it.
        time.sleep(1)
        assert get_operation(tenant_a, op_id)["state"] == "RUNNING"

        stack.start("automat-taskmanager")
        view = wait_status(tenant_a, instance["id"], "ACTIVE", timeout=240)
        done = wait_for(lambda: (op := get_operation(tenant_a, op_id))["state"] == "COMPLETED"
                        and op, 60, message=f"operation {op_id} to be COMPLETED")
        assert done["progress"] == 1, done
        assert done["step"] >= running["step"], (running, done)

        # The resumed prepare really made the database and the user.
        ip = view["instance"]["ip"][0]
        check = mariadb(ip, "resumer", password, "resumedb", "SELECT DATABASE();")
        assert check.returncode == 0 and check.stdout.strip() == "resumedb", check.stderr
    finally:
        if stack.procs["automat-taskmanager"].poll() is not None:
            stack.start("automat-taskmanager")
        delete_instance(tenant_a, instance["id"])

"""Health checks: --health-* flags (and the image's HEALTHCHECK), the status
in inspect and ps, unhealthy after the retries, timeouts."""
import json
import time

def _health(stack, ref):
    return json.loads(stack.doca("inspect", ref).stdout)[0]["State"].get("Health")


def _wait_status(stack, ref, status, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        h = _health(stack, ref)
        if h and h["Status"] == status:
            return h
        time.sleep(0.1)
    raise AssertionError(f"health never {status}: {_health(stack, ref)}")


def test_healthy_then_unhealthy(stack):
    cid = stack.doca("run", "-d", "--health-cmd", "test ! -e /tmp/sick && echo fine",
                     "--health-interval", "200ms", "--health-retries", "2", "busybox", "sleep", "60").stdout.strip()
    try:
        h = _wait_status(stack, cid, "healthy")
        assert h["FailingStreak"] == 0 and h["Log"][-1]["ExitCode"] == 0 and h["Log"][-1]["Output"] == "fine\n"
        assert "(healthy)" in stack.doca("ps").stdout
        stack.doca("exec", cid, "touch", "/tmp/sick")
        h = _wait_status(stack, cid, "unhealthy")
        assert h["FailingStreak"] >= 2 and len(h["Log"]) <= 5
        assert "(unhealthy)" in stack.doca("ps").stdout
        doc = json.loads(stack.doca("inspect", cid).stdout)[0]
        assert doc["Config"]["Healthcheck"]["Test"] == ["CMD-SHELL", "test ! -e /tmp/sick && echo fine"]
    finally:
        stack.doca("rm", "-f", cid)


def test_checks_run_with_each_runtime(stack, runtime):
    """The checks start whichever runtime runs the container (runc and crun
    once never started them: their start path skipped the watcher)."""
    cid = stack.doca("run", "-d", "--runtime", runtime, "--health-cmd", "echo up-$HOSTNAME",
                     "--health-interval", "200ms", "busybox", "sleep", "60").stdout.strip()
    try:
        h = _wait_status(stack, cid, "healthy", timeout=10)
        assert h["Log"][-1]["ExitCode"] == 0 and h["Log"][-1]["Output"] == f"up-{cid[:12]}\n"
        assert "(healthy)" in stack.doca("ps").stdout
        # And after a restart, the new run gets its checks too.
        stack.doca("restart", "-t", "1", cid)
        h = _wait_status(stack, cid, "healthy", timeout=10)
        assert h["Log"][-1]["Output"] == f"up-{cid[:12]}\n"
    finally:
        stack.doca("rm", "-f", cid)


def test_starting_then_timeout(stack):
    cid = stack.doca("run", "-d", "--health-cmd", "sleep 5", "--health-interval", "200ms",
                     "--health-timeout", "300ms", "--health-retries", "1", "busybox", "sleep", "60").stdout.strip()
    try:
        assert _health(stack, cid)["Status"] == "starting"
        h = _wait_status(stack, cid, "unhealthy")
        assert "timeout" in h["Log"][-1]["Output"]
        # Probes go on every 200 ms, each killed at 300 ms: besides the main sleep
        # at most one probe's sleep is alive at a time. Unkilled probes (5 s
        # each) would pile up to ten or more.
        counts = []
        for _ in range(6):
            time.sleep(0.25)
            counts.append(stack.doca("exec", cid, "ps", "-o", "comm").stdout.split().count("sleep"))
        assert max(counts) <= 2 and min(counts) >= 1, counts
    finally:
        stack.doca("rm", "-f", cid)


def test_start_period_hides_failures(stack):
    cid = stack.doca("run", "-d", "--health-cmd", "false", "--health-interval", "100ms",
                     "--health-start-period", "60s", "--health-retries", "1", "busybox", "sleep", "60").stdout.strip()
    try:
        time.sleep(1.0)
        h = _health(stack, cid)
        assert h["Status"] == "starting" and h["FailingStreak"] == 0 and h["Log"]
    finally:
        stack.doca("rm", "-f", cid)


def test_bad_health_flags(stack):
    r = stack.doca("run", "-d", "--health-cmd", "true", "--health-interval", "soon", "busybox", "true", check=False)
    assert r.returncode == 125 and "--health-interval" in r.stderr

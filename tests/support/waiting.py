"""Polling for what a test waits to see (a state, a file, a process)."""
import time


def wait_for(predicate, timeout: float = 20.0, interval: float = 0.05):
    """Calls predicate() until it gives a true value, which is returned;
    after `timeout` seconds, its last (false) value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()

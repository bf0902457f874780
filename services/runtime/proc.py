"""Process identity that survives pid reuse: (pid, start time in clock ticks
since boot, field 22 of /proc/PID/stat). Standard library only: the shim
records its own, the runtime checks it."""


def _stat(pid: int) -> list[bytes] | None:
    """Fields 3.. of /proc/PID/stat (state first)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            data = f.read()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: split after its last ')'.
    return data[data.rindex(b")") + 2:].split()


def start_time(pid: int) -> int | None:
    fields = _stat(pid)
    return int(fields[19]) if fields else None


def same_process(pid: int, started: int) -> bool:
    """The process that started at `started` still runs. A zombie does not
    count: an orphaned shim waits for init to reap it, sometimes for seconds."""
    if pid <= 0 or started <= 0:
        return False
    fields = _stat(pid)
    return bool(fields) and fields[0] not in (b"Z", b"X") and int(fields[19]) == started


def signal_process(pid: int, sig: int) -> None:
    """kill(2) that does not mind a process already gone."""
    import os
    if pid > 0:
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass

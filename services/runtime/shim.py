"""The per-container shim: `python -m services.runtime.shim STATE_DIR|--zygote`.

Forked for each container by the shim zygote (shim_zygote.py), a fork server
the runtime service starts (or, as a fallback, started afresh). It detaches (so it
outlives a restart of the runtime), mounts the container's overlay root in a
mount namespace of its own (nothing is mounted on the host), has the
container's executor (executors/: doca's own init, runc, crun) create its
init and reports "ok PID" (or "err CODE MESSAGE") on its stdout. Then it is
the container's parent (or subreaper): it writes the container's
stdout/stderr to the log, reaps it and records the exit status in exit.json
before it exits.

Standard library only: it must start fast and stay small.
"""
import _signal
import marshal
import os
import sys
import time

from services.runtime import executors, logfile, netns_linux, overlay_linux, proc, shim_io, syscalls as sc


def _write_atomic(path: str, data: bytes) -> None:
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.rename(tmp, path)


def create(state: str, cfg: dict, spec: dict) -> tuple[int, dict]:
    """Has the container's executor create its init and waits for its
    report; returns (pid, io): the output pipes and stdin pipe, or the pty
    master of a -t container."""
    if cfg.get("netns"):  # before the mount namespace: the pin lives in the host's
        netns_linux.create_or_join(cfg["netns"]["path"], cfg["netns"]["create"])
    overlay_linux.mount_rootfs(cfg["bundle"], spec, cfg.get("rootfs_mount"), state, cfg.get("userns"))
    null = os.open("/dev/null", os.O_RDONLY | os.O_CLOEXEC)
    theirs, mine = [null], {}
    if spec["process"].get("terminal"):
        stdio = (null, null, null)
    else:
        out_r, out_w = os.pipe2(os.O_CLOEXEC)
        err_r, err_w = os.pipe2(os.O_CLOEXEC)
        in_r, in_w = os.pipe2(os.O_CLOEXEC) if cfg.get("open_stdin") else (null, None)
        stdio = (in_r, out_w, err_w)
        theirs += [out_w, err_w] + ([in_r] if in_w is not None else [])
        mine = {"stdout": out_r, "stderr": err_r, "stdin": in_w}
    try:
        pid, master = executors.named(cfg.get("runtime", "")).create(state, cfg, spec, stdio)
    finally:
        for fd in theirs:
            os.close(fd)
    if master is None:
        return pid, mine
    size = cfg.get("console_size")
    if size:
        shim_io.resize(master, *size)
    return pid, {"pty": master}


def main() -> None:
    """`--zygote`: the fork server that makes shims without an interpreter
    start each (shim_zygote.py), the runtime's usual way; `STATE_DIR`: one
    shim, started afresh (the runtime's fallback when no zygote answers)."""
    if sys.argv[1] == "--zygote":
        from services.runtime import shim_zygote
        shim_zygote.serve(run)
        return
    # Detach: the runtime reaps this first process at once; the second one,
    # reparented away from the runtime, survives the runtime's restarts.
    # (The runtime started this one in a session of its own, as the zygote's
    # children make one.)
    if os.fork():
        os._exit(0)
    run(sys.argv[1])


def run(state: str) -> None:
    """The shim proper, in a process already detached from the runtime.
    Its stdout is the runtime's report pipe."""
    # The runtime writes our inputs with marshal: `import json` costs the
    # shim more than everything else it imports.
    with open(os.path.join(state, "shim.marshal"), "rb") as f:
        cfg = marshal.load(f)
    spec = cfg["spec"]
    for sig in (_signal.SIGINT, _signal.SIGHUP, _signal.SIGPIPE):
        _signal.signal(sig, _signal.SIG_IGN)
    sc.prctl(sc.PR_SET_CHILD_SUBREAPER, 1)
    log_fd = os.open(os.path.join(state, "shim.log"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o640)
    os.dup2(log_fd, 2)
    os.close(log_fd)
    try:
        pid, fds = create(state, cfg, spec)
    except executors.Failed as e:
        os.write(1, e.args[0])
        os._exit(1)
    except OSError as e:
        os.write(1, f"err 125 {e}\n".encode())
        os._exit(1)
    cri_path = cfg.get("cri_log_path") or ""
    cri = None
    if cri_path:
        # made before the container is reported created: the kubelet (and
        # critest) open the file as soon as StartContainer returns
        try:
            cri = logfile.CriWriter(cri_path)
        except OSError as e:  # the container runs all the same; doca's log has its output
            os.write(2, f"doca-shim: cannot open the CRI log {cri_path}: {e}\n".encode())
    me = os.getpid()
    _write_atomic(os.path.join(state, "init.pid"), f"{pid} {me} {proc.start_time(me)}".encode())
    os.write(1, f"ok {pid}\n".encode())
    null = os.open("/dev/null", os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    os.close(null)
    log = cfg.get("log") or {}
    pump = cfg.get("pump")
    if pump and os.access(pump, os.X_OK):
        # The rest is moving bytes: the small native loop (doca-pump.c) does it
        # in this same process (same pid, same child, same mount namespace).
        passed = [fds.get(k) if fds.get(k) is not None else -1 for k in ("stdout", "stderr", "stdin", "pty")]
        for fd in passed:
            if fd >= 0:
                os.set_inheritable(fd, True)
        os.execv(pump, [pump, state, str(pid), cfg["log_path"], str(log.get("max_size", 0)),
                        str(log.get("max_files", 1)), *map(str, passed), *([cri_path] if cri_path else [])])
    writer = logfile.Writer(cfg["log_path"], log.get("max_size", 0), log.get("max_files", 1))
    code = shim_io.Loop(pid, fds, writer, os.path.join(state, "attach.sock"), cri).run()
    _write_atomic(os.path.join(state, "exit.json"),
                  b'{"exit_code": %d, "finished_at": %.6f}' % (code, time.time()))


if __name__ == "__main__":
    main()

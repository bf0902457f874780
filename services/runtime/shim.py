"""The per-container shim: `python -m services.runtime.shim STATE_DIR|--zygote`.

Forked for each container by the shim zygote (shim_zygote.py), a fork server
the runtime service starts (or, as a fallback, started afresh). It detaches (so it
outlives a restart of the runtime), mounts the container's overlay root in a
mount namespace of its own (nothing is mounted on the host), clones the
container's init into new namespaces and reports "ok PID" (or "err CODE
MESSAGE") on its stdout. Then it is the container's parent: it writes the
container's stdout/stderr to the log, reaps it and records the exit status in
exit.json before it exits.

Standard library only (plus the executor modules): it must start fast and
stay small.
"""
import _signal
import _socket
import marshal
import os
import sys
import time

from services.runtime import (console_linux, init_linux, logfile, netns_linux, oci_runtime, overlay_linux, proc,
                              shim_io, syscalls as sc, userns_linux)


def _write_atomic(path: str, data: bytes) -> None:
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.rename(tmp, path)


def _namespace_flags(spec: dict) -> int:
    flags = 0
    for ns in spec.get("linux", {}).get("namespaces", ()):
        # The cgroup namespace is the init's own unshare, once it is in its
        # cgroups: made here it would be rooted at the shim's.
        if not ns.get("path") and ns["type"] != "cgroup":
            flags |= sc.NAMESPACE_FLAGS[ns["type"]]
    return flags


def create(state: str, cfg: dict, spec: dict) -> tuple[int, dict]:
    """Clones the init and waits for its report; returns (pid, io): the
    output pipes and stdin pipe, or the pty master of a -t container."""
    bundle = cfg["bundle"]
    if cfg.get("netns"):  # before the mount namespace: the pin lives in the host's
        netns_linux.create_or_join(cfg["netns"]["path"], cfg["netns"]["create"])
    userns = cfg.get("userns")
    overlay_linux.mount_rootfs(bundle, spec, cfg.get("rootfs_mount"), state, userns)
    terminal = bool(spec["process"].get("terminal"))
    ready_r, ready_w = os.pipe2(os.O_CLOEXEC)
    null = os.open("/dev/null", os.O_RDONLY | os.O_CLOEXEC)
    mine, theirs = [], [ready_w, null]
    console = None
    if terminal:
        console, console_child = _socket.socketpair(_socket.AF_UNIX, _socket.SOCK_STREAM)
        theirs.append(console_child.fileno())
        stdio = (null, null, null)
    else:
        out_r, out_w = os.pipe2(os.O_CLOEXEC)
        err_r, err_w = os.pipe2(os.O_CLOEXEC)
        in_r, in_w = os.pipe2(os.O_CLOEXEC) if cfg.get("open_stdin") else (null, None)
        stdio = (in_r, out_w, err_w)
        theirs += [out_w, err_w] + ([in_r] if in_w is not None else [])
        mine = {"stdout": out_r, "stderr": err_r, "stdin": in_w}
    if cfg.get("runtime", "doca") != "doca":  # runc or crun runs the same bundle
        try:
            pid = oci_runtime.create(cfg["runtime"], state, cfg["id"], bundle, stdio)
            report = b"ok\n"
        except OSError as e:
            pid, report = 0, f"err 125 {e}\n".encode()
        for fd in theirs:
            os.close(fd)
        os.close(ready_r)
        if pid == 0:
            raise _Failed(report)
        return pid, mine
    go_r, go_w = os.pipe2(os.O_CLOEXEC) if userns else (None, None)
    pid = sc.clone(_namespace_flags(spec))
    if pid == 0:
        init_linux.run(spec, bundle, cfg.get("cgroup_view", {}), cfg["fifo"], ready_w, stdio,
                       console_child.fileno() if terminal else None, cfg.get("security"), go_r,
                       cfg.get("cgroup_join"))
    for fd in theirs:
        os.close(fd)
    if userns:
        # From outside, before the init goes on: its id map, and its cgroups
        # (it cannot write the host's cgroup files as an unprivileged uid).
        os.close(go_r)
        userns_linux.write_maps(pid, userns["uid"], userns["gid"], userns["size"])
        for d in cfg.get("cgroup_join") or cfg.get("cgroup_view", {}).values():
            with open(os.path.join(d, "cgroup.procs"), "w") as f:
                f.write(str(pid))
        os.write(go_w, b"1")
        os.close(go_w)
    report = b""
    while chunk := os.read(ready_r, 4096):
        report += chunk
    os.close(ready_r)
    if not report.startswith(b"ok"):
        _, status = os.waitpid(pid, 0)
        if not report:
            report = f"err 1 container init exited ({os.waitstatus_to_exitcode(status)}) before it was ready\n".encode()
        raise _Failed(report)
    if terminal:
        master = console_linux.recv_fd(console)
        console.close()
        size = cfg.get("console_size")
        if size:
            shim_io.resize(master, *size)
        return pid, {"pty": master}
    return pid, mine


class _Failed(Exception):
    pass


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
    except _Failed as e:
        os.write(1, e.args[0])
        os._exit(1)
    except OSError as e:
        os.write(1, f"err 125 {e}\n".encode())
        os._exit(1)
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
                        str(log.get("max_files", 1)), *map(str, passed)])
    writer = logfile.Writer(cfg["log_path"], log.get("max_size", 0), log.get("max_files", 1))
    code = shim_io.Loop(pid, fds, writer, os.path.join(state, "attach.sock")).run()
    _write_atomic(os.path.join(state, "exit.json"),
                  b'{"exit_code": %d, "finished_at": %.6f}' % (code, time.time()))


if __name__ == "__main__":
    main()

"""exec: a new process in a running container, through a fresh setns_init
process (never a fork of this threaded server). Output streams back as it
comes; stdin and window sizes stream in from a writer thread."""
import json
import marshal
import os
import selectors
import subprocess
import sys
import threading

from common.errors import FailedPrecondition, InvalidArgument
from services.runtime import sealed_exe, setns_init, shim_client, users
from services.runtime.create import security_of, with_home
from services.runtime.security import options, payload as security_payload
from services.runtime.state import RuntimeState


def merge_env(base: list[str], extra: list[str]) -> list[str]:
    """`extra` over `base`, key by key; a bare KEY unsets (Docker's
    ReplaceOrAppendEnvValues)."""
    merged = dict(e.split("=", 1) for e in base if "=" in e)
    for item in extra:
        key, sep, value = item.partition("=")
        if not key:
            raise InvalidArgument(f"invalid environment variable {item!r}: expected KEY=VALUE")
        if sep:
            merged[key] = value
        else:
            merged.pop(key, None)
    return [f"{k}={v}" for k, v in merged.items()]


class ExecMixin(RuntimeState):
    def exec(self, spec: dict, inputs, cancelled=lambda: False):
        """Yields ("stdout"|"stderr", bytes) pairs, then ("exit", code)."""
        rec = self.get(spec.get("id", ""))
        if rec.status == "paused":
            raise FailedPrecondition(f"container {rec.name} is paused, unpause the container before exec")
        if rec.status != "running":
            raise FailedPrecondition(f"container {rec.name} is not running")
        if not spec.get("args"):
            raise InvalidArgument("no command specified for exec")
        d = self.store.dir(rec.id)
        with open(d / "bundle" / "config.json") as f:
            config = json.load(f)
        template = config["process"]
        rootfs = rec.spec.rootfs
        user = spec.get("user") or rec.spec.process.user
        try:
            who = users.resolve(user, [rootfs.upper_dir, *rootfs.lower_dirs], rec.spec.group_add)
        except InvalidArgument as e:
            # Docker 20.10's: a process that cannot start, 126 and the words on its stdout
            yield "stdout", f"{e}\n".encode()
            yield "exit", 126
            return
        tty = bool(spec.get("tty"))
        # Docker's: the container's environment (TERM as the exec's -t says),
        # the exec's -e, then HOME for the exec's user when still unset.
        base = list(rec.spec.process.env) or template.get("env", [])
        if rec.spec.tty and not any(e.startswith("TERM=") for e in rec.spec.config_env):
            base = [e for e in base if not e.startswith("TERM=")]  # the container's -t gave it
        if tty:
            base = merge_env(base, ["TERM=xterm"])
        process = dict(template, args=list(spec["args"]), terminal=tty,
                       env=with_home(merge_env(base, spec.get("env", [])), who.home),
                       cwd=spec.get("cwd") or template.get("cwd", "/"),
                       user={"uid": who.uid, "gid": who.gid, "additionalGids": who.additional_gids})
        # The container's security options, for this process's user (a non-root
        # user gets no effective capabilities); --privileged: all, no filter.
        opts = options.parse(privileged=True) if spec.get("privileged") else security_of(rec.spec)
        config = options.apply_to_config(dict(config, process=process), opts)
        size = spec.get("size") or {}
        cfg = {"pid": rec.pid, "cgroup_dirs": self.cgroups.dirs(rec.id), "process": process,
               "size": f"{size.get('rows', 0)} {size.get('cols', 0)}" if size.get("rows") else "",
               "security": security_payload.for_init(config, self.seccomp)}
        exec_id = os.urandom(32).hex()
        command = " ".join(spec["args"])
        self.emit_container(rec, f"exec_create: {command}", execID=exec_id)
        self.emit_container(rec, f"exec_start: {command}", execID=exec_id)
        code = None
        try:
            for kind, value in _run(cfg, bool(spec.get("stdin")) or tty, inputs, cancelled):
                if kind == "exit":
                    code = value
                yield kind, value
        except _InitGone:
            raise FailedPrecondition(f"container {rec.name} is not running") from None
        finally:
            extra = {"exitCode": code} if code is not None else {}
            self.emit_container(rec, "exec_die", execID=exec_id, **extra)


class _InitGone(Exception):
    """The container stopped before the process could join it."""


def _run(cfg: dict, want_stdin: bool, inputs, cancelled):
    """Yields ("started", pid) once the process runs, its output, then
    ("exit", code); raises _InitGone when it never ran because the
    container's init was gone (a stop or restart under way)."""
    started = False
    cfg_r, cfg_w = os.pipe()
    ctl_r, ctl_w = os.pipe()
    ready_r, ready_w = os.pipe()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-E", "-S", "-m", "services.runtime.setns_init", str(cfg_r), str(ctl_r), str(ready_w)],
            executable=sealed_exe.interpreter(), cwd=shim_client.CODE_ROOT, pass_fds=(cfg_r, ctl_r, ready_w),
            start_new_session=True,
            stdin=subprocess.PIPE if want_stdin else subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    finally:
        os.close(cfg_r)
        os.close(ctl_r)
        os.close(ready_w)
    with os.fdopen(cfg_w, "wb") as f:
        f.write(marshal.dumps(cfg))
    threading.Thread(target=_feed, args=(proc, ctl_w, inputs), daemon=True, name="exec-stdin").start()
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ, "stdout")
    sel.register(proc.stderr, selectors.EVENT_READ, "stderr")
    sel.register(ready_r, selectors.EVENT_READ, "started")
    open_streams = 2
    try:
        while open_streams:
            for key, _ in sel.select(0.2):
                data = os.read(key.fd, 65536)
                if key.data == "started":
                    sel.unregister(ready_r)
                    if data:
                        started = True
                        yield "started", int(data[1:] or 0)
                    continue
                if not data:
                    sel.unregister(key.fileobj)
                    open_streams -= 1
                    continue
                yield key.data, data
            if cancelled():
                proc.terminate()  # setns_init kills the process in the container
                return
        code = proc.wait()
        # setns_init has exited: its ready pipe holds its last word (a
        # process that ran and exited 255 itself said "1" there first).
        if code == setns_init.EXIT_GONE and not started and not os.read(ready_r, 1):
            raise _InitGone()
        yield "exit", code
    finally:
        sel.close()
        os.close(ready_r)
        proc.stdout.close()
        proc.stderr.close()


def _feed(proc: subprocess.Popen, ctl_w: int, inputs) -> None:
    """Client messages to the process: stdin bytes, its end, window sizes."""
    try:
        for msg in inputs:
            kind = msg.WhichOneof("input")
            if kind == "stdin" and proc.stdin:
                proc.stdin.write(msg.stdin)
                proc.stdin.flush()
            elif kind == "close_stdin" and proc.stdin:
                proc.stdin.close()
            elif kind == "resize":
                os.write(ctl_w, f"{msg.resize.rows} {msg.resize.cols}\n".encode())
    except (OSError, ValueError):
        pass  # the process is gone, or stdin was closed: nothing more to feed
    finally:
        os.close(ctl_w)

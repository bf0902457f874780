"""docker cp, runtime side: each call runs copy_init (a fresh process that
makes the container's root its "/", see there) and moves the bytes between
it and the gRPC stream."""
import json
import marshal
import os
import struct
import subprocess
import sys
import threading

from common.errors import FailedPrecondition, Internal, InvalidArgument, NotFound, ResourceExhausted
from services.runtime import sealed_exe, shim_client
from services.runtime.create import userns_of
from services.runtime.state import RuntimeState
from services.runtime.store import Record

CHUNK = 256 * 1024
_ERRORS = {"NOT_FOUND": NotFound, "INVALID_ARGUMENT": InvalidArgument, "FAILED_PRECONDITION": FailedPrecondition,
           "RESOURCE_EXHAUSTED": ResourceExhausted}


class _Helper:
    def __init__(self, cfg: dict, stdin: bool):
        cfg_r, cfg_w = os.pipe()
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-E", "-S", "-m", "services.runtime.copy_init", str(cfg_r)],
                executable=sealed_exe.interpreter(), cwd=shim_client.CODE_ROOT, pass_fds=(cfg_r,), start_new_session=True,
                stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        finally:
            os.close(cfg_r)
        with os.fdopen(cfg_w, "wb") as f:
            f.write(marshal.dumps(cfg))
        self._err = b""
        self._reader = threading.Thread(target=self._read_err, daemon=True, name="cp-stderr")
        self._reader.start()

    def _read_err(self) -> None:
        self._err = self.proc.stderr.read()

    def check(self) -> None:
        """Waits for the helper; raises its failure as a domain error."""
        code = self.proc.wait()
        self._reader.join()
        if code == 0:
            return
        text = self._err.decode(errors="replace").strip()
        kind, _, message = text.partition(" ")
        if kind in _ERRORS:
            raise _ERRORS[kind](message)
        raise Internal(f"docker cp failed in the container's root (exit {code}): {text[-500:] or 'no message'}")

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self._reader.join()


class CopyMixin(RuntimeState):
    def _copy_target(self, rec: Record) -> dict:
        """How copy_init reaches the root: the init's mount namespace while
        there is one, else the overlay as the shim would mount it."""
        d = self.ensure_bundle(rec)
        with open(d / "shim.marshal", "rb") as f:
            shim_cfg = marshal.load(f)
        with open(d / "bundle" / "config.json") as f:
            spec = json.load(f)
        target = {"mount": {"bundle": str(d / "bundle"), "spec": spec, "rootfs_mount": shim_cfg.get("rootfs_mount"),
                            "state": str(d), "userns": shim_cfg.get("userns")}}
        if rec.status in ("created", "running", "paused") and rec.pid:
            target.update(pid=rec.pid, shim_pid=rec.shim_pid, shim_start=rec.shim_start)
        return target

    def _idmap(self, rec: Record):
        u = userns_of(rec.spec)
        return (u["uid"], u["gid"], u["size"]) if u else None

    def _cfg(self, rec: Record, op: str, path: str, **extra) -> dict:
        if not path:
            raise InvalidArgument("a path in the container is required")
        return {"op": op, "path": path, "name": rec.name, "target": self._copy_target(rec), "idmap": self._idmap(rec),
                **extra}

    def stat_path(self, ref: str, path: str) -> dict:
        rec = self.get(ref)
        helper = _Helper(self._cfg(rec, "stat", path), stdin=False)
        out = helper.proc.stdout.read()
        helper.check()
        return marshal.loads(out)

    def copy_from(self, ref: str, path: str, follow: bool, cancelled=lambda: False):
        """Yields ("stat", dict) then ("data", bytes) chunks of the tar."""
        rec = self.get(ref)
        helper = _Helper(self._cfg(rec, "get", path, follow=follow), stdin=False)
        try:
            out = helper.proc.stdout
            head = out.read(4)
            if len(head) < 4:
                helper.check()
                raise Internal("docker cp: the copy helper sent nothing")
            yield "stat", marshal.loads(out.read(struct.unpack(">I", head)[0]))
            while chunk := out.read1(CHUNK):
                if cancelled():
                    return
                yield "data", chunk
            helper.check()
            self.emit_container(rec, "archive-path")
        finally:
            helper.kill()

    def copy_to(self, ref: str, path: str, copy_ids: bool, chunks) -> None:
        rec = self.get(ref)
        helper = _Helper(self._cfg(rec, "put", path, copy_ids=copy_ids), stdin=True)
        try:
            try:
                for chunk in chunks:
                    helper.proc.stdin.write(chunk)
                helper.proc.stdin.close()
            except (BrokenPipeError, ValueError):
                pass  # the helper stopped reading: its own error says why
            helper.check()
        finally:
            helper.kill()
        self.emit_container(rec, "extract-to-dir")

"""doca's executor as an OCI runtime command, for any standard bundle
(e.g. one made by `runc spec`):

    python -m services.runtime.ocirun run --bundle DIR ID

runs the container in the foreground as `runc run` does: its output is ours,
our exit code is its exit code, and nothing is left afterwards. The same
init as doca's containers (init_linux.py); the root is the bundle's
directory (bound onto itself: pivot_root needs a mount point), cgroups come
from linux.cgroupsPath when the bundle names one."""
import argparse
import json
import os
import sys
import tempfile

from services.runtime import cgroups, init_linux, spec as ocispec, syscalls as sc
from services.runtime.security import payload
from services.runtime.executors.doca import namespace_flags


def _cgroups(config: dict, cid: str):
    path = (config.get("linux") or {}).get("cgroupsPath")
    if not path:
        return None, None, {}, None
    parent, _, name = path.strip("/").rpartition("/")
    driver = cgroups.detect(parent or "ocirun")
    driver.create(name or cid, ocispec.resources_of((config.get("linux") or {}).get("resources") or {}))
    return driver, name or cid, driver.container_view(name or cid), driver.dirs(name or cid)


def run(bundle: str, cid: str) -> int:
    with open(os.path.join(bundle, "config.json")) as f:
        config = json.load(f)
    if (config.get("process") or {}).get("terminal") and not os.isatty(0):
        sys.stderr.write("ocirun: process.terminal is true but stdin is not a terminal; set it to false\n")
        return 125
    security = payload.for_init(config)
    driver, name, view, join = _cgroups(config, cid)
    tmp = tempfile.mkdtemp(prefix="ocirun-")
    fifo = os.path.join(tmp, "exec.fifo")
    os.mkfifo(fifo, 0o622)
    try:
        pid = os.fork()
        if pid == 0:  # a child for the mount namespace: the caller's stays as it is
            os._exit(_in_namespace(config, bundle, view, fifo, security, join))
        _, status = os.waitpid(pid, 0)
        code = os.waitstatus_to_exitcode(status)
        return 128 - code if code < 0 else code
    finally:
        if driver:
            driver.destroy(name)
        os.unlink(fifo)
        os.rmdir(tmp)


def _in_namespace(config: dict, bundle: str, view: dict, fifo: str, security: dict, join=None) -> int:
    sc.unshare(sc.CLONE_NEWNS)
    sc.mount(None, "/", None, sc.MS_REC | sc.MS_SLAVE, None)
    root = os.path.join(bundle, (config.get("root") or {}).get("path", "rootfs"))
    sc.mount(root, root, None, sc.MS_BIND | sc.MS_REC, None)
    config = dict(config, root=dict(config.get("root") or {}, path=os.path.relpath(root, bundle)))
    ready_r, ready_w = os.pipe2(os.O_CLOEXEC)
    pid = sc.clone(namespace_flags(config))
    if pid == 0:
        init_linux.run(config, bundle, view, fifo, ready_w, (0, 1, 2), None, security, cgroup_join=join)
    os.close(ready_w)
    report = b""
    while chunk := os.read(ready_r, 4096):
        report += chunk
    if not report.startswith(b"ok"):
        os.waitpid(pid, 0)
        _, code, message = (report.decode(errors="replace").strip().split(" ", 2) + ["", ""])[:3]
        sys.stderr.write(f"ocirun: {message or 'the container init failed'}\n")
        return int(code) if code.isdigit() else 125
    fd = os.open(fifo, os.O_RDONLY)  # start: release the init
    os.read(fd, 1)
    os.close(fd)
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    return 128 - code if code < 0 else code


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="ocirun", description="run an OCI bundle with doca's executor")
    sub = ap.add_subparsers(dest="verb", required=True)
    r = sub.add_parser("run")
    r.add_argument("--bundle", "-b", default=".")
    r.add_argument("id")
    args = ap.parse_args(argv)
    return run(os.path.abspath(args.bundle), args.id)


if __name__ == "__main__":
    sys.exit(main())

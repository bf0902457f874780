"""--pid, --ipc, --uts: the host's namespace instead of the container's own
(Docker's "host" modes), applied to a config.json once it is built. A
container joining another container's (container:ID) is joined_ns.py's:
its namespace stays here and gets the other's path at launch."""
from common.errors import InvalidArgument

PID_MODES = ("", "host")
IPC_MODES = ("", "private", "shareable", "host", "none")
UTS_MODES = ("", "host")


def check(pid: str, ipc: str, uts: str) -> None:
    for value, modes, flag in ((pid, PID_MODES, "--pid"), (ipc, IPC_MODES, "--ipc"), (uts, UTS_MODES, "--uts")):
        if value not in modes and not (flag != "--uts" and value.startswith("container:")):
            raise InvalidArgument(f"invalid {flag} mode {value!r}: use {' or '.join(m for m in modes if m)}")


def apply(config: dict, pid: str, ipc: str, uts: str) -> None:
    """Drops the namespaces the host lends; with the host's IPC, its
    /dev/shm is bound (Docker's), with none there is no /dev/shm; with the
    host's UTS the container must not set the host's name."""
    check(pid, ipc, uts)
    shared = {t for t, mode in (("pid", pid), ("ipc", ipc), ("uts", uts)) if mode == "host"}
    linux = config.setdefault("linux", {})
    linux["namespaces"] = [ns for ns in linux.get("namespaces", ()) if ns["type"] not in shared]
    if "uts" in shared:
        config.pop("hostname", None)
        config.pop("domainname", None)
    if ipc in ("host", "none"):
        mounts = [m for m in config.get("mounts", ()) if m["destination"] != "/dev/shm"]
        if ipc == "host":
            mounts.append({"destination": "/dev/shm", "type": "bind", "source": "/dev/shm",
                           "options": ["rbind", "rprivate"]})  # the host's mount as it is, as Docker
        config["mounts"] = mounts

"""Namespaces a container does not make for itself: --network host (the
host's network namespace, no pin), --network container:ID (the other
container's pinned network namespace), --pid/--ipc container:ID (the other
container's init's, by its /proc path).

The gateway has resolved NAME to the full id and checked it exists; the
check that the other one runs (Docker's "cannot join ... of a non running
container") is made at each launch, as Docker makes it at each start: the
other's init changes with its restarts, so the paths are written into the
bundle again then (patch). Such a container gets no init at create
(deferred): Docker creates it while the other is stopped and joins at
start, so its first launch is its first start's."""
from common.errors import FailedPrecondition, InvalidArgument

PREFIX = "container:"
LIVE = ("running", "paused", "restarting")
# the mode's namespace type in config.json, and Docker's word in its error
KINDS = {"network": "network", "pid": "PID", "ipc": "IPC"}


def modes(spec) -> dict[str, str]:
    """{'network'|'pid'|'ipc': the other container's id} of container: modes."""
    found = {}
    for kind, mode in (("network", spec.network_mode), ("pid", spec.pid_mode), ("ipc", spec.ipc_mode)):
        if mode.startswith(PREFIX):
            other = mode[len(PREFIX):]
            if not other:
                raise InvalidArgument(f"Invalid {kind} mode: invalid container format container:<name|id>")
            found[kind] = other
    return found


def deferred(spec) -> bool:
    """Its init is made at start, not create: it joins another container's
    namespaces, which need not exist until then."""
    return any(m.startswith(PREFIX) for m in (spec.network_mode, spec.pid_mode, spec.ipc_mode))


def waiting(rec) -> bool:
    """Created, no init made yet (deferred, or a create still launching):
    nothing to stop, kill or wait for."""
    return rec.status == "created" and not rec.shim_pid


def resolve(store, netns, spec, cid: str) -> dict[str, str]:
    """{namespace type: path} for the namespaces joined; FailedPrecondition
    (Docker's words) when the other container is not running."""
    paths = {}
    for kind, other_id in modes(spec).items():
        if other_id == cid:
            raise InvalidArgument(f"cannot join own {KINDS[kind]} namespace")
        other = store.get(other_id)
        if other.status not in LIVE or not other.pid:
            # Docker's words differ by kind (its getPidContainer checks with checkContainer)
            words = {"pid": f"container {other.id} is not running",
                     "ipc": f"can't join IPC of container {other.id}: container {other.id} is not running",
                     "network": f"cannot join network of a non running container: {other.id}"}
            raise FailedPrecondition(words[kind])
        if kind == "ipc" and other.spec.ipc_mode not in ("shareable", "host") \
                and not other.spec.ipc_mode.startswith(PREFIX):
            raise InvalidArgument(f"can't join IPC of container {other.id}: non-shareable IPC (hint: use "
                                  "IpcMode:shareable for the donor container)")
        if kind == "network":
            paths["network"] = _network_of(store, netns, other)
        else:
            paths[kind] = f"/proc/{other.pid}/ns/{kind}"
    return paths


def _network_of(store, netns, other) -> str:
    """The donor's network namespace: its pin, the host's (''), or, when it
    joined a third container's, that one's (followed, as the kernel's
    namespace is the same)."""
    seen = set()
    while other.spec.network_mode.startswith(PREFIX) and other.id not in seen:
        seen.add(other.id)
        other = store.get(other.spec.network_mode[len(PREFIX):])
    return "" if other.spec.network_mode == "host" else str(netns.file(other.id))


def apply(config: dict, spec, paths: dict[str, str]) -> None:
    """config.json's namespaces: none for the host's network, a path for
    each joined one ('' in paths: the host's, so none)."""
    linux = config.setdefault("linux", {})
    joined = dict(paths)
    if spec.network_mode == "host":
        joined["network"] = ""
    out = []
    for ns in linux.get("namespaces", ()):
        t = ns["type"]
        if t in joined:
            if joined[t]:
                out.append({"type": t, "path": joined[t]})
            continue
        out.append(ns)
    linux["namespaces"] = out
    # Not done: the donor's /dev/shm (Docker binds its shm directory; doca's
    # is a tmpfs in the donor's mount namespace, which a bind cannot take).


def netns_cfg(spec, own_pin: str, paths: dict[str, str], own_exists: bool) -> dict | None:
    """The shim's network namespace: None for the host's, the other's pin
    (joined), or its own (made unless already pinned: a relaunch)."""
    if spec.network_mode == "host":
        return None
    if "network" in paths:
        return {"path": paths["network"], "create": False} if paths["network"] else None
    return {"path": own_pin, "create": not own_exists}

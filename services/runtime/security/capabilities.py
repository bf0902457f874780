"""Capability sets as Docker computes them (runtime side).

`resolve()` applies --cap-add / --cap-drop / --privileged to Docker's
default 14; `oci()` lays the result out in process.capabilities the way
Docker hands it to runc: root gets bounding = effective = permitted, a
non-root user gets the bounding set only (what execve would leave it), no
inheritable, no ambient.
"""
from common.errors import InvalidArgument

# Index = capability number (linux/capability.h).
NAMES = (
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
    "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK",
    "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
    "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
)
NUMBERS = {name: i for i, name in enumerate(NAMES)}

# Docker's default set: CapEff 00000000a80425fb.
DEFAULT = (
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
    "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
    "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
)

CAP_LAST_CAP = "/proc/sys/kernel/cap_last_cap"


def last_cap() -> int:
    """The highest capability this kernel knows."""
    try:
        with open(CAP_LAST_CAP) as f:
            return int(f.read())
    except (OSError, ValueError):
        return len(NAMES) - 1


def supported() -> list[str]:
    """Every capability both this table and the running kernel know."""
    return list(NAMES[:last_cap() + 1])


def engine_bounding() -> int:
    """The engine's own bounding set: a container cannot get more (root on
    some hosts, this one included, lacks CAP_SYS_RESOURCE)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("CapBnd:"):
                    return int(line.split()[1], 16)
    except (OSError, ValueError):
        pass
    return (1 << (last_cap() + 1)) - 1


def available() -> list[str]:
    """What --privileged and --cap-add ALL give: every capability the
    kernel knows and the engine holds."""
    held = engine_bounding()
    return [c for c in supported() if held >> NUMBERS[c] & 1]


def normalize(name: str, flag: str) -> str:
    """Docker's spellings: any case, with or without CAP_; "ALL" stays."""
    if not isinstance(name, str) or not name.strip():
        raise InvalidArgument(f"{flag}: empty capability name")
    cap = name.strip().upper()
    if cap == "ALL":
        return cap
    if not cap.startswith("CAP_"):
        cap = "CAP_" + cap
    if cap not in NUMBERS:
        raise InvalidArgument(f'{flag}: unknown capability: "{name}"')
    return cap


def resolve(cap_add=(), cap_drop=(), privileged: bool = False) -> list[str]:
    """The container's capability list, in Docker's order of precedence:
    --privileged gives every capability (the engine holds); "ALL" in
    --cap-add gives every one but the dropped ones; "ALL" in --cap-drop keeps only the added ones;
    otherwise the default set minus the dropped plus the added."""
    held = available()
    if privileged:
        return held
    adds = [normalize(c, "--cap-add") for c in cap_add]
    drops = [normalize(c, "--cap-drop") for c in cap_drop]
    kernel = supported()
    for cap in adds:
        if cap != "ALL" and cap not in kernel:
            raise InvalidArgument(f'--cap-add: capability not supported by this kernel: "{cap}"')
        if cap != "ALL" and cap not in held:
            raise InvalidArgument(f'--cap-add: the engine itself does not hold "{cap}" (not in its bounding set), '
                                  "so it cannot give it to a container")
    if "ALL" in adds:
        caps = [c for c in held if c not in drops]
    elif "ALL" in drops:
        caps = [c for c in adds if c != "ALL"]
    else:
        caps = [c for c in DEFAULT if c not in drops] + adds
    out: list[str] = []
    for c in caps:
        if c not in out:
            out.append(c)
    return out


def oci(caps: list[str], uid: int) -> dict:
    """process.capabilities for `caps` and the container's user."""
    if uid == 0:
        return {"bounding": list(caps), "effective": list(caps), "permitted": list(caps)}
    return {"bounding": list(caps)}


def mask(names) -> int:
    """Capability names -> bit mask; names this kernel lacks are left out
    (runc does the same), unknown names are an error."""
    top = last_cap()
    bits = 0
    for name in names or ():
        if name not in NUMBERS:
            raise InvalidArgument(f'unknown capability in the OCI config: "{name}"')
        if NUMBERS[name] <= top:
            bits |= 1 << NUMBERS[name]
    return bits

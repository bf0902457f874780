"""The devices a container may use (the devices cgroup; OCI
linux.resources.devices): creating any node is allowed (CAP_MKNOD), opening
only the standard ones, as runc and Docker allow by default. A privileged
container may use every device."""

# (type, major, minor, access); None = any number.
DEFAULT_ALLOWED = (
    ("c", None, None, "m"), ("b", None, None, "m"),       # mknod of anything...
    ("c", 1, 3, "rwm"), ("c", 1, 5, "rwm"), ("c", 1, 7, "rwm"),  # null zero full
    ("c", 1, 8, "rwm"), ("c", 1, 9, "rwm"),               # random urandom
    ("c", 5, 0, "rwm"), ("c", 5, 1, "rwm"), ("c", 5, 2, "rwm"),  # tty console ptmx
    ("c", 136, None, "rwm"),                              # the devpts ptys
    ("c", 10, 200, "rwm"),                                # tun
)


def rules(privileged: bool) -> list[dict]:
    """OCI device cgroup rules, in order: deny everything, then allow."""
    if privileged:
        return [{"allow": True, "access": "rwm"}]
    out = [{"allow": False, "access": "rwm"}]
    for kind, major, minor, access in DEFAULT_ALLOWED:
        rule = {"allow": True, "type": kind, "access": access}
        if major is not None:
            rule["major"] = major
        if minor is not None:
            rule["minor"] = minor
        out.append(rule)
    return out


def v1_lines(oci_rules: list[dict]) -> list[tuple[str, str]]:
    """OCI rules -> (file, line) writes for a v1 devices cgroup."""
    out = []
    for r in oci_rules:
        kind = r.get("type", "a")
        major = "*" if r.get("major") is None else str(r["major"])
        minor = "*" if r.get("minor") is None else str(r["minor"])
        line = "a" if kind == "a" and major == minor == "*" else f"{kind} {major}:{minor} {r.get('access', 'rwm')}"
        out.append(("devices.allow" if r.get("allow") else "devices.deny", line))
    return out

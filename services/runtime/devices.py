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


def host_devices(res) -> list[dict]:
    """--device HOST[:CONTAINER[:PERMS]] as OCI linux.devices (a directory:
    every device below it, under CONTAINER), each with "access" for its
    cgroup rule; the host's node gives type, numbers, mode and owner, as
    Docker's daemon reads them."""
    import os
    import stat
    from common.errors import InvalidArgument
    from common.resources import device_mapping
    out = []
    for entry in res.devices if res is not None else ():
        host, container, perms = device_mapping(entry)
        try:
            st = os.stat(host)
        except OSError as e:
            raise InvalidArgument(f'error gathering device information while adding custom device "{host}": '
                                  f"{e.strerror.lower()}") from None
        found = [(host, st)]
        if stat.S_ISDIR(st.st_mode):
            found = [(os.path.join(top, name), os.stat(os.path.join(top, name)))
                     for top, _, names in sorted(os.walk(host)) for name in sorted(names)]
        for path, st in found:
            kind = "c" if stat.S_ISCHR(st.st_mode) else "b" if stat.S_ISBLK(st.st_mode) else None
            if kind is None:
                if path == host:
                    raise InvalidArgument(f'error gathering device information while adding custom device '
                                          f'"{host}": not a device node')
                continue
            out.append({"path": container + path[len(host):], "type": kind, "major": os.major(st.st_rdev),
                        "minor": os.minor(st.st_rdev), "fileMode": stat.S_IMODE(st.st_mode), "uid": st.st_uid,
                        "gid": st.st_gid, "access": perms, "hostPath": path})
    return out


def rules(privileged: bool, res=None) -> list[dict]:
    """OCI device cgroup rules, in order: deny everything, then allow (the
    defaults, then --device's and --device-cgroup-rule's of `res`)."""
    if privileged:
        return [{"allow": True, "access": "rwm"}]
    out = [{"allow": False, "access": "rwm"}]
    extra = []
    if res is not None:
        from common.resources import device_rule
        extra = [(d["type"], d["major"], d["minor"], d["access"]) for d in host_devices(res)]
        extra += [device_rule(r) for r in res.device_cgroup_rules]
    for kind, major, minor, access in list(DEFAULT_ALLOWED) + extra:
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

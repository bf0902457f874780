"""The container's overlay root, mounted in a mount namespace of the
caller's own (unshared here, so nothing is mounted on the host): by the shim
before it clones the init, and by `docker cp` on a stopped container. The
mount is the one the images service described (root_mount.py): mounted as
given, but for the idmapped lowers of a user namespace and the fsconfig
form of options too long for mount(2).

Standard library only: the shim imports this."""
import os

from services.runtime import rootfs_linux, syscalls as sc, userns_linux


def mount_rootfs(bundle: str, spec: dict, rootfs_mount: dict | None, state: str, userns: dict | None) -> None:
    sc.unshare(sc.CLONE_NEWNS)
    shared = rootfs_linux.shares_mounts(spec)
    if not shared:
        # Slave, not private: mounts the host removes later vanish here too.
        sc.mount(None, "/", None, sc.MS_REC | sc.MS_SLAVE, None)
    if rootfs_mount:
        target = os.path.join(bundle, spec.get("root", {}).get("path", "rootfs"))
        os.makedirs(target, exist_ok=True)
        if shared:  # an rshared bind: the host's peer groups kept, the overlay kept off them
            rootfs_linux.private_parent(target)
        options = list(rootfs_mount.get("options", ()))
        if userns:  # the layers seen through the container's id map (userns_linux.py)
            fd = userns_linux.holder(userns["uid"], userns["gid"], userns["size"])
            try:
                options = userns_linux.remap_lowers(options, state, fd)
            finally:
                os.close(fd)
            upper = next(o.split("=", 1)[1] for o in options if o.startswith("upperdir="))
            os.chown(upper, userns["uid"], userns["gid"])
        rootfs_mount = dict(rootfs_mount, options=options)
        data = ",".join(options)
        if len(data) < OPTIONS_MAX:
            sc.mount(rootfs_mount.get("source", "overlay"), target, rootfs_mount["type"], 0, data)
        else:  # too many layers for one option string: one fsconfig per layer
            sc.mount_fs(rootfs_mount["type"], target, fs_options(rootfs_mount["options"]))


# mount(2) copies at most one page of options, NUL included.
OPTIONS_MAX = 4096


def fs_options(options: list[str]) -> list[tuple[str, str]]:
    """overlay's "lowerdir=a:b:c" as fsconfig wants it: "lowerdir+" per layer."""
    out = []
    for opt in options:
        key, _, value = opt.partition("=")
        if key == "lowerdir":
            out += [("lowerdir+", d) for d in value.split(":")]
        else:
            out.append((key, value))
    return out

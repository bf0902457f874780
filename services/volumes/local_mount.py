"""The local driver's options, as Docker's (volume/local): `type`, `device`
and `o` name a filesystem to mount on the volume's _data at its first use
(type=tmpfs device=tmpfs o=size=64m; type=none device=/host/dir o=bind;
type=nfs ...), unmounted when the last container releases it and before
the volume is removed: a removal deletes what _data holds, and must never
reach into a bound host directory."""
import subprocess

from common.errors import FailedPrecondition, InvalidArgument

VALID = ("type", "device", "o", "size")
# An option given without those it needs (Docker's mandatoryOpts).
NEEDS = {"device": ("type",), "type": ("device",), "o": ("device", "type")}


def check(name: str, options: dict) -> None:
    """Docker's refusals, in its words ('create NAME: invalid option: "x"')."""
    for key in options:
        if key not in VALID:
            raise InvalidArgument(f'create {name}: invalid option: "{key}"')
    for key, needed in NEEDS.items():
        if key in options:
            for other in needed:
                if other not in options:
                    raise InvalidArgument(f'create {name}: missing required option: "{other}"')


def wanted(options: dict) -> bool:
    return "device" in options and "type" in options


def is_mounted(path: str) -> bool:
    """A mount point in this mount namespace (mountinfo's fifth field)."""
    with open("/proc/self/mountinfo", encoding="utf-8", errors="surrogateescape") as f:
        for line in f:
            fields = line.split(" ")
            if len(fields) > 4 and fields[4].replace("\\040", " ") == path:
                return True
    return False


def mount(name: str, path: str, options: dict) -> None:
    if not wanted(options) or is_mounted(path):
        return
    argv = ["mount", "-t", options["type"]]
    if options.get("o"):
        argv += ["-o", options["o"]]
    argv += ["--", options["device"], path]
    r = subprocess.run(argv, capture_output=True, text=True)
    if r.returncode != 0:  # Docker: "error while mounting volume '...': failed to mount local volume: ..."
        why = (r.stderr or r.stdout).strip().splitlines()
        raise FailedPrecondition(f"error while mounting volume '{path}': failed to mount local volume: "
                                 f"{why[-1] if why else 'mount failed'}")


def unmount(path: str) -> None:
    """Detached (a process may still hold it); refused if it stays mounted."""
    while is_mounted(path):
        r = subprocess.run(["umount", "-l", "--", path], capture_output=True, text=True)
        if r.returncode != 0:
            raise FailedPrecondition(f"volume at {path} could not be unmounted: {r.stderr.strip()}")

"""What this host's cgroups offer that Docker's daemon discards with a
warning when missing (its sysinfo): read from /sys/fs/cgroup, so that the
gateway can warn as Docker does and the runtime skips what is not there."""
import os

ROOT = "/sys/fs/cgroup"


def blkio_weight(root: str = ROOT) -> bool:
    """A proportional I/O weight: v1's blkio.weight (CFQ or BFQ), or v2's io
    controller with io.weight (io.cost or BFQ) somewhere below the root."""
    if os.path.exists(os.path.join(root, "cgroup.controllers")):
        try:
            with open(os.path.join(root, "cgroup.controllers")) as f:
                return "io" in f.read().split()
        except OSError:
            return False
    return any(os.path.exists(os.path.join(root, "blkio", name)) for name in ("blkio.weight", "blkio.bfq.weight"))

"""Picks the cgroup driver for this host."""
import os

from services.runtime.cgroups.base import Driver


def detect(parent: str, root: str = "/sys/fs/cgroup") -> Driver:
    # The unified hierarchy at the top means v2; a tmpfs of v1 mounts means v1
    # (a hybrid host's /sys/fs/cgroup/unified holds no useful controllers).
    if os.path.exists(os.path.join(root, "cgroup.controllers")):
        from services.runtime.cgroups.v2 import V2Driver
        return V2Driver(parent, root)
    from services.runtime.cgroups.v1 import V1Driver
    return V1Driver(parent)

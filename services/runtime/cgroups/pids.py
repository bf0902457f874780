"""pids: how many tasks the container may have (the same files on v1 and v2)."""
import os

from services.runtime.cgroups import base


class Pids(base.Controller):
    name = "pids"

    def set(self, path, res):
        if res.pids_limit:
            base.write(os.path.join(path, "pids.max"), "max" if res.pids_limit < 0 else res.pids_limit)

    def stats(self, path, sample):
        sample["pids_current"] = base.read_int(os.path.join(path, "pids.current"))
        sample["pids_limit"] = base.read_int(os.path.join(path, "pids.max"))  # "max": 0

"""update: new limits for a container, running or not (cgroups now, the
bundle and record for its next start)."""
import dataclasses
import json

from common import atomic
from common.errors import InvalidArgument
from common.resources import check_update
from services.runtime import spec as ocispec
from services.runtime.state import RuntimeState
from services.runtime.store import ACTIVE, Record


class UpdateMixin(RuntimeState):
    def update(self, ref: str, changes: dict, restart_policy=None) -> Record:
        """`changes`: the limits to change, by Resources' field names;
        `restart_policy`: a new one (docker update --restart), or None."""
        rec = self.get(ref)
        if restart_policy is not None and rec.spec.auto_remove and restart_policy.name not in ("", "no"):
            raise InvalidArgument(f"Cannot update container {rec.id}: Restart policy cannot be updated because "
                                  "AutoRemove is enabled for the container")
        check_update(rec.spec.resources, changes)
        res = dataclasses.replace(rec.spec.resources, **changes)  # the merged limits, checked as they are made
        self.cgroups.update(rec.id, res)  # the kernel may refuse (e.g. below current usage)
        with self.store.lock:
            rec.spec = dataclasses.replace(rec.spec, resources=res)
            if restart_policy is not None:
                rec.spec = dataclasses.replace(rec.spec, restart_policy=restart_policy)
            self.store.save(rec)
        if restart_policy is not None and rec.status in ACTIVE:
            self.watch_policy(rec)  # a running container's new policy: its monitor starts now
        bundle = self.store.dir(rec.id) / "bundle" / "config.json"
        try:
            with open(bundle) as f:
                config = json.load(f)
        except FileNotFoundError:  # lost with its tmpfs: written again, from the record, at the next start
            return rec
        config["linux"].setdefault("resources", {}).update(ocispec.resources(res))
        atomic.write_json(bundle, config)
        return rec

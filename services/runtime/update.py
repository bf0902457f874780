"""update: new limits for a container, running or not (cgroups now, the
bundle and record for its next start)."""
import json

from common import atomic
from services.runtime import spec as ocispec
from services.runtime.create import limits_of
from services.runtime.state import RuntimeState
from services.runtime.store import Record


class UpdateMixin(RuntimeState):
    def update(self, ref: str, resources: dict) -> Record:
        rec = self.get(ref)
        merged = dict(rec.spec.get("resources", {}))
        merged.update({k: v for k, v in resources.items() if v})
        limits = limits_of(merged)  # checked as they are made: the merged limits
        self.cgroups.update(rec.id, limits)  # the kernel may refuse (e.g. below current usage)
        with self.store.lock:
            rec.spec["resources"] = merged
            self.store.save(rec)
        bundle = self.store.dir(rec.id) / "bundle" / "config.json"
        try:
            with open(bundle) as f:
                config = json.load(f)
        except FileNotFoundError:  # lost with its tmpfs: written again, from the record, at the next start
            return rec
        config["linux"].setdefault("resources", {}).update(ocispec.resources(limits))
        atomic.write_json(bundle, config)
        return rec

"""update: new limits for a container, running or not (cgroups now, the
bundle and record for its next start)."""
import dataclasses
import json

from common import atomic
from services.runtime import spec as ocispec
from services.runtime.state import RuntimeState
from services.runtime.store import Record


class UpdateMixin(RuntimeState):
    def update(self, ref: str, changes: dict) -> Record:
        """`changes`: the limits to change, by Resources' field names."""
        rec = self.get(ref)
        res = dataclasses.replace(rec.spec.resources, **changes)  # the merged limits, checked as they are made
        self.cgroups.update(rec.id, res)  # the kernel may refuse (e.g. below current usage)
        with self.store.lock:
            rec.spec = dataclasses.replace(rec.spec, resources=res)
            self.store.save(rec)
        bundle = self.store.dir(rec.id) / "bundle" / "config.json"
        try:
            with open(bundle) as f:
                config = json.load(f)
        except FileNotFoundError:  # lost with its tmpfs: written again, from the record, at the next start
            return rec
        config["linux"].setdefault("resources", {}).update(ocispec.resources(res))
        atomic.write_json(bundle, config)
        return rec

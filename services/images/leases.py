"""Leases: named holders of images beside tags and containers, in one
crash-safe state file. The build cache holds its intermediate images under
the lease "build-cache"; garbage collection and `image prune` keep every
leased image, its blobs and its layers.

    leases.json: {"leases": {"build-cache": ["sha256:...", ...]}}
"""
import pathlib

from common import atomic

BUILD_CACHE = "build-cache"


class LeaseStore:
    def __init__(self, path: pathlib.Path):
        self.path = pathlib.Path(path)
        data = atomic.read_json(self.path, default={}) or {}
        self._leases: dict[str, list[str]] = {k: list(v) for k, v in data.get("leases", {}).items()}

    def images(self, lease: str | None = None) -> set[str]:
        """The images one lease holds, or every leased image."""
        if lease is not None:
            return set(self._leases.get(lease, ()))
        return {i for ids in self._leases.values() for i in ids}

    def add(self, lease: str, image_id: str) -> None:
        held = self._leases.setdefault(lease, [])
        if image_id not in held:
            held.append(image_id)
            self._save()

    def release(self, lease: str, image_ids=None) -> None:
        """Drops the given images from the lease, or the whole lease."""
        if lease not in self._leases:
            return
        if image_ids is None:
            del self._leases[lease]
        else:
            drop = set(image_ids)
            self._leases[lease] = [i for i in self._leases[lease] if i not in drop]
        self._save()

    def forget(self, image_ids) -> None:
        """Removes images that no longer exist from every lease."""
        gone = set(image_ids)
        changed = False
        for lease, held in self._leases.items():
            kept = [i for i in held if i not in gone]
            if len(kept) != len(held):
                self._leases[lease] = kept
                changed = True
        if changed:
            self._save()

    def _save(self) -> None:
        atomic.write_json(self.path, {"leases": self._leases})

"""Tags: "name:tag" -> image id, in one crash-safe state file.

The file is rewritten whole (write, fsync, rename) on every change, so after
a crash it holds either the old or the new set of tags. Callers hold the
service lock; this class keeps the file and its in-memory copy in step.
"""
import pathlib

from common import atomic


class TagStore:
    def __init__(self, path: pathlib.Path):
        self.path = pathlib.Path(path)
        atomic.remove_temporaries(self.path.parent)
        data = atomic.read_json(self.path, default={}) or {}
        self._tags: dict[str, str] = dict(data.get("tags", {}))

    def get(self, ref: str) -> str | None:
        return self._tags.get(ref)

    def set(self, ref: str, image_id: str) -> str | None:
        """Points ref at image_id; returns the image it pointed at before."""
        old = self._tags.get(ref)
        if old != image_id:
            self._tags[ref] = image_id
            self._save()
        return old

    def delete(self, refs: list[str]) -> None:
        changed = False
        for ref in refs:
            changed |= self._tags.pop(ref, None) is not None
        if changed:
            self._save()

    def tags_of(self, image_id: str) -> list[str]:
        return sorted(r for r, i in self._tags.items() if i == image_id)

    def all(self) -> dict[str, str]:
        return dict(self._tags)

    def _save(self) -> None:
        try:
            atomic.write_json(self.path, {"tags": self._tags})
        except BaseException:
            # Not written (a full disk): back to what the disk holds, so no
            # tag is shown that a restart would not find.
            self._tags = dict((atomic.read_json(self.path, default={}) or {}).get("tags", {}))
            raise

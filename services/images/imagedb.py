"""Image records: which images exist (id -> manifest digest, and the
NAME@DIGEST of each repository the image came from or went to: Docker's
RepoDigests), in one crash-safe state file, and their manifest and config
read from the content store (immutable, so cached after the first read).

A repository digest is the manifest digest as the registry has it (for a
pull by tag of a multi-platform image, the index's), which may differ from
the manifest doca keeps; it names one image only: recorded on another, it
moves there."""
import pathlib
import time

from common import atomic
from common.errors import FailedPrecondition
from services.images import oci
from services.images.content import ContentStore


class ImageDB:
    def __init__(self, path: pathlib.Path, content: ContentStore):
        self.path = pathlib.Path(path)
        self.content = content
        atomic.remove_temporaries(self.path.parent)
        data = atomic.read_json(self.path, default={}) or {}
        self._records: dict[str, dict] = dict(data.get("images", {}))
        self._docs: dict[str, tuple[dict, dict]] = {}

    def ids(self) -> list[str]:
        return list(self._records)

    def has(self, image_id: str) -> bool:
        return image_id in self._records

    def manifest_digest(self, image_id: str) -> str:
        return self._records[image_id]["manifest"]

    def repo_digests(self, image_id: str) -> list[str]:
        return list(self._records[image_id].get("repo_digests", ()))

    def parent(self, image_id: str) -> str:
        return self._records[image_id].get("parent", "")

    def has_children(self, image_id: str) -> bool:
        """Another image was committed or built from it (Docker's dependent child images)."""
        return any(r.get("parent") == image_id for r in self._records.values())

    def add(self, image_id: str, manifest_digest: str, repo_digest: str = "", parent: str = "") -> None:
        """Records an image (or a new manifest for it), and with it a
        repository digest if given, and the image it was made from (a commit,
        a build: Docker's Parent, engine metadata outside the config): one write."""
        record = self._records.get(image_id)
        changed = record is None or record.get("manifest") != manifest_digest
        if changed:
            # Its repository digests and parent stay: the registries still have those manifests.
            kept = {k: record[k] for k in ("repo_digests", "parent") if record and record.get(k)}
            record = self._records[image_id] = {"manifest": manifest_digest, "added": time.time(), **kept}
            self._docs.pop(image_id, None)  # the same config may come with another manifest (a load)
        if parent and parent != image_id and not record.get("parent"):
            record["parent"] = parent
            changed = True
        if repo_digest:
            changed |= self._take_repo_digest(image_id, repo_digest)
        if changed:
            self._save()

    def add_repo_digest(self, image_id: str, repo_digest: str) -> None:
        if self._take_repo_digest(image_id, repo_digest):
            self._save()

    def _take_repo_digest(self, image_id: str, repo_digest: str) -> bool:
        """NAME@DIGEST onto image_id (off any other image); True if anything changed."""
        changed = False
        for other, record in self._records.items():
            held = record.get("repo_digests", [])
            if other != image_id and repo_digest in held:
                held.remove(repo_digest)
                changed = True
        held = self._records[image_id].setdefault("repo_digests", [])
        if repo_digest not in held:
            held.append(repo_digest)
            changed = True
        return changed

    def delete(self, image_id: str) -> None:
        if self._records.pop(image_id, None) is not None:
            self._save()
        self._docs.pop(image_id, None)

    def documents(self, image_id: str) -> tuple[dict, dict]:
        """(manifest, config) of a recorded image."""
        docs = self._docs.get(image_id)
        if docs is None:
            mdigest = self.manifest_digest(image_id)
            if not self.content.exists(mdigest) or not self.content.exists(image_id):
                raise FailedPrecondition(
                    f"image {image_id[7:19]} is damaged: its manifest or config is missing from the "
                    "content store; remove it (rmi -f) and import or pull it again")
            manifest = oci.load(self.content.read(mdigest), "manifest")
            config = oci.load(self.content.read(image_id), "image config")
            docs = self._docs[image_id] = (manifest, config)
        return docs

    def _save(self) -> None:
        try:
            atomic.write_json(self.path, {"images": self._records})
        except BaseException:
            # Not written (a full disk): back to what the disk holds, so the
            # service never shows an image that a restart would not.
            self._records = dict((atomic.read_json(self.path, default={}) or {}).get("images", {}))
            raise

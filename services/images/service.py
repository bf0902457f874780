"""The images service's core: resolves references, lists and inspects images,
creates them from layer blobs, prepares snapshots. Removal is in remove.py.

State, all under one directory:
    blobs/sha256/<hex>, ingest/   content store (content.py)
    images.json                   image id -> manifest digest, repo digests (imagedb.py)
    repositories.json             tags (tags.py)
    layers/<chain hex>/diff, tmp/ unpacked layers (layers.py)
    snapshots/<container id>/     container snapshots (snapshots.py)
    leases.json                   images the build cache holds (leases.py)

What keeps things: an image stays while it exists (tags, containers and
leases only decide what `image prune` may remove); blobs and unpacked
layers stay while a recorded image or work in progress refers to them, and
are collected otherwise (at start, and as images are removed).

Locking: one lock guards the metadata (tags, records, pins) and is held only
for quick steps; unpacking runs outside it under a per-layer lock, so two
snapshots of images that share a layer unpack it once while unrelated work
goes on. Work in progress pins what it needs (an image being snapshotted,
the blobs and layers of an import) so a concurrent Remove leaves them alone.
"""
import collections
import contextlib
import dataclasses
import logging
import pathlib
import threading

from common import crashpoints
from common.errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound, note_data_root
from common import reference
from services.images import digests, layerblob, oci
from services.images.content import ContentStore
from services.images.reserve import Reserve
from services.images.imagedb import ImageDB
from services.images.keyedlock import KeyedLocks
from services.images.layers import LayerStore
from services.images.leases import BUILD_CACHE, LeaseStore
from services.images.snapshots import SnapshotStore, check_container_id, described
from services.images.tags import TagStore

log = logging.getLogger("doca.images")


@dataclasses.dataclass
class ImageView:
    """What Inspect and List show of an image."""
    id: str
    repo_tags: list[str]
    manifest_digest: str
    created: float
    size: int
    config: dict
    diff_ids: list[str]
    architecture: str
    os: str
    comment: str
    author: str = ""
    repo_digests: list[str] = dataclasses.field(default_factory=list)  # NAME@DIGEST (Docker's RepoDigests)
    parent: str = ""  # the image a commit or build made it from (Docker's Parent)


@dataclasses.dataclass
class Resolved:
    image_id: str
    ref: reference.Reference | None  # set when a tag named the image


class ImageService:
    def __init__(self, state_dir: pathlib.Path):
        self.state = pathlib.Path(state_dir)
        self.state.mkdir(parents=True, exist_ok=True)
        note_data_root(self.state, "the images store")  # named by a full disk's error
        self.reserve = Reserve(self.state / "reserve")  # for rmi and prune on a full disk
        self.content = ContentStore(self.state)
        self.layers = LayerStore(self.state / "layers", self.state / "tmp")
        self.snapshots = SnapshotStore(self.state / "snapshots")
        self.tags = TagStore(self.state / "repositories.json")
        self.db = ImageDB(self.state / "images.json", self.content)
        self.leases = LeaseStore(self.state / "leases.json")
        self.lock = threading.RLock()
        self._container_locks = KeyedLocks()
        self._preparing: dict[str, str] = {}        # container id -> image id
        self.pinned_blobs: collections.Counter = collections.Counter()
        self.pinned_layers: collections.Counter = collections.Counter()
        with self.lock:
            self.collect_garbage()

    # -- resolution -------------------------------------------------------
    def resolve(self, text: str) -> Resolved:
        """NAME[:TAG][@DIGEST], a full id (with or without sha256:), or a
        unique id prefix of at least 4 hex digits. Caller holds the lock."""
        if not text:
            raise InvalidArgument("no image given: name an image (NAME[:TAG]) or an image id")
        if reference.looks_like_id(text):
            image_id = "sha256:" + reference.id_hex(text)
            if self.db.has(image_id):
                return Resolved(image_id, None)
            raise NotFound(f"No such image: {text}")
        try:
            ref = reference.parse(text)
        except InvalidArgument:
            if reference.looks_like_id_prefix(text):
                return Resolved(self._by_prefix(text), None)
            raise
        if ref.digest:
            named = f"{ref.name}@{ref.digest}"
            for image_id in self.db.ids():
                if (self.db.manifest_digest(image_id) == ref.digest or image_id == ref.digest
                        or named in self.db.repo_digests(image_id)):
                    return Resolved(image_id, None)
            raise NotFound(f"No such image: {ref}")
        image_id = self.tags.get(str(ref))
        if image_id is not None and self.db.has(image_id):
            return Resolved(image_id, ref)
        if reference.looks_like_id_prefix(text):
            with contextlib.suppress(NotFound):
                return Resolved(self._by_prefix(text), None)
        raise NotFound(f"No such image: {ref}")

    def _by_prefix(self, text: str) -> str:
        prefix = "sha256:" + reference.id_hex(text)
        matches = [i for i in self.db.ids() if i.startswith(prefix)]
        if not matches:
            raise NotFound(f"No such image: {text}")
        if len(matches) > 1:
            raise InvalidArgument(f"image id prefix {text!r} is ambiguous: it matches {len(matches)} "
                                  "images; give more digits")
        return matches[0]

    # -- reading ----------------------------------------------------------
    def view(self, image_id: str) -> ImageView:
        manifest, config = self.db.documents(image_id)
        return ImageView(
            id=image_id,
            repo_tags=self.tags.tags_of(image_id),
            manifest_digest=self.db.manifest_digest(image_id),
            created=oci.parse_time(config.get("created", "")),
            size=sum(self.layer_sizes(manifest, config)),
            config=oci.runnable(config),
            diff_ids=oci.diff_ids(config),
            architecture=config.get("architecture", ""),
            os=config.get("os", ""),
            comment=oci.comment(config),
            author=config.get("author") or "",
            repo_digests=self.db.repo_digests(image_id),
            parent=self.db.parent(image_id),
        )

    def layer_sizes(self, manifest: dict, config: dict) -> list[int]:
        """Each layer's content size, bottom first, as tracked when it was
        unpacked (the blob's size for a layer not unpacked yet)."""
        descs = manifest.get("layers", [])
        out = []
        for i, chain_id in enumerate(digests.chain_ids(oci.diff_ids(config))):
            size = self.layers.size(chain_id)
            if size is None:
                size = int(descs[i].get("size", 0)) if i < len(descs) else 0
            out.append(size)
        return out

    def inspect(self, text: str) -> ImageView:
        with self.lock:
            return self.view(self.resolve(text).image_id)

    def intermediates(self) -> set[str]:
        """The build cache's own images (held by its lease, untagged): hidden
        from `images` unless -a, as Docker hides its intermediate images.
        Caller holds the lock."""
        return {i for i in self.leases.images(BUILD_CACHE) if not self.tags.tags_of(i)}

    def list_images(self, all_images: bool = False) -> list[ImageView]:
        views = []
        with self.lock:
            hidden = set() if all_images else self.intermediates()
            for image_id in self.db.ids():
                if image_id in hidden:
                    continue
                try:
                    views.append(self.view(image_id))
                except FailedPrecondition as exc:
                    # Still listed, so that it can be seen and removed.
                    log.warning("%s", exc)
                    views.append(ImageView(image_id, self.tags.tags_of(image_id),
                                           self.db.manifest_digest(image_id), 0.0, 0, oci.runnable({}),
                                           [], "", "", "damaged: remove and import or pull again",
                                           repo_digests=self.db.repo_digests(image_id)))
        return sorted(views, key=lambda v: (-v.created, v.id))  # newest first, as docker images

    # -- creating ---------------------------------------------------------
    @contextlib.contextmanager
    def pinned(self, blobs=(), layers=()):
        """Keeps blobs and unpacked layers from being collected while an
        import or pull that will reference them is still under way."""
        with self.lock:
            self.pinned_blobs.update(blobs)
            self.pinned_layers.update(layers)
        try:
            yield
        finally:
            with self.lock:
                self.pinned_blobs.subtract(blobs)
                self.pinned_layers.subtract(layers)
                self.pinned_blobs += collections.Counter()  # drops the zero counts
                self.pinned_layers += collections.Counter()

    def create_image(self, *, diff_ids: list[str], created: float, history: list[dict],
                     config: dict | None = None, tag: reference.Reference | None = None,
                     layer_descs: list[dict] | None = None, extra: dict | None = None, parent: str = "") -> str:
        """Writes config and manifest for layers already in the content store
        (by default stored uncompressed: blob digest == diff id; otherwise
        `layer_descs` describe the blobs), records the image and tags it.
        `extra`: more top-level config fields (author); `parent`: the image it
        was made from (commit, build: Docker's Parent). Returns the image id
        (the config digest)."""
        with self.lock:
            if layer_descs is None:
                layer_descs = [oci.descriptor(oci.MEDIA_LAYER, d, self.content.size(d)) for d in diff_ids]
            cfg = oci.image_config(created=created, diff_ids=diff_ids, history=history, config=config)
            cfg.update(extra or {})
            cfg_bytes = oci.canonical(cfg)
            image_id = self.content.put(cfg_bytes)
            man = oci.manifest(oci.descriptor(oci.MEDIA_CONFIG, image_id, len(cfg_bytes)), layer_descs)
            manifest_digest = self.content.put(oci.canonical(man))
            self.add_image(image_id, manifest_digest, [tag] if tag is not None else [], parent=parent)
            return image_id

    def add_image(self, image_id: str, manifest_digest: str, tags=(), repo_digest: str = "", parent: str = "") -> None:
        """Records an image whose config and manifest are committed, and tags
        it; repo_digest: NAME@DIGEST of the registry it came from (a pull)."""
        with self.lock:
            new = not self.db.has(image_id)
            self.db.add(image_id, manifest_digest, repo_digest, parent)
            try:
                for tag in tags:
                    previous = self.tags.set(str(tag), image_id)
                    if previous and previous != image_id:
                        log.info("tag %s moved from %s to %s", tag, digests.short(previous),
                                 digests.short(image_id))
            except BaseException:
                if new:  # a tag could not be written (a full disk): no image half-recorded
                    with contextlib.suppress(OSError):
                        self.db.delete(image_id)
                raise

    def add_repo_digest(self, image_id: str, repo_digest: str) -> None:
        """NAME@DIGEST: the registry has the image under that manifest digest
        (a push). Nothing if the image went meanwhile."""
        with self.lock:
            if self.db.has(image_id):
                self.db.add_repo_digest(image_id, repo_digest)

    def tag(self, source: str, target: str) -> str:
        """docker tag: target (NAME[:TAG]) names the image source names."""
        ref = reference.parse(target)
        if ref.digest:
            raise InvalidArgument(f"cannot tag as {target!r}: a tag cannot contain a digest")
        with self.lock:
            image_id = self.resolve(source).image_id
            self.tags.set(str(ref), image_id)
            return image_id

    # -- snapshots --------------------------------------------------------
    def users_of(self, image_id: str) -> list[str]:
        """Containers whose snapshot uses the image (caller holds the lock)."""
        users = self.snapshots.users_of(image_id)
        users += [c for c, i in self._preparing.items() if i == image_id and c not in users]
        return users

    def container_lock(self, container_id: str):
        """Held while a container's snapshot is prepared, committed, exported
        or removed: those never overlap for one container."""
        return self._container_locks.hold(container_id)

    def prepare_snapshot(self, image: str, container_id: str) -> dict:
        check_container_id(container_id)
        with self._container_locks.hold(container_id):
            with self.lock:
                existing = self.snapshots.get(container_id)
                image_id = self._snapshot_image(image, container_id, existing)
                manifest, config = self.db.documents(image_id)
                self._preparing[container_id] = image_id
            try:
                lower = self._ensure_layers(image_id, manifest, config)
                if existing is None:
                    with self.lock:
                        existing = self.snapshots.create(
                            container_id, image_id, digests.chain_ids(oci.diff_ids(config)))
                        crashpoints.reached("images.prepare_snapshot.made")
            finally:
                with self.lock:
                    self._preparing.pop(container_id, None)
        return described(existing, [str(p) for p in reversed(lower)])  # overlayfs: top layer first

    def _snapshot_image(self, image: str, container_id: str, existing: dict | None) -> str:
        if existing is None:
            return self.resolve(image).image_id
        # Prepare again (a retry): fine as long as it names the same image.
        try:
            wanted = self.resolve(image).image_id if image else existing["image_id"]
        except NotFound:
            wanted = existing["image_id"]  # its tag may have moved on since; keep what it has
        if wanted != existing["image_id"]:
            raise AlreadyExists(
                f"container {container_id[:12]} already has a snapshot of image "
                f"{digests.short(existing['image_id'])}; remove that snapshot first")
        return wanted

    def unpacked(self, image_id: str) -> list[pathlib.Path]:
        """The image's layer directories, bottom first, unpacking any not
        unpacked yet (build reads and runs on them)."""
        with self.lock:
            manifest, config = self.db.documents(image_id)
        return self._ensure_layers(image_id, manifest, config)

    def _ensure_layers(self, image_id: str, manifest: dict, config: dict) -> list[pathlib.Path]:
        """Unpacks any of the image's layers not yet unpacked; bottom first."""
        diff_ids = oci.diff_ids(config)
        chains = digests.chain_ids(diff_ids)
        descs = manifest.get("layers", [])
        if len(descs) != len(diff_ids):
            raise FailedPrecondition(f"image {digests.short(image_id)} is damaged: its manifest has "
                                     f"{len(descs)} layers, its config {len(diff_ids)}")
        out = []
        for i, (desc, diff_id, chain_id) in enumerate(zip(descs, diff_ids, chains)):
            if not self.layers.exists(chain_id):
                self._unpack_blob(image_id, desc, diff_id, chain_id, chains[i - 1] if i else None)
            out.append(self.layers.diff_dir(chain_id))
        return out

    def _unpack_blob(self, image_id: str, desc: dict, diff_id: str, chain_id: str,
                     parent: str | None) -> None:
        digest = desc.get("digest") or ""
        if not self.content.exists(digest):
            raise FailedPrecondition(f"layer {diff_id} of image {digests.short(image_id)} is missing "
                                     "from the content store; remove the image and import or pull it again")
        with layerblob.plain_tar(self.content.path(digest), digest, self.layers.tmp) as plain:
            if plain.diff_id != diff_id:
                raise FailedPrecondition(f"layer {digest} of image {digests.short(image_id)} is damaged: "
                                         f"its content is {plain.diff_id}, its config says {diff_id}; "
                                         "remove the image and import or pull it again")
            self.layers.ensure(chain_id, diff_id, parent, plain.path)

    def remove_snapshot(self, container_id: str) -> None:
        check_container_id(container_id)
        with self._container_locks.hold(container_id):
            # Not under self.lock: deleting a big upper dir must not stall the
            # service, and the record (what pins the image) goes last.
            self.snapshots.remove(container_id)

    # -- start-up ---------------------------------------------------------
    def collect_garbage(self) -> None:
        """Drops what a crash left half made: tags of missing images, blobs
        and unpacked layers no image refers to (and no work in progress has
        pinned). Caller holds the lock."""
        dangling = [r for r, i in self.tags.all().items() if not self.db.has(i)]
        if dangling:
            log.warning("dropping tags of missing images: %s", ", ".join(dangling))
            self.tags.delete(dangling)
        blobs, chains = self.referenced()
        for d in self.content.digests():
            if d not in blobs and not self.pinned_blobs[d]:
                log.info("removing unreferenced blob %s", d)
                self.content.delete(d)
        for c in self.layers.chain_ids():
            if c not in chains and not self.pinned_layers[c]:
                log.info("removing unreferenced layer %s", c)
                self.layers.purge(self.layers.detach(c))

    def drop_unreferenced_layers(self, chain_ids) -> None:
        """Removes unpacked layers that work which failed left behind,
        unless an image or other work in progress uses them."""
        trash = []
        with self.lock:
            _, chains = self.referenced()
            for c in chain_ids:
                if c not in chains and not self.pinned_layers[c]:
                    trash.append(self.layers.detach(c))
        for t in trash:
            self.layers.purge(t)

    def referenced(self) -> tuple[set[str], set[str]]:
        """Blob digests and chain ids used by the recorded images."""
        blobs, chains = set(), set()
        for image_id in self.db.ids():
            try:
                manifest, config = self.db.documents(image_id)
            except FailedPrecondition as exc:
                log.warning("%s", exc)
                blobs |= {image_id, self.db.manifest_digest(image_id)}
                continue
            blobs |= {image_id, self.db.manifest_digest(image_id)}
            blobs |= {layer.get("digest") for layer in manifest.get("layers", [])}
            chains |= set(digests.chain_ids(oci.diff_ids(config)))
        return blobs, chains

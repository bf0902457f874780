"""The build cache: step key -> what the step made, and final key -> image.

A step that makes a layer is recorded with an intermediate image (the
stage's layers up to and including that one, and its config at that
point) which the "build-cache" lease holds: garbage collection and `image
prune` keep it, its blobs and its unpacked layers, and `doca images`
hides it (it shows with -a). A step whose RUN changed nothing is recorded
without an image. A finished build records its final image under a key of
its whole config, so a fully cached build gives the same image id again;
that image is a user's, not leased: rmi removes it as any other.

    build-cache.json  {"steps": {key: {"image", "diff_id", "desc", "history", "used"}
                                 | {"history"} (no layer)},
                       "images": {key: image id}}

"used" is the step's last use (made or taken from the cache), what
`builder prune --filter until=` and --keep-storage go by. Without -a a
prune keeps the steps whose layer an image outside the cache or a
container still uses (BuildKit's records shared with images): removing
them would free nothing and lose the cache of what the user still has.

The index is saved once per build, without fsync: after a crash it may miss
the last entries, whose images are then leased by no entry; start-up
releases and removes those (reconcile), as it drops entries whose image an
rmi removed. An entry replaced by a new build (--no-cache) gives its image
up the same way.
"""
import dataclasses
import logging
import threading
import time

from common import atomic
from services.images import digests, oci
from services.images.build.cache_filters import Filters, Record
from services.images.leases import BUILD_CACHE
from services.images.remove import delete_image

log = logging.getLogger("doca.images.build")

INDEX = "build-cache.json"


@dataclasses.dataclass
class Hit:
    history: dict               # the step's history entry (created, created_by)
    image_id: str | None = None  # None: the step made no layer
    diff_id: str | None = None
    desc: dict | None = None


@dataclasses.dataclass
class Pruned:
    deleted: list[str]
    space_reclaimed: int


class BuildCache:
    def __init__(self, svc):
        self.svc = svc
        self.path = svc.state / INDEX
        self._lock = threading.Lock()
        self._save_lock = threading.Lock()  # two builds ending together: the later snapshot is written last
        data = atomic.read_json(self.path, default={}) or {}
        self._steps: dict[str, dict] = dict(data.get("steps", {}))
        self._images: dict[str, str] = dict(data.get("images", {}))
        self._dirty = False
        self.reconcile()

    # -- lookups ----------------------------------------------------------
    def step(self, key: str) -> Hit | None:
        with self._lock:
            entry = self._steps.get(key)
            if entry is not None:
                entry["used"] = time.time()
                self._dirty = True
        if entry is None:
            return None
        image = entry.get("image")
        if image is not None and not self.svc.db.has(image):
            return None  # removed by an rmi of its id: built again
        return Hit(entry["history"], image, entry.get("diff_id"), entry.get("desc"))

    def image(self, key: str) -> str | None:
        with self._lock:
            image = self._images.get(key)
        return image if image is not None and self.svc.db.has(image) else None

    # -- recording --------------------------------------------------------
    def record_step(self, key: str, hit: Hit) -> None:
        entry = {"history": hit.history, "used": time.time()}
        if hit.image_id is not None:
            entry.update(image=hit.image_id, diff_id=hit.diff_id, desc=hit.desc)
        with self._lock:
            old = self._steps.get(key, {}).get("image")
            self._steps[key] = entry
            self._dirty = True
        if old and old != hit.image_id:
            self._give_up([old])

    def record_image(self, key: str, image_id: str) -> None:
        with self._lock:
            if self._images.get(key) != image_id:
                self._images[key] = image_id
                self._dirty = True

    def save(self) -> None:
        with self._save_lock:
            with self._lock:
                if not self._dirty:
                    return
                data = {"steps": dict(self._steps), "images": dict(self._images)}
                self._dirty = False
            atomic.write_json(self.path, data, durable=False)

    # -- upkeep -----------------------------------------------------------
    def reconcile(self) -> None:
        """Drops entries whose image is gone; gives up leased images no
        entry refers to (a crash between creating one and saving the index)."""
        svc = self.svc
        with svc.lock, self._lock:
            self._steps = {k: e for k, e in self._steps.items() if e.get("image") is None or svc.db.has(e["image"])}
            self._images = {k: i for k, i in self._images.items() if svc.db.has(i)}
            held = {e["image"] for e in self._steps.values() if e.get("image")}
            orphans = [i for i in svc.leases.images(BUILD_CACHE) if i not in held]
            self._dirty = True
        if orphans:
            log.info("build cache: %d images no entry refers to", len(orphans))
            self._give_up(orphans)
        self.save()

    def _give_up(self, image_ids) -> None:
        """Releases images from the lease and removes those nothing else
        holds (no tag, no container), with whatever only they used."""
        svc, trash = self.svc, []
        with svc.lock:
            svc.leases.release(BUILD_CACHE, image_ids)
            for image_id in image_ids:
                if svc.db.has(image_id) and not svc.tags.tags_of(image_id) and not svc.users_of(image_id):
                    delete_image(svc, image_id, trash)
        for t in trash:
            svc.layers.purge(t)

    def _records(self, entries: dict) -> list[Record]:
        """The steps with a layer as a filter sees them (caller holds svc.lock)."""
        svc = self.svc
        cached = svc.leases.images(BUILD_CACHE)
        chains_of: dict[str, list[str]] = {}
        for image_id in svc.db.ids():
            try:
                chains_of[image_id] = digests.chain_ids(oci.diff_ids(svc.db.documents(image_id)[1]))
            except Exception:  # noqa: BLE001 - a damaged image shares nothing
                chains_of[image_id] = []
        elsewhere = {c for i, chains in chains_of.items() if i not in cached for c in chains}
        by_chains = {tuple(chains_of.get(e["image"], [])): e["image"] for e in entries.values()}
        out = []
        for key, e in entries.items():
            chains = chains_of.get(e["image"], [])
            top = chains[-1] if chains else ""
            out.append(Record(id=e["image"], parent=by_chains.get(tuple(chains[:-1]), "") if chains else "",
                              description=e.get("history", {}).get("created_by", ""),
                              shared=top in elsewhere or bool(svc.users_of(e["image"])),
                              used=float(e.get("used", 0)), size=(svc.layers.size(top) or 0) if top else 0,
                              key=key))
        return out

    def prune(self, all_: bool = True, filters: Filters | None = None, keep_bytes: int = 0) -> Pruned:
        """docker builder prune: the cached steps that the filters match,
        unused for keep_duration, and (without -a) whose layer nothing
        outside the cache uses, least recently used first while the cache
        holds more than keep_bytes; their images go with whatever only they
        used. Final images are users' and stay."""
        svc, filters = self.svc, filters or Filters()
        whole = all_ and not filters.narrowed and not keep_bytes
        deleted, reclaimed, trash = [], 0, []
        with svc.lock:
            with self._lock:
                entries = {k: e for k, e in self._steps.items() if e.get("image")}
            records = self._records(entries)
            now = time.time()
            chosen = [r for r in records if (all_ or not r.shared) and filters.match(r)
                      and not (filters.keep_duration and r.used > now - filters.keep_duration)]
            if keep_bytes:
                chosen.sort(key=lambda r: r.used)
                total, kept = sum(r.size for r in records), []
                for r in chosen:
                    if total <= keep_bytes:
                        break
                    total -= r.size
                    kept.append(r)
                chosen = kept
            images = {r.id for r in chosen}
            with self._lock:
                if whole:
                    self._steps.clear()  # the steps that made no layer too
                else:
                    for r in chosen:
                        self._steps.pop(r.key, None)
                self._dirty = True
            if whole:  # and images leased by no entry (a crash before the index was saved)
                images |= svc.leases.images(BUILD_CACHE)
            images = sorted(images)
            svc.leases.release(BUILD_CACHE, images)
            for image_id in images:
                if not svc.db.has(image_id) or svc.tags.tags_of(image_id) or svc.users_of(image_id):
                    continue
                try:
                    _, config = svc.db.documents(image_id)
                    sizes = {c: svc.layers.size(c) or 0 for c in digests.chain_ids(oci.diff_ids(config))}
                except Exception:  # noqa: BLE001 - a damaged image goes all the same
                    sizes = {}
                gone = delete_image(svc, image_id, trash)
                deleted += gone
                reclaimed += sum(sizes.get(c, 0) for c in gone[1:])
        for t in trash:
            svc.layers.purge(t)
        self.save()
        return Pruned(deleted, reclaimed)

"""docker image prune: removes dangling images (no tag), or with all every
image, that no container uses and the build cache does not hold, and then
whatever only they used. Space reclaimed is the tracked size of the layers
that went."""
import dataclasses

from services.images import digests, oci
from services.images.remove import delete_image
from services.images.service import ImageService


@dataclasses.dataclass
class Pruned:
    untagged: list[str] = dataclasses.field(default_factory=list)
    deleted: list[str] = dataclasses.field(default_factory=list)
    space_reclaimed: int = 0


def prunable(svc: ImageService, all_images: bool) -> list[str]:
    """Caller holds the lock. Without all, only the heads: an untagged image
    others were made from stays for them, as Docker's."""
    leased = svc.leases.images()
    return [i for i in svc.db.ids()
            if i not in leased and not svc.users_of(i)
            and (all_images or not (svc.tags.tags_of(i) or svc.db.has_children(i)))]


def prune(svc: ImageService, all_images: bool = False) -> Pruned:
    """Works on a full disk: the store's space reserve makes room for its
    records (reserve.py)."""
    with svc.reserve.for_freeing():
        return _prune(svc, all_images)


def _prune(svc: ImageService, all_images: bool) -> Pruned:
    out = Pruned()
    trash = []
    with svc.lock:
        sizes: dict[str, int] = {}
        for image_id in prunable(svc, all_images):
            try:
                _, config = svc.db.documents(image_id)
                for chain_id in digests.chain_ids(oci.diff_ids(config)):
                    sizes[chain_id] = svc.layers.size(chain_id) or 0
            except Exception:  # noqa: BLE001 - a damaged image is pruned all the same
                pass
            tags = svc.tags.tags_of(image_id)
            svc.tags.delete(tags)
            out.untagged += tags
            deleted = delete_image(svc, image_id, trash)
            out.deleted += deleted
            out.space_reclaimed += sum(sizes.get(d, 0) for d in deleted[1:])
    for t in trash:
        svc.layers.purge(t)
    return out

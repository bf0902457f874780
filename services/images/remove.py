"""rmi with Docker's rules.

- A tag of an image that has other tags: only that tag goes.
- The last tag, or the image by id: the tags go and the image is deleted,
  with its manifest, config, layer blobs and unpacked layers unless another
  image still uses them.
- An image a container snapshot uses: refused (FAILED_PRECONDITION) unless
  force, and even then only its tags go; the image stays for the container.
- By id, an image with several tags: refused unless force (all tags go).
- An image others were committed or built from (their parent): its last tag
  goes but the image stays for them; by id it is refused, even with force
  (Docker's "image has dependent child images").
"""
from common.errors import FailedPrecondition
from services.images import digests, oci
from services.images.service import ImageService


def _in_use(image_id: str, users: list[str], ref: str = "") -> FailedPrecondition:
    """Docker's daemon's words: by tag, the repository reference; by id, the image."""
    if ref:
        return FailedPrecondition(
            f'conflict: unable to remove repository reference "{ref}" (must force) - container '
            f"{users[0][:12]} is using its referenced image {digests.short(image_id)}")
    return FailedPrecondition(
        f"conflict: unable to delete {digests.short(image_id)} (must be forced) - image is being used by "
        f"container {users[0][:12]}")


def remove(svc: ImageService, text: str, force: bool = False) -> tuple[list[str], list[str]]:
    """Returns (untagged references, deleted ids: the image, then layers).
    Works on a full disk: the store's space reserve makes room for its
    records (reserve.py)."""
    with svc.reserve.for_freeing():
        return _remove(svc, text, force)


def _remove(svc: ImageService, text: str, force: bool) -> tuple[list[str], list[str]]:
    trash = []
    with svc.lock:
        resolved = svc.resolve(text)
        image_id = resolved.image_id
        tags = svc.tags.tags_of(image_id)
        users = svc.users_of(image_id)
        if resolved.ref is not None:
            ref = str(resolved.ref)
            if len(tags) > 1:
                svc.tags.delete([ref])
                return [ref], []
            if users and not force:
                raise _in_use(image_id, users, ref)
            if svc.db.has_children(image_id):  # the image stays for the images made from it
                svc.tags.delete([ref])
                return [ref], []
            untag = [ref]
        else:
            if svc.db.has_children(image_id):
                raise FailedPrecondition(f"conflict: unable to delete {digests.short(image_id)} (cannot be forced) - "
                                         "image has dependent child images")
            if users and not force:
                raise _in_use(image_id, users)
            if len(tags) > 1 and not force:
                raise FailedPrecondition(  # Docker's words, then which tags
                    f"conflict: unable to delete {digests.short(image_id)} (must be forced) - image is "
                    f"referenced in multiple repositories ({', '.join(tags)})")
            untag = tags
        svc.tags.delete(untag)
        if users:  # forced: the container keeps its (now untagged) image
            return untag, []
        parent = svc.db.parent(image_id)
        deleted = delete_image(svc, image_id, trash)
        deleted += _delete_parents(svc, parent, trash)
    for t in trash:
        svc.layers.purge(t)  # the slow part, outside the lock
    return untag, deleted


def _delete_parents(svc: ImageService, parent: str, trash: list) -> list[str]:
    """Docker's rmi (without --no-prune) deletes the untagged parents left
    with no child, no container and nothing else holding them."""
    deleted = []
    leased = svc.leases.images()
    while parent and svc.db.has(parent) and not svc.tags.tags_of(parent) and not svc.users_of(parent) \
            and parent not in leased and not svc.db.has_children(parent):
        above = svc.db.parent(parent)
        deleted += delete_image(svc, parent, trash)
        parent = above
    return deleted


def delete_image(svc: ImageService, image_id: str, trash: list) -> list[str]:
    """Deletes the record, then whatever only this image used. Called with
    the lock held; unpacked layers are detached into `trash` for the caller."""
    try:
        manifest, config = svc.db.documents(image_id)
    except FailedPrecondition:
        # Damaged: which layers it had is unknown; drop the record and let a
        # collection pass remove whatever no image refers to any more.
        svc.db.delete(image_id)
        svc.leases.forget([image_id])
        svc.collect_garbage()
        return [image_id]
    manifest_digest = svc.db.manifest_digest(image_id)
    svc.db.delete(image_id)  # first: a crash from here on leaves only garbage, collected at start
    svc.leases.forget([image_id])
    still_blobs, still_chains = svc.referenced()
    deleted = [image_id]
    for chain_id in reversed(digests.chain_ids(oci.diff_ids(config))):
        if chain_id in still_chains or svc.pinned_layers[chain_id]:
            continue
        t = svc.layers.detach(chain_id)
        if t is not None:
            trash.append(t)
            deleted.append(chain_id)
    blobs = [image_id, manifest_digest] + [layer.get("digest") for layer in manifest.get("layers", [])]
    for digest in blobs:
        if digest and digest not in still_blobs and not svc.pinned_blobs[digest]:
            svc.content.delete(digest)
    return deleted

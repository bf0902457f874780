"""docker save: images as one tar that is both a `docker save` archive and
an OCI image layout, as Docker 25+ writes it:

    blobs/sha256/<hex>   every layer, config and manifest, once
    index.json           OCI index: one manifest descriptor per tag, annotated
                         with the full name (io.containerd.image.name) and the
                         tag (org.opencontainers.image.ref.name); an image
                         saved by id has one descriptor without a name
    manifest.json        docker's list: Config, RepoTags, Layers (paths into blobs/)
    oci-layout           {"imageLayoutVersion": "1.0.0"}
    repositories         docker's legacy name -> tag -> top layer map

Blobs are written as they are stored (the manifest's digests stay valid);
members are ordered as Docker's archive is (sorted paths), with mtime 0.
The images' blobs are pinned until the stream ends, so a concurrent rmi
cannot pull them away mid-way.
"""
import contextlib
import json
from typing import Iterator

from common.errors import FailedPrecondition, InvalidArgument
from common import reference
from services.images import digests, oci, tarstream
from services.images.service import ImageService

LAYOUT = {"imageLayoutVersion": "1.0.0"}


def _doc(obj) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


def _blob_path(digest: str) -> str:
    return "blobs/sha256/" + digests.hex_of(digest)


class _Plan:
    """What one save writes: images in order, their names, their blobs."""

    def __init__(self):
        self.images: dict[str, list[reference.Reference]] = {}  # image id -> tags asked for
        self.manifests: dict[str, tuple[str, dict, dict]] = {}  # image id -> (manifest digest, manifest, config)
        self.blobs: dict[str, int] = {}  # digest -> size


def _plan(svc: ImageService, refs: list[str]) -> _Plan:
    if not refs:
        raise InvalidArgument("name at least one image to save")
    plan = _Plan()
    with svc.lock:  # reentrant: the caller holds it too
        for text in refs:
            resolved = svc.resolve(text)
            tags = plan.images.setdefault(resolved.image_id, [])
            if resolved.ref is not None and resolved.ref not in tags:
                tags.append(resolved.ref)
        for image_id in plan.images:
            manifest, config = svc.db.documents(image_id)
            mdigest = svc.db.manifest_digest(image_id)
            plan.manifests[image_id] = (mdigest, manifest, config)
            for desc in manifest.get("layers", []):
                plan.blobs[desc["digest"]] = int(desc.get("size", 0))
            plan.blobs[image_id] = svc.content.size(image_id)
            plan.blobs[mdigest] = svc.content.size(mdigest)
        for digest in plan.blobs:
            if not svc.content.exists(digest):
                raise FailedPrecondition(f"blob {digest} is missing from the content store; remove "
                                         "the image that needs it and load or pull it again")
    return plan


def _index(plan: _Plan) -> dict:
    manifests = []
    for image_id, tags in plan.images.items():
        mdigest, manifest, _ = plan.manifests[image_id]
        base = {"mediaType": manifest.get("mediaType", oci.MEDIA_MANIFEST), "digest": mdigest,
                "size": plan.blobs[mdigest]}
        if not tags:
            manifests.append(base)
        for ref in tags:
            manifests.append(dict(base, annotations={oci.ANNOTATION_IMAGE_NAME: f"{ref.full_name}:{ref.tag}",
                                                     oci.ANNOTATION_REF_NAME: ref.tag}))
    return {"schemaVersion": 2, "mediaType": oci.MEDIA_INDEX, "manifests": manifests}


def _docker_manifest(plan: _Plan) -> list[dict]:
    out = []
    for image_id, tags in plan.images.items():
        _, manifest, _ = plan.manifests[image_id]
        out.append({"Config": _blob_path(image_id), "RepoTags": [str(t) for t in tags] or None,
                    "Layers": [_blob_path(d["digest"]) for d in manifest.get("layers", [])]})
    return out


def _repositories(plan: _Plan) -> dict:
    repos: dict[str, dict[str, str]] = {}
    for image_id, tags in plan.images.items():
        layers = plan.manifests[image_id][1].get("layers", [])
        if not layers:
            continue
        for ref in tags:
            repos.setdefault(ref.name, {})[ref.tag] = digests.hex_of(layers[-1]["digest"])
    return repos


def save(svc: ImageService, refs: list[str]) -> Iterator[bytes]:
    """The archive as chunks. A bad name raises at the first next(), before
    any byte is produced."""
    with contextlib.ExitStack() as stack:
        with svc.lock:  # planned and pinned in one step: no rmi in between
            plan = _plan(svc, refs)
            stack.enter_context(svc.pinned(blobs=list(plan.blobs)))
        yield tarstream.directory("blobs")
        yield tarstream.directory("blobs/sha256")
        for digest in sorted(plan.blobs):
            yield from tarstream.blob_member(_blob_path(digest), svc.content.path(digest),
                                             plan.blobs[digest])
        yield tarstream.small_file("index.json", _doc(_index(plan)))
        yield tarstream.small_file("manifest.json", _doc(_docker_manifest(plan)))
        yield tarstream.small_file("oci-layout", _doc(LAYOUT))
        repos = _repositories(plan)
        if repos:
            yield tarstream.small_file("repositories", _doc(repos))
        yield tarstream.END

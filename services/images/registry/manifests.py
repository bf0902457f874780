"""Manifests and indexes as a registry serves them: what to ask for, how to
tell them apart, which entry of an index is ours (linux/amd64 here).

Manifests are kept byte for byte as they came (their digest is the bytes'),
so only reading and checking happens here."""
import json

from common.errors import FailedPrecondition, InvalidArgument, NotFound
from services.images import digests, oci

ACCEPT = ", ".join(oci.MANIFEST_TYPES + oci.INDEX_TYPES)
MEDIA_DOCKER_V1 = ("application/vnd.docker.distribution.manifest.v1+json",
                   "application/vnd.docker.distribution.manifest.v1+prettyjws")
LAYER_TYPES = (oci.MEDIA_LAYER, oci.MEDIA_LAYER_GZIP, oci.MEDIA_LAYER_ZSTD,
               oci.MEDIA_DOCKER_LAYER, oci.MEDIA_DOCKER_LAYER_GZIP,
               "application/vnd.oci.image.layer.nondistributable.v1.tar",
               "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
               "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip")
MAX_INDEX_DEPTH = 4


def parse(body: bytes, content_type: str, what: str) -> tuple[str, dict]:
    """(media type, document) of a manifest or index."""
    try:
        doc = json.loads(body)
    except ValueError:
        raise FailedPrecondition(f"the registry's manifest for {what} is not JSON") from None
    if not isinstance(doc, dict):
        raise FailedPrecondition(f"the registry's manifest for {what} is not a JSON object")
    media = doc.get("mediaType") or content_type.split(";")[0].strip()
    if media in MEDIA_DOCKER_V1 or doc.get("schemaVersion") == 1:
        raise InvalidArgument(f"{what} is a Docker schema 1 image, which is deprecated and not supported; "
                              "push it again with a current client")
    if media not in oci.MANIFEST_TYPES + oci.INDEX_TYPES:
        # An OCI manifest may leave mediaType out: tell by the fields.
        if "manifests" in doc:
            media = oci.MEDIA_INDEX
        elif "config" in doc and "layers" in doc:
            media = oci.MEDIA_MANIFEST
        else:
            raise InvalidArgument(f"{what}: unsupported manifest type {media or 'unknown'}")
    return media, doc


def is_index(media: str) -> bool:
    return media in oci.INDEX_TYPES


def pick_platform(index: dict, what: str, os_: str = oci.OS, arch: str = oci.ARCH) -> dict:
    """The index entry for os/arch (an entry without platform counts as ours
    when it is the only one)."""
    entries = [d for d in index.get("manifests") or [] if isinstance(d, dict)]
    for d in entries:
        p = d.get("platform") or {}
        if p.get("os") == os_ and p.get("architecture") == arch:
            return d
    if len(entries) == 1 and not entries[0].get("platform"):
        return entries[0]
    have = sorted({f"{(d.get('platform') or {}).get('os', '?')}/{(d.get('platform') or {}).get('architecture', '?')}"
                   for d in entries})
    raise NotFound(f"no matching manifest for {os_}/{arch} in the manifest list entries of {what}"
                   + (f" (it has {', '.join(have)})" if have else ""))


def check_image(doc: dict, what: str) -> tuple[dict, list[dict]]:
    """(config descriptor, layer descriptors) of an image manifest, checked."""
    config = doc.get("config")
    layers = doc.get("layers")
    if not isinstance(config, dict) or not isinstance(layers, list):
        raise FailedPrecondition(f"the manifest of {what} has no config or layers")
    for d in [config] + layers:
        if not isinstance(d, dict):
            raise FailedPrecondition(f"the manifest of {what} has a malformed descriptor")
        digests.validate(str(d.get("digest", "")))
        if not isinstance(d.get("size"), int) or d["size"] < 0:
            raise FailedPrecondition(f"the manifest of {what} gives blob {d.get('digest')} no valid size")
    for d in layers:
        media = d.get("mediaType", "")
        if media not in LAYER_TYPES:
            raise InvalidArgument(f"{what} has a layer of unsupported type {media!r}")
        if d.get("urls") and ("foreign" in media or "nondistributable" in media):
            raise InvalidArgument(f"{what} has a foreign layer ({d['digest']}) only served from "
                                  f"{d['urls'][0]}: not supported")
    return config, layers

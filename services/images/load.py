"""docker load: images from a `docker save` archive (Docker before and after
25, podman's docker-archive) or an OCI image layout tar (podman's and
skopeo's oci-archive, Docker 25+), plain or compressed.

1. The archive streams into ingest files (archive.Spool), each digested as
   written; blobs/sha256/<hex> members must match their names.
2. index.json (preferred: it keeps the manifests' digests) or manifest.json
   says which images there are: their config, layers and names.
3. Every layer is checked against its image's config (the digest of its
   plain tar must be the diff id the config lists) and unpacked under its
   chain id, which also refuses hostile members.
4. Only when every image passed are the blobs committed and the images
   recorded and tagged.

A failure at 1-3 leaves nothing: the ingest files are dropped and layers
this load unpacked are removed again. Layers keep the form they came in
(tar, tar+gzip, tar+zstd), so an image keeps its id and its manifest.
"""
import contextlib
import dataclasses
import logging

from common.errors import InvalidArgument
from common import reference
from services.images import digests, layerblob, oci
from services.images.archive import Member, Spool
from services.images.service import ImageService

log = logging.getLogger("doca.images.load")
KEPT_COMPRESSIONS = ("none", "gzip", "zstd")  # others are stored as the plain tar


@dataclasses.dataclass
class Candidate:
    config: Member
    layers: list[Member]
    tags: list[reference.Reference] = dataclasses.field(default_factory=list)
    manifest: Member | None = None              # the original manifest (OCI layouts)
    layer_descs: list[dict] | None = None       # its layer descriptors
    # Filled by the checks:
    image_id: str = ""
    blobs: list[Member | None] = dataclasses.field(default_factory=list)  # None: stored from the plain tar
    descs: list[dict] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Loaded:
    image_id: str
    tags: list[str]


def _tag(text: str) -> reference.Reference | None:
    """A name from an archive, or None when it is only a tag ("latest")."""
    if not text or ("/" not in text and ":" not in text):
        return None
    try:
        ref = reference.parse(text)
    except InvalidArgument:
        return None
    return None if ref.digest else ref


def _add_tag(c: Candidate, ref: reference.Reference | None) -> None:
    if ref is not None and ref not in c.tags:
        c.tags.append(ref)


# -- finding the images ---------------------------------------------------------

def _pick_platform(spool: Spool, index: dict, why: str) -> dict:
    """From a nested index, the manifest for linux/amd64 (or the only one)."""
    entries = [d for d in index.get("manifests") or [] if isinstance(d, dict)]
    present = [d for d in entries if spool.get("blobs/sha256/" + str(d.get("digest", "")).partition(":")[2])]
    for d in present:
        p = d.get("platform") or {}
        if p.get("os", oci.OS) == oci.OS and p.get("architecture", oci.ARCH) == oci.ARCH:
            return d
    if len(present) == 1:
        return present[0]
    raise InvalidArgument(f"{why}: the archive has no linux/{oci.ARCH} image")


def _from_index(spool: Spool, index: dict) -> dict[str, Candidate]:
    found: dict[str, Candidate] = {}
    for desc in index.get("manifests") or []:
        if not isinstance(desc, dict):
            raise InvalidArgument("index.json: a manifest entry is not an object")
        notes = desc.get("annotations") or {}
        why = f"index.json entry {desc.get('digest')}"
        depth = 0
        while desc.get("mediaType") in oci.INDEX_TYPES:
            depth += 1
            if depth > 4:
                raise InvalidArgument(f"{why}: indexes nested too deep")
            nested = spool.json(spool.blob(desc.get("digest", ""), why), "image index")
            desc = _pick_platform(spool, nested, why)
        mdigest = desc.get("digest", "")
        c = found.get(mdigest)
        if c is None:
            mmember = spool.blob(mdigest, why)
            manifest = spool.json(mmember, "image manifest")
            if manifest.get("mediaType", desc.get("mediaType")) not in oci.MANIFEST_TYPES:
                raise InvalidArgument(f"{why}: not an image manifest ({manifest.get('mediaType')})")
            layer_descs = manifest.get("layers") or []
            c = found[mdigest] = Candidate(
                config=spool.blob((manifest.get("config") or {}).get("digest", ""), f"config of {mdigest}"),
                layers=[spool.blob(d.get("digest", ""), f"layer of {mdigest}") for d in layer_descs],
                manifest=mmember, layer_descs=layer_descs)
        _add_tag(c, _tag(notes.get(oci.ANNOTATION_IMAGE_NAME, "")) or _tag(notes.get(oci.ANNOTATION_REF_NAME, "")))
    return found


def _from_docker_manifest(spool: Spool, entries) -> list[Candidate]:
    if not isinstance(entries, list):
        raise InvalidArgument("manifest.json is not a list of images")
    out = []
    for e in entries:
        if not isinstance(e, dict) or not isinstance(e.get("Config"), str):
            raise InvalidArgument("manifest.json: an entry has no Config")
        c = Candidate(config=spool.need(e["Config"], "manifest.json Config"),
                      layers=[spool.need(p, "manifest.json Layers") for p in e.get("Layers") or []])
        for t in e.get("RepoTags") or []:
            ref = _tag(t)
            if ref is None:
                raise InvalidArgument(f"manifest.json: invalid RepoTag {t!r}")
            _add_tag(c, ref)
        out.append(c)
    return out


def candidates(spool: Spool) -> list[Candidate]:
    index_m, docker_m = spool.get("index.json"), spool.get("manifest.json")
    docker = _from_docker_manifest(spool, spool.json(docker_m, "docker manifest")) if docker_m else []
    if index_m is None:
        if not docker:
            raise InvalidArgument("not an image archive: it has neither index.json (OCI layout) "
                                  "nor manifest.json (docker save)")
        return docker
    found = list(_from_index(spool, spool.json(index_m, "OCI index")).values())
    by_config = {c.config.digest: c for c in found}
    for d in docker:  # Docker 25+ writes both: manifest.json holds the names too
        c = by_config.get(d.config.digest)
        if c is None:
            found.append(d)
        else:
            for t in d.tags:
                _add_tag(c, t)
    if not found:
        raise InvalidArgument("the archive's index.json lists no image")
    return found


# -- checking and unpacking -----------------------------------------------------

def _check(svc: ImageService, spool: Spool, c: Candidate, stack: contextlib.ExitStack,
           unpacked: list[str]) -> None:
    c.image_id = c.config.digest
    short = digests.short(c.image_id)
    config = spool.json(c.config, "image config")
    if not isinstance(config, dict):
        raise InvalidArgument(f"image {short}: the config is not a JSON object")
    if config.get("os", oci.OS) != oci.OS:
        raise InvalidArgument(f"image {short} is for {config.get('os')}, not {oci.OS}")
    diff_ids = oci.diff_ids(config)
    if len(diff_ids) != len(c.layers):
        raise InvalidArgument(f"image {short}: its config lists {len(diff_ids)} layers, "
                              f"the archive gives {len(c.layers)}")
    chains = digests.chain_ids(diff_ids)  # also checks each diff id's form
    stack.enter_context(svc.pinned(blobs=[c.image_id] + [m.digest for m in c.layers], layers=chains))
    for i, (m, diff_id, chain_id) in enumerate(zip(c.layers, diff_ids, chains)):
        with layerblob.plain_tar(m.writer.path, m.digest, svc.layers.tmp) as plain_tar:
            if plain_tar.diff_id != diff_id:
                raise InvalidArgument(f"digest mismatch: layer {i + 1} of image {short} ({m.name}) is "
                                      f"{plain_tar.diff_id} once uncompressed; its config says {diff_id}")
            if not svc.layers.exists(chain_id):
                svc.layers.ensure(chain_id, diff_id, chains[i - 1] if i else None, plain_tar.path)
                unpacked.append(chain_id)
            if plain_tar.compression in KEPT_COMPRESSIONS:
                c.blobs.append(m)
                given = c.layer_descs[i].get("mediaType") if c.layer_descs else None
                c.descs.append(oci.descriptor(given or layerblob.media_type(plain_tar.compression),
                                              m.digest, m.size))
            else:  # bzip2, xz: no OCI media type; keep the plain tar (its digest is the diff id)
                w = stack.enter_context(svc.content.writer(diff_id))
                with open(plain_tar.path, "rb") as f:
                    while data := f.read(1 << 20):
                        w.write(data)
                w.finish()
                stack.enter_context(svc.pinned(blobs=[diff_id]))
                c.blobs.append(Member(m.name + " (plain)", writer=w))
                c.descs.append(oci.descriptor(oci.MEDIA_LAYER, diff_id, w.size))


def _record(svc: ImageService, c: Candidate) -> None:
    """Commits the image's blobs and records it (caller holds the lock)."""
    for m in [c.config] + c.blobs + ([c.manifest] if c.manifest else []):
        if not m.writer.committed:  # a blob two images share is committed once
            m.writer.commit()
    if c.manifest is not None and [d["digest"] for d in c.descs] == [d.get("digest") for d in c.layer_descs]:
        manifest_digest = c.manifest.digest  # the original manifest, unchanged
    else:
        man = oci.manifest(oci.descriptor(oci.MEDIA_CONFIG, c.image_id, c.config.size), c.descs)
        manifest_digest = svc.content.put(oci.canonical(man))
    svc.add_image(c.image_id, manifest_digest, c.tags)


def load(svc: ImageService, chunks) -> list[Loaded]:
    unpacked: list[str] = []
    try:
        with Spool(svc.content) as spool, contextlib.ExitStack() as stack:
            spool.read(chunks)
            found = candidates(spool)
            for c in found:
                _check(svc, spool, c, stack, unpacked)
            with svc.lock:
                for c in found:
                    _record(svc, c)
            loaded = [Loaded(c.image_id, [str(t) for t in c.tags]) for c in found]
    except BaseException:
        svc.drop_unreferenced_layers(unpacked)
        raise
    for item in loaded:
        log.info("loaded %s %s", digests.short(item.image_id), " ".join(item.tags))
    return loaded

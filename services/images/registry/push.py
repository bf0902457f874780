"""docker push: an image to the registry its name points at, sending only
the blobs the registry lacks.

Layers go up WORKERS at a time (each: HEAD, mount or upload: upload.py),
then the config, and the manifest last, byte for byte as stored: its digest,
the image id and every layer digest stay what they are locally, so a pull
elsewhere gives the very same image (and NAME@that digest is recorded as
one of the image's RepoDigests). The blobs are pinned for the push, so
an rmi meanwhile cannot pull them from under it."""
import concurrent.futures
import logging

from common import crashpoints
from common.errors import InvalidArgument, NotFound
from common import reference
from services.images import digests, oci
from services.images.registry import auth, upload
from services.images.registry.client import RegistryClient
from services.images.registry.progress import Cancelled, Progress

log = logging.getLogger("doca.images.registry")
WORKERS = 3


def _blob(reg, client: RegistryClient, repo: str, desc: dict, progress: Progress, show: bool) -> None:
    digest, size = desc["digest"], int(desc.get("size", 0))
    short = digests.short(digest)
    say = progress.status if show else (lambda *a, **k: None)
    progress.check()
    if upload.exists(client, repo, digest):
        say(short, "Layer already exists")
        return
    kind, where = upload.start(client, repo, digest, reg.sources.elsewhere(client.host, repo, digest))
    if kind == "mounted":
        say(short, f"Mounted from {where}")
        return
    crashpoints.reached("images.push.upload")
    sent = [0]

    def on_bytes(n):
        sent[0] += n
        if show:
            progress.bytes(short, "Pushing", sent[0], size)
        progress.check()
    upload.send(client, repo, where, str(reg.svc.content.path(digest)), digest, size, on_bytes)
    say(short, "Pushed")


def push(reg, text: str, creds: auth.Credentials, progress: Progress) -> None:
    ref = reference.parse(text)
    if ref.digest:
        raise InvalidArgument(f"cannot push {text!r}: name a tag, not a digest")
    svc = reg.svc
    with svc.lock:
        image_id = svc.tags.get(str(ref))
        if image_id is None or not svc.db.has(image_id):
            raise NotFound(f"An image does not exist locally with the tag: {ref}")
        mdigest = svc.db.manifest_digest(image_id)
        manifest, _ = svc.db.documents(image_id)
        body = svc.content.read(mdigest)
    layers = list(manifest.get("layers") or [])
    blobs = [image_id, mdigest] + [d.get("digest") for d in layers]
    missing = [d for d in blobs if not svc.content.exists(d)]
    if missing:
        raise NotFound(f"blob {missing[0]} of {ref} is missing from the content store; "
                       "remove the image and pull or build it again")
    progress.status("", f"The push refers to repository [{ref.full_name}]")
    client = RegistryClient(ref.domain, creds, reg.policy).connect()
    with svc.pinned(blobs=blobs):
        for d in layers:
            progress.status(digests.short(d["digest"]), "Preparing")
        with concurrent.futures.ThreadPoolExecutor(WORKERS, thread_name_prefix="push") as pool:
            futures = [pool.submit(_blob, reg, client, ref.path, d, progress, True) for d in layers]
            first = None
            for f in concurrent.futures.as_completed(futures):
                exc = f.exception()
                if exc is not None and (first is None or isinstance(first, Cancelled)):
                    first = exc
                    progress.cancel()
            if first is not None:
                raise first
        _blob(reg, client, ref.path, manifest["config"], progress, False)
        media = manifest.get("mediaType") or oci.MEDIA_MANIFEST
        r = client.request("PUT", f"/v2/{ref.path}/manifests/{ref.tag}", (auth.scope(ref.path, "pull,push"),),
                           headers={"Content-Type": media}, body=body)
        if r.status != 201:
            raise client.fail(r, f"manifest of {ref}")
    reg.sources.add(client.host, ref.path, blobs[:1] + blobs[2:], keep=svc.content.exists)
    svc.add_repo_digest(image_id, f"{ref.name}@{mdigest}")  # the manifest went byte for byte: same digest
    log.info("pushed %s (%s)", ref, mdigest)
    progress.done(status=f"{ref.tag}: digest: {mdigest} size: {len(body)}", digest=mdigest,
                  image_id=image_id, reference=f"{ref.full_name}:{ref.tag}")

"""docker images with Docker's filters (daemon/images/images.go): dangling
(no tag), label, before/since (created before/after the image named),
reference (a glob on NAME:TAG or NAME, as Docker's FamiliarMatch: an
image keeps only the tags that match, and goes when none does)."""
from common import timestamps
from doca.images.v1 import images_pb2 as ipb
from doca.v1 import images_pb2 as gipb
from gateway.api import list_filters as lf


def _created(images_stub, ref: str) -> float:
    """before=/since=: the image named (NOT_FOUND: 'No such image')."""
    return timestamps.from_proto(images_stub.Inspect(ipb.InspectRequest(reference=ref)).created)


def list_images(images_stub, request) -> gipb.ListImagesResponse:
    f = lf.parse(request.filters, lf.IMAGE_KEYS)
    dangling = lf.boolean(f, "dangling", yes=("true",), no=("false",))
    befores = [_created(images_stub, v) for v in f.values("before")]
    sinces = [_created(images_stub, v) for v in f.values("since")]
    patterns = f.values("reference")
    out = []
    for img in images_stub.List(ipb.ListRequest(all=request.all)).images:
        created = timestamps.from_proto(img.created)
        if any(created >= b for b in befores) or any(created <= s for s in sinces):
            continue
        if not lf.labels(f, dict(img.config.labels)):
            continue
        tags, digests = list(img.repo_tags), list(img.repo_digests)
        if patterns:
            tags = [t for t in tags if lf.reference_matches(patterns, t)]
            digests = [d for d in digests if lf.reference_matches(patterns, d.split("@", 1)[0])]
            if not tags and not digests:
                continue
        if dangling is not None and dangling != (not tags):
            continue
        out.append(gipb.ImageSummary(id=img.id, repo_tags=tags, created=img.created, size=img.size,
                                     repo_digests=digests, labels=dict(img.config.labels), parent_id=img.parent))
    return gipb.ListImagesResponse(images=out)

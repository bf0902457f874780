"""Where a pull fetches from: the reference's registry, or its mirrors first.

With a mirror set for the reference's registry name (common/mirrors.py),
the pull speaks to the mirror with the repository path kept
(registry.k8s.io/pause:3.9 is GET /v2/pause/manifests/3.9 on the mirror;
docker.io's library/ stays). The image keeps its own name: the mirror is
transport only.

Fallback, as containerd tries its hosts in order, but narrower: the next
mirror, and at last the registry itself, is tried only when one could not
be reached (or failed, UNAVAILABLE) or answered that it has no such
manifest (NOT_FOUND). Any other answer (credentials refused, a corrupt
manifest) is the pull's answer: a mirror that says "denied" is not
silently bypassed. Once a manifest has come from an endpoint, the whole
pull (config and layers) uses that endpoint.

When every endpoint fails, the error is the registry's own (as Docker's),
with what each mirror said appended, so an offline setup shows why its
mirror was not used — except when the registry could not be reached and a
mirror answered that it has no such manifest: then it is that NOT_FOUND
(an offline node whose mirror lacks the image: not found, not unavailable)."""
import logging

from common import reference
from common.errors import NotFound, Unavailable
from services.images.registry.client import RegistryClient

log = logging.getLogger("doca.images.registry")
FALL_THROUGH = (NotFound, Unavailable)


def open_manifest(reg, ref: reference.Reference, creds, what: str, get_manifest, connected=None):
    """(client, (digest, media, body, doc)) of the reference's top manifest,
    from the first endpoint that has it. get_manifest(client, repo,
    tag_or_digest, what) is pull.py's; connected() is called once, when the
    first endpoint answers (the pull's "Pulling from" line)."""
    tried: list[str] = []
    not_found: list[NotFound] = []
    said = []

    def fetch(mirror):
        client = RegistryClient(ref.domain, creds, reg.policy, mirror=mirror).connect()
        if connected is not None and not said:
            said.append(True)
            connected()
        return client, get_manifest(client, ref.path, ref.digest or ref.tag, what)

    for mirror in reg.mirrors.get(ref.domain, ()):
        try:
            return fetch(mirror)
        except FALL_THROUGH as exc:
            log.info("mirror %s of %s: %s; trying the next", mirror, ref.domain, exc)
            tried.append(f"mirror {mirror}: {exc}")
            if isinstance(exc, NotFound):
                not_found.append(exc)
    try:
        return fetch(None)
    except FALL_THROUGH as exc:
        if isinstance(exc, Unavailable) and not_found:
            raise NotFound(f"{not_found[0].message} (the registry itself: {exc.message})") from None
        if tried:
            exc.message = exc.message + " (" + "; ".join(tried) + ")"
            exc.args = (exc.message,)
        raise

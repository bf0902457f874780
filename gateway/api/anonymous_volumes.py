"""Anonymous volumes: made for one container (`-v /path`, or a VOLUME of
its image that no -v covers) or by `volume create` without a name. They
carry Docker's label and a 64-hex name; `run --rm` and `rm -v` remove a
container's anonymous volumes with it, `volume prune` takes only them."""
import posixpath
import re

from gateway.api.spec import VolumeSpec

LABEL = "com.docker.volume.anonymous"
# Which container it was made for: only that container's `rm -v`/--rm takes
# it, not another that mounts it by name later.
FOR_LABEL = "io.doca.volume.anonymous-for"
_NAME = re.compile(r"[0-9a-f]{64}")  # matched whole


def is_anonymous(vol) -> bool:
    """`vol`: a doca.volumes.v1.Volume."""
    return LABEL in vol.labels or bool(_NAME.fullmatch(vol.name))


def labels(container_id: str) -> dict:
    return {LABEL: "", FOR_LABEL: container_id}


def made_for(vol, container_id: str) -> bool:
    return vol.labels.get(FOR_LABEL) == container_id


def _clean(path: str) -> str:
    return posixpath.normpath("/" + path.lstrip("/"))


def destinations(user_volumes: list, image_volumes) -> list:
    """The image's VOLUME paths that no -v of the user covers, as anonymous
    volume specs (gateway.api.spec.VolumeSpec). A relative one is taken from
    the root, as Docker mounts it; one that is / (also after '..', as
    /x/..) is left out: a volume over the whole root would hide the image
    (Docker's run then fails in runc)."""
    taken = {_clean(v.destination) for v in user_volumes}
    out = []
    for path in image_volumes:
        clean = _clean(path)  # compared only: '..' is the runtime's to resolve in the root
        if clean != "/" and clean not in taken:
            taken.add(clean)
            out.append(VolumeSpec("", "/" + path.strip("/")))
    return out

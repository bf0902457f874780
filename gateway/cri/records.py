"""What the face keeps of a pod or a container of the CRI on its doca
container record: labels under io.doca.cri.*, so doca's own store (restart
safe, `doca ps`) is the only state and no file of the face's is needed.

The CRI's metadata, labels and annotations are kept as JSON in one label
each (any key or value the kubelet sends survives as it was); the CRI's
label selectors are then matched here, after a doca.v1 List narrowed to
the kind."""
import datetime
import hashlib
import json

import grpc
from google.protobuf.json_format import MessageToDict

from common.errors import NotFound
from doca.v1 import containers_pb2 as cpb

KIND = "io.doca.cri.kind"  # "sandbox" or "container"
METADATA = "io.doca.cri.metadata"
LABELS = "io.doca.cri.labels"
ANNOTATIONS = "io.doca.cri.annotations"
SANDBOX = "io.doca.cri.sandbox"  # a container's pod (its doca id)
NAMESPACES = "io.doca.cri.namespaces"  # a pod's network/pid/ipc modes (NamespaceMode numbers)
EXTRA = "io.doca.cri.extra"  # a container's image as asked, mounts, log path

SANDBOX_KIND, CONTAINER_KIND = "sandbox", "container"


NAME_MAX = 250  # within doca's longest container name (256)


def short(name: str) -> str:
    """A doca container name of the CRI's parts: as it is when it fits,
    else cut and made unique again by a digest of the whole."""
    if len(name) <= NAME_MAX:
        return name
    return name[:NAME_MAX - 17] + "_" + hashlib.sha256(name.encode()).hexdigest()[:16]


def labels_for(kind: str, metadata: dict, labels, annotations, **more) -> dict:
    out = {KIND: kind, METADATA: json.dumps(metadata, sort_keys=True),
           LABELS: json.dumps(dict(labels), sort_keys=True),
           ANNOTATIONS: json.dumps(dict(annotations), sort_keys=True)}
    out.update({k: v for k, v in more.items() if v is not None})
    return out


def loads(labels, key: str, default=None):
    try:
        return json.loads(labels[key])
    except (KeyError, ValueError):
        return {} if default is None else default


def inspect(backend, ref: str, kind: str) -> dict | None:
    """doca's document (Docker's shape) of the CRI object with id (or id
    prefix) ref; None when there is none of that kind."""
    if not ref:
        return None
    try:
        doc = MessageToDict(backend.containers.Inspect(cpb.ContainerRef(id=ref)))
    except grpc.RpcError as e:
        if e.code() in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.INVALID_ARGUMENT):
            return None
        raise
    if ((doc.get("Config") or {}).get("Labels") or {}).get(KIND) != kind:
        return None
    return doc


def must_inspect(backend, ref: str, kind: str) -> dict:
    doc = inspect(backend, ref, kind)
    if doc is None:
        what = "pod sandbox" if kind == SANDBOX_KIND else "container"
        raise NotFound(f"{what} {ref!r} not found")
    return doc


def listed(backend, kind: str) -> list:
    """Every doca container summary of that kind (any state)."""
    r = backend.containers.List(cpb.ListRequest(all=True, filters=[f"label={KIND}={kind}"]))
    return list(r.containers)


def selected(labels: dict, selector) -> bool:
    """The CRI's label_selector: every pair equal."""
    return all(labels.get(k) == v for k, v in selector.items())


def nanos(text: str) -> int:
    """Docker's RFC 3339 time (nanoseconds possible) as Unix nanoseconds;
    the zero time (never) is 0."""
    if not text or text.startswith("0001-"):
        return 0
    body, _, frac = text.rstrip("Z").partition(".")
    frac = frac.split("+")[0]
    base = datetime.datetime.fromisoformat(body).replace(tzinfo=datetime.timezone.utc)
    return int(base.timestamp()) * 1_000_000_000 + int((frac + "000000000")[:9])

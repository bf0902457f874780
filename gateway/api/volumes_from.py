"""docker run --volumes-from CONTAINER[:ro|:rw]: the volumes and the host
binds another container has (not its tmpfs, nor the /etc files the network
service gives it), at the same paths, read-only with :ro, writable with
:rw, else as that container has them."""
from common.errors import InvalidArgument
from doca.runtime.v1 import runtime_pb2 as rpb
from gateway.api.spec import PROPAGATIONS, VolumeSpec


def _split(text: str) -> tuple[str, str]:
    name, _, mode = text.partition(":")
    if mode not in ("", "ro", "rw"):
        raise InvalidArgument(f"invalid mode: {mode}")
    return name, mode


def volumes(runtime, values) -> list[VolumeSpec]:
    """The VolumeSpecs of every --volumes-from, in order (a missing
    container: the runtime's 'No such container')."""
    out = []
    for text in values:
        name, mode = _split(text)
        spec = runtime.Inspect(rpb.InspectRequest(id=name)).spec
        binds = {b.split(":")[1] for b in spec.binds if b.startswith("/") and len(b.split(":")) >= 2}
        for m in spec.mounts:
            if not m.volume and not (m.type in ("", "bind") and m.destination in binds):
                continue
            read_only = mode == "ro" or (not mode and "ro" in m.options)
            propagation = "" if m.volume else next((o for o in m.options if o in PROPAGATIONS), "")
            out.append(VolumeSpec(m.volume or m.source, m.destination, read_only, copy=False,
                                  propagation=propagation))  # a bind's kept, as Docker's
    return out

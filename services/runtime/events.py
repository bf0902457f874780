"""The runtime's engine events (Docker's container and volume events): the
verbs publish them here, into a bounded in-memory buffer that the gateway
reads with the Events RPC. Container deaths are seen here first: the
record's move to "exited" (refresh) publishes "die", whoever noticed it."""
import logging

from services.runtime.state import RuntimeState
from services.runtime.store import Record

log = logging.getLogger("doca.runtime.events")


def container_attributes(rec: Record, extra: dict | None = None) -> dict:
    """Docker's: the container's labels, its image and name, then the
    action's own attributes."""
    attrs = {k: str(v) for k, v in rec.spec.labels.items()}
    attrs["image"] = rec.spec.image
    attrs["name"] = rec.name
    attrs.update({k: str(v) for k, v in (extra or {}).items()})
    return attrs


def volume_mounts(rec: Record) -> list:
    return [m for m in rec.spec.mounts if m.volume]


class EventsMixin(RuntimeState):
    def emit(self, type_: str, action: str, actor_id: str, attributes: dict) -> None:
        self.events.publish({"type": type_, "action": action, "actor_id": actor_id, "attributes": attributes})
        log.debug("event %s %s %s", type_, action, actor_id[:12])

    def emit_container(self, rec: Record, action: str, **extra) -> None:
        self.emit("container", action, rec.id, container_attributes(rec, extra))

    def emit_volumes(self, rec: Record, action: str) -> None:
        """volume mount / unmount for each named volume of the container
        (at start and at exit, as Docker reports them)."""
        for m in volume_mounts(rec):
            attrs = {"container": rec.id, "driver": "local"}
            if action == "mount":
                opts = m.options
                attrs.update({"destination": m.destination, "read/write": str("ro" not in opts).lower(),
                              "propagation": next((o for o in opts if o.endswith("private") or o.endswith("shared")
                                                   or o.endswith("slave")), "")})
            self.emit("volume", action, m.volume, attrs)

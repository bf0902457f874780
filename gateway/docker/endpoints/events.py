"""GET /events: the engine's events as Docker's JSON stream of
events.Message, onto doca.v1.System.Events (since/until/filters are the
gateway's to read). The stream ends when `until` passes or when the client
hangs up (the upstream call is cancelled then)."""
import json

import grpc

from doca.v1 import system_pb2
from gateway.docker.endpoints.volumes import filter_items
from gateway.docker.http import Stream
from gateway.docker.router import route


def message(e) -> dict:
    """Docker's events.Message, with the legacy status/id/from that API
    versions before 1.52 still carry for containers and images."""
    attributes = dict(e.actor.attributes)
    out = {}
    if e.type in ("container", "image"):
        out["status"] = e.action
        out["id"] = e.actor.id
        if e.type == "container" and attributes.get("image"):
            out["from"] = attributes["image"]
    out.update({"Type": e.type, "Action": e.action, "Actor": {"ID": e.actor.id, "Attributes": attributes},
                "scope": e.scope or "local", "time": e.time_nano // 1_000_000_000, "timeNano": e.time_nano})
    return out


@route("GET", "/events")
def events(req, backend):
    call = backend.system.Events(system_pb2.EventsRequest(
        since=req.query.get("since"), until=req.query.get("until"), filters=filter_items(req)))
    # The gateway sends its head (doca-events: live) once since/until/filters
    # are read: a bad one is Docker's 400 here, before this response's head.
    if not any(key == "doca-events" for key, _ in call.initial_metadata() or ()):
        if call.code() is not grpc.StatusCode.OK:  # ended before its head: refused
            raise call

    def chunks():
        try:
            for e in call:
                yield (json.dumps(message(e)) + "\n").encode()
        except grpc.RpcError as err:
            if err.code() is not grpc.StatusCode.CANCELLED:
                raise
        finally:
            call.cancel()
    return Stream(chunks(), "application/json", on_close=call.cancel)

"""The Pull, Push and Login RPCs of the images service: messages in and
out; the work is in pull.py, push.py and login.py."""
from doca.images.v1 import images_pb2 as pb

from services.images.registry import progress as progress_mod
from services.images.registry.auth import Credentials
from services.images.registry.service import for_service


def credentials(msg) -> Credentials:
    return Credentials(username=msg.username, password=msg.password, identity_token=msg.identity_token)


def _messages(events):
    for e in events:
        yield pb.TransferProgress(id=e.id, status=e.status, current=e.current, total=e.total,
                                  digest=e.digest, image_id=e.image_id, reference=e.reference)


def pull(svc, request, context=None):
    reg, creds = for_service(svc), credentials(request.auth)
    yield from _messages(progress_mod.stream(lambda p: reg.pull(request.reference, creds, p), context))


def push(svc, request, context=None):
    reg, creds = for_service(svc), credentials(request.auth)
    yield from _messages(progress_mod.stream(lambda p: reg.push(request.reference, creds, p), context))


def login(svc, request) -> pb.LoginResponse:
    server = for_service(svc).login(request.server, credentials(request.auth))
    return pb.LoginResponse(status="Login Succeeded", server=server)

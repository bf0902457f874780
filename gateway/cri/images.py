"""runtime.v1.ImageService onto doca.v1.Images: one image store, the one
`doca images` shows; the CRI sees its names fully qualified
(docker.io/library/busybox:latest) as containerd shows them."""
import base64
import binascii
import json
import time

import grpc

from common import reference
from common.errors import DocaError, InvalidArgument
from doca.cri.runtime.v1 import api_pb2, api_pb2_grpc
from doca.v1 import images_pb2 as ipb
from gateway.cri import unimplemented
from gateway.cri.image_user import image_user

# More time left than this is no deadline at all (gRPC reports infinity,
# which as an upstream timeout would expire at once).
NO_DEADLINE = 365 * 24 * 3600.0


class Unimplemented(DocaError):
    code = "UNIMPLEMENTED"


def _qualified(text: str) -> str:
    """NAME:TAG or NAME@DIGEST as the registry names it; text doca's
    reference grammar refuses is passed on as it is."""
    try:
        return reference.parse(text, default_tag=None).qualified
    except InvalidArgument:
        return text


def _to_image(doc: dict) -> api_pb2.Image:
    img = api_pb2.Image(id=doc["Id"], repo_tags=[_qualified(t) for t in doc.get("RepoTags") or []],
                        repo_digests=[_qualified(d) for d in doc.get("RepoDigests") or []],
                        size=int(doc.get("Size") or 0), spec=api_pb2.ImageSpec(image=doc["Id"]))
    uid, username = image_user((doc.get("Config") or {}).get("User") or "")
    if uid is not None:
        img.uid.value = uid
    elif username:
        img.username = username
    return img


class ImageService(api_pb2_grpc.ImageServiceServicer):
    def __init__(self, backend):
        self.b = backend

    def _inspect(self, ref: str) -> dict | None:
        """doca.v1's image document (Docker's shape) of a name or id; None
        for an image that is not there."""
        if not ref:
            raise InvalidArgument("no image given (ImageSpec.image is empty)")
        try:
            doc = self.b.images.Inspect(ipb.ImageRef(reference=ref))
        except grpc.RpcError as e:
            if e.code() == grpc.StatusCode.NOT_FOUND:
                return None
            raise
        return _struct(doc)

    def ListImages(self, request, context):
        wanted = request.filter.image.image if request.HasField("filter") else ""
        if wanted:
            doc = self._inspect(wanted)
            return api_pb2.ListImagesResponse(images=[_to_image(doc)] if doc else [])
        out = []
        for summary in self.b.images.List(ipb.ListImagesRequest()).images:
            doc = self._inspect(summary.id)  # the user is in the image's config, not in the summary
            if doc:
                out.append(_to_image(doc))
        return api_pb2.ListImagesResponse(images=out)

    def ImageStatus(self, request, context):
        doc = self._inspect(request.image.image)
        if doc is None:  # the spec's answer for a missing image: no image, no error
            return api_pb2.ImageStatusResponse()
        info = {"info": json.dumps(doc, sort_keys=True)} if request.verbose else {}
        return api_pb2.ImageStatusResponse(image=_to_image(doc), info=info)

    def PullImage(self, request, context):
        ref = request.image.image
        if not ref:
            raise InvalidArgument("no image given (ImageSpec.image is empty)")
        remaining = context.time_remaining()
        if remaining is not None and remaining > NO_DEADLINE:
            remaining = None  # a call without a deadline reports an infinite time left
        if remaining is not None and remaining <= 0:
            context.abort(grpc.StatusCode.DEADLINE_EXCEEDED, f"pulling {ref}: deadline exceeded")
        # The caller's deadline bounds the pull: the gateway's call ends
        # with DEADLINE_EXCEEDED, which the error mapping passes on.
        call = self.b.images.Pull(ipb.PullRequest(reference=ref, auth=_auth(request.auth)), timeout=remaining)
        context.add_callback(call.cancel)
        image_id = ""
        for progress in call:
            image_id = progress.image_id or image_id
        if not image_id:
            doc = self._inspect(ref)
            image_id = doc["Id"] if doc else ""
        return api_pb2.PullImageResponse(image_ref=image_id)

    def RemoveImage(self, request, context):
        # One image with all its tags (a kubelet removes by id or by any
        # tag); an image that is not there is already removed.
        doc = self._inspect(request.image.image)
        if doc is not None:
            try:
                self.b.images.Remove(ipb.RemoveImageRequest(reference=doc["Id"], force=True))
            except grpc.RpcError as e:
                if e.code() != grpc.StatusCode.NOT_FOUND:
                    raise
        return api_pb2.RemoveImageResponse()

    def ImageFsInfo(self, request, context):
        # The images service's own figures (it alone reads its store):
        # unpacked layers, the content store's blobs, the build cache's layers.
        u = self.b.images.DiskUsage(ipb.DiskUsageRequest(images_only=True))
        usage = api_pb2.FilesystemUsage(
            timestamp=time.time_ns(),
            fs_id=api_pb2.FilesystemIdentifier(mountpoint=str(self.b.cfg.state_dir("images"))),
            used_bytes=api_pb2.UInt64Value(value=u.layers_size + u.content_size + u.build_cache_size))
        return api_pb2.ImageFsInfoResponse(image_filesystems=[usage])


unimplemented.fill(ImageService, api_pb2.DESCRIPTOR.services_by_name["ImageService"])


def _auth(auth: api_pb2.AuthConfig) -> ipb.RegistryAuth:
    """The CRI's credentials as doca's puller takes them: a user and
    password (given apart or as `auth`, base64 of USER:PASSWORD) or an
    identity token (an OAuth2 refresh token, exchanged at the registry's
    token server). A bare registry token (a bearer token to present as it
    is) has no counterpart in doca.v1 yet: refused rather than ignored."""
    if auth.username:
        return ipb.RegistryAuth(username=auth.username, password=auth.password)
    if auth.identity_token:
        return ipb.RegistryAuth(identity_token=auth.identity_token)
    if auth.auth:
        try:
            user, sep, password = base64.b64decode(auth.auth, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            sep = ""
        if not sep:
            raise InvalidArgument("AuthConfig.auth must be base64 of USERNAME:PASSWORD")
        return ipb.RegistryAuth(username=user, password=password)
    if auth.registry_token:
        raise Unimplemented("AuthConfig.registry_token is not supported by doca's puller: "
                            "give username/password, auth or identity_token")
    return ipb.RegistryAuth()


def _struct(doc) -> dict:
    """A google.protobuf.Struct as plain Python, integral numbers as ints."""
    from google.protobuf.json_format import MessageToDict
    return _ints(MessageToDict(doc))


def _ints(v):
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, dict):
        return {k: _ints(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_ints(x) for x in v]
    return v


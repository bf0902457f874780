"""ImageService through crictl and runtime.v1 stubs: list, status with the
image's user, pull (auth, deadline), remove (every tag of one image),
image filesystem usage. One image store: what the CRI pulls, `doca images`
lists."""
import base64
import json
import os
import subprocess
import time

import grpc
import pytest

from doca.cri.runtime.v1 import api_pb2
from tests.support.build import build, write_context
from tests.support.faulty_registry import Image
from tests.support.registry import PASSWORD, USER, stored


def _pushed(stack, tmp_path, ref: str) -> None:
    """An image of its own (busybox and a label: removing it must not
    remove busybox) pushed as REF, the local image gone: the next pull
    fetches it."""
    lines = f"FROM busybox\nLABEL cri.test={os.urandom(4).hex()}\n"
    build(stack, write_context(tmp_path / "ctx", {"Dockerfile": lines}), "-t", ref)
    stack.doca("push", ref)
    stack.doca("rmi", ref)


def _image_id(stack, ref: str) -> str:
    return stack.doca("image", "inspect", "-f", "{{.Id}}", ref).stdout.strip()


def test_crictl_images_lists_the_store_fully_qualified(crictl, stack):
    rows = [line.split() for line in crictl("images", "--no-trunc").stdout.splitlines()[1:]]
    busybox = _image_id(stack, "busybox")
    assert ["docker.io/library/busybox", "latest", busybox] == rows_by_name(rows)["docker.io/library/busybox"][:3]
    assert crictl("images", "-q", "busybox").stdout.split() == [busybox]


def rows_by_name(rows):
    return {r[0]: r for r in rows}


def test_pull_inspecti_rmi_from_a_registry(crictl, stack, registry, tmp_path, clean_build):
    ref = f"{registry.address}/cri/box:{os.urandom(3).hex()}"
    _pushed(stack, tmp_path, ref)
    out = crictl("pull", ref).stdout
    image_id = _image_id(stack, ref)
    assert out.strip() == f"Image is up to date for {image_id}"  # image_ref is the image id
    assert ref in stack.doca("images", "--format", "{{.Repository}}:{{.Tag}}").stdout.split()
    doc = json.loads(crictl("inspecti", ref).stdout)
    assert doc["status"]["id"] == image_id
    assert ref in doc["status"]["repoTags"]
    assert int(doc["status"]["size"]) > 1_000_000
    assert doc["info"]["Id"] == image_id  # verbose: the engine's image document (crictl unfolds its JSON)
    second = ref.rsplit(":", 1)[0] + ":second"
    stack.doca("tag", ref, second)
    crictl("rmi", ref)  # one tag named: the image goes with all its tags
    tags = stack.doca("images", "--format", "{{.Repository}}:{{.Tag}}").stdout.split()
    assert ref not in tags and second not in tags
    assert _image_id(stack, "busybox")  # its base stays


@pytest.mark.parametrize("user, expected", [
    ("1002", {"uid": {"value": "1002"}}),
    ("www-data", {"username": "www-data"}),
    ("1003:users", {"uid": {"value": "1003"}}),
    ("nobody:1004", {"username": "nobody"}),
    ("", {})])
def test_inspecti_gives_the_image_user_as_uid_or_name(crictl, stack, tmp_path, clean_build, user, expected):
    tag = f"cri-user-{os.urandom(3).hex()}:1"
    clean_build.append(tag)
    lines = "FROM busybox\n" + (f"USER {user}\n" if user else "LABEL cri=nouser\n")
    build(stack, write_context(tmp_path, {"Dockerfile": lines}), "-t", tag)
    status = json.loads(crictl("inspecti", tag).stdout)["status"]
    got = {k: status[k] for k in ("uid", "username") if status.get(k) not in (None, "")}
    assert got == expected


def test_pull_with_credentials(image_stub, stack, auth_registry, tmp_path, clean_build):
    ref = f"{auth_registry.address}/cri/private:{os.urandom(3).hex()}"
    stack.doca("login", "-u", USER, "--password-stdin", auth_registry.address, input=PASSWORD)
    try:
        _pushed(stack, tmp_path, ref)
    finally:
        stack.doca("logout", auth_registry.address)
    spec = api_pb2.ImageSpec(image=ref)
    with pytest.raises(grpc.RpcError) as e:  # no credentials, none kept by the engine either
        image_stub.PullImage(api_pb2.PullImageRequest(image=spec), timeout=60)
    assert "unauthorized" in e.value.details()
    encoded = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    for auth in (api_pb2.AuthConfig(username=USER, password=PASSWORD), api_pb2.AuthConfig(auth=encoded)):
        r = image_stub.PullImage(api_pb2.PullImageRequest(image=spec, auth=auth), timeout=60)
        assert r.image_ref == _image_id(stack, ref)
        image_stub.RemoveImage(api_pb2.RemoveImageRequest(image=spec), timeout=60)


def test_pull_past_its_deadline_is_deadline_exceeded(image_stub, stack, registry):
    ref = f"{registry.address}/cri/late:1"
    with pytest.raises(grpc.RpcError) as e:
        image_stub.PullImage(api_pb2.PullImageRequest(image=api_pb2.ImageSpec(image=ref)), timeout=0.001)
    assert e.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED


def test_missing_images(image_stub, crictl):
    spec = api_pb2.ImageSpec(image="127.0.0.1:9/no/such:image")
    assert not image_stub.ImageStatus(api_pb2.ImageStatusRequest(image=spec), timeout=10).HasField("image")
    image_stub.RemoveImage(api_pb2.RemoveImageRequest(image=spec), timeout=10)  # already removed: OK
    assert image_stub.ListImages(api_pb2.ListImagesRequest(
        filter=api_pb2.ImageFilter(image=spec)), timeout=10).images == []


def test_unsupported_registry_token_is_refused(image_stub):
    spec = api_pb2.ImageSpec(image="127.0.0.1:9/no/such:image")
    with pytest.raises(grpc.RpcError) as e:
        image_stub.PullImage(api_pb2.PullImageRequest(image=spec, auth=api_pb2.AuthConfig(registry_token="t")),
                             timeout=10)
    assert e.value.code() == grpc.StatusCode.UNIMPLEMENTED


def test_imagefsinfo_measures_the_images_store(crictl, stack):
    fs = json.loads(crictl("imagefsinfo").stdout)["status"]["imageFilesystems"]
    assert [f["fsId"]["mountpoint"] for f in fs] == [str(stack.root / "images")]
    used = int(fs[0]["usedBytes"]["value"])
    assert used > 1_000_000  # busybox's layer at least
    # the images service's figures (file bytes of layers and blobs) against
    # what the store takes on disk (du: allocated blocks, metadata too)
    du = int(subprocess.run(["du", "-s", "-x", "-B1", str(stack.root / "images")], capture_output=True,
                            text=True, check=True).stdout.split()[0])
    assert du // 4 < used <= du  # blocks round up, and the store keeps metadata besides


def test_a_stalled_pull_ends_at_its_deadline_and_leaves_nothing(image_stub, stack, faulty):
    """The deadline reaches the engine's pull: it ends with
    DEADLINE_EXCEEDED when the caller's time is up, mid-blob, and the
    cancelled pull leaves no half-stored content behind."""
    busybox = open("/bin/busybox", "rb").read()
    img = Image([{"bin/busybox": busybox}, {"data/big": os.urandom(2 << 20)}], cmd=("/bin/busybox", "sh"))
    faulty.add_image("cri/stall", "1", img)
    faulty.faults[img.layer_digests[1]] = "stall"
    ref = f"{faulty.address}/cri/stall:1"
    before = stored(stack)
    started = time.monotonic()
    with pytest.raises(grpc.RpcError) as e:
        image_stub.PullImage(api_pb2.PullImageRequest(image=api_pb2.ImageSpec(image=ref)), timeout=3)
    assert e.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    assert time.monotonic() - started < 10
    assert faulty.count("GET", f"/v2/cri/stall/blobs/{img.layer_digests[1]}") >= 1  # it was mid-pull
    deadline = time.monotonic() + 20
    while stored(stack) != before:  # the images service notices the cancel and cleans up
        assert time.monotonic() < deadline, f"left behind: {stored(stack)} vs {before}"
        time.sleep(0.1)
    assert ref not in stack.doca("images", "--format", "{{.Repository}}:{{.Tag}}").stdout.split()

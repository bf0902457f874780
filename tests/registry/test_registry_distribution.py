"""Push and pull against a real registry: Debian's docker-registry (CNCF
distribution 2.8) on 127.0.0.1, no auth. An image made by doca goes up and
comes down into a fresh stack with the same digests and runs; a second
push after a one-file change sends only the new layer, config and
manifest (counted in the registry's access log); a push to another
repository mounts the blobs; an image skopeo pushed from an OCI layout
pulls and runs."""
import gzip
import json
import os
import shutil
import subprocess

import pytest

from tests.support.faulty_registry import Image
from tests.support.stack import free_port

OCI_ACCEPT = "application/vnd.oci.image.manifest.v1+json"


def _inspect(stack, ref) -> dict:
    return json.loads(stack.doca("inspect", ref).stdout)[0]


def _commit(stack, base: str, script: str, ref: str) -> None:
    name = "reg-" + os.urandom(4).hex()
    stack.doca("run", "--name", name, base, "sh", "-c", script)
    try:
        stack.doca("commit", name, ref)
    finally:
        stack.doca("rm", "-f", name)


def _uploads(requests) -> dict:
    """What a list of access-log entries uploaded."""
    return {
        "blob_puts": [u for m, u, s in requests if m == "PUT" and "/blobs/uploads/" in u and s == 201],
        "patches": [u for m, u, s in requests if m == "PATCH"],
        "mounts": [u for m, u, s in requests if m == "POST" and "mount=" in u and s == 201],
        "manifests": [u for m, u, s in requests if m == "PUT" and "/manifests/" in u],
    }


def test_push_then_pull_into_a_fresh_stack(stack, registry, make_stack):
    ref = f"{registry.address}/doca/app:1"
    _commit(stack, "busybox", "echo v1 > /app.txt", ref)
    try:
        out = stack.doca("push", ref).stdout
        local = _inspect(stack, ref)
        assert f"The push refers to repository [{registry.address}/doca/app]" in out
        assert "1: digest: sha256:" in out
        pushed = registry.get_json("/v2/doca/app/manifests/1", OCI_ACCEPT)
        assert pushed["config"]["digest"] == local["Id"]
        assert len(pushed["layers"]) == len(local["RootFS"]["Layers"]) == 2

        fresh = make_stack("fresh").start()
        r = fresh.doca("pull", ref)
        assert f"Status: Downloaded newer image for {ref}" in r.stdout
        assert r.stdout.strip().endswith(ref)
        pulled = _inspect(fresh, ref)
        assert pulled["Id"] == local["Id"]
        assert pulled["RootFS"]["Layers"] == local["RootFS"]["Layers"]
        assert fresh.run(ref, "cat", "/app.txt") == "v1\n"
        # Same manifest bytes on both sides: a pull of the pushed digest is up to date.
        digest = out.split("digest: ")[1].split()[0]
        assert "Image is up to date" in fresh.doca("pull", f"{registry.address}/doca/app@{digest}").stdout
    finally:
        stack.doca("rmi", ref)


def _requests_of(registry, action) -> dict:
    before = len(registry.requests())
    action()
    return _uploads(registry.requests()[before:])


def test_push_after_a_one_file_change_sends_only_the_new_layer(stack, registry):
    base, a, b = (f"{registry.address}/doca/change:{t}" for t in ("base", "a", "b"))
    _commit(stack, "busybox", "mkdir -p /app && head -c 2000000 /dev/urandom > /app/lib.bin", base)
    salt = os.urandom(8).hex()
    _commit(stack, base, f"echo one {salt} > /app/conf.txt", a)
    _commit(stack, base, f"echo two {salt} > /app/conf.txt", b)
    try:
        first = _requests_of(registry, lambda: stack.doca("push", a))
        # busybox's layer (uploaded, or mounted from an earlier test's repository), lib, conf, config
        assert len(first["blob_puts"]) + len(first["mounts"]) == 4 and len(first["manifests"]) == 1
        out = []
        second = _requests_of(registry, lambda: out.append(stack.doca("push", b).stdout))
        # Only the new layer and the new config, then the manifest.
        assert len(second["blob_puts"]) == 2, second
        assert second["patches"] == [] and second["mounts"] == []
        assert len(second["manifests"]) == 1
        assert out[0].count("Layer already exists") == 2 and out[0].count("Pushed") == 1
        new_layer = _inspect(stack, b)["RootFS"]["Layers"][-1]
        assert new_layer[7:19] + ": Pushed" in out[0]
    finally:
        stack.doca("rmi", a, b, base)


def test_push_after_a_one_file_change_in_the_last_copy_of_a_build(stack, registry, tmp_path):
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    (ctx / "Dockerfile").write_text("FROM busybox\nRUN mkdir -p /app && echo lib > /app/lib.txt\n"
                                    "COPY conf.txt /app/conf.txt\nCMD [\"cat\", \"/app/conf.txt\"]\n")
    a, b = f"{registry.address}/doca/built:a", f"{registry.address}/doca/built:b"
    salt = os.urandom(8).hex()  # contents no other test pushed
    (ctx / "conf.txt").write_text(f"one {salt}\n")
    stack.doca("build", "-t", a, str(ctx))
    (ctx / "conf.txt").write_text(f"two {salt}\n")
    stack.doca("build", "-t", b, str(ctx))
    try:
        _requests_of(registry, lambda: stack.doca("push", a))
        second = _requests_of(registry, lambda: stack.doca("push", b))
        assert len(second["blob_puts"]) == 2, second  # the COPY layer and the config
        assert second["mounts"] == [] and second["patches"] == [] and len(second["manifests"]) == 1
        assert stack.run(b) == f"two {salt}\n"
    finally:
        stack.doca("rmi", a, b)


def test_push_to_another_repository_mounts_the_blobs(stack, registry):
    one, two = f"{registry.address}/doca/one:1", f"{registry.address}/doca/two:1"
    _commit(stack, "busybox", "echo mount > /m.txt", one)
    stack.doca("tag", one, two)
    try:
        stack.doca("push", one)
        out = []
        second = _requests_of(registry, lambda: out.append(stack.doca("push", two).stdout))
        assert second["blob_puts"] == [] and len(second["mounts"]) == 3  # two layers and the config
        assert out[0].count("Mounted from doca/one") == 2
    finally:
        stack.doca("rmi", one, two)


def test_pull_of_an_image_skopeo_pushed_from_an_oci_layout(stack, registry, tmp_path):
    busybox = open("/bin/busybox", "rb").read()
    img = Image([{"bin/busybox": busybox}, {"bin/hello": b"from skopeo\n"}], cmd=("/bin/busybox", "sh"))
    img.write_oci_layout(tmp_path / "layout", "v1")
    ref = f"{registry.address}/skopeo/img:v1"
    subprocess.run(["skopeo", "copy", "--dest-tls-verify=false", f"oci:{tmp_path / 'layout'}:v1",
                    f"docker://{ref}"], check=True, capture_output=True, timeout=120)
    try:
        stack.doca("pull", ref)
        doc = _inspect(stack, ref)
        assert doc["RootFS"]["Layers"] == [
            "sha256:" + __import__("hashlib").sha256(gzip.decompress(img.blobs[d])).hexdigest()
            for d in img.layer_digests]
        assert stack.run(ref, "/bin/busybox", "cat", "/bin/hello") == "from skopeo\n"
        blobs = set(os.listdir(stack.root / "images" / "blobs" / "sha256"))
        assert {d[7:] for d in img.layer_digests} <= blobs  # the layers as skopeo pushed them
    finally:
        stack.doca("rmi", ref)


def test_bad_references_and_missing_things(stack, registry):
    r = stack.doca("pull", f"{registry.address}/doca/nothing:nope", check=False)
    assert r.returncode == 1
    assert f"manifest for {registry.address}/doca/nothing:nope not found" in r.stderr
    port = free_port()
    r = stack.doca("pull", f"127.0.0.1:{port}/doca/x", check=False)
    assert r.returncode == 1 and f"registry 127.0.0.1:{port} is unreachable" in r.stderr, r.stderr
    for verb in ("pull", "push"):
        r = stack.doca(verb, "Not/Valid::ref", check=False)
        assert r.returncode == 1 and "invalid reference format" in r.stderr
    r = stack.doca("push", f"{registry.address}/doca/absent:1", check=False)
    assert r.returncode == 1 and "An image does not exist locally with the tag" in r.stderr
    for r in (stack.doca("pull", "-q", f"127.0.0.1:{port}/y", check=False),):
        assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_chunked_upload(registry, tmp_path):
    """The chunked path (PATCH per chunk, then PUT) against distribution."""
    from services.images.registry import upload
    from services.images.registry.client import RegistryClient
    data = os.urandom(300_000)
    blob = tmp_path / "blob"
    blob.write_bytes(data)
    digest = "sha256:" + __import__("hashlib").sha256(data).hexdigest()
    client = RegistryClient(registry.address).connect()
    assert not upload.exists(client, "doca/chunks", digest)
    kind, location = upload.start(client, "doca/chunks", digest, [])
    before = len(registry.requests())
    upload.send(client, "doca/chunks", location, str(blob), digest, len(data), chunk=100_000, monolithic_max=0)
    sent = _uploads(registry.requests()[before:])
    assert len(sent["patches"]) == 3 and len(sent["blob_puts"]) == 1
    assert upload.exists(client, "doca/chunks", digest)
    shutil.rmtree(tmp_path / "blob", ignore_errors=True)

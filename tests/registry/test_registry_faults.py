"""Pulls from a registry that misbehaves (tests/support/faulty_registry.py, on
127.0.0.1): bytes that do not match their digest, downloads cut short,
a pull interrupted mid-blob, bearer tokens, indexes, two pulls at once.
Whatever fails leaves nothing in the store; no traceback reaches the user."""
import os
import signal
import subprocess
import threading
import time

from tests.support.faulty_registry import FaultyRegistry, Image, make_index
from tests.support.registry import stored
from tests.support.stack import DOCA

BIG = os.urandom(3 << 20)  # incompressible: the blob is as big as the file
BUSYBOX = open("/bin/busybox", "rb").read()


def _image(tag: str = "") -> Image:
    return Image([{"bin/hello": b"hello " + tag.encode(), "bin/busybox": BUSYBOX}, {"data/big": BIG + tag.encode()}],
                 cmd=("/bin/busybox", "sh"))


def _cat(stack, ref, path="/bin/hello"):
    return stack.run(ref, "/bin/busybox", "cat", path)


def _no_trace(r):
    assert "Traceback" not in r.stderr and "Traceback" not in r.stdout


def test_pull_runs_and_keeps_digests(stack, faulty):
    img = _image("plain")
    faulty.add_image("lib/app", "1", img)
    ref = f"{faulty.address}/lib/app:1"
    out = stack.doca("pull", ref).stdout
    assert f"Status: Downloaded newer image for {ref}" in out
    assert f"Digest: {img.manifest_digest}" in out
    for d in img.layer_digests:  # each layer's progress, line by line when not a terminal
        assert f"{d[7:19]}: Pull complete" in out
    doc = stack.doca("image", "inspect", ref).stdout
    assert img.id in doc
    assert _cat(stack, ref) == "hello plain"
    again = stack.doca("pull", "-q", ref).stdout
    assert again.strip() == ref
    before = faulty.count("GET", "/v2/lib/app/blobs/")
    stack.doca("rmi", ref)
    assert before == 3  # config and two layers, once each


def test_bad_digest_is_refused_and_nothing_stored(stack, faulty):
    img = _image("bad")
    faulty.add_image("lib/bad", "1", img)
    faulty.faults[img.layer_digests[1]] = "bad-digest"
    before = stored(stack)
    r = stack.doca("pull", f"{faulty.address}/lib/bad:1", check=False)
    assert r.returncode == 1
    assert "does not match its digest" in r.stderr and img.layer_digests[1] in r.stderr
    _no_trace(r)
    assert stored(stack) == before
    assert f"{faulty.address}/lib/bad" not in stack.doca("images").stdout


def test_truncated_download_is_resumed(stack, faulty):
    img = _image("resume")
    faulty.add_image("lib/resume", "1", img)
    faulty.faults[img.layer_digests[1]] = "truncate-once"
    ref = f"{faulty.address}/lib/resume:1"
    stack.doca("pull", ref)
    assert faulty.count("GET", f"/v2/lib/resume/blobs/{img.layer_digests[1]}") == 2  # the rest by Range
    assert _cat(stack, ref) == "hello resume"
    stack.doca("rmi", ref)


def test_download_always_cut_short_fails_cleanly(stack, faulty):
    img = _image("cut")
    faulty.add_image("lib/cut", "1", img)
    faulty.faults[img.layer_digests[1]] = "truncate"
    before = stored(stack)
    r = stack.doca("pull", f"{faulty.address}/lib/cut:1", check=False)
    assert r.returncode == 1 and "cut short" in r.stderr, r.stderr
    _no_trace(r)
    assert stored(stack) == before


def test_interrupted_pull_leaves_nothing_and_next_pull_completes(stack, faulty):
    img = _image("stall")
    faulty.add_image("lib/stall", "1", img)
    faulty.faults[img.layer_digests[1]] = "stall"
    ref = f"{faulty.address}/lib/stall:1"
    before = stored(stack)
    proc = subprocess.Popen([DOCA, "pull", ref], env=stack.env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while faulty.count("GET", f"/v2/lib/stall/blobs/{img.layer_digests[1]}") == 0:
        assert time.monotonic() < deadline, "the pull never asked for the stalling blob"
        time.sleep(0.05)
    time.sleep(0.3)  # half the blob is in the ingest file now
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130 and "Traceback" not in err
    deadline = time.monotonic() + 20
    while stored(stack) != before:  # the service notices the cancel and cleans up
        assert time.monotonic() < deadline, f"left behind: {stored(stack)} vs {before}"
        time.sleep(0.1)
    assert ref not in stack.doca("images").stdout
    del faulty.faults[img.layer_digests[1]]
    faulty.stall.set()
    stack.doca("pull", ref)
    assert _cat(stack, ref) == "hello stall"
    stack.doca("rmi", ref)


def test_two_pulls_of_one_layer_fetch_it_once(stack, faulty):
    faulty.throttle = 0.005  # ~50 pieces of 64 KiB: the pulls overlap
    a, b = _image("shared"), Image([{"bin/hello": b"hello shared", "bin/busybox": BUSYBOX}, {"data/big": BIG + b"shared"},
                                    {"etc/extra": b"b only"}])
    faulty.add_image("lib/a", "1", a)
    faulty.add_image("lib/b", "1", b)
    results = {}

    def pull(name):
        results[name] = stack.doca("pull", f"{faulty.address}/lib/{name}:1", check=False)
    threads = [threading.Thread(target=pull, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r.returncode == 0 for r in results.values()), results
    shared = a.layer_digests[1]
    assert b.layer_digests[1] == shared
    fetched = faulty.count("GET", f"/v2/lib/a/blobs/{shared}") + faulty.count("GET", f"/v2/lib/b/blobs/{shared}")
    assert fetched == 1
    stack.doca("rmi", f"{faulty.address}/lib/a:1", f"{faulty.address}/lib/b:1")


def test_index_picks_linux_amd64_and_docker_types(stack, faulty):
    amd = Image([{"bin/hello": b"amd64", "bin/busybox": BUSYBOX}], docker_types=True)
    arm = Image([{"bin/hello": b"arm64"}], docker_types=True)
    index = make_index([(arm, "linux/arm64"), (amd, "linux/amd64")], docker_types=True)
    index_digest = faulty.add_index("lib/multi", "1", index, [arm, amd])
    ref = f"{faulty.address}/lib/multi:1"
    out = stack.doca("pull", ref).stdout
    assert f"Digest: {index_digest}" in out
    assert _cat(stack, ref) == "amd64"
    assert faulty.count("GET", f"/v2/lib/multi/blobs/{arm.layer_digests[0]}") == 0
    only_arm = make_index([(arm, "linux/arm64")])
    faulty.add_index("lib/multi", "arm", only_arm, [arm])
    r = stack.doca("pull", f"{faulty.address}/lib/multi:arm", check=False)
    assert r.returncode == 1 and "no matching manifest for linux/amd64" in r.stderr
    stack.doca("rmi", ref)


def test_bearer_token_auth(stack, docker_config):
    reg = FaultyRegistry(token_auth=("tok-user", "tok-pass")).start()
    try:
        img = _image("token")
        reg.add_image("private/app", "1", img)
        ref = f"{reg.address}/private/app:1"
        r = stack.doca("pull", ref, check=False)
        assert r.returncode == 1 and "unauthorized" in r.stderr and "doca login" in r.stderr
        r = stack.doca("login", "-u", "tok-user", "--password-stdin", reg.address, input="wrong\n", check=False)
        assert r.returncode == 1 and "unauthorized: incorrect username or password" in r.stderr
        _no_trace(r)
        assert not (docker_config / "config.json").exists()
        stack.doca("login", "-u", "tok-user", "--password-stdin", reg.address, input="tok-pass\n")
        stack.doca("pull", ref)
        assert reg.count("GET", "/token") >= 1
        assert _cat(stack, ref) == "hello token"
        stack.doca("rmi", ref)
    finally:
        reg.stop()


def test_progress_streams_over_grpc(stack, faulty):
    """The gateway's Pull streams one event per layer step, with byte counts."""
    import grpc
    from doca.v1 import images_pb2, images_pb2_grpc
    faulty.throttle = 0.002  # long enough for some "Downloading" counts
    img = _image("grpc")
    faulty.add_image("lib/grpc", "1", img)
    ref = f"{faulty.address}/lib/grpc:1"
    with grpc.insecure_channel(f"unix://{stack.run_dir}/doca.sock") as ch:
        events = list(images_pb2_grpc.ImagesStub(ch).Pull(images_pb2.PullRequest(reference=ref)))
    big = img.layer_digests[1][7:19]
    steps = [e.status for e in events if e.id == big]
    assert steps[0] == "Pulling fs layer" and steps[-1] == "Pull complete"
    counts = [(e.current, e.total) for e in events if e.id == big and e.status == "Downloading"]
    assert counts and counts[-1] == (len(img.blobs[img.layer_digests[1]]),) * 2
    assert [c for c, _ in counts] == sorted(c for c, _ in counts)
    last = events[-1]
    assert last.image_id == img.id and last.digest == img.manifest_digest and last.reference == ref
    stack.doca("rmi", ref)

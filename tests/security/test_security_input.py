"""Bad input never takes a service down, and never reaches the disk: from
outside, with the CLI and with grpcurl on each service's own socket.

1. ids, names and references that would name files ('../', a trailing
   newline, a NUL byte, 300 characters) are INVALID_ARGUMENT with one
   readable line at every service and the gateway; a canary file that a
   '../' id would name is untouched; numbers that overflow their protobuf
   field are refused by the CLI with Docker's 125 (a raw over-long varint
   at the gateway is INVALID_ARGUMENT too).
2. --security-opt seccomp=FILE is read by the CLI; the engine refuses a
   path and never quotes a file's content.
3. mount destinations and working directories are refused with Docker's
   words and 125; an image whose WorkingDir is relative, or whose VOLUME is
   relative or /, does not make run misbehave.

After each probe every service still answers its health check."""
import hashlib
import io
import json
import os
import subprocess
import tarfile

import pytest

from tests.support import grpcurl
from tests.support.stack import DOCA

HOSTILE = {"dotdot": "../canary-{tag}", "newline": "abc\n", "nul": "ab\x00c", "long": "a" * 300}
SERVICES = ("runtime", "images", "network", "volumes", "doca")


def _one_line(text: str) -> str:
    assert "Traceback" not in text, text
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


def _message(r: subprocess.CompletedProcess) -> str:
    """grpcurl's error: the Message line."""
    assert "Traceback" not in r.stderr, r.stderr
    return next(line.split("Message:", 1)[1].strip() for line in r.stderr.splitlines() if "Message:" in line)


def _all_serving(stack) -> None:
    for name in SERVICES:
        r = grpcurl.run(stack.socket(name), "grpc.health.v1.Health/Check")
        assert '"SERVING"' in r.stdout, (name, r.stdout)


def _probes(cid: str, name: str) -> list:
    """(socket, method, request) with a hostile container id or name."""
    return [
        ("network", "doca.network.v1.Network/Detach", {"container_id": cid}),
        ("network", "doca.network.v1.Network/ReleasePorts", {"container_id": cid}),
        ("network", "doca.network.v1.Network/Prepare", {"container_id": cid, "hostname": "h"}),
        ("network", "doca.network.v1.Network/Create", {"name": name}),
        ("network", "doca.network.v1.Network/Rename", {"container_id": "c1", "name": name}),
        ("volumes", "doca.volumes.v1.Volumes/Remove", {"name": name, "force": True}),
        ("volumes", "doca.volumes.v1.Volumes/Create", {"name": name}),
        ("volumes", "doca.volumes.v1.Volumes/Release", {"container_id": cid}),
        ("images", "doca.images.v1.Images/RemoveSnapshot", {"container_id": cid}),
        ("images", "doca.images.v1.Images/PrepareSnapshot", {"image": "busybox", "container_id": cid}),
        ("images", "doca.images.v1.Images/Tag", {"source": "busybox", "target": name}),
        ("runtime", "doca.runtime.v1.Runtime/Create", {"id": cid, "spec": {"process": {"args": ["true"]}}}),
        ("runtime", "doca.runtime.v1.Runtime/Rename", {"id": "x", "name": name}),
        ("doca", "doca.v1.Volumes/Create", {"name": name}),
        ("doca", "doca.v1.Containers/Create", {"image": "busybox", "name": name}),
        ("doca", "doca.v1.Containers/Create", {"image": "busybox", "hostname": name}),
    ]


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_ids_and_names_are_checked_whole_at_every_service(stack, kind):
    tag = os.urandom(4).hex()
    value = HOSTILE[kind].format(tag=tag)
    # Where '../canary-TAG' lands from each store that makes paths of ids and names.
    canaries = [stack.root / svc / f"canary-{tag}" for svc in ("network", "volumes", "images")]
    canaries += [stack.root / "network" / "hosts" / f"canary-{tag}"]
    for c in canaries:
        c.write_text("canary\n")
    before = stack.doca("ps", "-aq").stdout
    try:
        for sock, method, body in _probes(value, value):
            r = grpcurl.call(stack.socket(sock), method, body, check=False)
            assert r.returncode == 64 + 3, (method, kind, r.stdout, r.stderr)  # INVALID_ARGUMENT
            msg = _message(r)
            assert msg.startswith(("invalid", "Invalid")) and len(msg) < 400, (method, msg)
            assert value not in msg or kind == "dotdot"  # quoted escaped, cut short
        for c in canaries:
            assert c.read_text() == "canary\n", c
        assert stack.doca("ps", "-aq").stdout == before  # nothing half-created
        _all_serving(stack)
    finally:
        for c in canaries:
            c.unlink(missing_ok=True)


@pytest.mark.parametrize("argv, words", [
    (["--name", "web\n"], "container name"),
    (["-h", "h" * 300], "hostname"),
    (["--network-alias", "x\n10.0.0.1 evil"], "network alias"),
    (["--dns-search", "x\nnameserver 10.0.0.1"], "--dns-search"),
    (["--add-host", "a b:10.0.0.1"], "--add-host"),
    (["-v", "../../x:/data"], "invalid volume name"),
    (["-u", "1:99999999999999999999"], "uids and gids must be in range"),
    (["-m", "9000p"], "too large"),
    (["-m", "9" * 400], "too large"),
    (["-p", "\u00b2:80"], "invalid port"),  # '²' passes str.isdigit, not int()
    (["-u", "\u00b2"], "0-9"),
    (["--stop-signal", "\u00b2"], "invalid signal"),
    (["--tmpfs", "/x\ny"], "control character"),
    (["--cpus", "1e300"], "Range of CPUs"),
    (["--cpus", "nan"], "--cpus"),
    (["--pids-limit", "99999999999999999999"], 'for "--pids-limit" flag: value out of range'),
    (["--pids-limit", "9999999999999"], "--pids-limit"),
    (["--cpu-shares", "99999999999999999999"], 'for "--cpu-shares" flag: value out of range'),
    (["--cpu-shares", "9999999999"], "the maximum allowed cpu-shares is 262144"),
    (["--stop-timeout", "9999999999"], 'for "--stop-timeout" flag: value out of range'),
    (["--ulimit", "nofile=99999999999999999999"], "--ulimit"),
    (["--restart", "on-failure:99999999999999"], "restart policy"),
    (["--health-interval", "99999999999999h"], "--health-interval"),
    (["--log-opt", "max-size=9000p"], "max-size"),
    (["-p", "99999:80"], "invalid port"),
])
def test_run_flags_out_of_range_are_one_line_and_125(stack, argv, words):
    before = stack.doca("ps", "-aq").stdout
    r = stack.doca("run", "--rm", *argv, "busybox", "true", check=False)
    assert r.returncode == 125, (argv, r.stderr)
    line = _one_line(r.stderr)
    assert line.startswith("doca: ") and words in line, line
    assert "internal error" not in line
    assert stack.doca("ps", "-aq").stdout == before
    _all_serving(stack)


def test_other_verbs_and_files_with_bad_bytes(stack, tmp_path):
    cid = stack.doca("run", "-d", "busybox", "sleep", "300").stdout.strip()
    try:
        for user in ("99999999999999999999", "3000000000"):
            r = stack.doca("exec", "-u", user, cid, "true", check=False)
            assert r.returncode == 126 and "uids and gids must be in range" in _one_line(r.stderr)
        r = stack.doca("stop", "-t", "9999999999", cid, check=False)
        assert r.returncode == 125 and 'for "--time" flag' in _one_line(r.stderr)
        r = stack.doca("volume", "create", "v" * 300, check=False)
        assert r.returncode == 1 and "at most 255 characters" in _one_line(r.stderr)
        nul, bad = tmp_path / "nul.env", tmp_path / "bad.env"
        nul.write_bytes(b"A=\x00b\n")
        bad.write_bytes(b"A=\xff\n")
        r = stack.doca("run", "--rm", "--env-file", str(nul), "busybox", "true", check=False)
        assert r.returncode == 125 and "NUL byte" in _one_line(r.stderr)
        r = stack.doca("run", "--rm", "--env-file", str(bad), "busybox", "true", check=False)
        assert r.returncode == 125 and "contains invalid utf8 bytes at line 1" in _one_line(r.stderr)
        # an argument that is not UTF-8 at all (argv is bytes)
        r = subprocess.run([DOCA.encode(), b"run", b"--rm", b"--name", b"\xff", b"busybox", b"true"],
                           env=stack.env(), capture_output=True, timeout=60)
        assert r.returncode == 125 and "not valid UTF-8" in _one_line(r.stderr.decode())
        assert json.loads(stack.doca("inspect", cid).stdout)[0]["State"]["Running"] is True
    finally:
        stack.doca("rm", "-f", cid)
    _all_serving(stack)


@pytest.mark.parametrize("sock, method, message", [
    ("doca", "/doca.v1.Containers/Update", "UpdateRequest"),
    ("runtime", "/doca.runtime.v1.Runtime/Update", "UpdateRequest"),
    ("images", "/doca.images.v1.Images/Inspect", "InspectRequest"),
    ("network", "/doca.network.v1.Network/Detach", "DetachRequest"),
    ("volumes", "/doca.volumes.v1.Volumes/Release", "ReleaseRequest"),
])
def test_undecodable_requests_are_invalid_argument_on_every_socket(stack, sock, method, message):
    import grpc
    with grpc.insecure_channel(f"unix://{stack.socket(sock)}") as ch:
        call = ch.unary_unary(method, request_serializer=lambda b: b, response_deserializer=lambda b: b)
        # a field as an 11-byte varint; field 1 (a string) not UTF-8
        for raw in (b"\x20" + b"\xff" * 10 + b"\x01", b"\x0a\x02\xff\xfe"):
            with pytest.raises(grpc.RpcError) as err:
                call(raw, timeout=30)
            assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT, err.value.details()
            assert f"not a valid {message}" in err.value.details()
    _all_serving(stack)


def test_numbers_no_field_holds_are_invalid_argument_at_the_gateway(stack):
    for body in ({"image": "busybox", "cpus": "NaN"}, {"image": "busybox", "cpus": 1e308},
                 {"image": "busybox", "memory": "99999999999g"}):
        r = grpcurl.call(stack.socket("doca"), "doca.v1.Containers/Create", body, check=False)
        assert r.returncode == 64 + 3 and _message(r), (body, r.stderr)
    _all_serving(stack)


def test_seccomp_profile_is_read_by_the_client_and_never_by_the_engine(stack, tmp_path):
    token = "TOKEN-" + os.urandom(6).hex()
    secret = tmp_path / "secret"
    secret.write_text(f"{token}\n")
    # The CLI reads FILE: not JSON, it says so without quoting it.
    r = stack.doca("run", "--rm", "--security-opt", f"seccomp={secret}", "busybox", "true", check=False)
    assert r.returncode == 125 and token not in r.stderr
    assert "seccomp profile" in _one_line(r.stderr)
    r = stack.doca("run", "--rm", "--security-opt", f"seccomp={tmp_path}/none", "busybox", "true", check=False)
    assert r.returncode == 125 and "opening seccomp profile" in _one_line(r.stderr)
    # A path sent to the engine itself, past the CLI: refused, never opened.
    spec = {"process": {"args": ["true"]}, "security_opt": [f"seccomp={secret}"]}
    for sock, method, body in (
            ("doca", "doca.v1.Containers/Create", {"image": "busybox", "security_opt": [f"seccomp={secret}"]}),
            ("runtime", "doca.runtime.v1.Runtime/Create", {"id": os.urandom(32).hex(), "spec": spec})):
        g = grpcurl.call(stack.socket(sock), method, body, check=False)
        assert g.returncode == 64 + 3, g.stderr
        msg = _message(g)
        assert token not in g.stderr and "not a file path" in msg, msg
    # A real profile travels as content and is applied.
    profile = tmp_path / "profile.json"
    profile.write_text(json.dumps({"defaultAction": "SCMP_ACT_ALLOW",
                                   "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}))
    r = stack.doca("run", "--rm", "--security-opt", f"seccomp={profile}", "busybox", "mkdir", "/x", check=False)
    assert r.returncode != 0 and "Operation not permitted" in r.stderr
    _all_serving(stack)


@pytest.mark.parametrize("argv, expected", [
    (["-v", "rel:rel"], "invalid volume specification: 'rel:rel': invalid mount config for type \"volume\": "
                        "invalid mount path: 'rel' mount path must be absolute"),
    (["-v", "/tmp:rel"], "invalid volume specification: '/tmp:rel': invalid mount config for type \"bind\": "
                         "invalid mount path: 'rel' mount path must be absolute"),
    (["-v", "rel"], "invalid mount path: 'rel' mount path must be absolute"),
    (["-v", "/tmp:/"], "invalid volume specification: '/tmp:/': invalid mount config for type \"bind\": "
                       "invalid specification: destination can't be '/'"),
    (["-v", "vol:/x/.."], "invalid mount config for type \"volume\": invalid specification: destination can't be '/'"),
    (["-v", "/"], "destination can't be '/'"),
    (["--tmpfs", "rel"], "invalid mount path: 'rel' mount path must be absolute"),
    (["--tmpfs", "/"], "invalid specification: destination can't be '/'"),
    (["--tmpfs", "/x/..:size=1m"], "invalid specification: destination can't be '/'"),
    (["-w", "rel"], "the working directory 'rel' is invalid, it needs to be an absolute path"),
    (["-w", "./x"], "the working directory './x' is invalid, it needs to be an absolute path"),
])
def test_mount_destinations_and_workdirs_refused_as_docker(stack, argv, expected):
    before = stack.doca("ps", "-aq").stdout
    # Docker's exit codes for a daemon's refusal: run's 125, create's 1
    for verb, code in (("run", 125), ("create", 1)):
        r = stack.doca(verb, *argv, "busybox", "true", check=False)
        assert r.returncode == code, (verb, argv, r.stderr)
        assert expected in _one_line(r.stderr)
    assert stack.doca("ps", "-aq").stdout == before
    # past the CLI, the runtime refuses such a mount too
    spec = {"process": {"args": ["true"]}, "mounts": [{"destination": "rel", "type": "tmpfs", "source": "tmpfs"}]}
    g = grpcurl.call(stack.socket("runtime"), "doca.runtime.v1.Runtime/Create",
                     {"id": os.urandom(32).hex(), "spec": spec}, check=False)
    assert g.returncode == 64 + 3 and "mount path must be absolute" in _message(g)


def _image_with(stack, tmp_path, tag: str, working_dir: str, volumes: list) -> str:
    """busybox with its config's WorkingDir and Volumes replaced (as no
    Dockerfile can write them), loaded as a `docker save` archive."""
    out = tmp_path / "busybox.tar"
    stack.doca("save", "-o", str(out), "busybox")
    with tarfile.open(out) as t:
        manifest = json.load(t.extractfile("manifest.json"))[0]
        config = json.load(t.extractfile(manifest["Config"]))
        layers = {name: t.extractfile(name).read() for name in manifest["Layers"]}
    config["config"]["WorkingDir"] = working_dir
    config["config"]["Volumes"] = {v: {} for v in volumes}
    data = json.dumps(config).encode()
    name = hashlib.sha256(data).hexdigest() + ".json"
    files = {name: data, "manifest.json": json.dumps([{"Config": name, "RepoTags": [tag],
                                                        "Layers": list(layers)}]).encode(), **layers}
    archive = tmp_path / f"{tag.replace(':', '-').replace('/', '-')}.tar"
    with tarfile.open(archive, "w") as t:
        for path, body in files.items():
            info = tarfile.TarInfo(path)
            info.size = len(body)
            t.addfile(info, io.BytesIO(body))
    stack.doca("load", "-i", str(archive))
    return tag


def test_an_image_with_relative_workdir_or_volumes_does_not_misbehave(stack, tmp_path):
    tags = []
    try:
        tags.append(_image_with(stack, tmp_path, "sec-input/relwd:1", "rel", []))
        r = stack.doca("run", "--rm", tags[-1], "pwd", check=False)
        assert r.returncode == 125  # Docker refuses it too (runc: Cwd must be an absolute path)
        assert "the working directory 'rel' is invalid" in _one_line(r.stderr) and "-w" in r.stderr
        assert stack.run("-w", "/tmp", tags[-1], "pwd").strip() == "/tmp"
        # VOLUME rel is mounted at /rel (as Docker does); VOLUME / and /x/.. would hide the whole root: left out
        tags.append(_image_with(stack, tmp_path, "sec-input/vols:1", "", ["rel", "/", "/x/.."]))
        out = stack.run(tags[-1], "sh", "-c", "pwd; grep -c ' /rel ' /proc/self/mountinfo; ls /bin/sh")
        assert out.split() == ["/", "1", "/bin/sh"], out
    finally:
        for tag in tags:
            stack.doca("rmi", "-f", tag, check=False)
    _all_serving(stack)

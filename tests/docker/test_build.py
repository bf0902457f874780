"""POST /build: the Docker SDK's build and the docker CLI's (classic builder,
DOCKER_BUILDKIT=0, and docker 28's default against Builder-Version 1)."""
import io
import json
import subprocess
import tarfile

import docker
import pytest

from tests.docker.conftest import DOCKER_CLI


@pytest.fixture
def built(stack):
    """Tags a test builds, removed after it, then the build cache and what dangles."""
    made = []
    yield made
    for t in made:
        stack.doca("rmi", "-f", t, check=False)
    stack.doca("builder", "prune", "-f", check=False)
    stack.doca("image", "prune", "-f", check=False)


def context(files: dict[str, str]) -> io.BytesIO:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    buf.seek(0)
    return buf


MULTI = """FROM busybox AS base
ARG GREETING=hi
RUN echo "$GREETING from the build" > /greeting
FROM busybox
COPY --from=base /greeting /greeting
COPY app.txt /app.txt
LABEL stage=final
CMD ["cat", "/greeting", "/app.txt"]
"""


def test_sdk_build_stream_buildargs_labels(client, api, stack, built):
    built += ["d3-build:1", "d3-build:2"]
    ctx = context({"Dockerfile": MULTI, "app.txt": "app\n"})
    stream = list(api.build(fileobj=ctx, custom_context=True, tag="d3-build:1", buildargs={"GREETING": "hello"},
                            labels={"d3": "yes"}, decode=True, rm=True))
    lines = "".join(m.get("stream", "") for m in stream)
    assert "Step 1/8 : FROM busybox AS base" in lines and "Step 8/8 : CMD" in lines
    aux = [m["aux"]["ID"] for m in stream if "aux" in m]
    assert len(aux) == 1 and aux[0].startswith("sha256:")
    assert f"Successfully built {aux[0][7:19]}" in lines and "Successfully tagged d3-build:1" in lines
    img = client.images.get("d3-build:1")
    assert img.id == aux[0] and img.labels == {"d3": "yes", "stage": "final"}
    assert client.containers.run("d3-build:1", remove=True) == b"hello from the build\napp\n"
    assert stack.doca("images", "-q", "--no-trunc", "d3-build:1").stdout.strip() == img.id
    # the high-level client: cached steps, the image back
    ctx.seek(0)
    img2, logs = client.images.build(fileobj=ctx, custom_context=True, tag="d3-build:2",
                                     buildargs={"GREETING": "hello"}, labels={"d3": "yes"})
    assert img2.id == img.id
    assert any("Using cache" in m.get("stream", "") for m in logs)


def test_sdk_build_target_nocache_quiet_dockerfile(client, api, built):
    built.append("d3-target:1")
    ctx = context({"build/Other.dockerfile": MULTI, "app.txt": "app\n"})
    out = list(api.build(fileobj=ctx, custom_context=True, tag="d3-target:1", target="base", nocache=True,
                         quiet=True, dockerfile="build/Other.dockerfile", decode=True))
    assert not any("Step" in m.get("stream", "") for m in out)  # quiet: the id alone
    image_id = next(m["aux"]["ID"] for m in out if "aux" in m)
    assert {"stream": image_id + "\n"} in out
    img = client.images.get("d3-target:1")
    assert img.id == image_id and "stage" not in (img.labels or {})  # the first stage only


def test_build_errors_in_the_stream_and_refusals(client, api, built):
    bad = context({"Dockerfile": "FROM busybox\nRUN echo about to fail && exit 3\n"})
    with pytest.raises(docker.errors.BuildError) as e:
        client.images.build(fileobj=bad, custom_context=True, tag="d3-fail:1")
    assert "returned a non-zero code: 3" in e.value.msg or "3" in e.value.msg
    missing = context({"Dockerfile": "FROM d3-no-such-image:1\n"})
    with pytest.raises(docker.errors.BuildError):
        client.images.build(fileobj=missing, custom_context=True)
    unparsable = context({"Dockerfile": "FROM busybox\nFOO bar\n"})  # before any step: a status, as Docker's
    with pytest.raises(docker.errors.APIError) as e:
        list(api.build(fileobj=unparsable, custom_context=True))
    assert e.value.status_code == 400 and "unknown instruction" in str(e.value)
    ok = context({"Dockerfile": "FROM busybox\n"})
    for kw, word in ((dict(squash=True), "squash"), (dict(platform="linux/arm64"), "platform")):
        ok.seek(0)
        with pytest.raises(docker.errors.APIError) as e:
            list(api.build(fileobj=ok, custom_context=True, **kw))
        assert e.value.status_code == 400 and word in str(e.value)
    with pytest.raises(docker.errors.APIError) as e:
        list(api.build(path="https://example.invalid/repo.git"))
    assert e.value.status_code == 400 and "remote" in str(e.value)


@pytest.mark.parametrize("env", [{"DOCKER_BUILDKIT": "0"}, {}], ids=["buildkit-0", "default"])
def test_docker_cli_build(docker_cli, client, tmp_path, built, env):
    """docker 28's CLI builds with the classic builder: asked to (DOCKER_BUILDKIT=0), or by
    default since /_ping says Builder-Version 1 (and no buildx is installed)."""
    built.append("d3-cli-build:1")
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    (ctx / "Dockerfile").write_text("FROM busybox\nARG WHO\nRUN echo \"built by $WHO\" > /who\nCMD cat /who\n")
    (ctx / ".dockerignore").write_text("secret.txt\n")
    (ctx / "secret.txt").write_text("no\n")
    r = subprocess.run([DOCKER_CLI, "build", "-t", "d3-cli-build:1", "--build-arg", "WHO=cli", str(ctx)],
                       env={k: v for k, v in docker_cli.env.items() if k != "DOCKER_BUILDKIT"} | env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "Step 1/4 : FROM busybox" in r.stdout and "Successfully tagged d3-cli-build:1" in r.stdout
    assert client.containers.run("d3-cli-build:1", remove=True) == b"built by cli\n"


def test_docker_cli_build_failure_exit_code(docker_cli, tmp_path, built):
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    (ctx / "Dockerfile").write_text("FROM busybox\nRUN exit 7\n")
    r = docker_cli("build", str(ctx), check=False)
    assert r.returncode == 1 and "exit 7" in r.stdout + r.stderr and "7" in r.stderr


def test_build_body_json_stream_by_hand(api):
    """The raw stream: one JSON message per line, as the classic builder's."""
    ctx = context({"Dockerfile": "FROM busybox\nRUN echo raw\n"})
    r = api._post(api._url("/build"), data=ctx.read(), params={"nocache": 1, "q": 0},
                  headers={"Content-Type": "application/x-tar"}, stream=True)
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/json"
    messages = [json.loads(line) for line in r.iter_lines() if line]
    assert {"stream": "raw\n"} in messages
    image_id = next(m["aux"]["ID"] for m in messages if "aux" in m)
    api.remove_image(image_id)


def test_docker_cli_build_dockerfile_outside_the_context_and_stdin(docker_cli, client, tmp_path, built):
    """The CLI adds such a Dockerfile to the context tar under a random name and
    leaves the tar unended (no padding, no end blocks), as Docker's daemon takes it;
    --compress sends it gzipped."""
    built += ["d3-cli-f:1", "d3-cli-stdin:1"]
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    (ctx / "data.txt").write_text("from the context\n")
    outside = tmp_path / "elsewhere.Dockerfile"
    outside.write_text("FROM busybox\nCOPY data.txt /data.txt\nCMD [\"cat\", \"/data.txt\"]\n")
    iid = tmp_path / "iid"
    r = docker_cli("build", "--compress", "--iidfile", str(iid), "-f", str(outside), "-t", "d3-cli-f:1", str(ctx))
    assert "Step 3/3 : CMD" in r.stdout
    assert client.images.get("d3-cli-f:1").id == iid.read_text()
    assert client.containers.run("d3-cli-f:1", remove=True) == b"from the context\n"
    docker_cli("build", "-t", "d3-cli-stdin:1", "-", input="FROM busybox\nLABEL from=stdin\n")
    assert client.images.get("d3-cli-stdin:1").labels == {"from": "stdin"}


def test_build_run_steps_take_the_limits_and_hosts(api, built):
    """memory, shmsize, extrahosts: what each RUN step's container gets, as the classic builder's."""
    ctx = context({"Dockerfile": "FROM busybox\nRUN grep d3host /etc/hosts && "
                                 "cat /sys/fs/cgroup/memory/memory.limit_in_bytes && df -k /dev/shm | tail -1\n"})
    out = list(api.build(fileobj=ctx, custom_context=True, nocache=True, container_limits={"memory": 64 << 20},
                         shmsize=32 << 20, extra_hosts={"d3host": "10.1.2.3"}, decode=True))
    text = "".join(m.get("stream", "") for m in out)
    assert not any("error" in m for m in out), out
    assert "10.1.2.3" in text and "d3host" in text
    assert str(64 << 20) in text
    assert " 32768 " in text
    api.remove_image(next(m["aux"]["ID"] for m in out if "aux" in m))


def test_a_client_hanging_up_ends_the_build(stack):
    """The upstream build is cancelled when the client goes: its RUN container goes too."""
    import socket
    import time
    body = context({"Dockerfile": "FROM busybox\nRUN echo started; sleep 60\n"}).read()
    head = (f"POST /v1.50/build?nocache=1 HTTP/1.1\r\nHost: d\r\nContent-Type: application/x-tar\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode()
    with socket.socket(socket.AF_UNIX) as s:
        s.connect(str(stack.socket("docker")))
        s.sendall(head + body)
        seen = b""
        deadline = time.monotonic() + 60
        while b"started" not in seen and time.monotonic() < deadline:
            seen += s.recv(65536)
        assert b"started" in seen
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if "doca-build-" not in stack.doca("ps", "-a").stdout:
            break
        time.sleep(0.5)
    else:
        raise AssertionError("the build's RUN container outlived the client")
    stack.doca("builder", "prune", "-f")


def test_step_lines_are_dockers_original_text():
    """What docker 20.10's classic builder prints for the same Dockerfile (read on the peers' daemon)."""
    from gateway.docker import build_steps
    text = ('FROM busybox AS a\n# comment\nRUN echo hello && \\\n  echo there\nENV X=1 \\\n    Y=2\nFROM a\n'
            'LABEL a=b\nCMD ["echo","hi"]\nWORKDIR   /tmp\n')
    steps = build_steps.instructions(text)
    assert steps == ["FROM busybox AS a", "RUN echo hello &&   echo there", "ENV X=1     Y=2", "FROM a", "LABEL a=b",
                     'CMD ["echo","hi"]', "WORKDIR   /tmp"]
    assert build_steps.total_steps(steps) == 7 and build_steps.total_steps(steps, "a") == 3
    assert build_steps.instructions("# escape=`\nFROM busybox\nRUN echo a `\n  b\n") == ["FROM busybox",
                                                                                      "RUN echo a   b"]


def test_docker_cli_step_lines(docker_cli, tmp_path, built):
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    (ctx / "Dockerfile").write_text("FROM busybox AS a\nRUN echo hello && \\\n  echo there\nFROM a\n"
                                    "CMD [\"echo\",\"hi\"]\n")
    out = docker_cli("build", "-t", "d3-steps:1", str(ctx)).stdout
    built.append("d3-steps:1")
    steps = [line for line in out.splitlines() if line.startswith("Step ")]
    assert steps == ["Step 1/4 : FROM busybox AS a", "Step 2/4 : RUN echo hello &&   echo there", "Step 3/4 : FROM a",
                     'Step 4/4 : CMD ["echo","hi"]']

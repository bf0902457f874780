"""The Dockerfile's instructions as a build executes them: stages, --target
and COPY --from; ARG before and after FROM with --build-arg; heredocs (a
script with #!, inline files); ADD of a local archive; --chown with the
image's names; .dockerignore with exceptions; the config instructions;
the escape directive and continuations; -f outside the context, and the
Dockerfile or a context tar on stdin. RUN runs isolated like a container."""
import io
import os
import tarfile

from services.images import digests

from tests.support.build import build, inspect, steps, write_context

MULTI = """# syntax=docker/dockerfile:1
ARG BASE=busybox
ARG VERSION=1.0
FROM ${BASE} AS builder
ARG VERSION
WORKDIR /work
COPY src/ ./src/
RUN echo "version=${VERSION}" > out.txt && ls src > listing.txt
RUN <<EOF
#!/bin/sh
echo "script as $(id -u)" > /work/script.txt
EOF

FROM builder AS tested
RUN test -f /work/out.txt && echo tested > /work/tested.txt

FROM busybox
ARG VERSION
LABEL version="${VERSION:-unset}" given="${VERSION:+yes}"
COPY --from=builder /work/out.txt /work/listing.txt /work/script.txt /result/
COPY --from=0 /work/out.txt /by-index.txt
COPY --from=busybox /etc/passwd /from-image/
COPY --chown=www-data:www-data keep/ /keep/
ADD files.tar.gz /opt/
COPY <<-EOT /etc/app.conf
	name=app
	EOT
COPY src/*.txt /glob/
"""


def _tgz(files: dict) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def test_multi_stage_build(stack, tmp_path, clean_build):
    clean_build += ["multi:1", "multi:tested"]
    ctx = write_context(tmp_path, {
        "Dockerfile": MULTI, "src/a.txt": "a", "src/b.log": "ignored", "src/sub/c.txt": "c",
        "keep/kept.txt": "k", "keep/secret.key": "s", "files.tar.gz": _tgz({"in/f": b"from the archive\n"}),
        ".dockerignore": "*.log\n**/*.log\nkeep/*\n!keep/kept.txt\n"})
    r = build(stack, ctx, "--build-arg", "VERSION=2.5", "--build-arg", "UNUSED=1", "-t", "multi:1")
    lines = steps(r.stdout)
    assert lines[0] == "[builder 1/6] FROM busybox AS builder"
    assert not [line for line in lines if line.startswith("[tested")]  # the target does not need it
    assert lines[6] == "[stage-2 1/10] FROM busybox"
    assert "One or more build-args ['UNUSED'] were not consumed" in r.stderr
    out = stack.run("multi:1", "sh", "-c", "cat /result/out.txt /result/listing.txt /result/script.txt "
                    "/etc/app.conf /opt/in/f; ls /glob; ls -n /keep")
    assert out.splitlines()[:7] == ["version=2.5", "a.txt", "sub", "script as 0", "name=app",
                                    "from the archive", "a.txt"]
    assert "33       33" in out and "kept.txt" in out and "secret.key" not in out
    assert inspect(stack, "multi:1")["Config"]["Labels"] == {"version": "2.5", "given": "yes"}
    assert stack.run("multi:1", "sh", "-c", "cat /by-index.txt; head -1 /from-image/passwd") == \
        "version=2.5\nroot:x:0:0:root:/root:/bin/sh\n"

    r = build(stack, ctx, "--target", "tested", "--build-arg", "VERSION=2.5", "-t", "multi:tested")
    assert "[builder 5/6] CACHED RUN" in r.stdout and "[tested 2/2] RUN" in r.stdout
    assert stack.run("multi:tested", "cat", "/work/tested.txt") == "tested\n"


CONFIG = """# escape=`
FROM busybox
SHELL ["/bin/sh", "-ec"]
ENV A=1 `
    B="two words"
WORKDIR /srv
WORKDIR app
USER nobody
RUN echo "$(id -un) in $(pwd) A=$A B=$B" > /tmp/who.txt; `
    cp /tmp/who.txt /srv/app/who.txt 2>/dev/null || true
USER root
RUN cp /tmp/who.txt /who.txt
EXPOSE 8080 53/udp
VOLUME ["/data"]
STOPSIGNAL SIGINT
HEALTHCHECK --interval=5s --retries=2 CMD ["true"]
CMD ["default"]
ENTRYPOINT ["echo"]
MAINTAINER someone@example.com
ONBUILD RUN echo child
"""


def test_config_instructions(stack, tmp_path, clean_build):
    clean_build += ["config:1", "child:1"]
    ctx = write_context(tmp_path, {"Dockerfile": CONFIG})
    build(stack, ctx, "-t", "config:1")
    doc = inspect(stack, "config:1")
    cfg = doc["Config"]
    assert "A=1" in cfg["Env"] and "B=two words" in cfg["Env"]
    assert cfg["WorkingDir"] == "/srv/app" and cfg["User"] == "root"
    assert cfg["ExposedPorts"] == {"8080/tcp": {}, "53/udp": {}} and cfg["Volumes"] == {"/data": {}}
    assert cfg["StopSignal"] == "SIGINT" and cfg["Healthcheck"]["Retries"] == 2
    assert cfg["Healthcheck"]["Interval"] == 5_000_000_000
    assert cfg["Entrypoint"] == ["echo"] and cfg["Cmd"] == ["default"]  # CMD set in this stage: kept
    assert cfg["Shell"] == ["/bin/sh", "-ec"] and cfg["OnBuild"] == ["RUN echo child"]
    assert doc["Author"] == "someone@example.com"
    assert stack.run("--entrypoint", "cat", "config:1", "/who.txt") == "nobody in /srv/app A=1 B=two words\n"
    assert stack.run("config:1") == "default\n"

    write_context(tmp_path, {"Dockerfile": "FROM config:1\nENTRYPOINT [\"cat\"]\n"})
    r = build(stack, tmp_path, "-t", "child:1")
    assert "[2/3] RUN /bin/sh -ec echo child" in r.stdout and "child\n" in r.stdout  # the trigger ran
    cfg = inspect(stack, "child:1")["Config"]
    assert cfg.get("OnBuild") in (None, []) and cfg.get("Cmd") in (None, [])  # the inherited CMD goes


def test_run_is_isolated_like_a_container(stack, tmp_path, clean_build):
    clean_build.append("iso:1")
    ctx = write_context(tmp_path, {"Dockerfile": (
        "FROM busybox\n"
        "RUN ip -o link | cut -d: -f2 | tr -d ' ' > /links; grep CapEff /proc/self/status > /caps; "
        "echo $$ > /pid; ls /proc | grep -c '^[0-9]' > /procs; echo to-stdout; echo to-stderr >&2\n")})
    r = build(stack, ctx, "--network", "none", "-t", "iso:1")
    assert "to-stdout\n" in r.stdout and "to-stderr\n" in r.stdout  # RUN output, both streams
    out = stack.run("iso:1", "cat", "/links", "/caps", "/pid")
    assert out.split() == ["lo", "CapEff:", "00000000a80425fb", "1"]
    assert int(stack.run("iso:1", "cat", "/procs")) <= 3


def test_run_on_the_build_network(stack, tmp_path, clean_build):
    clean_build.append("net:1")
    ctx = write_context(tmp_path, {"Dockerfile": (
        "FROM busybox\n"
        f"RUN ip -o -4 addr show eth0 | wc -l > /eth0; ping -c1 -W2 {stack.gateway_ip} > /dev/null && echo reached > /ping\n"
        "RUN --network=none ip -o link | wc -l > /links\n")})
    build(stack, ctx, "-t", "net:1")  # the default network, as `doca run` gives a container
    assert stack.run("net:1", "cat", "/eth0", "/ping", "/links").split() == ["1", "reached", "1"]
    assert not [line for line in stack.doca("ps", "-a").stdout.splitlines() if "doca-build-" in line]


def test_run_on_scratch_keeps_mount_points_out_of_the_layer(stack, tmp_path, clean_build):
    clean_build.append("scratch:1")
    ctx = write_context(tmp_path, {"busybox": open("/bin/busybox", "rb").read(), "Dockerfile": (
        "FROM scratch\nCOPY --chmod=755 busybox /bin/busybox\nRUN [\"/bin/busybox\", \"mkdir\", \"/made\"]\n")})
    build(stack, ctx, "-t", "scratch:1")
    layers = inspect(stack, "scratch:1")["RootFS"]["Layers"]
    top = digests.chain_ids(layers)[-1]
    # The runtime made /proc, /sys and /dev to mount on: not the command's doing, not in the layer.
    assert os.listdir(stack.root / "images" / "layers" / digests.hex_of(top) / "diff") == ["made"]
    assert stack.run("scratch:1", "/bin/busybox", "ls", "-d", "/made") == "/made\n"


def test_dockerfile_elsewhere_and_on_stdin(stack, tmp_path, clean_build):
    clean_build += ["df:1", "df:2", "df:3"]
    ctx = write_context(tmp_path / "ctx", {"file.txt": "context file\n", "sub/Dockerfile.dev": (
        "FROM busybox\nCOPY file.txt /\n")})
    other = write_context(tmp_path / "other", {"Dockerfile": "FROM busybox\nCOPY file.txt /copied\n"})
    build(stack, ctx, "-f", str(ctx / "sub" / "Dockerfile.dev"), "-t", "df:1")
    assert stack.run("df:1", "cat", "/file.txt") == "context file\n"
    build(stack, ctx, "-f", str(other / "Dockerfile"), "-t", "df:2")  # outside the context
    assert stack.run("df:2", "cat", "/copied") == "context file\n"
    r = stack.doca("build", "-t", "df:3", "-", input="FROM busybox\nRUN echo from stdin > /s\n")
    assert "Successfully tagged df:3" in r.stdout and stack.run("df:3", "cat", "/s") == "from stdin\n"
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, data in (("Dockerfile", b"FROM busybox\nCOPY x /x\n"), ("x", b"tar context\n")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    stack.doca("build", "-t", "df:3", "-", input=buf.getvalue())
    assert stack.run("df:3", "cat", "/x") == "tar context\n"


def test_run_mounts(stack, tmp_path, clean_build):
    clean_build.append("mnt:1")
    ctx = write_context(tmp_path, {"Dockerfile": (
        "FROM busybox\n"
        "RUN --mount=type=cache,target=/cache,id=doca-test-cache "
        "echo $(( $(cat /cache/n 2>/dev/null || echo 0) + 1 )) > /cache/n && cp /cache/n /n\n"
        "RUN --mount=type=tmpfs,target=/scratch touch /scratch/x && grep -c scratch /proc/mounts > /t\n")})
    build(stack, ctx, "-t", "mnt:1")
    first = stack.run("mnt:1", "cat", "/n")
    build(stack, ctx, "--no-cache", "-t", "mnt:1")
    assert int(stack.run("mnt:1", "cat", "/n")) == int(first) + 1  # the cache mount kept its file
    assert stack.run("mnt:1", "sh", "-c", "cat /t; ls -d /cache /scratch 2>&1 | grep -c 'No such'") == "1\n2\n"

"""Masked and read-only paths given per container (doca.v1
ContainerConfig.masked_paths/readonly_paths, what the CRI's
LinuxContainerSecurityContext and the Engine API's HostConfig carry):
they replace the default lists, under every executor (doca's init applies
them; runc and crun read config.json's linux.maskedPaths/readonlyPaths)."""
import json

import grpc
import pytest

from doca.v1 import containers_pb2 as cpb
from doca.v1 import containers_pb2_grpc

# A file masked reads empty; a directory masked is an empty tmpfs; a path
# made read-only refuses writes; /proc/keys (masked by default) is left
# visible once the list is given without it.
SCRIPT = ("cat /etc/passwd | wc -c; ls -A /usr | wc -l; "
          "touch /tmp/x 2>/dev/null && echo tmp-rw || echo tmp-ro; "
          "touch /home/x 2>/dev/null && echo home-rw || echo home-ro; "
          "grep -c ' /proc/keys ' /proc/self/mountinfo; true")


@pytest.fixture
def containers(stack):
    with grpc.insecure_channel(f"unix://{stack.socket('doca')}") as ch:
        made = []
        yield containers_pb2_grpc.ContainersStub(ch), made
        for cid in made:
            stack.doca("rm", "-f", cid, check=False)


def _run(stack, containers, script: str, **fields) -> tuple[str, str]:
    stub, made = containers
    cid = stub.Create(cpb.ContainerConfig(image="busybox", cmd=["sh", "-c", script], detached=True,
                                          network="none", **fields)).id
    made.append(cid)
    stub.Start(cpb.ContainerRef(id=cid))
    assert stack.doca("wait", cid).stdout.strip() == "0", stack.doca("logs", cid).stderr
    return cid, stack.doca("logs", cid).stdout


def test_given_lists_replace_the_defaults(stack, containers, runtime):
    cid, out = _run(stack, containers, SCRIPT, runtime=runtime,
                    masked_paths=["/etc/passwd", "/usr", "/no/such/path"], masked_paths_set=True,
                    readonly_paths=["/tmp"], readonly_paths_set=True)
    assert out.split() == ["0", "0", "tmp-ro", "home-rw", "0"], out
    doc = json.loads(stack.doca("inspect", cid).stdout)[0]
    assert doc["HostConfig"]["MaskedPaths"] == ["/etc/passwd", "/usr", "/no/such/path"]
    assert doc["HostConfig"]["ReadonlyPaths"] == ["/tmp"]


def test_an_empty_list_given_is_none_and_the_other_stays(stack, containers):
    _, out = _run(stack, containers, "grep -c ' /proc/keys ' /proc/self/mountinfo; "
                  "grep -c ' /proc/sys ro,' /proc/self/mountinfo; true", masked_paths_set=True)
    assert out.split() == ["0", "1"], out  # nothing masked; /proc/sys still read-only


def test_defaults_without_lists(stack, containers):
    _, out = _run(stack, containers, "grep -c ' /proc/keys ' /proc/self/mountinfo; wc -c < /etc/passwd; true")
    assert out.split()[0] == "1" and out.split()[1] != "0", out


def test_privileged_clears_what_is_given(stack, containers):
    _, out = _run(stack, containers, "wc -c < /etc/passwd", privileged=True,
                  masked_paths=["/etc/passwd"], masked_paths_set=True)
    assert out.split() != ["0"], out


def test_a_relative_path_is_refused(stack, containers):
    stub, _ = containers
    with pytest.raises(grpc.RpcError) as e:
        stub.Create(cpb.ContainerConfig(image="busybox", cmd=["true"], network="none",
                                        masked_paths=["etc/passwd"], masked_paths_set=True))
    assert e.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "absolute path" in e.value.details()

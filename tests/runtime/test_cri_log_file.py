"""The shim's CRI log file (issue 14): a container created with
ContainerConfig.cri_log_path gets each output line written there in the
CRI format (`<RFC3339Nano> stdout|stderr F|P <text>`), beside doca's own
log, by either output loop (the native pump that `make` builds, or the
Python loop with DOCA_SHIM_PUMP=""). ReopenLog makes a new file at the
path (the kubelet renamed the old one)."""
import json
import os
import re
import stat
import time

import grpc
import pytest

from doca.v1 import containers_pb2 as cpb
from doca.v1 import containers_pb2_grpc

LINE = re.compile(rb"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z) (stdout|stderr) ([FP]) (.*)$")


@pytest.fixture(params=["native", "python"])
def engine(request, stack, make_stack):
    if request.param == "native":
        return stack
    return make_stack("py", daemon_env={"DOCA_SHIM_PUMP": ""}).start()


@pytest.fixture
def containers(engine):
    with grpc.insecure_channel(f"unix://{engine.socket('doca')}") as ch:
        made = []
        yield containers_pb2_grpc.ContainersStub(ch), made
        for cid in made:
            engine.doca("rm", "-f", cid, check=False)


def _create(containers, path: str, script: str) -> str:
    stub, made = containers
    cid = stub.Create(cpb.ContainerConfig(image="busybox", cmd=["sh", "-c", script], detached=True,
                                          cri_log_path=path)).id
    made.append(cid)
    stub.Start(cpb.ContainerRef(id=cid))
    return cid


def _lines(path) -> list[tuple[bytes, bytes, bytes]]:
    out = []
    for raw in path.read_bytes().split(b"\n")[:-1]:
        m = LINE.match(raw)
        assert m, f"not a CRI log line: {raw!r}"
        out.append(m.group(2, 3, 4))
    return out


def test_lines_on_both_streams_cut_and_whole(engine, containers, tmp_path):
    path = tmp_path / "pod" / "ctr" / "0.log"  # its directory is made too
    script = ("echo out1; echo err1 >&2; printf 'bad\\377byte\\n'; "
              "head -c 20000 /dev/zero | tr '\\0' a; echo; printf 'no newline'")
    cid = _create(containers, str(path), script)
    assert engine.doca("wait", cid).stdout.strip() == "0"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    lines = _lines(path)
    assert [t for s, _, t in lines if s == b"stderr"] == [b"err1"]
    out = [(tag, t) for s, tag, t in lines if s == b"stdout"]
    # a line longer than 16 KiB is cut: P pieces, then its end as F
    assert out == [(b"F", b"out1"), (b"F", b"bad\xffbyte"), (b"P", b"a" * 16384), (b"F", b"a" * (20000 - 16384)),
                   (b"F", b"no newline")]
    # doca's own log is still written
    r = engine.doca("logs", cid, input=b"")
    assert r.stdout.startswith(b"out1\nbad\xffbyte\n") and r.stderr == b"err1\n"


def test_reopen_makes_a_new_file(engine, containers, tmp_path):
    stub, _ = containers
    path = tmp_path / "0.log"
    cid = _create(containers, str(path),
                  "echo first; while [ ! -e /tmp/go ]; do sleep 0.05; done; echo second >&2; sleep 60")
    deadline = time.monotonic() + 10
    while not (path.exists() and path.read_bytes()):
        assert time.monotonic() < deadline, "nothing written to the CRI log"
        time.sleep(0.05)
    # the loop the stack chose is the one writing (the container's parent)
    pid = json.loads(engine.doca("inspect", cid).stdout)[0]["State"]["Pid"]
    with open(f"/proc/{pid}/stat") as f:
        ppid = int(f.read().rsplit(")", 1)[1].split()[1])
    with open(f"/proc/{ppid}/cmdline", "rb") as f:
        native = f.read().split(b"\0")[0].endswith(b"/doca-pump")
    assert native == ("DOCA_SHIM_PUMP" not in engine.daemon_env)
    os.rename(path, tmp_path / "0.log.1")  # the kubelet's rotation
    stub.ReopenLog(cpb.ContainerRef(id=cid))
    assert path.exists() and path.read_bytes() == b""
    engine.doca("exec", cid, "touch", "/tmp/go")
    while not path.read_bytes():
        assert time.monotonic() < deadline + 10, "the reopened file got nothing"
        time.sleep(0.05)
    assert _lines(path) == [(b"stderr", b"F", b"second")]
    assert _lines(tmp_path / "0.log.1") == [(b"stdout", b"F", b"first")]
    engine.doca("stop", "-t", "0", cid)
    os.unlink(path)
    with pytest.raises(grpc.RpcError) as e:  # a stopped container: an error, and no new file
        stub.ReopenLog(cpb.ContainerRef(id=cid))
    assert e.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert not path.exists()


def test_relative_path_refused(containers):
    stub, _ = containers
    with pytest.raises(grpc.RpcError) as e:
        stub.Create(cpb.ContainerConfig(image="busybox", cri_log_path="rel/0.log"))
    assert e.value.code() == grpc.StatusCode.INVALID_ARGUMENT

"""Container logs in the CRI format at the kubelet's path (log_directory +
log_path), written by the shim: crictl create+start of a container that
prints on both streams, the file read line by line, `crictl logs` (which
reads the file itself), and ReopenContainerLog after a rotation."""
import json
import os
import re
import stat
import time

import grpc
import pytest

from doca.cri.runtime.v1 import api_pb2

LINE = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z) (stdout|stderr) ([FP]) (.*)$")


@pytest.fixture
def pod(crictl, specs, tmp_path):
    """A pod whose log directory is under tmp_path (made by the shim), its
    config path, the directory; stopped and removed after the test."""
    logs = tmp_path / "pods" / "default_logs_uid-logs"
    doc = {"metadata": {"name": "logs", "namespace": "default", "uid": "uid-logs", "attempt": 1},
           "log_directory": str(logs), "linux": {}}
    config = specs("pod.json", doc)
    pod = crictl("runp", config).stdout.strip()
    yield pod, config, logs
    crictl("stopp", pod, check=False)
    crictl("rmp", pod, check=False)


def _start(crictl, specs, pod, script: str) -> str:
    pod_id, config, _ = pod
    doc = {"metadata": {"name": "talker"}, "image": {"image": "busybox"},
           "command": ["sh", "-c", script], "log_path": "talker/0.log"}
    cid = crictl("create", pod_id, specs("ctr.json", doc), config).stdout.strip()
    crictl("start", cid)
    return cid


def _wait_exited(crictl, cid) -> dict:
    deadline = time.monotonic() + 30
    while True:
        st = json.loads(crictl("inspect", cid).stdout)["status"]
        if st["state"] == "CONTAINER_EXITED":
            return st
        assert time.monotonic() < deadline, st
        time.sleep(0.1)


def test_lines_in_the_cri_format(crictl, specs, pod):
    cid = _start(crictl, specs, pod, "echo out1; echo err1 >&2; echo out2; echo err2 >&2; printf tail")
    st = _wait_exited(crictl, cid)
    path = pod[2] / "talker" / "0.log"
    assert st["logPath"] == str(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    rows = []
    for line in path.read_text().splitlines():
        m = LINE.match(line)
        assert m, f"not a CRI log line: {line!r}"
        rows.append(m.group(2, 3, 4))
    assert [r for r in rows if r[0] == "stdout"] == [("stdout", "F", "out1"), ("stdout", "F", "out2"),
                                                     ("stdout", "F", "tail")]
    assert [r for r in rows if r[0] == "stderr"] == [("stderr", "F", "err1"), ("stderr", "F", "err2")]
    # crictl reads the file itself: stdout to its stdout, stderr to its stderr
    r = crictl("logs", cid)
    assert r.stdout.splitlines() == ["out1", "out2", "tail"] and r.stderr.splitlines() == ["err1", "err2"]
    assert crictl("logs", "--tail", "1", cid).stdout.strip() in ("tail", "out2")


def test_reopen_after_rotation(crictl, specs, pod, runtime_stub):
    cid = _start(crictl, specs, pod, "echo first; while [ ! -e /tmp/go ]; do sleep 0.05; done; echo second; "
                                     "sleep 60")
    path = pod[2] / "talker" / "0.log"
    assert path.exists()  # as StartContainer returns: the kubelet opens it then
    deadline = time.monotonic() + 10
    while not (path.exists() and path.read_text()):
        assert time.monotonic() < deadline, "nothing written to the CRI log"
        time.sleep(0.05)
    os.rename(path, f"{path}.1")  # the kubelet's rotation, then its call
    runtime_stub.ReopenContainerLog(api_pb2.ReopenContainerLogRequest(container_id=cid))
    assert path.exists()
    crictl("exec", "-s", cid, "touch", "/tmp/go")
    while "second" not in path.read_text():
        assert time.monotonic() < deadline + 10, "the reopened file got nothing"
        time.sleep(0.05)
    assert [line.split(" ", 3)[3] for line in path.read_text().splitlines()] == ["second"]
    crictl("stop", "-t", "0", cid)
    os.unlink(path)
    with pytest.raises(grpc.RpcError) as e:  # not running: an error, and no new file
        runtime_stub.ReopenContainerLog(api_pb2.ReopenContainerLogRequest(container_id=cid))
    assert e.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert not path.exists()

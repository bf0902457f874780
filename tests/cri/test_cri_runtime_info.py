"""The CRI face's process and its runtime information: the socket serves
runtime.v1 with reflection and health; Version, Status, RuntimeConfig; the
calls not translated yet answer UNIMPLEMENTED (never a half-done answer)."""
import json
import os
import signal

import grpc
import pytest

from common.version import VERSION
from doca.cri.runtime.v1 import api_pb2
from tests.support import grpcurl


def test_socket_serves_both_services_with_reflection_and_health(stack):
    sock = stack.run_dir / "cri.sock"
    assert oct(sock.stat().st_mode & 0o777) == "0o660"
    names = grpcurl.run(sock, "list").stdout.split()
    assert {"runtime.v1.RuntimeService", "runtime.v1.ImageService", "grpc.health.v1.Health"} <= set(names)
    for service in ("", "runtime.v1.RuntimeService", "runtime.v1.ImageService"):
        health = json.loads(grpcurl.call(sock, "grpc.health.v1.Health/Check", {"service": service}).stdout)
        assert health["status"] == "SERVING"


def test_crictl_version(crictl):
    out = crictl("version").stdout
    fields = {k: v.strip() for k, v in (line.split(":", 1) for line in out.splitlines() if ":" in line)}
    assert fields == {"Version": "0.1.0", "RuntimeName": "doca", "RuntimeVersion": VERSION,
                      "RuntimeApiVersion": "v1"}


def test_crictl_info_reports_both_conditions_ready(crictl, stack):
    doc = json.loads(crictl("info").stdout)
    conditions = {c["type"]: c["status"] for c in doc["status"]["conditions"]}
    assert conditions == {"RuntimeReady": True, "NetworkReady": True}
    assert doc["config"]["cgroupDriver"] == "cgroupfs"
    assert doc["config"]["criSocket"] == str(stack.run_dir / "cri.sock")


def test_runtime_config_says_cgroupfs(runtime_stub):
    r = runtime_stub.RuntimeConfig(api_pb2.RuntimeConfigRequest(), timeout=10)
    assert r.linux.cgroup_driver == api_pb2.CGROUPFS


@pytest.mark.parametrize("call, request_type", [
    ("Exec", api_pb2.ExecRequest), ("PodSandboxStats", api_pb2.PodSandboxStatsRequest),
    ("UpdateContainerResources", api_pb2.UpdateContainerResourcesRequest),
    ("GetContainerEvents", api_pb2.GetEventsRequest)])
def test_calls_not_translated_yet_are_unimplemented(runtime_stub, call, request_type):
    with pytest.raises(grpc.RpcError) as e:
        answer = getattr(runtime_stub, call)(request_type(), timeout=10)
        list(answer) if call == "GetContainerEvents" else answer  # a stream fails when read
    assert e.value.code() == grpc.StatusCode.UNIMPLEMENTED
    assert e.value.details() == f"runtime.v1.RuntimeService/{call} is not implemented by doca yet"


def test_status_says_not_ready_while_a_service_does_not_answer(runtime_stub, stack):
    """NetworkReady follows the network service's health: a service that
    does not answer (stopped here with SIGSTOP) is a false condition with a
    reason, at once (no wait for readiness), and true again when it answers."""
    pid = stack.service_pid("services.network")
    os.kill(pid, signal.SIGSTOP)
    try:
        r = runtime_stub.Status(api_pb2.StatusRequest(), timeout=20)
    finally:
        os.kill(pid, signal.SIGCONT)
    conditions = {c.type: c for c in r.status.conditions}
    assert conditions["RuntimeReady"].status is True
    assert conditions["NetworkReady"].status is False
    assert conditions["NetworkReady"].reason == "DocaNetworkNotReady"
    assert "network.sock" in conditions["NetworkReady"].message
    r = runtime_stub.Status(api_pb2.StatusRequest(), timeout=20)
    assert all(c.status for c in r.status.conditions)

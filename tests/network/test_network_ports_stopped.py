"""Published ports of a stopped container: given back when it stops (stop,
kill, an exit of its own), held again when it starts (`doca start`, a
restart policy), as Docker does; a port taken meanwhile fails the start and
the container stays stopped. The state survives restarts of the network
service and of the gateway. Traffic only to 127.0.0.1 and the test's own
namespaces."""
import json
import os
import signal
import socket
import subprocess
import time

import grpc
import pytest

from doca.network.v1 import network_pb2 as pb
from services.network.firewall import Firewall
from tests.support.netenv import Env, host_port, http_get
from tests.network.test_network_ports import _dnat_rules, _port_free
from tests.support.network import Service, wait_until

# Serves /i with "up" (the first run of a restart-policy container fails instead).
SERVE = "mkdir -p /w && echo up > /w/i && exec httpd -f -p 8080 -h /w"


def _rules_of(stack, cid: str) -> list[str]:
    return [r for r in _dnat_rules(stack) if f"ctr {cid[:12]}" in r]


def _state(stack, ref: str) -> dict:
    return json.loads(stack.doca("inspect", ref).stdout)[0]["State"]


def _service_pid(s, module: str) -> int | None:
    out = subprocess.run(["pgrep", "-f", f"{module} --root {s.root} "], capture_output=True, text=True).stdout
    pids = [int(p) for p in out.split()]
    return pids[0] if len(pids) == 1 else None


def _restarted(s, module: str, old: int) -> None:
    """Waits until the daemon has started `module` again and the stack answers."""
    def back():
        pid = _service_pid(s, module)
        return pid not in (None, old) and s.doca("ps", check=False).returncode == 0
    assert wait_until(back, timeout=30), s.log_text()


# -- the network service's API --------------------------------------------------


def test_release_and_hold_on_the_service(net_stack: Service, make_netns):
    stub, fw = net_stack.stub, Firewall(net_stack.bridge)
    port = host_port()
    ns = make_netns()
    sb = stub.Prepare(pb.PrepareRequest(container_id="c1", hostname="h1", ports=[
        pb.PortBinding(protocol="tcp", container_port=80, host_port=port),
        pb.PortBinding(protocol="tcp", container_port=81)]))
    stub.Attach(pb.AttachRequest(container_id="c1", netns_path=ns.path))

    def dnat():
        return [r for r in fw.leftovers() if "-j DNAT" in r]
    assert len(dnat()) == 2 and not _port_free(port) and not sb.released

    for _ in range(2):  # idempotent
        out = stub.ReleasePorts(pb.ReleasePortsRequest(container_id="c1"))
        assert out.released and list(out.ports) == [] and list(out.requested) == list(sb.requested)
        assert dnat() == [] and _port_free(port)
    net_stack.restart()  # a stopped container's ports stay released
    stub = net_stack.stub
    assert stub.ListEndpoints(pb.ListEndpointsRequest(container_id="c1")).sandboxes[0].released
    assert dnat() == [] and _port_free(port)

    holder = socket.socket()
    holder.bind(("0.0.0.0", port))
    try:
        with pytest.raises(grpc.RpcError) as err:
            stub.HoldPorts(pb.HoldPortsRequest(container_id="c1"))
        assert err.value.code() == grpc.StatusCode.FAILED_PRECONDITION
        assert err.value.details() == f"Bind for 0.0.0.0:{port}/tcp failed: port is already allocated"
        again = stub.ListEndpoints(pb.ListEndpointsRequest(container_id="c1")).sandboxes[0]
        assert again.released and list(again.ports) == [] and dnat() == []  # nothing half-held
    finally:
        holder.close()

    held = stub.HoldPorts(pb.HoldPortsRequest(container_id="c1"))
    assert not held.released and [p.host_port for p in held.ports][0] == port and held.ports[1].host_port > 0
    assert stub.HoldPorts(pb.HoldPortsRequest(container_id="c1")).ports == held.ports  # idempotent
    assert len(dnat()) == 2 and not _port_free(port)
    net_stack.stop(signal.SIGKILL)
    net_stack.start()  # a running container's ports are held again
    assert not _port_free(port) and len(dnat()) == 2
    with pytest.raises(grpc.RpcError) as err:
        net_stack.stub.HoldPorts(pb.HoldPortsRequest(container_id="nobody"))
    assert err.value.code() == grpc.StatusCode.NOT_FOUND
    net_stack.detach("c1")
    assert _port_free(port) and dnat() == []


# -- through the CLI -------------------------------------------------------------


def test_a_stopped_container_gives_its_port_to_the_next(stack, env: Env):
    port = host_port()
    p1, p2 = f"p1x{port}", f"p2x{port}"
    cid = env.run(p1, "-p", f"{port}:80", "busybox", "sleep", "300")
    assert len(_rules_of(stack, cid)) == 1
    stack.doca("stop", "-t", "0", p1)
    env.run(p2, "-p", f"{port}:80", "busybox", "sleep", "300")  # at once: Docker's run works
    assert _rules_of(stack, cid) == [] and stack.doca("port", p1).stdout == ""
    assert env.inspect(p1)["NetworkSettings"]["Ports"] == {"80/tcp": None}

    r = stack.doca("start", p1, check=False)
    assert r.returncode == 1 and r.stdout == ""
    # the daemon's error, then start's summary line, as Docker's
    assert r.stderr.splitlines()[1:] == [f"doca: failed to start containers: {p1}"], r.stderr
    assert f"0.0.0.0:{port}/tcp failed: port is already allocated" in r.stderr.splitlines()[0]
    assert _state(stack, p1)["Status"] == "exited" and _rules_of(stack, cid) == []

    stack.doca("rm", "-f", p2)
    stack.doca("start", p1)
    assert _state(stack, p1)["Status"] == "running"
    assert not _port_free(port) and len(_rules_of(stack, cid)) == 1
    assert stack.doca("port", p1).stdout == f"80/tcp -> 0.0.0.0:{port}\n"


def test_stop_and_start_bring_the_port_back(stack, env: Env):
    port = host_port()
    name = f"web{port}"
    cid = env.run(name, "-p", f"127.0.0.1:{port}:8080", "-p", "8080", "busybox", "sh", "-c", SERVE)
    assert b"up" in http_get(port, "/i")
    random_port = int(stack.doca("port", name).stdout.splitlines()[1].rsplit(":", 1)[1])
    stack.doca("stop", "-t", "0", name)  # the gateway follows the stop: the ports go a moment later
    assert wait_until(lambda: _port_free(port) and _port_free(random_port) and not _rules_of(stack, cid))
    listed = [json.loads(x) for x in stack.doca("ps", "-a", "--format", "json").stdout.splitlines()]
    assert [c["Ports"] for c in listed if c["Names"] == name] == [""]
    stack.doca("start", name)
    assert b"up" in http_get(port, "/i")
    lines = stack.doca("port", name).stdout.splitlines()
    assert lines[0] == f"8080/tcp -> 127.0.0.1:{port}" and lines[1].startswith("8080/tcp -> 0.0.0.0:")
    assert b"up" in http_get(int(lines[1].rsplit(":", 1)[1]), "/i")  # a random port: maybe a new number
    stack.doca("restart", "-t", "0", name)
    assert b"up" in http_get(port, "/i") and len(_rules_of(stack, cid)) == 2
    stack.doca("kill", name)
    assert wait_until(lambda: _port_free(port) and not _rules_of(stack, cid), timeout=10)


def test_an_exit_of_its_own_frees_the_port(stack, env: Env):
    port = host_port()
    name = f"short{port}"
    cid = env.run(name, "-p", f"{port}:80", "busybox", "sh", "-c", "sleep 0.3")
    assert wait_until(lambda: _state(stack, name)["Status"] == "exited", timeout=10)
    assert wait_until(lambda: _port_free(port) and not _rules_of(stack, cid), timeout=10)
    stack.doca("start", name)  # held again, and given back again when it ends
    assert wait_until(lambda: _state(stack, name)["Status"] == "exited", timeout=10)
    assert wait_until(lambda: _port_free(port) and not _rules_of(stack, cid), timeout=10)


def test_a_restart_policy_holds_the_port_again(stack, env: Env):
    port = host_port()
    name = f"pol{port}"
    # The first run fails (exit 1); the runtime starts it again, and it serves.
    cid = env.run(name, "--restart", "on-failure:3", "-p", f"{port}:8080", "busybox", "sh", "-c",
                  f"if [ -e /ran ]; then {SERVE}; else touch /ran; exit 1; fi")
    assert b"up" in http_get(port, "/i", timeout=15)
    assert env.inspect(name)["RestartCount"] == 1 and len(_rules_of(stack, cid)) == 1
    assert not _port_free(port)


# -- restarts of the network service and of the gateway ----------------------------------


def test_service_and_gateway_restarts_keep_the_right_ports(make_stack):
    s = make_stack("parked").start()
    pa, pb_ = host_port(), host_port()
    a = s.doca("run", "-d", "--name", "ka", "-p", f"{pa}:8080", "busybox", "sh", "-c", SERVE).stdout.strip()
    b = s.doca("run", "-d", "--name", "kb", "-p", f"{pb_}:80", "busybox", "sleep", "300").stdout.strip()
    s.doca("stop", "-t", "0", "kb")
    assert b"up" in http_get(pa, "/i") and wait_until(lambda: _port_free(pb_))

    def rules(cid):
        return [r for r in Firewall(s.bridge).leftovers() if "-j DNAT" in r and f"ctr {cid[:12]}" in r]
    assert wait_until(lambda: not rules(b))

    # The network service killed: the running container's port is held again, not the stopped one's.
    old = _service_pid(s, "services.network")
    os.kill(old, signal.SIGKILL)
    _restarted(s, "services.network", old)
    assert b"up" in http_get(pa, "/i") and not _port_free(pa) and len(rules(a)) == 1
    assert _port_free(pb_) and rules(b) == []

    # A container stops while the network service is down: released once it is back.
    old = _service_pid(s, "services.network")
    os.kill(old, signal.SIGSTOP)
    try:
        s.doca("stop", "-t", "0", "ka")
        time.sleep(0.5)  # the gateway's release is under way, and cannot finish
    finally:
        os.kill(old, signal.SIGKILL)
    _restarted(s, "services.network", old)
    assert wait_until(lambda: _port_free(pa) and not rules(a), timeout=30), s.log_text()

    # A container dies while the gateway is down: released by the next gateway's reconcile.
    s.doca("start", "kb")
    assert not _port_free(pb_) and len(rules(b)) == 1
    pid = json.loads(s.doca("inspect", "kb").stdout)[0]["State"]["Pid"]
    gateway = _service_pid(s, "gateway")
    os.kill(gateway, signal.SIGSTOP)
    try:
        os.kill(pid, signal.SIGKILL)
        time.sleep(1)
        assert not _port_free(pb_)  # nobody to follow the death
    finally:
        os.kill(gateway, signal.SIGKILL)
    _restarted(s, "gateway", gateway)
    assert wait_until(lambda: _port_free(pb_) and not rules(b), timeout=30), s.log_text()
    assert json.loads(s.doca("inspect", "kb").stdout)[0]["State"]["Status"] == "exited"

    s.doca("start", "ka")
    assert b"up" in http_get(pa, "/i") and len(rules(a)) == 1

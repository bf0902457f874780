"""Every server lists and describes its services over its socket (server
reflection) and reports SERVING through grpc.health.v1."""
import base64
import json

import pytest

from tests.support import grpcurl

SERVICES = {
    "doca": ["doca.v1.Containers", "doca.v1.Images", "doca.v1.Volumes", "doca.v1.Networks", "doca.v1.System"],
    "runtime": ["doca.runtime.v1.Runtime"],
    "images": ["doca.images.v1.Images"],
    "network": ["doca.network.v1.Network"],
    "volumes": ["doca.volumes.v1.Volumes"],
}


@pytest.mark.parametrize("socket_name", list(SERVICES))
def test_list_describe_health(stack, socket_name):
    sock = stack.socket(socket_name)
    listed = grpcurl.run(sock, "list").stdout.split()
    for name in SERVICES[socket_name] + ["grpc.health.v1.Health", "grpc.reflection.v1alpha.ServerReflection"]:
        assert name in listed
    for name in SERVICES[socket_name]:
        described = grpcurl.run(sock, "describe", name).stdout
        assert f"service {name.rsplit('.', 1)[1]} {{" in described and "rpc " in described
        health = json.loads(grpcurl.call(sock, "grpc.health.v1.Health/Check", {"service": name}).stdout)
        assert health["status"] == "SERVING"
    assert json.loads(grpcurl.call(sock, "grpc.health.v1.Health/Check").stdout)["status"] == "SERVING"


def test_socket_mode(stack):
    for name in SERVICES:
        st = stack.socket(name).stat()
        assert oct(st.st_mode & 0o777) == "0o660" and st.st_uid == 0


def test_run_through_grpcurl(stack):
    r = grpcurl.call(stack.socket("doca"), "doca.v1.Containers/Run",
                     {"config": {"image": "busybox", "cmd": ["echo", "from grpcurl"], "auto_remove": True}})
    events = [json.loads(chunk) for chunk in r.stdout.replace("}\n{", "}\x00{").split("\x00")]
    assert "created" in events[0]
    out = b"".join(base64.b64decode(e["output"]["data"]) for e in events if "output" in e)
    assert out == b"from grpcurl\n"
    assert events[-1]["exited"]["exit_code"] == 0  # grpcurl prints the proto field names

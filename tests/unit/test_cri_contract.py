"""The CRI wire contract: protos/doca/cri/runtime/v1/api.proto against
kubernetes/cri-api's api.proto (the conformance kit's copy) — the same
package, services, methods (streaming included), messages, enums, field
names, numbers, types and labels; only comments and the file's place differ.
And the image user as the CRI reports it."""
import os
import pathlib
import tempfile

import pytest
from google.protobuf import descriptor_pb2
from grpc_tools import protoc

from gateway.cri.image_user import image_user

ROOT = pathlib.Path(__file__).resolve().parents[2]
OURS = ROOT / "protos" / "doca" / "cri" / "runtime" / "v1" / "api.proto"
UPSTREAM = pathlib.Path(os.environ.get("DOCA_CRI_KIT", "/work/shared/cri")) / "cri-api-v0.36.3-api.proto"


def _descriptor(path: pathlib.Path) -> descriptor_pb2.FileDescriptorProto:
    with tempfile.TemporaryDirectory() as tmp:
        src = pathlib.Path(tmp) / "api.proto"
        src.write_bytes(path.read_bytes())
        out = pathlib.Path(tmp) / "api.pb"
        assert protoc.main(["protoc", f"-I{tmp}", f"--descriptor_set_out={out}", "api.proto"]) == 0
        return descriptor_pb2.FileDescriptorSet.FromString(out.read_bytes()).file[0]


def _shape(fd: descriptor_pb2.FileDescriptorProto) -> dict:
    out = {"package": fd.package}

    def walk(prefix, messages, enums):
        for e in enums:
            out[f"enum {prefix}{e.name}"] = [(v.name, v.number) for v in e.value]
        for m in messages:
            out[f"message {prefix}{m.name}"] = [
                (f.name, f.number, f.type, f.label, f.type_name, f.json_name,
                 f.oneof_index if f.HasField("oneof_index") else None) for f in m.field]
            out[f"oneofs {prefix}{m.name}"] = [o.name for o in m.oneof_decl]
            walk(f"{prefix}{m.name}.", m.nested_type, m.enum_type)
    walk("", fd.message_type, fd.enum_type)
    for s in fd.service:
        out[f"service {s.name}"] = [(m.name, m.input_type, m.output_type, m.client_streaming, m.server_streaming)
                                    for m in s.method]
    return out


@pytest.mark.skipif(not UPSTREAM.exists(), reason="no cri-api proto (the CRI conformance kit) on this machine")
def test_the_wire_contract_is_cri_api_v0_36_3():
    ours, upstream = _shape(_descriptor(OURS)), _shape(_descriptor(UPSTREAM))
    assert ours["package"] == "runtime.v1"
    assert sorted(ours) == sorted(upstream)
    assert [k for k in upstream if ours[k] != upstream[k]] == []


def test_the_generated_module_is_the_wire_package():
    from doca.cri.runtime.v1 import api_pb2
    assert api_pb2.DESCRIPTOR.package == "runtime.v1"
    assert set(api_pb2.DESCRIPTOR.services_by_name) == {"RuntimeService", "ImageService"}


@pytest.mark.parametrize("user, expected", [
    ("", (None, "")), ("1002", (1002, "")), ("0", (0, "")), ("1003:users", (1003, "")),
    ("1004:1004", (1004, "")), ("www-data", (None, "www-data")), ("www-data:1005", (None, "www-data")),
    (":50000", (None, ""))])
def test_image_user_is_a_uid_or_a_name(user, expected):
    assert image_user(user) == expected

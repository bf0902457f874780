"""Fixtures of the CRI face's tests: crictl (cri-tools, unpacked from the
conformance kit into a temporary directory) and runtime.v1 stubs, both on
the shared stack's cri.sock."""
import json
import lzma
import os
import pathlib
import shutil
import subprocess

import grpc
import pytest

from doca.cri.runtime.v1 import api_pb2_grpc

KIT = pathlib.Path(os.environ.get("DOCA_CRI_KIT", "/work/shared/cri"))


@pytest.fixture(scope="session")
def crictl_bin(tmp_path_factory):
    """crictl unpacked from the kit's crictl.xz, for this session only."""
    packed = KIT / "crictl.xz"
    if not packed.exists():
        pytest.skip(f"no {packed}: the CRI conformance kit is not on this machine")
    out = tmp_path_factory.mktemp("crictl") / "crictl"
    with lzma.open(packed) as src, open(out, "wb") as dst:
        shutil.copyfileobj(src, dst)
    out.chmod(0o755)
    return out


@pytest.fixture
def crictl(stack, crictl_bin, tmp_path):
    """crictl("images", "-q") against the stack's cri.sock; a config of its
    own, so no /etc/crictl.yaml is read (and no warning about it)."""
    config = tmp_path / "crictl.yaml"
    config.write_text(f"runtime-endpoint: {stack.cri_endpoint}\nimage-endpoint: {stack.cri_endpoint}\n"
                      "timeout: 60\n")

    def run(*args, check=True, timeout=120) -> subprocess.CompletedProcess:
        r = subprocess.run([str(crictl_bin), "--config", str(config), *args],
                           capture_output=True, text=True, timeout=timeout)
        if check and r.returncode != 0:
            raise AssertionError(f"crictl {' '.join(args)} exited {r.returncode}\n"
                                 f"stdout: {r.stdout}\nstderr: {r.stderr}")
        return r
    return run


@pytest.fixture(scope="session")
def cri_channel(stack):
    with grpc.insecure_channel(stack.cri_endpoint) as ch:
        yield ch


@pytest.fixture(scope="session")
def runtime_stub(cri_channel):
    return api_pb2_grpc.RuntimeServiceStub(cri_channel)


@pytest.fixture(scope="session")
def image_stub(cri_channel):
    return api_pb2_grpc.ImageServiceStub(cri_channel)


@pytest.fixture
def specs(tmp_path):
    """write(name, doc) -> path of a JSON config for crictl."""
    def write(name: str, doc: dict) -> str:
        path = tmp_path / name
        path.write_text(json.dumps(doc))
        return str(path)
    return write


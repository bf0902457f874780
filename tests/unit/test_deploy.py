"""deploy/: the systemd units start each service alone, as `doca daemon`
starts them; a service started that way serves on its own socket."""
import configparser
import json
import pathlib
import signal
import subprocess
import sys
import time

import pytest

from tests.support import grpcurl

REPO = pathlib.Path(__file__).resolve().parents[2]
UNITS = sorted((REPO / "deploy" / "systemd").glob("doca-*.service"))


def _exec_module(unit: pathlib.Path) -> str:
    cp = configparser.ConfigParser(strict=False, interpolation=None)
    cp.read(unit)
    argv = cp["Service"]["ExecStart"].split()
    return argv[argv.index("-m") + 1]


def test_one_unit_per_component():
    assert [_exec_module(u) for u in UNITS] == [
        "gateway.cli.launch.forkserver", "gateway.cri", "gateway.docker", "gateway", "services.images", "services.network", "services.runtime",
        "services.volumes"]
    assert (REPO / "deploy" / "systemd" / "doca.target").exists()


@pytest.mark.parametrize("unit", UNITS, ids=lambda u: u.stem)
def test_unit_module_runs(unit):
    r = subprocess.run([sys.executable, "-m", _exec_module(unit), "--help"], cwd=REPO,
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 0 and "--root" in r.stdout and "--run-dir" in r.stdout


def test_service_alone(tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "services.volumes", "--root", str(tmp_path / "root"),
                             "--run-dir", str(tmp_path / "run")], cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    sock = tmp_path / "run" / "volumes.sock"
    try:
        for _ in range(200):
            if sock.exists():
                break
            time.sleep(0.05)
        health = json.loads(grpcurl.call(sock, "grpc.health.v1.Health/Check").stdout)
        assert health["status"] == "SERVING"
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(20)
    assert proc.returncode == 0
    assert not sock.exists()  # a clean stop removes its socket

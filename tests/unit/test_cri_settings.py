"""--cri-socket (DOCA_CRI_SOCKET): <run dir>/cri.sock unless given, "" turns
the face off — the daemon does not start it, and started alone it exits."""
import subprocess
import sys

from common import config
from common.daemon import Supervisor


def _cfg(monkeypatch, *argv, env=None):
    monkeypatch.delenv("DOCA_CRI_SOCKET", raising=False)
    if env is not None:
        monkeypatch.setenv("DOCA_CRI_SOCKET", env)
    import argparse
    parser = argparse.ArgumentParser()
    config.add_arguments(parser)
    return config.from_args(parser.parse_args(["--run-dir", "/tmp/doca-cri-settings", *argv]))


def test_default_is_in_the_run_dir(monkeypatch):
    cfg = _cfg(monkeypatch)
    assert cfg.cri_socket == "/tmp/doca-cri-settings/cri.sock"
    assert "cri" in Supervisor(cfg).components()


def test_flag_and_environment(monkeypatch):
    assert _cfg(monkeypatch, "--cri-socket", "/tmp/x/k.sock").cri_socket == "/tmp/x/k.sock"
    assert _cfg(monkeypatch, env="/tmp/y/k.sock").cri_socket == "/tmp/y/k.sock"


def test_empty_turns_the_face_off(monkeypatch):
    for cfg in (_cfg(monkeypatch, "--cri-socket", ""), _cfg(monkeypatch, env="")):
        assert cfg.cri_socket == ""
        assert "cri" not in Supervisor(cfg).components()
        assert "--cri-socket" in config.as_flags(cfg)  # the children get "off" too, not the default


def test_the_program_alone_exits_when_off(tmp_path):
    r = subprocess.run([sys.executable, "-m", "gateway.cri", "--root", str(tmp_path / "root"),
                        "--run-dir", str(tmp_path / "run"), "--cri-socket", ""],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert not (tmp_path / "run" / "cri.sock").exists()

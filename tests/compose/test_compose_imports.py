"""compose stays off the other verbs' paths: neither its package nor
PyYAML is imported by `doca run`, `ps` or a verb's help (the launcher's
start-up budget: tests/cli/test_cli_launcher.py)."""
import subprocess

import pytest

from tests.support.stack import DOCA_PY, VENV_BIN


@pytest.mark.parametrize("argv", [["run", "--rm", "--network", "none", "busybox", "true"], ["ps", "-a"],
                                  ["network", "ls"], ["--help"]], ids=lambda a: a[0])
def test_other_verbs_import_nothing_of_compose(stack, argv):
    r = subprocess.run([str(VENV_BIN / "python"), "-SI", "-X", "importtime", DOCA_PY, *argv], env=stack.env(),
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr[-2000:]
    imported = {line.split("|")[-1].strip() for line in r.stderr.splitlines() if line.startswith("import time:")}
    assert not [m for m in imported if m == "yaml" or m.startswith(("yaml.", "gateway.cli.compose"))]


def test_compose_imports_yaml(stack, tmp_path):
    (tmp_path / "compose.yaml").write_text("services:\n  a:\n    image: busybox\n")
    r = subprocess.run([str(VENV_BIN / "python"), "-SI", "-X", "importtime", DOCA_PY, "compose", "config", "-q"],
                       env=stack.env(), capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-2000:]
    imported = {line.split("|")[-1].strip() for line in r.stderr.splitlines() if line.startswith("import time:")}
    assert {"yaml", "gateway.cli.compose.loader"} <= imported

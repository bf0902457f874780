"""The launcher's hot verbs import none of the heavy modules, and it adds
site-packages when a verb needs them (the command line's readers:
tests/unit/test_cli_flags.py; the table layout: tests/unit/test_cli_table_layout.py)."""
import subprocess

import pytest

from tests.support.stack import DOCA_PY, VENV_BIN


HEAVY = ("site", "argparse", "re", "enum", "typing", "threading", "socket", "struct", "json", "datetime",
         "google.protobuf", "grpc", "rich", "os", "common.errors")


@pytest.mark.parametrize("argv", [["run", "-d", "--network", "none", "busybox", "true"],
                                  ["run", "--rm", "--network", "none", "busybox", "echo", "hi"], ["ps", "-a"],
                                  ["wait", "{cid}"], ["exec", "{ctr}", "true"], ["stop", "-t", "0", "{cid}"]],
                         ids=lambda a: a[0])
def test_hot_verbs_import_nothing_heavy(stack, argv):
    ctr = stack.doca("run", "-d", "--network", "none", "busybox", "sleep", "60").stdout.strip()
    cid = stack.doca("run", "-d", "--network", "none", "busybox", "true").stdout.strip()
    try:
        argv = [a.format(cid=cid, ctr=ctr) for a in argv]
        r = subprocess.run([str(VENV_BIN / "python"), "-SI", "-X", "importtime", DOCA_PY, *argv], env=stack.env(),
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stderr[-2000:]
        if argv[:2] == ["run", "-d"]:
            stack.doca("rm", "-f", r.stdout.strip())
        imported = {line.split("|")[-1].strip() for line in r.stderr.splitlines() if line.startswith("import time:")}
        assert not imported & set(HEAVY), sorted(imported & set(HEAVY))
        assert not [m for m in imported if m.startswith(("google", "doca.", "rich"))]
    finally:
        stack.doca("rm", "-f", ctr, cid)


def test_launcher_adds_site_packages_when_a_verb_needs_them(stack):
    """A hot verb whose table rich must draw (site-packages joined at its
    first import), and a verb that needs nothing from there."""
    assert stack.doca("images").stdout.startswith("REPOSITORY")
    name = "bracket[1]"
    out = stack.doca("create", "--name", "brackets", "--network", "none", "busybox", "echo", name).stdout.strip()
    try:
        assert name in stack.doca("ps", "-a").stdout
    finally:
        stack.doca("rm", out)

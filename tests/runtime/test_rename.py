"""doca rename: the new name everywhere the engine shows one, the old one
free again; a taken name is a conflict (ALREADY_EXISTS)."""
import json

from tests.support import grpcurl


def test_rename_and_reuse_the_old_name(stack):
    cid = stack.doca("run", "-d", "--name", "rn-old", "busybox", "sleep", "60").stdout.strip()
    other = None
    try:
        assert stack.doca("rename", "rn-old", "rn-new").stdout == ""
        doc = json.loads(stack.doca("inspect", "rn-new").stdout)[0]
        assert doc["Id"] == cid and doc["Name"] == "/rn-new"
        assert "rn-new" in stack.doca("ps").stdout
        assert stack.doca("exec", "rn-new", "hostname").stdout.strip() == cid[:12]  # unchanged, as Docker
        r = stack.doca("inspect", "--type", "container", "rn-old", check=False)
        assert r.returncode == 1
        other = stack.doca("create", "--name", "rn-old", "busybox", "true").stdout.strip()
        stack.doca("rename", cid, "/rn-slash")  # a leading / is Docker's name form
        assert json.loads(stack.doca("inspect", cid).stdout)[0]["Name"] == "/rn-slash"
    finally:
        stack.doca("rm", "-f", cid, *([other] if other else []))


def test_conflicts_and_bad_names(stack):
    a = stack.doca("create", "--name", "rn-a", "busybox", "true").stdout.strip()
    b = stack.doca("create", "--name", "rn-b", "busybox", "true").stdout.strip()
    try:
        r = stack.doca("rename", "rn-a", "rn-b", check=False)
        assert r.returncode == 1 and r.stderr.count("\n") == 1
        assert 'The container name "/rn-b" is already in use by container' in r.stderr
        r = grpcurl.call(stack.socket("doca"), "doca.v1.Containers/Rename", {"id": "rn-a", "name": "rn-b"}, check=False)
        assert r.returncode == 64 + 6  # ALREADY_EXISTS
        r = stack.doca("rename", "rn-a", "rn-a", check=False)
        assert r.returncode == 1 and "same name as its current name" in r.stderr
        r = stack.doca("rename", "rn-a", "bad name!", check=False)
        assert r.returncode == 1 and "Invalid container name (bad name!)" in r.stderr
        r = grpcurl.call(stack.socket("doca"), "doca.v1.Containers/Rename", {"id": "rn-a", "name": ""}, check=False)
        assert r.returncode == 64 + 3
        r = stack.doca("rename", "rn-nobody", "rn-c", check=False)
        assert (r.returncode, r.stderr) == (1, "doca: No such container: rn-nobody\n")
        assert json.loads(stack.doca("inspect", a).stdout)[0]["Name"] == "/rn-a"  # nothing half-done
    finally:
        stack.doca("rm", a, b)


def test_name_survives_a_restart_of_the_engine(make_stack):
    s = make_stack("rn").start()
    cid = s.doca("create", "--name", "before", "busybox", "true").stdout.strip()
    s.doca("rename", "before", "after")
    s.proc.send_signal(15)
    s.proc.wait(40)
    s.log.close()
    s.start()
    assert json.loads(s.doca("inspect", cid).stdout)[0]["Name"] == "/after"

"""doca diff: what the container changed against its image, as Docker
lists it: A added, C changed, D deleted (overlay whiteouts and opaque
directories), without the mount points the engine made for it."""
import json

from tests.support import grpcurl


def _diff(stack, ref) -> list[str]:
    return stack.doca("diff", ref).stdout.splitlines()


def test_added_changed_deleted(stack):
    script = ("echo new > /tmp/new; mkdir -p /srv/a/b; echo x > /srv/a/b/f; rm /etc/passwd; "
              "echo changed >> /etc/group; rm -rf /home; mkdir /home; touch /home/fresh")
    cid = stack.doca("run", "-d", "-v", "df-vol:/data/inner", "busybox", "sh", "-c", script + "; sleep 60").stdout.strip()
    try:
        stack.doca("exec", cid, "true")  # the script ran before exec could
        import time
        time.sleep(0.5)
        lines = _diff(stack, cid)
        for expected in ("C /tmp", "A /tmp/new", "A /srv", "A /srv/a", "A /srv/a/b", "A /srv/a/b/f",
                         "C /etc", "D /etc/passwd", "C /etc/group", "C /home", "A /home/fresh"):
            assert expected in lines, (expected, lines)
        assert lines.index("C /etc") < lines.index("D /etc/passwd")  # a directory before its entries
        # the mount points the engine made are not the container's changes
        assert not [line for line in lines if line.endswith("/data") or "/data/" in line]
        assert not [line for line in lines if line.split()[1] in ("/proc", "/sys", "/dev", "/etc/hosts")]
        doc = json.loads(grpcurl.call(stack.socket("doca"), "doca.v1.Containers/Diff", {"id": cid}).stdout)
        kinds = {c["path"]: c["kind"] for c in doc["changes"]}
        assert kinds["/tmp/new"] == "ADDED" and kinds["/etc/passwd"] == "DELETED" and kinds["/etc"] == "MODIFIED"
    finally:
        stack.doca("rm", "-f", cid)
        stack.doca("volume", "rm", "df-vol")


def test_untouched_and_stopped(stack):
    cid = stack.doca("create", "busybox", "true").stdout.strip()
    try:
        assert _diff(stack, cid) == []
        stack.doca("start", "-a", cid) if False else stack.doca("start", cid)
        stack.doca("wait", cid)
        assert _diff(stack, cid) == []
    finally:
        stack.doca("rm", cid)
    ran = stack.doca("run", "-d", "busybox", "sh", "-c", "rm /bin/ls").stdout.strip()
    try:
        stack.doca("wait", ran)
        assert _diff(stack, ran) == ["C /bin", "D /bin/ls"]  # read from disk once stopped, too
    finally:
        stack.doca("rm", ran)
    r = stack.doca("diff", "no-such-container", check=False)
    assert (r.returncode, r.stderr) == (1, "doca: No such container: no-such-container\n")

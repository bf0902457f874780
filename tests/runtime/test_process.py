"""The process a container starts, as Docker's daemon makes it: its groups
(the image's /etc/group, --group-add), HOME from its passwd entry, TERM
with -t, no no_new_privs unless asked, --sysctl and --domainname, and the
host directory of a bind made when missing."""
import os
import shutil


def test_groups_home_and_term(stack):
    assert stack.run("busybox", "id") == "uid=0(root) gid=0(root) groups=0(root),10(wheel)\n"
    assert stack.run("-u", "1000", "busybox", "sh", "-c", "id; echo $HOME") == \
        "uid=1000 gid=0(root) groups=0(root)\n/\n"
    assert stack.run("-u", "nobody", "--group-add", "tty", "--group-add", "4321", "busybox", "sh", "-c",
                     "id; echo $HOME") == \
        "uid=65534(nobody) gid=65534(nogroup) groups=5(tty),4321,65534(nogroup)\n/home\n"
    assert stack.run("-t", "busybox", "sh", "-c", "echo $TERM").strip() == "xterm"
    r = stack.doca("run", "--rm", "--group-add", "nosuchgroup", "busybox", "true", check=False)
    assert r.returncode == 125 and "Unable to find group nosuchgroup" in r.stderr, r.stderr


def test_environment_order_and_config_env(stack):
    out = stack.run("-h", "box", "-e", "Z=1", "-e", "A=2", "busybox", "env").splitlines()
    assert out == ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOSTNAME=box",
                   "Z=1", "A=2", "HOME=/root"]
    cid = stack.doca("create", "-e", "Z=1", "busybox", "true").stdout.strip()
    try:
        assert stack.doca("inspect", "-f", "{{json .Config.Env}}", cid).stdout.strip() == \
            '["Z=1","PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]'
    finally:
        stack.doca("rm", "-f", cid)


def test_no_new_privs_only_when_asked(stack):
    status = "grep -E '^(NoNewPrivs|Seccomp):' /proc/self/status"
    assert stack.run("busybox", "sh", "-c", status) == "NoNewPrivs:\t0\nSeccomp:\t2\n"
    assert stack.run("--security-opt", "no-new-privileges", "busybox", "sh", "-c", status) == \
        "NoNewPrivs:\t1\nSeccomp:\t2\n"


def test_sysctl_and_domainname(stack):
    out = stack.run("--network", "none", "--sysctl", "kernel.shmmax=1000000", "--sysctl", "net.ipv4.ip_forward=1",
                    "--domainname", "example.com", "busybox", "sh", "-c",
                    "cat /proc/sys/kernel/shmmax /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/domainname")
    assert out == "1000000\n1\nexample.com\n"
    with open("/proc/sys/kernel/domainname") as f:
        assert f.read().strip() != "example.com"  # the container's UTS namespace only
    r = stack.doca("run", "--rm", "--sysctl", "kernel.panic=1", "busybox", "true", check=False)
    assert r.returncode == 125 and "is not whitelisted" in r.stderr, r.stderr


def test_bind_of_a_missing_host_directory_makes_it(stack, tmp_path):
    missing = tmp_path / "a" / "b"
    try:
        assert stack.run("--network", "none", "-v", f"{missing}:/x", "busybox", "sh", "-c",
                         "touch /x/f; stat -c %a /x") == "755\n"
        assert os.path.isfile(missing / "f")
    finally:
        shutil.rmtree(tmp_path / "a", ignore_errors=True)

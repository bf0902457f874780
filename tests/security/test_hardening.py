"""What an attacker would try inside a default container is denied, as in
Docker (capabilities, seccomp, no_new_privs, masked and read-only paths,
the devices cgroup); --privileged allows what Docker's allows."""
import os
import socket

import pytest

# (name, shell command, what the denial looks like)
ATTACKS = [
    ("mount", "mkdir -p /m && mount -t tmpfs none /m", "denied"),
    ("mknod-and-open-a-disk", "mknod /tmp/sda b 8 0 && head -c1 /tmp/sda", "not permitted"),
    ("proc-sys", "echo 1 > /proc/sys/vm/drop_caches", "Read-only file system"),
    ("load-a-module", "insmod /bin/busybox", "not permitted"),
    ("unshare", "unshare -m true", "not permitted"),
    ("new-user-namespace", "unshare -U true", "not permitted"),
    ("set-hostname", "hostname evil", "not permitted"),
    ("reboot", "reboot -f", "not permitted"),
    ("swapoff", "swapoff /tmp", "not permitted"),
    ("sysctl", "sysctl -w kernel.domainname=evil", "Read-only file system"),
    ("dmesg", "dmesg", "not permitted"),
    ("raise-nice", "renice -n -10 $$", "denied"),
    ("chroot-escape", "mkdir -p /x && chroot /x /bin/true", "No such file"),
]


class _Out:
    def __init__(self, r):
        self.stdout = r.stdout + r.stderr  # the shell's own messages go to stderr


def _sh(stack, *flags, cmd):
    return _Out(stack.doca("run", "--rm", *flags, "busybox", "sh", "-c", f"{cmd} 2>&1; echo rc=$?", check=False))


def _denied(text: str, marker: str) -> bool:
    text = text.lower()
    rc_ok = "rc=0" not in text
    markers = {"denied": ("permission denied", "operation not permitted")}.get(marker, (marker.lower(),))
    return rc_ok and any(m in text for m in markers)


@pytest.mark.parametrize("name,cmd,marker", ATTACKS, ids=[a[0] for a in ATTACKS])
def test_attack_denied_by_default(stack, name, cmd, marker):
    out = _sh(stack, cmd=cmd).stdout
    assert _denied(out, marker), out


def test_capabilities_and_status(stack):
    status = stack.run("busybox", "cat", "/proc/self/status")
    fields = dict(line.split(":\t", 1) for line in status.splitlines() if ":\t" in line)
    assert fields["CapEff"].strip() == "00000000a80425fb"
    assert fields["CapBnd"].strip() == "00000000a80425fb"
    assert fields["NoNewPrivs"].strip() == "0"  # Docker's default
    assert fields["Seccomp"].strip() == "2"


def test_masked_paths(stack):
    # Only paths this kernel has: kcore, sysrq-trigger and sched_debug are not built in here.
    paths = [p for p in ("/proc/kcore", "/proc/keys", "/proc/timer_list", "/proc/sched_debug")
             if os.path.exists(p)]
    assert paths
    out = stack.run("busybox", "sh", "-c", "; ".join(f"cat {p} | wc -c" for p in paths))
    assert out.split() == ["0"] * len(paths)
    if os.path.exists("/proc/sysrq-trigger"):
        out = _sh(stack, cmd="echo b > /proc/sysrq-trigger").stdout
        assert "Read-only file system" in out


def test_host_hostname_untouched(stack):
    before = socket.gethostname()
    _sh(stack, cmd="hostname evil")
    assert socket.gethostname() == before


def test_non_root_user_has_no_capabilities(stack):
    status = stack.run("-u", "nobody", "busybox", "cat", "/proc/self/status")
    cap_eff = [line.split()[1] for line in status.splitlines() if line.startswith("CapEff")][0]
    assert cap_eff == "0000000000000000"


def test_cap_add_and_drop(stack):
    out = _sh(stack, "--cap-add", "SYS_ADMIN", "--security-opt", "seccomp=unconfined",
              cmd="mkdir -p /m && mount -t tmpfs none /m && echo mounted").stdout
    assert "mounted" in out
    out = _sh(stack, "--cap-drop", "CHOWN", cmd="chown nobody /tmp").stdout
    assert _denied(out, "denied"), out
    out = _sh(stack, "--cap-drop", "ALL", cmd="grep CapEff /proc/self/status").stdout
    assert "0000000000000000" in out


def test_seccomp_unconfined_lifts_the_filter(stack):
    out = stack.run("--security-opt", "seccomp=unconfined", "busybox", "grep", "Seccomp:", "/proc/self/status")
    assert out.split()[1] == "0"


def test_custom_seccomp_profile(stack, tmp_path):
    profile = tmp_path / "profile.json"
    profile.write_text('{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": ['
                       '{"names": ["mkdirat", "mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}')
    out = _sh(stack, "--security-opt", f"seccomp={profile}", cmd="mkdir /tmp/d").stdout
    assert "Permission denied" in out


def test_privileged(stack):
    out = _sh(stack, "--privileged", cmd="mkdir -p /m && mount -t tmpfs none /m && echo mounted; "
                                         "hostname inside && hostname; grep CapEff /proc/self/status; "
                                         "unshare -m true && echo unshared").stdout
    assert "mounted" in out and "inside" in out and "unshared" in out
    cap_eff = int(out.split("CapEff:")[1].split()[0], 16)
    assert cap_eff & (1 << 21)  # CAP_SYS_ADMIN among every capability the engine holds


def test_read_only_rootfs_and_tmpfs(stack):
    out = _sh(stack, "--read-only", "--tmpfs", "/scratch", cmd="touch /etc/x; touch /scratch/ok && echo tmpfs-ok").stdout
    assert "Read-only file system" in out and "tmpfs-ok" in out


def test_ulimit(stack):
    out = stack.run("--ulimit", "nofile=256:512", "busybox", "sh", "-c", "ulimit -n; ulimit -Hn")
    assert out.split() == ["256", "512"]


@pytest.mark.parametrize("flags,message", [
    (["--cap-add", "NOT_A_CAP"], "capability"),
    (["--security-opt", "seccomp={not json"], "seccomp"),
    (["--ulimit", "nofile=-1"], "ulimit"),
    (["--ulimit", "nofile=2048:1024"], "ulimit"),
    (["--security-opt", "frobnicate=yes"], "security-opt"),
])
def test_bad_security_input(stack, flags, message):
    before = stack.doca("ps", "-aq").stdout
    r = stack.doca("run", "--rm", *flags, "busybox", "true", check=False)
    assert r.returncode == 125 and message in r.stderr.lower() and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert stack.doca("ps", "-aq").stdout == before

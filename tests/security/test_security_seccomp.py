"""Seccomp: Docker's default profile (its JSON format, its conversion to
OCI, compiled once to BPF), unconfined, custom profiles; the effect checked
for real in a throwaway process, the mistakes as one-line InvalidArgument."""
import json
import time

import pytest

from common.errors import InvalidArgument
from services.runtime.security import capabilities, options, payload, seccomp_compile, seccomp_profile
from tests.support import security_child

ROOT = {"uid": 0, "gid": 0}
DENIED = ["mount", "unshare_mnt", "unshare_user", "keyctl", "reboot", "init_module", "finit_module",
          "kexec_load", "bpf", "ptrace", "acct", "socket_vsock", "socket_alg", "io_uring_setup",
          "personality_no_randomize"]


def _sec(user=ROOT, **kw) -> dict:
    cfg = {"process": {"user": dict(user)}, "linux": {}}
    options.apply_to_config(cfg, options.parse(**kw))
    return payload.for_init(cfg)


def _allowed(policy: dict) -> set:
    return {n for r in policy["syscalls"] if r["action"] == "SCMP_ACT_ALLOW" and not r.get("args")
            for n in r["names"]}


def _one_line(exc) -> str:
    text = str(exc.value)
    assert exc.value.code == "INVALID_ARGUMENT" and "\n" not in text, text
    return text


# -- the profile and its conversion ------------------------------------------

def test_default_profile_in_oci_form_follows_the_capabilities():
    doc = seccomp_profile.load_default()
    plain = seccomp_profile.to_oci(doc, list(capabilities.DEFAULT), ("amd64", "SCMP_ARCH_X86_64"), (6, 18))
    assert plain["defaultAction"] == "SCMP_ACT_ERRNO" and plain["defaultErrnoRet"] == 1
    assert plain["architectures"] == ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"]
    allowed = _allowed(plain)
    assert {"read", "execve", "ptrace", "arch_prctl", "chroot"} <= allowed
    assert not {"mount", "unshare", "setns", "keyctl", "bpf", "reboot", "init_module", "kexec_load"} & allowed
    assert {"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38} in plain["syscalls"]
    admin = seccomp_profile.to_oci(doc, list(capabilities.DEFAULT) + ["CAP_SYS_ADMIN"],
                                   ("amd64", "SCMP_ARCH_X86_64"), (6, 18))
    assert {"mount", "umount2", "unshare", "setns", "clone", "clone3"} <= _allowed(admin)
    old_kernel = seccomp_profile.to_oci(doc, list(capabilities.DEFAULT), ("amd64", "SCMP_ARCH_X86_64"), (4, 4))
    assert "ptrace" not in _allowed(old_kernel)
    module = seccomp_profile.to_oci(doc, ["CAP_SYS_MODULE"], ("amd64", "SCMP_ARCH_X86_64"), (6, 18))
    assert {"init_module", "finit_module", "delete_module"} <= _allowed(module)


def test_compiled_once_and_cached_by_digest(tmp_path, monkeypatch):
    policy = seccomp_profile.to_oci(seccomp_profile.load_default(), list(capabilities.DEFAULT))
    compiler = seccomp_compile.Compiler(tmp_path)
    started = time.perf_counter()
    program = compiler.compile(policy)
    assert time.perf_counter() - started < 2
    assert 0 < program.instructions <= seccomp_compile.BPF_MAXINSNS
    assert compiler.compile(json.loads(json.dumps(policy))) is program
    # A restarted runtime reads the program back instead of compiling.
    monkeypatch.setattr(seccomp_compile, "compile_policy", lambda p: pytest.fail("compiled again"))
    again = seccomp_compile.Compiler(tmp_path).compile(policy)
    assert (again.bpf, again.flags, again.digest) == (program.bpf, program.flags, program.digest)


@pytest.mark.parametrize("text,needle", [
    ('{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [', "not valid JSON"),
    ('["not", "an", "object"]', "JSON object"),
    ('{"defaultAction": "SCMP_ACT_NOPE"}', 'unknown action "SCMP_ACT_NOPE"'),
    ('{"syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]}', "defaultAction: missing"),
    ('{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"name": "read", "names": ["write"], '
     '"action": "SCMP_ACT_ALLOW"}]}', "syscalls[0]"),
    ('{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW", '
     '"args": [{"index": 9, "value": 1, "op": "SCMP_CMP_EQ"}]}]}', "syscalls[0].args[0].index"),
    ('{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW", '
     '"args": [{"index": 0, "value": 1, "op": "SCMP_CMP_ROUGHLY"}]}]}', 'unknown operator "SCMP_CMP_ROUGHLY"'),
    ('{"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_Z80"]}', 'unknown value "SCMP_ARCH_Z80"'),
])
def test_malformed_profile_is_one_clear_line(tmp_path, text, needle):
    path = tmp_path / "profile.json"
    path.write_text(text)
    with pytest.raises(InvalidArgument) as exc:
        options.parse(security_opt=[f"seccomp={path}"])
    line = _one_line(exc)
    assert needle in line and str(path) in line


def test_missing_profile_file():
    with pytest.raises(InvalidArgument) as exc:
        options.parse(security_opt=["seccomp=/nonexistent/profile.json"])
    assert "/nonexistent/profile.json" in _one_line(exc)


def test_unknown_syscall_name_is_refused():
    profile = {"defaultAction": "SCMP_ACT_ALLOW",
               "syscalls": [{"names": ["getpid", "frobnicate"], "action": "SCMP_ACT_ERRNO"}]}
    with pytest.raises(InvalidArgument) as exc:
        _sec(security_opt=["seccomp=" + json.dumps(profile)])
    assert 'unknown syscall "frobnicate"' in _one_line(exc)


# -- for real -----------------------------------------------------------------

def test_default_profile_denies_what_docker_denies():
    rep = security_child.run(_sec(), ROOT, DENIED + ["getpid", "personality_query", "mseal", "socket_inet",
                                                     "clone3", "syscall_1000"], exec_status=True)
    probes = rep["probes"]
    assert {p: probes[p] for p in DENIED} == {p: "EPERM" for p in DENIED}
    # Allowed, or ENOSYS where Docker's profile makes libc fall back.
    assert probes["getpid"] == probes["personality_query"] == probes["mseal"] == probes["socket_inet"] == "ok"
    assert probes["clone3"] == probes["syscall_1000"] == "ENOSYS"
    for status in (rep["status"], rep["exec_status"]):
        # No no_new_privs by default (Docker's): the filter was loaded while privileged
        assert (status["Seccomp"], status["Seccomp_filters"], status["NoNewPrivs"]) == ("2", "1", "0")


def test_unconfined_loads_no_filter():
    rep = security_child.run(_sec(security_opt=["seccomp=unconfined"]), ROOT,
                             ["keyctl", "unshare_user", "personality_no_randomize", "socket_alg", "mount"],
                             exec_status=True)
    assert rep["exec_status"]["Seccomp"] == "0"
    probes = rep["probes"]
    # AF_ALG reaches the kernel (which may lack it: EAFNOSUPPORT), not EPERM.
    assert probes.pop("socket_alg") in ("ok", "EAFNOSUPPORT")
    # What the filter blocked goes through; mount is still refused, by the capabilities.
    assert probes == {"keyctl": "ok", "unshare_user": "ok", "personality_no_randomize": "ok", "mount": "EPERM"}


def test_custom_profile_file_denies_getpid(tmp_path):
    path = tmp_path / "deny-getpid.json"
    path.write_text(json.dumps({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
        {"names": ["getpid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}))
    rep = security_child.run(_sec(security_opt=[f"seccomp={path}"]), ROOT, ["getpid", "keyctl"])
    assert rep["probes"] == {"getpid": "EACCES", "keyctl": "ok"}
    assert rep["status"]["Seccomp"] == "2"


def test_filter_without_no_new_privs_is_loaded_while_still_privileged():
    rep = security_child.run(_sec(security_opt=["no-new-privileges=false"]), ROOT, ["mount", "keyctl"],
                             exec_status=True)
    assert "error" not in rep, rep
    assert (rep["exec_status"]["NoNewPrivs"], rep["exec_status"]["Seccomp"]) == ("0", "2")
    assert rep["probes"] == {"mount": "EPERM", "keyctl": "EPERM"}


def test_filter_can_wait_until_right_before_execve():
    # runc's order with no_new_privs: capabilities before the exec fifo, the
    # filter after it (without, the filter is loaded early, while privileged).
    rep = security_child.run(_sec(security_opt=["no-new-privileges"]), ROOT, ["keyctl"], defer_seccomp=True)
    assert rep["before_finish"]["Seccomp"] == "0" and rep["before_finish"]["CapEff"] == "00000000a80425fb"
    assert rep["status"]["Seccomp"] == "2" and rep["probes"] == {"keyctl": "EPERM"}

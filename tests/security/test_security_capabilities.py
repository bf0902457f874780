"""Capabilities: Docker's default 14, --cap-add / --cap-drop / --privileged,
checked on the runtime side and for real in a throwaway process that
applies them as the container's init does."""
import pytest

from common.errors import InvalidArgument
from services.runtime.security import capabilities, options, payload
from tests.support import security_child

DOCKER_DEFAULT = "00000000a80425fb"
ROOT = {"uid": 0, "gid": 0}


def _sec(user=ROOT, **kw) -> dict:
    cfg = {"process": {"user": dict(user)}, "linux": {}}
    options.apply_to_config(cfg, options.parse(**kw))
    return payload.for_init(cfg)


def _one_line(exc) -> str:
    text = str(exc.value)
    assert exc.value.code == "INVALID_ARGUMENT" and "\n" not in text
    return text


def test_default_set_is_dockers_14():
    caps = capabilities.resolve()
    assert len(caps) == 14
    assert capabilities.mask(caps) == int(DOCKER_DEFAULT, 16)


def test_cap_add_and_drop_spellings():
    caps = capabilities.resolve(cap_add=["sys_admin", "CAP_NET_ADMIN"], cap_drop=["chown", "CAP_MKNOD"])
    assert "CAP_SYS_ADMIN" in caps and "CAP_NET_ADMIN" in caps
    assert "CAP_CHOWN" not in caps and "CAP_MKNOD" not in caps
    assert capabilities.resolve(cap_drop=["ALL"], cap_add=["NET_BIND_SERVICE"]) == ["CAP_NET_BIND_SERVICE"]
    everything = capabilities.resolve(cap_add=["ALL"], cap_drop=["SYS_ADMIN"])
    assert "CAP_SYS_ADMIN" not in everything and "CAP_SYS_MODULE" in everything


def test_privileged_gets_what_the_engine_holds():
    assert capabilities.mask(capabilities.resolve(privileged=True)) == capabilities.engine_bounding()


@pytest.mark.parametrize("flag,value", [("cap_add", "SYS_WIZARD"), ("cap_drop", "CAP_NOPE"), ("cap_add", "")])
def test_unknown_capability_is_one_clear_line(flag, value):
    with pytest.raises(InvalidArgument) as exc:
        options.parse(**{flag: [value]})
    line = _one_line(exc)
    assert ("unknown capability" in line and value in line) or "empty" in line


def test_cap_the_engine_lacks_is_refused():
    held = capabilities.engine_bounding()
    missing = [c for c in capabilities.supported() if not held >> capabilities.NUMBERS[c] & 1]
    if not missing:
        pytest.skip("the engine holds every capability on this host")
    with pytest.raises(InvalidArgument) as exc:
        capabilities.resolve(cap_add=[missing[0]])
    assert missing[0] in _one_line(exc)


def test_oci_sets_root_and_non_root():
    caps = list(capabilities.DEFAULT)
    assert capabilities.oci(caps, 0) == {"bounding": caps, "effective": caps, "permitted": caps}
    assert capabilities.oci(caps, 1000) == {"bounding": caps}


def test_default_caps_in_the_process_and_after_exec():
    rep = security_child.run(_sec(), ROOT, ["capset_sys_admin", "ambient_sys_admin"], exec_status=True)
    for status in (rep["status"], rep["exec_status"]):
        assert status["CapEff"] == status["CapPrm"] == status["CapBnd"] == DOCKER_DEFAULT
        assert status["CapInh"] == status["CapAmb"] == "0000000000000000"
        assert status["NoNewPrivs"] == "0"  # Docker's default: only --security-opt no-new-privileges
    # Nothing beyond the set can be taken back.
    assert rep["probes"] == {"capset_sys_admin": "EPERM", "ambient_sys_admin": "EPERM"}


def test_cap_add_sys_admin_allows_mount_in_a_private_namespace():
    rep = security_child.run(_sec(cap_add=["SYS_ADMIN"]), ROOT, ["mount", "unshare_mnt", "keyctl"])
    assert rep["status"]["CapEff"] == "00000000a82425fb"
    # The profile follows the capability: mount, unshare come with it; keyctl never.
    assert rep["probes"] == {"mount": "ok", "unshare_mnt": "ok", "keyctl": "EPERM"}


def test_cap_drop_removes_from_every_set():
    rep = security_child.run(_sec(cap_drop=["NET_RAW", "MKNOD"]), ROOT, exec_status=True)
    want = f"{int(DOCKER_DEFAULT, 16) & ~(1 << 13) & ~(1 << 27):016x}"
    assert rep["exec_status"]["CapEff"] == rep["exec_status"]["CapBnd"] == want


def test_non_root_user_has_no_effective_caps():
    user = {"uid": 1000, "gid": 1000, "additionalGids": [1001]}
    rep = security_child.run(_sec(user), user, ["setuid_root", "capset_sys_admin"], exec_status=True)
    for status in (rep["status"], rep["exec_status"]):
        assert status["Uid"].split() == ["1000"] * 4
        assert status["CapEff"] == status["CapPrm"] == "0000000000000000"
        assert status["CapBnd"] == DOCKER_DEFAULT
    assert rep["probes"] == {"setuid_root": "EPERM", "capset_sys_admin": "EPERM"}


def test_ambient_caps_as_given_reach_a_non_root_program():
    user = {"uid": 1000, "gid": 1000}
    bind = ["CAP_NET_BIND_SERVICE"]
    cfg = {"process": {"user": user, "noNewPrivileges": True, "capabilities": {
        "bounding": list(capabilities.DEFAULT), "permitted": bind, "inheritable": bind,
        "effective": bind, "ambient": bind}}, "linux": {}}
    rep = security_child.run(payload.for_init(cfg), user, exec_status=True)
    after = rep["exec_status"]
    assert after["CapAmb"] == after["CapEff"] == after["CapPrm"] == f"{1 << 10:016x}"


def test_privileged_has_every_cap_and_no_filter():
    rep = security_child.run(_sec(privileged=True), ROOT, ["mount", "keyctl"], exec_status=True)
    assert int(rep["exec_status"]["CapEff"], 16) == capabilities.engine_bounding()
    assert rep["exec_status"]["Seccomp"] == "0"
    assert rep["probes"] == {"mount": "ok", "keyctl": "ok"}

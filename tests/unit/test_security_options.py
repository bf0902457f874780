"""Docker's security flags -> OCI config fields -> the init's payload."""
import marshal

import pytest

from common.errors import InvalidArgument
from services.runtime.security import capabilities, options, payload


def _config(uid: int = 0) -> dict:
    """The fields of spec.build()'s config that the security options touch."""
    return {"ociVersion": "1.0.2",
            "process": {"user": {"uid": uid, "gid": uid}, "args": ["sh"], "noNewPrivileges": True,
                        "capabilities": {k: ["CAP_CHOWN"] for k in ("bounding", "effective", "permitted")}},
            "linux": {"namespaces": [{"type": "pid"}], "maskedPaths": ["/proc/kcore", "/sys/firmware"],
                      "readonlyPaths": ["/proc/sys"]}}


@pytest.mark.parametrize("opt,field,value", [
    ("seccomp=unconfined", "seccomp", "unconfined"),
    ("seccomp:unconfined", "seccomp", "unconfined"),
    ("seccomp=builtin", "seccomp", "builtin"),
    ("no-new-privileges", "no_new_privileges", True),
    ("no-new-privileges=false", "no_new_privileges", False),
    ("no-new-privileges:true", "no_new_privileges", True),
    ("systempaths=unconfined", "systempaths_unconfined", True),
    ("apparmor=unconfined", "privileged", False),
    ("label=disable", "privileged", False),
])
def test_security_opt_forms(opt, field, value):
    assert getattr(options.parse(security_opt=[opt]), field) == value


@pytest.mark.parametrize("opt,needle", [
    ("seccomp", "expected KEY=VALUE"),
    ("seccomp=", "seccomp needs"),
    ("bogus=1", 'unknown option "bogus"'),
    ("apparmor=docker-default", "AppArmor"),
    ("label=type:svirt_apache_t", "SELinux"),
    ("no-new-privileges=maybe", "true or false"),
    ("systempaths=open", "unconfined"),
])
def test_bad_security_opt_is_one_clear_line(opt, needle):
    with pytest.raises(InvalidArgument) as exc:
        options.parse(security_opt=[opt])
    text = str(exc.value)
    assert exc.value.code == "INVALID_ARGUMENT" and "\n" not in text
    assert needle in text and opt in text


def test_default_config_fields():
    cfg = options.apply_to_config(_config(), options.parse())
    process, linux = cfg["process"], cfg["linux"]
    assert process["capabilities"] == {k: list(capabilities.DEFAULT) for k in ("bounding", "effective", "permitted")}
    assert process["noNewPrivileges"] is False and "rlimits" not in process  # Docker's default: off
    assert linux["seccomp"]["defaultAction"] == "SCMP_ACT_ERRNO"
    assert linux["maskedPaths"] and linux["readonlyPaths"]


def test_non_root_gets_only_the_bounding_set():
    cfg = options.apply_to_config(_config(uid=1000), options.parse(cap_add=["NET_ADMIN"]))
    assert cfg["process"]["capabilities"] == {"bounding": list(capabilities.DEFAULT) + ["CAP_NET_ADMIN"]}


def test_privileged_config():
    cfg = options.apply_to_config(_config(), options.parse(privileged=True, security_opt=["seccomp=builtin"]))
    assert "seccomp" not in cfg["linux"]
    assert cfg["linux"]["maskedPaths"] == [] and cfg["linux"]["readonlyPaths"] == []
    assert capabilities.mask(cfg["process"]["capabilities"]["bounding"]) == capabilities.engine_bounding()


def test_systempaths_unconfined_keeps_the_filter():
    cfg = options.apply_to_config(_config(), options.parse(security_opt=["systempaths=unconfined"]))
    assert cfg["linux"]["maskedPaths"] == [] and "seccomp" in cfg["linux"]


def test_payload_travels_in_marshal():
    cfg = options.apply_to_config(_config(), options.parse(cap_add=["SYS_PTRACE"], ulimits=["core=0"]))
    sec = payload.for_init(cfg)
    assert marshal.loads(marshal.dumps(sec)) == sec
    assert sec["caps"]["effective"] == capabilities.mask(list(capabilities.DEFAULT) + ["CAP_SYS_PTRACE"])
    assert sec["rlimits"] == [(4, 0, 0, "core")]
    assert sec["seccomp"]["digest"].startswith("sha256:") and len(sec["seccomp"]["bpf"]) % 8 == 0
    opts = options.parse(security_opt=["seccomp=unconfined"])
    unconfined = payload.for_init(options.apply_to_config(_config(), opts))
    assert unconfined["seccomp"] is None

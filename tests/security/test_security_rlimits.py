"""--ulimit: Docker's syntax, validated on the runtime side (never above the
engine's own hard limit), applied for real in a throwaway process."""
import resource

import pytest

from common.errors import InvalidArgument
from services.runtime.security import options, payload, rlimits
from tests.support import security_child

ROOT = {"uid": 0, "gid": 0}
INF = rlimits.INFINITY


def _one_line(exc) -> str:
    text = str(exc.value)
    assert exc.value.code == "INVALID_ARGUMENT" and "\n" not in text, text
    return text


def test_docker_syntax():
    assert rlimits.parse("nofile=1024:2048") == {"type": "RLIMIT_NOFILE", "soft": 1024, "hard": 2048}
    assert rlimits.parse("core=0") == {"type": "RLIMIT_CORE", "soft": 0, "hard": 0}
    assert rlimits.parse("memlock=-1:unlimited") == {"type": "RLIMIT_MEMLOCK", "soft": INF, "hard": INF}
    # The last one of a type wins, as in Docker.
    assert rlimits.parse_all(["nofile=100", "nofile=200:300"]) == [{"type": "RLIMIT_NOFILE", "soft": 200, "hard": 300}]


@pytest.mark.parametrize("spec,needle", [
    ("nofile", "invalid ulimit argument: nofile (expected name=soft[:hard])"),
    ("nofile=", "expected name=soft[:hard]"),
    ("nofile=10:", "expected name=soft[:hard]"),
    ("bogus=1", 'invalid ulimit type: bogus (unknown limit "bogus"'),
    ("nofile=-5", "negative limit -5"),
    ("nproc=lots", '"lots" is not a number'),
    ("nofile=2048:1024", "soft limit 2048 is above the hard limit 1024"),
    ("stack=99999999999999999999999", "beyond the largest limit"),
])
def test_bad_ulimit_is_one_clear_line(spec, needle):
    with pytest.raises(InvalidArgument) as exc:
        options.parse(ulimits=[spec])
    line = _one_line(exc)
    assert needle in line and spec.split("=")[0] in line


def test_hard_limit_above_the_engines_is_refused():
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    with pytest.raises(InvalidArgument) as exc:
        options.parse(ulimits=[f"nofile=64:{hard + 1}"])
    assert "CAP_SYS_RESOURCE" in _one_line(exc)
    with pytest.raises(InvalidArgument) as exc:
        options.parse(ulimits=["nofile=unlimited"])
    _one_line(exc)


def test_ulimits_in_the_oci_config_and_in_the_process():
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    cfg = {"process": {"user": ROOT}, "linux": {}}
    options.apply_to_config(cfg, options.parse(ulimits=[f"nofile=512:{min(hard, 4096)}", "core=0"]))
    assert {"type": "RLIMIT_NOFILE", "soft": 512, "hard": min(hard, 4096)} in cfg["process"]["rlimits"]
    rep = security_child.run(payload.for_init(cfg), ROOT, ["nofile"])
    assert rep["probes"]["nofile"] == f"512:{min(hard, 4096)}"


def test_init_never_raises_a_hard_limit():
    # Past the runtime side's check (a config written by another tool):
    # the init refuses before changing anything.
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY:
        pytest.skip("no finite hard limit to exceed")
    sec = payload.for_init({"process": {"user": ROOT}, "linux": {}})
    sec["rlimits"] = [(resource.RLIMIT_NOFILE, 64, hard + 1, "nofile")]
    rep = security_child.run(sec, ROOT, ["nofile"])
    assert rep["errno"] == "EPERM"
    assert "cannot raise the hard limit" in rep["error"] and "nofile" in rep["error"]

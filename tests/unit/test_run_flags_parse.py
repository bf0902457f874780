"""How the run/create flags beyond the limits are read, without a stack:
--mount, --expose, --device, --device-cgroup-rule, --detach-keys,
--platform, --label-file, --pid/--ipc/--uts — Docker's forms accepted,
its words for the others."""
import pytest

from common.errors import InvalidArgument
from common.resources import device_mapping, device_rule
from doca.runtime.v1 import runtime_pb2 as rpb
from doca.v1 import containers_pb2 as pb
from gateway.api import mount_flag, ports, spec as specs
from gateway.api.spec import VolumeSpec
from gateway.cli import convert


def test_mount_forms(tmp_path):
    assert mount_flag.parse(f"type=bind,source={tmp_path},target=/b,readonly") == VolumeSpec(str(tmp_path), "/b", True)
    assert mount_flag.parse(f"type=bind,src={tmp_path},dst=/b,ro=false") == VolumeSpec(str(tmp_path), "/b", False)
    assert mount_flag.parse("source=data,target=/v,volume-nocopy") == VolumeSpec("data", "/v", False, copy=False)
    assert mount_flag.parse("type=volume,target=/v") == VolumeSpec("", "/v")
    tmpfs = mount_flag.parse("type=tmpfs,target=/t,tmpfs-size=1m,tmpfs-mode=1770")
    assert isinstance(tmpfs, rpb.Mount) and tmpfs.type == "tmpfs"
    assert list(tmpfs.options) == ["rw", "noexec", "nosuid", "nodev", "rprivate", "size=1024k", "mode=1770"]


@pytest.mark.parametrize("text, words", [
    ("type=bind,source=/x", "target is required"),
    ("type=bind,source=/x,target=/b,foo=bar", "unexpected key 'foo' in 'foo=bar'"),
    ("type=bogus,target=/b", 'invalid mount config for type "bogus": mount type unknown'),
    ("type=bind,target=/b", "field Source must not be empty"),
    ("type=bind,source=/nonexistent-h4-unit,target=/b", "bind source path does not exist: /nonexistent-h4-unit"),
    ("source=/etc,target=/b", "includes invalid characters for a local volume name"),
    ("type=tmpfs,source=x,target=/t", "field Source must not be specified"),
    ("type=volume,target=/v,tmpfs-size=1m", "cannot mix 'tmpfs-size' options with mount type 'volume'"),
    ("type=bind,source=/etc,target=/b,readonly=maybe", "invalid value for readonly: maybe"),
])
def test_mount_refused_in_dockers_words(text, words):
    with pytest.raises(InvalidArgument) as e:
        mount_flag.parse(text)
    assert words in e.value.message


def test_expose():
    assert ports.expose_flag("80") == ["80/tcp"]
    assert ports.expose_flag("90-92/UDP") == ["90/udp", "91/udp", "92/udp"]
    for text, words in (("abc", 'parsing "abc": invalid syntax'), ("70000", "value out of range"),
                        ("9-3", "invalid range")):
        with pytest.raises(InvalidArgument) as e:
            ports.expose_flag(text)
        assert f"invalid range format for --expose: {text}" in e.value.message and words in e.value.message


def test_devices_and_rules():
    assert device_mapping("/dev/a") == ("/dev/a", "/dev/a", "rwm")
    assert device_mapping("/dev/a:r") == ("/dev/a", "/dev/a", "r")
    assert device_mapping("/dev/a:/dev/b") == ("/dev/a", "/dev/b", "rwm")
    assert device_mapping("/dev/a:/dev/b:mw") == ("/dev/a", "/dev/b", "mw")
    assert device_rule("c 1:3 mr") == ("c", 1, 3, "mr")
    assert device_rule("b *:* m") == ("b", None, None, "m")
    for bad, words in (("/dev/a:/dev/b:rx", "bad mode specified: rx"), ("/dev/a:rel", "rel is not an absolute path"),
                       ("a:b:c:d", "bad format for path")):
        with pytest.raises(InvalidArgument) as e:
            device_mapping(bad)
        assert words in e.value.message
    for bad in ("x 1:3 mr", "c 1:3", "c 1:3 rwmx"):
        with pytest.raises(InvalidArgument, match="invalid device cgroup format"):
            device_rule(bad)


def test_detach_keys():
    assert convert.detach_keys("") is None
    assert convert.detach_keys("ctrl-p,ctrl-q") == b"\x10\x11"
    assert convert.detach_keys("ctrl-x,y,ctrl-@,ctrl-_") == b"\x18y\x00\x1f"
    with pytest.raises(convert.UsageError, match=r"Invalid detach keys \(ctrl-1\) provided"):
        convert.detach_keys("ctrl-1")


def test_platform():
    for ok in ("", "linux", "amd64", "linux/amd64", "linux/x86_64", "Linux/AMD64", "linux/amd64/v2"):
        convert.platform(ok, "busybox")
    with pytest.raises(convert.UsageError, match="does not match the specified platform: wanted linux/arm64"):
        convert.platform("linux/arm64", "busybox")
    with pytest.raises(convert.UsageError, match='error parsing specified platform: "bogus"'):
        convert.platform("bogus", "busybox")


def test_label_files(tmp_path):
    f = tmp_path / "labels"
    f.write_text("# c\n  a=1\n\nb=x=y\nbare\n")
    assert convert.label_files([str(f)]) == {"a": "1", "b": "x=y"}
    with pytest.raises(convert.UsageError, match="no such file or directory"):
        convert.label_files([str(tmp_path / "nosuch")])


@pytest.mark.parametrize("cfg, words", [
    (pb.ContainerConfig(pid="bogus"), "--pid: invalid PID mode"),
    (pb.ContainerConfig(uts="bogus"), "--uts: invalid UTS mode"),
    (pb.ContainerConfig(ipc="bogus"), "Invalid IPC mode: bogus"),
    (pb.ContainerConfig(uts="host", hostname="h"), "conflicting options: hostname and the UTS mode"),
])
def test_namespace_modes_refused(cfg, words):
    with pytest.raises(InvalidArgument) as e:
        specs.namespace_modes(cfg)
    assert words in e.value.message


def test_namespace_modes():
    assert specs.namespace_modes(pb.ContainerConfig()) == ("", "private", "")
    assert specs.namespace_modes(pb.ContainerConfig(pid="host", ipc="host", uts="host")) == ("host", "host", "host")


def test_log_drivers():
    assert specs.log_config({}, "").driver == "" and specs.log_config({}, "none").driver == "none"
    local = specs.log_config({}, "local")
    assert (local.driver, local.max_size, local.max_file) == ("local", 20 << 20, 5)
    with pytest.raises(InvalidArgument, match='plugin "bogus" not found'):
        specs.log_config({}, "bogus")
    with pytest.raises(InvalidArgument, match="invalid logging opts for driver none"):
        specs.log_config({"max-size": "1m"}, "none")

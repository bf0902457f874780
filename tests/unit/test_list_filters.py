"""Docker's list filters as the gateway evaluates them (gateway/api/list_filters.py):
keys and values checked with Docker's messages, OR within a key, AND across
keys, labels all-of, name/id as regular expressions, references as globs."""
import pytest

from common.errors import InvalidArgument
from gateway.api import list_filters as lf


def _ctr(**kw) -> dict:
    c = {"id": "ab" * 32, "name": "web", "labels": {}, "state": "exited", "exit_code": 0, "health": "",
         "image_id": "sha256:1", "mounts": [], "networks": [("none", "6e6f")], "published": [], "exposed": []}
    c.update(kw)
    return c


def _match(items, **kw) -> bool:
    f = lf.parse(items, lf.CONTAINER_KEYS)
    lf.check_container_values(f)
    return lf.container_matches(f, _ctr(**kw))


@pytest.mark.parametrize("items, message", [
    (["nosuch=1"], "invalid filter 'nosuch'"),
    (["status=foo"], "invalid filter 'status=foo'"),
    (["exited=x"], 'strconv.Atoi: parsing "x": invalid syntax'),
    (["health=ok"], "Unrecognised filter value for health: ok"),
    (["is-task=x"], "invalid filter 'is-task=[x]'"),
    (["publish=x"], 'parsing "x": invalid syntax'),
    (["name"], "bad format of filter"),
])
def test_bad_keys_and_values_refused_with_dockers_words(items, message):
    with pytest.raises(InvalidArgument, match=message.replace("[", r"\[").replace("(", r"\(")):
        f = lf.parse(items, lf.CONTAINER_KEYS)
        lf.check_container_values(f)


def test_one_key_twice_is_either_value():
    assert _match(["name=web", "name=db"])
    assert _match(["status=exited", "status=running"])
    assert not _match(["status=created", "status=running"])


def test_different_keys_must_all_match():
    assert _match(["name=web", "status=exited"])
    assert not _match(["name=web", "status=running"])


def test_labels_are_all_of():
    labels = {"a": "1", "b": "2"}
    assert _match(["label=a", "label=b=2"], labels=labels)
    assert not _match(["label=a", "label=c"], labels=labels)
    assert not _match(["label=a=9"], labels=labels)


def test_name_and_id_are_regular_expressions():
    assert _match(["name=^/web$"]) and _match(["name=e"]) and not _match(["name=^/we$"])
    assert _match(["id=abab"]) and not _match(["id=zz"])
    assert not _match(["name=["])  # does not compile: matches nothing, as Go's


def test_exited_needs_a_container_that_ran():
    assert _match(["exited=0"])
    assert not _match(["exited=0"], state="created")
    assert not _match(["exited=0"], state="running")
    assert _match(["exited=3", "exited=0"]) and not _match(["exited=3"])


def test_health_volume_network_ports():
    assert _match(["health=none"]) and not _match(["health=healthy"])
    assert _match(["health=healthy"], health="healthy")
    assert _match(["volume=data"], mounts=[("data", "/d")]) and _match(["volume=/d"], mounts=[("data", "/d")])
    assert not _match(["volume=other"], mounts=[("data", "/d")])
    assert _match(["network=none"]) and _match(["network=6e"]) and not _match(["network=bridge"])
    assert _match(["publish=8080"], published=[(8080, "tcp")]) and not _match(["publish=8080/udp"],
                                                                              published=[(8080, "tcp")])
    assert _match(["expose=79-81"], exposed=[(80, "tcp")])
    assert _match(["is-task=false"]) and not _match(["is-task=true"])


@pytest.mark.parametrize("pattern, tag, ok", [
    ("busybox", "busybox:latest", True), ("busy*", "busybox:latest", True), ("busybox:l*", "busybox:latest", True),
    ("*", "busybox:latest", True), ("*", "example.com/a/b:1", False), ("*/*/*", "example.com/a/b:1", True),
    ("busybox:1", "busybox:latest", False), ("bb", "busybox:latest", False),
    ("busybox", "docker.io/library/busybox:latest", True),
])
def test_reference_is_a_glob_on_name_and_tag(pattern, tag, ok):
    assert lf.reference_matches([pattern], tag) is ok


def test_volumes_and_networks():
    vf = lf.parse(["dangling=true", "driver=local"], lf.VOLUME_KEYS)
    assert lf.volume_matches(vf, {"name": "v", "driver": "local", "labels": {}, "used": False})
    assert not lf.volume_matches(vf, {"name": "v", "driver": "local", "labels": {}, "used": True})
    with pytest.raises(InvalidArgument, match=r"invalid filter 'dangling=\[maybe\]'"):
        lf.boolean(lf.parse(["dangling=maybe"], lf.VOLUME_KEYS), "dangling")
    with pytest.raises(InvalidArgument, match=r"invalid filter 'dangling=\[1\]'"):  # images: true/false only
        lf.boolean(lf.parse(["dangling=1"], lf.IMAGE_KEYS), "dangling", yes=("true",), no=("false",))
    nf = lf.parse(["type=builtin"], lf.NETWORK_KEYS)
    lf.check_network_values(nf)
    assert lf.network_matches(nf, {"id": "1", "name": "none", "driver": "null", "labels": {}})
    assert not lf.network_matches(nf, {"id": "2", "name": "mine", "driver": "bridge", "labels": {}})
    with pytest.raises(InvalidArgument, match="invalid filter: 'type'='x'"):
        lf.check_network_values(lf.parse(["type=x"], lf.NETWORK_KEYS))

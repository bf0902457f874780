"""Unit tests of services/images/reference.py (Docker's reference grammar)."""
import pytest

from common.errors import InvalidArgument
from common import reference

HEX = "a" * 64


@pytest.mark.parametrize("text, familiar, full", [
    ("busybox", "busybox:latest", "docker.io/library/busybox"),
    ("busybox:1.36", "busybox:1.36", "docker.io/library/busybox"),
    ("library/busybox", "busybox:latest", "docker.io/library/busybox"),
    ("docker.io/library/busybox:musl", "busybox:musl", "docker.io/library/busybox"),
    ("index.docker.io/library/busybox", "busybox:latest", "docker.io/library/busybox"),
    ("docker.io/foo/bar", "foo/bar:latest", "docker.io/foo/bar"),
    ("foo/bar/baz:v1.0-rc_1", "foo/bar/baz:v1.0-rc_1", "docker.io/foo/bar/baz"),
    ("localhost/app", "localhost/app:latest", "localhost/app"),
    ("localhost:5000/app:2", "localhost:5000/app:2", "localhost:5000/app"),
    ("registry.example.com:443/team/app", "registry.example.com:443/team/app:latest",
     "registry.example.com:443/team/app"),
    ("my-app__x.y", "my-app__x.y:latest", "docker.io/library/my-app__x.y"),
    (f"busybox@sha256:{HEX}", f"busybox@sha256:{HEX}", "docker.io/library/busybox"),
    (f"busybox:1@sha256:{HEX}", f"busybox:1@sha256:{HEX}", "docker.io/library/busybox"),
])
def test_parse_and_normalise(text, familiar, full):
    ref = reference.parse(text)
    assert str(ref) == familiar
    assert ref.full_name == full


@pytest.mark.parametrize("text", [
    "", "Busybox", "busybox:", ":tag", "a b", "busybox:-x", "busybox:" + "t" * 129,
    "foo//bar", "-foo", "foo-", "foo@sha256:abc", "foo@md5:" + "a" * 32, HEX, "bad host:1/x",
    "x/" * 130 + "y",
])
def test_invalid(text):
    with pytest.raises(InvalidArgument, match="invalid reference format"):
        reference.parse(text)


def test_uppercase_message_says_lowercase():
    with pytest.raises(InvalidArgument, match="must be lowercase"):
        reference.parse("MyApp")


def test_id_forms():
    assert reference.looks_like_id(HEX) and reference.looks_like_id("sha256:" + HEX)
    assert not reference.looks_like_id(HEX[:63])
    assert reference.looks_like_id_prefix("abcd") and reference.looks_like_id_prefix("sha256:abcd")
    assert not reference.looks_like_id_prefix("abc") and not reference.looks_like_id_prefix("abcg")
    assert reference.id_hex("sha256:" + HEX) == HEX

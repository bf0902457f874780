"""/_ping, /version, /info and the face's HTTP: version negotiation, errors."""
import json

import pytest

from tests.docker.ptys import raw


def test_ping_negotiates_the_newest_version(api):
    assert api.ping() is True
    assert api.api_version == "1.50"


def test_version_and_info_as_docker_shapes_them(api):
    v = api.version()
    assert v["ApiVersion"] == "1.50" and v["MinAPIVersion"] == "1.41"
    assert v["Os"] == "linux" and v["Arch"] == "amd64"
    info = api.info()
    assert isinstance(info["Containers"], int) and info["Images"] >= 1  # ints, not 1.0
    assert info["CgroupDriver"] == "cgroupfs"


def test_docker_cli_version(docker_cli):
    out = docker_cli("version", "--format", "{{.Server.APIVersion}} {{.Server.MinAPIVersion}}").stdout
    assert out.split() == ["1.50", "1.41"]


@pytest.mark.parametrize("version, word", [("1.40", "too old"), ("1.99", "too new")])
def test_a_version_out_of_range_is_refused(stack, version, word):
    head, body = raw(stack, f"GET /v{version}/version HTTP/1.1\r\nHost: d\r\nConnection: close\r\n\r\n".encode())
    assert head.startswith(b"HTTP/1.1 400 ")
    assert word in json.loads(body)["message"]


def test_unknown_endpoint_is_page_not_found(stack):
    head, body = raw(stack, b"GET /v1.41/nothing/here HTTP/1.1\r\nHost: d\r\nConnection: close\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 404 ")
    assert json.loads(body) == {"message": "page not found"}


def test_garbage_is_a_bad_request_and_the_face_goes_on(stack, api):
    head, _ = raw(stack, b"NOT HTTP AT ALL\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ")
    assert api.ping() is True

"""The Engine API's filters JSON as doca.v1's KEY=VALUE items (gateway/docker/filters.py)."""
import pytest

from gateway.docker import filters
from gateway.docker.errors import ApiError
from gateway.docker.http import Query, Request


def _req(text: str) -> Request:
    from urllib.parse import quote
    return Request("GET", "/containers/json", Query("filters=" + quote(text)), {}, "1.50")


def test_both_json_forms():
    assert filters.items(_req('{"name": {"web": true, "db": false}, "label": ["a=1"]}')) == ["name=web", "label=a=1"]
    assert filters.items(_req("")) == []


@pytest.mark.parametrize("text, words", [("[1]", "not a JSON object"), ("{", "unexpected EOF"),
                                         ('{"name": 3}', "not a list or an object")])
def test_malformed_is_a_400(text, words):
    with pytest.raises(ApiError) as e:
        filters.items(_req(text))
    assert e.value.status == 400 and words in e.value.message

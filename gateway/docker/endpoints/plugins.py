"""GET /plugins and /plugins/{name}/json: doca has no plugins (its volume
and network drivers are built in), so `docker plugin ls` lists none and an
inspect is Docker's 404, not "page not found"."""
from gateway.docker.endpoints.volumes import filter_items
from gateway.docker.errors import ApiError
from gateway.docker.http import json_response
from gateway.docker.router import route

FILTER_KEYS = ("capability", "enable")  # Docker's plugin filters


@route("GET", "/plugins")
def list_plugins(req, backend):
    for item in filter_items(req):
        key = item.partition("=")[0]
        if key not in FILTER_KEYS:
            raise ApiError(400, f"invalid filter '{key}'")
    return json_response([])


@route("GET", "/plugins/{name:.*}/json")
def inspect(req, backend):
    raise ApiError(404, f'plugin "{req.params["name"]}" not found')

"""Routes of the Docker Engine API: (method, path pattern) -> handler.
Endpoint modules register with @route; patterns use Docker's own spelling:
{id} is one path segment, {name:.*} may hold slashes (image names)."""
import re
from typing import Callable

from gateway.docker.errors import ApiError

_ROUTES: list[tuple[str, re.Pattern, Callable]] = []


def _compile(pattern: str) -> re.Pattern:
    def group(m: re.Match) -> str:
        name, _, rx = m.group(1).partition(":")
        return f"(?P<{name}>{'.+' if rx == '.*' else '[^/]+'})"
    return re.compile("^" + re.sub(r"\{([^}]+)\}", group, pattern) + "$")


def route(method: str, pattern: str):
    """Registers the decorated handler(request, backend) for method+pattern."""
    def register(fn: Callable) -> Callable:
        _ROUTES.append((method, _compile(pattern), fn))
        return fn
    return register


def find(method: str, path: str) -> tuple[Callable, dict[str, str]]:
    """The handler and path parameters; 404 as Docker's for an unknown path."""
    if method == "HEAD":  # HEAD is GET without a body, unless a route says otherwise
        methods = ("HEAD", "GET")
    else:
        methods = (method,)
    for want in methods:
        for m, rx, fn in _ROUTES:
            if m == want:
                hit = rx.match(path)
                if hit:
                    return fn, hit.groupdict()
    raise ApiError(404, "page not found")


def routes() -> list[tuple[str, str]]:
    return [(m, rx.pattern) for m, rx, _ in _ROUTES]

"""The registry side of one images service: its insecure-registries
and registry-mirrors settings (read once, at start) and its record of blob
sources, with pull, push and login as calls that report into a Progress."""
import weakref

from common import mirrors as common_mirrors
from services.images.registry import auth, hosts, login, pull, push
from services.images.registry.progress import Progress
from services.images.registry.sources import Sources

_by_service: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


class Registries:
    def __init__(self, svc, policy: hosts.InsecurePolicy | None = None, mirrors: str = ""):
        self.svc = svc
        self.policy = policy or hosts.InsecurePolicy()
        self.mirrors = common_mirrors.parse(mirrors)  # registry name -> its mirrors, for pulls
        self.sources = Sources(svc.state)

    def pull(self, text: str, creds: auth.Credentials, progress: Progress) -> None:
        pull.pull(self, text, creds, progress)

    def push(self, text: str, creds: auth.Credentials, progress: Progress) -> None:
        push.push(self, text, creds, progress)

    def login(self, server: str, creds: auth.Credentials) -> str:
        return login.login(self, server, creds)


def for_service(svc) -> Registries:
    reg = _by_service.get(svc)
    if reg is None:
        reg = _by_service[svc] = Registries(svc)
    return reg


def configure(svc, mirrors: str) -> Registries:
    """At start: the service's registries with the daemon's settings (a bad
    mirrors value raises common.mirrors.MirrorError, one line)."""
    reg = _by_service[svc] = Registries(svc, mirrors=mirrors)
    return reg

"""The images a build names (FROM, COPY --from) that the store lacks are
pulled from their registries first, as Docker does; with --pull, every one
named by a tag is pulled again (a newer one may be there). Each reference
is pulled at most once per build.

Credentials: the client sends those of the registries its Dockerfile names
(Docker's CLI sends its auth configs with a build); keys are registry
domains as references name them ("127.0.0.1:5000", "docker.io").

The pull's progress becomes status lines of the build, one per change
("<layer>: Pull complete"), without the byte counters. A client that goes
away stops the pull (cancel), as it stops a RUN.
"""
from common.errors import InvalidArgument, NotFound
from common import reference
from services.images.build import events
from services.images.registry.auth import Credentials
from services.images.registry.progress import Progress
from services.images.registry.service import for_service


def registry_key(text: str) -> str:
    """A registry as a client may name it ("https://index.docker.io/v1/",
    "127.0.0.1:5000") -> the domain a parsed reference has."""
    for prefix in ("https://", "http://"):
        if text.startswith(prefix):
            text = text[len(prefix):]
    text = text.split("/", 1)[0].lower()
    if not text or text in reference.LEGACY_DOMAINS:
        return reference.DEFAULT_DOMAIN
    return text


class Puller:
    def __init__(self, svc, auths: dict, always: bool, emit):
        self.svc = svc
        self.auths = {registry_key(k): v for k, v in auths.items()}
        self.always = always
        self.emit = emit
        self.progress = Progress(self._event)
        self._done: set[str] = set()

    def cancel(self) -> None:
        self.progress.cancel()

    def ensure(self, text: str) -> None:
        """Pulls the image `text` names when it should be (see above);
        raises the pull's error (naming the registry)."""
        if reference.looks_like_id(text):
            return  # an id is never pulled: the store has it or nobody does
        try:
            ref = reference.parse(text)
        except InvalidArgument:
            return  # resolving it says what is wrong (or finds an id prefix)
        if str(ref) in self._done:
            return
        with self.svc.lock:
            try:
                by_tag = self.svc.resolve(text).ref is not None
            except NotFound:
                by_tag = present = False
            else:
                present = True
        if present and not (self.always and by_tag):
            return  # found by a digest or an id: the same content wherever it is
        self._done.add(str(ref))
        creds = self.auths.get(ref.domain) or Credentials()
        for_service(self.svc).pull(text, creds, self.progress)

    def _event(self, e) -> None:
        if e.image_id or e.reference:  # the last one: the result
            self.emit(events.Status(f"Digest: {e.digest}"))
            self.emit(events.Status(f"Status: {e.status}"))
        elif not e.total:  # byte counters left out: a line per change of status
            self.emit(events.Status(f"{e.id}: {e.status}" if e.id else e.status))

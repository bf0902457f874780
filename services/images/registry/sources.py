"""Where each blob is known to be: digest -> "host/repository" names, learnt
from pulls and pushes. A push to another repository of the same registry
asks it to mount the blob from one of these instead of uploading it
(Docker keeps the same record, its "v2 metadata").

    registry-sources.json: {"sha256:...": ["127.0.0.1:5000/app", ...]}

A hint only: losing it costs an upload, never correctness, so it is
written without fsync."""
import pathlib
import threading

from common import atomic

FILE = "registry-sources.json"
KEEP = 8  # repositories remembered per blob, newest last


class Sources:
    def __init__(self, state_dir: pathlib.Path):
        self.path = pathlib.Path(state_dir) / FILE
        self._lock = threading.Lock()
        self._map: dict[str, list[str]] = {}
        data = atomic.read_json(self.path, default={}) or {}
        if isinstance(data, dict):
            self._map = {k: [r for r in v if isinstance(r, str)] for k, v in data.items() if isinstance(v, list)}

    def add(self, host: str, repo: str, blob_digests, keep=None) -> None:
        """Records the blobs in host/repo; `keep`: digests still stored
        (others are forgotten on the way)."""
        name = f"{host}/{repo}"
        with self._lock:
            for d in blob_digests:
                names = [n for n in self._map.get(d, []) if n != name] + [name]
                self._map[d] = names[-KEEP:]
            if keep is not None:
                self._map = {d: v for d, v in self._map.items() if keep(d)}
            atomic.write_json(self.path, self._map, durable=False)

    def elsewhere(self, host: str, repo: str, digest: str) -> list[str]:
        """Other repositories of the same registry known to hold the blob."""
        prefix = host + "/"
        with self._lock:
            names = list(self._map.get(digest, []))
        return [n[len(prefix):] for n in reversed(names) if n.startswith(prefix) and n != prefix + repo]

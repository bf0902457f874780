"""Sandboxes: what the network service knows of a container beyond its
endpoints (Docker's word for a container's network settings).

<state>/sandboxes/<id>.json: {"name", "hostname", "netns_path",
  "requested": [binding...], "ports": [binding...] (host ports as held),
  "exposed": ["8000/tcp"...], "primary": network the ports lead to,
  "released": true while the container is stopped (its "ports" then empty:
  nothing held, no rule; HoldPorts takes "requested" again)}
<state>/hosts/<id>: the container's /etc/hosts (see hostsfile).

Prepare makes the record before the container exists (ports held, hosts
file ready for the bind mount); Detach removes both.

A change that frees (a release of ports, a detach) needs no space: on a full
disk the record is changed in memory and written when there is room
(common/unwritten.py); a service restarted before that reads the older
record (a released container's ports held again, until its next stop).
"""
import pathlib

from common import atomic, validate
from common.unwritten import Unwritten

from services.network import hostsfile


def check_id(container_id: str) -> str:
    """Ids name files here (the gateway's 64 hex digits, or a short word):
    one path component, matched whole (common.validate.key). Every path
    below is made through it: Detach of '../x' once deleted a file outside."""
    return validate.key(container_id, "container_id")


class SandboxStore:
    def __init__(self, state_dir: pathlib.Path, unwritten: Unwritten | None = None):
        self.unwritten = unwritten
        self.dir = pathlib.Path(state_dir) / "sandboxes"
        self.hosts_dir = pathlib.Path(state_dir) / "hosts"
        # Its /etc/hostname and /etc/resolv.conf, written once at prepare.
        self.hostname_dir = pathlib.Path(state_dir) / "hostname"
        self.resolv_dir = pathlib.Path(state_dir) / "resolv"
        for d in (self.dir, self.hosts_dir, self.hostname_dir, self.resolv_dir):
            d.mkdir(parents=True, exist_ok=True)
        atomic.remove_temporaries(self.dir)
        self._records: dict[str, dict] = {}
        for path in sorted(self.dir.glob("*.json")):
            rec = atomic.read_json(path)
            if rec is not None:
                self._records[path.stem] = rec

    def hosts_path(self, cid: str) -> pathlib.Path:
        return self.hosts_dir / check_id(cid)

    def hostname_path(self, cid: str) -> pathlib.Path:
        return self.hostname_dir / check_id(cid)

    def resolv_path(self, cid: str) -> pathlib.Path:
        return self.resolv_dir / check_id(cid)

    def get(self, cid: str) -> dict | None:
        rec = self._records.get(cid)
        return dict(rec) if rec is not None else None

    def _path(self, cid: str) -> pathlib.Path:
        return self.dir / f"{check_id(cid)}.json"

    def put(self, cid: str, rec: dict, freeing: bool = False) -> None:
        """Records `rec`; not changed when it cannot be written, unless the
        change frees something (`freeing`): then a full disk keeps it in
        memory, written when there is room."""
        path = self._path(cid)
        old = self._records.get(cid)
        self._records[cid] = dict(rec)

        def write():
            if cid in self._records:  # else removed meanwhile: nothing to write
                atomic.write_json(path, self._records[cid])
        try:
            if self.unwritten is None:
                write()
            else:
                self.unwritten.write(str(path), write, freeing)
        except BaseException:
            if old is None:
                self._records.pop(cid, None)
            else:
                self._records[cid] = old
            raise

    def update(self, cid: str, freeing: bool = False, **changes) -> None:
        rec = self._records.get(cid)
        if rec is not None and any(rec.get(k) != v for k, v in changes.items()):
            self.put(cid, {**rec, **changes}, freeing=freeing)

    def remove(self, cid: str) -> bool:
        for path in (self.hosts_path(cid), self.hostname_path(cid), self.resolv_path(cid)):
            hostsfile.remove(path)
        if self.unwritten is not None:
            self.unwritten.discard(str(self._path(cid)))
        if self._records.pop(cid, None) is None:
            return False
        try:
            self._path(cid).unlink()
        except FileNotFoundError:
            pass
        return True

    def items(self) -> list[tuple[str, dict]]:
        return [(cid, dict(rec)) for cid, rec in sorted(self._records.items())]

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
"""
import pathlib

from common import atomic, validate

from services.network import hostsfile


def check_id(container_id: str) -> str:
    """Ids name files here (the gateway's 64 hex digits, or a short word):
    one path component, matched whole (common.validate.key). Every path
    below is made through it: Detach of '../x' once deleted a file outside."""
    return validate.key(container_id, "container_id")


class SandboxStore:
    def __init__(self, state_dir: pathlib.Path):
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

    def put(self, cid: str, rec: dict) -> None:
        atomic.write_json(self.dir / f"{check_id(cid)}.json", rec)
        self._records[cid] = dict(rec)

    def update(self, cid: str, **changes) -> None:
        rec = self._records.get(cid)
        if rec is not None and any(rec.get(k) != v for k, v in changes.items()):
            self.put(cid, {**rec, **changes})

    def remove(self, cid: str) -> bool:
        for path in (self.hosts_path(cid), self.hostname_path(cid), self.resolv_path(cid)):
            hostsfile.remove(path)
        if self._records.pop(cid, None) is None:
            return False
        try:
            (self.dir / f"{check_id(cid)}.json").unlink()
        except FileNotFoundError:
            pass
        return True

    def items(self) -> list[tuple[str, dict]]:
        return [(cid, dict(rec)) for cid, rec in sorted(self._records.items())]

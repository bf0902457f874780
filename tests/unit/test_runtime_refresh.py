"""The runtime's refresh() reconciles a record with its shim: a container
whose shim is gone without an exit.json is killed and recorded as exited.
A record a create has only reserved (its bundle being written, its shim not
launched yet) has no shim to lose: a look at it then (a `ps`, the gateway's
start-up sweep) must not kill the init being launched."""
import subprocess
import threading
import types

from services.runtime import exits
from services.runtime.runtime import Runtime
from services.runtime.store import Record

CID = "ab" * 32


def _runtime(tmp_path, monkeypatch):
    lost = []
    monkeypatch.setattr(exits, "lost_shim", lambda cgroups, cid: lost.append(cid) or (137, "shim lost"))
    fake = types.SimpleNamespace(store=types.SimpleNamespace(dir=lambda cid: tmp_path), lost_shims=threading.Lock(),
                                 cgroups=None, _record_exit=lambda rec, shim, code, error, at: rec)
    return fake, lost


def test_a_reserved_record_is_left_alone(tmp_path, monkeypatch):
    fake, lost = _runtime(tmp_path, monkeypatch)
    rec = Record(id=CID, name="being-made", spec=None)  # status "created", no shim yet
    assert Runtime.refresh(fake, rec) is rec
    assert lost == []


def test_a_launched_record_whose_shim_died_is_reconciled(tmp_path, monkeypatch):
    fake, lost = _runtime(tmp_path, monkeypatch)
    dead = subprocess.Popen(["true"])
    dead.wait()
    rec = Record(id=CID, name="orphan", spec=None, shim_pid=dead.pid, shim_start=1)
    Runtime.refresh(fake, rec)
    assert lost == [CID]

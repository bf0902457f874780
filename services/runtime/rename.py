"""docker rename: a new name for a container (its id, hostname and
everything else stay)."""
from common.errors import InvalidArgument
from services.runtime.state import RuntimeState
from services.runtime.store import NAME_RE, Record


class RenameMixin(RuntimeState):
    def rename(self, ref: str, new_name: str) -> Record:
        new = new_name[1:] if new_name.startswith("/") else new_name
        if not new or not ref:
            raise InvalidArgument("Neither old nor new names may be empty")
        rec = self.get(ref)
        if not NAME_RE.fullmatch(new):
            raise InvalidArgument(f"Invalid container name ({new}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed")
        if rec.name == new:
            raise InvalidArgument("Renaming a container with the same name as its current name")
        old = rec.name
        self.store.rename(rec, new)
        self.emit_container(rec, "rename", oldName=f"/{old}")
        return rec

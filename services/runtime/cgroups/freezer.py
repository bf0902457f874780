"""freezer (v1) and cgroup.freeze (v2): pause and resume every task."""
import os

from services.runtime.cgroups import base


class FreezerV1(base.Controller):
    name = "freezer"

    def freeze(self, path: str, timeout: float) -> None:
        state = os.path.join(path, "freezer.state")
        base.write(state, "FROZEN")
        # FREEZING until every task has stopped: poll the state, as runc does.
        base.wait_for(lambda: base.read(state).strip() == "FROZEN", "the freezer", timeout)

    def thaw(self, path: str, timeout: float) -> None:
        state = os.path.join(path, "freezer.state")
        base.write(state, "THAWED")
        base.wait_for(lambda: base.read(state).strip() == "THAWED", "the freezer to thaw", timeout)

    def frozen(self, path: str) -> bool:
        """Frozen or freezing; False when the cgroup is gone."""
        try:
            return base.read(os.path.join(path, "freezer.state")).strip() != "THAWED"
        except FileNotFoundError:
            return False


class FreezerV2(base.Controller):
    name = "freezer"
    enable = False  # cgroup.freeze is in every v2 cgroup

    def freeze(self, path: str, timeout: float) -> None:
        self._write(path, 1, timeout)

    def thaw(self, path: str, timeout: float) -> None:
        self._write(path, 0, timeout)

    def _write(self, path: str, value: int, timeout: float) -> None:
        base.write(os.path.join(path, "cgroup.freeze"), value)
        events = os.path.join(path, "cgroup.events")
        base.wait_for(lambda: base.read_key(events, "frozen") == value, "cgroup.freeze", timeout)

    def frozen(self, path: str) -> bool:
        try:
            return base.read(os.path.join(path, "cgroup.freeze")).strip() == "1"
        except FileNotFoundError:
            return False

"""devices (v1): which device nodes the container may open and create.
v2 has no file for it (runc attaches an eBPF program; doca does not yet)."""
import os

from services.runtime.cgroups import base


class DevicesV1(base.Controller):
    name = "devices"

    def allow(self, path: str, rules: list[dict]) -> None:
        """Applies OCI device rules (linux.resources.devices)."""
        from services.runtime.devices import v1_lines
        for name, line in v1_lines(rules):
            base.write(os.path.join(path, name), line)

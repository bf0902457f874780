"""RUN --mount: what doca supports of BuildKit's mounts.

- type=cache,target=PATH[,id=ID][,sharing=...][,mode=,uid=,gid=]: a
  directory kept across builds (under the service's state, one per id, by
  default per target), bound read-write. Its contents are not part of the
  layer nor of the step's cache key, as in BuildKit. `sharing` is accepted;
  concurrent builds share the directory (BuildKit's "shared").
- type=tmpfs,target=PATH[,size=BYTES]: an empty tmpfs for the step.

bind (from the context or a stage), secret and ssh mounts are refused with
a clear error: the context is a tar here, not a directory one could bind.
"""
import dataclasses
import hashlib
import os
import pathlib
import posixpath

from common.errors import InvalidArgument
from doca.runtime.v1 import runtime_pb2 as rpb

CACHE_DIR = "build-mounts"


@dataclasses.dataclass
class Mount:
    kind: str
    target: str
    options: dict

    def spec(self) -> list:
        """What the step's cache key keeps of it."""
        return [self.kind, self.target, sorted(self.options.items())]


MAX_ID = 2**31 - 1  # as Docker's range for uids and gids


def parse(text: str, workdir: str) -> Mount:
    fields = {}
    for part in text.split(","):
        key, eq, value = part.partition("=")
        key = key.strip().lower()
        if not key:
            continue
        fields[key] = value.strip() if eq else "true"
    kind = fields.pop("type", "bind")
    target = fields.pop("target", None) or fields.pop("dst", None) or fields.pop("destination", None)
    if kind not in ("cache", "tmpfs"):
        raise InvalidArgument(f"RUN --mount={text}: type={kind} mounts are not supported by doca yet "
                              "(cache and tmpfs are)")
    if not target:
        raise InvalidArgument(f"RUN --mount={text}: a target is required (target=/path)")
    target = posixpath.normpath(posixpath.join(workdir or "/", target))
    if target == "/":
        raise InvalidArgument(f"RUN --mount={text}: the target cannot be /")
    for key, digits, top in (("uid", "0123456789", MAX_ID), ("gid", "0123456789", MAX_ID),
                             ("mode", "01234567", 0o7777)):
        if key in fields and (not fields[key] or any(c not in digits for c in fields[key])):
            raise InvalidArgument(f"RUN --mount={text}: {key}={fields[key]}: expected a number")
        if key in fields and int(fields[key], 8 if key == "mode" else 10) > top:
            raise InvalidArgument(f"RUN --mount={text}: {key}={fields[key]}: at most "
                                  f"{oct(top)[2:] if key == 'mode' else top}")
    return Mount(kind, target, fields)


def runtime_mount(m: Mount, state_dir: pathlib.Path) -> rpb.Mount:
    if m.kind == "tmpfs":
        options = ["nosuid", "nodev"]
        if "size" in m.options:
            options.append(f"size={m.options['size']}")
        return rpb.Mount(destination=m.target, type="tmpfs", source="tmpfs", options=options)
    ident = m.options.get("id") or m.target
    path = state_dir / CACHE_DIR / hashlib.sha256(ident.encode()).hexdigest()[:32]
    if not path.is_dir():
        # Made under a temporary name and renamed whole: a failure half-way
        # must not leave a cache directory that later builds take as set up.
        tmp = path.with_name(path.name + ".new")
        tmp.mkdir(parents=True, exist_ok=True)
        os.chown(tmp, int(m.options.get("uid", "0")), int(m.options.get("gid", "0")))
        os.chmod(tmp, int(m.options.get("mode", "755"), 8))  # after chown, which clears setuid/setgid
        os.rename(tmp, path)
    return rpb.Mount(destination=m.target, type="bind", source=str(path), options=["rbind", "rprivate", "rw"])


def script_mount(path: pathlib.Path, destination: str) -> rpb.Mount:
    """A heredoc script, bound read-only where the RUN executes it."""
    return rpb.Mount(destination=destination, type="bind", source=str(path), options=["rbind", "ro"])

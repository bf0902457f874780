"""Seccomp profiles in Docker's JSON format -> OCI linux.seccomp (runtime
side).

The built-in profile (default.json, beside this file) and a user's
`--security-opt seccomp=PATH` go through the same loader. As Docker does,
rules are kept or left out by their `includes` / `excludes` (capabilities
in the container's bounding set, the host's architecture, the kernel's
version), the architecture list comes from `archMap` (the native entry and
its sub-architectures) or `architectures`, and what remains is plain OCI.

Every mistake in a profile is an InvalidArgument with one line naming the
place: `seccomp profile: syscalls[3].action: unknown action "SCMP_ACT_FOO"`.

default.json has the effect of Docker 29.4's profile (io_uring denied,
socket(AF_ALG) and socket(AF_VSOCK) denied, the mount/namespace/module/
clock/... calls only with the matching capability) with one deliberate
difference: add_key, keyctl and request_key stay denied (Docker allowed
them in 2025, once keyrings respected user namespaces; doca runs
containers without a user namespace).
"""
import json
import os
import pathlib
import platform

from common.errors import InvalidArgument

DEFAULT_PATH = pathlib.Path(__file__).with_name("default.json")

ACTIONS = ("SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",
           "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY")
OPERATORS = ("SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE",
             "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ")
ARCHES = ("SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_ARM", "SCMP_ARCH_AARCH64",
          "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL",
          "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64",
          "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390", "SCMP_ARCH_S390X", "SCMP_ARCH_PARISC",
          "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64")
FLAGS = ("SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW")

# uname -m -> (Docker's name for the arch in "includes"/"excludes", SCMP arch).
_MACHINES = {
    "x86_64": ("amd64", "SCMP_ARCH_X86_64"), "aarch64": ("arm64", "SCMP_ARCH_AARCH64"),
    "i686": ("x86", "SCMP_ARCH_X86"), "i386": ("x86", "SCMP_ARCH_X86"),
    "armv7l": ("arm", "SCMP_ARCH_ARM"), "ppc64le": ("ppc64le", "SCMP_ARCH_PPC64LE"),
    "s390x": ("s390x", "SCMP_ARCH_S390X"), "riscv64": ("riscv64", "SCMP_ARCH_RISCV64"),
    "mips64": ("mips64", "SCMP_ARCH_MIPS64"),
}


def native_arch() -> tuple[str, str]:
    """(Docker's arch name, SCMP arch) of this host."""
    machine = platform.machine()
    if machine not in _MACHINES:
        raise InvalidArgument(f"seccomp: unsupported host architecture {machine}")
    return _MACHINES[machine]


def kernel_version() -> tuple[int, int]:
    return _version(os.uname().release, "the running kernel")


def _version(text: str, where: str) -> tuple[int, int]:
    parts = str(text).split("-", 1)[0].split(".")
    try:
        return int(parts[0]), int(parts[1]) if len(parts) > 1 else 0
    except ValueError:
        raise InvalidArgument(f"seccomp profile: {where}: bad kernel version {text!r}") from None


def load(source, where: str = "seccomp profile") -> dict | None:
    """A Docker-format profile from a path, raw JSON text/bytes, or a dict.
    None when the profile names neither a default action nor any syscall
    (Docker treats that as no filter)."""
    if isinstance(source, dict):
        doc = source
    else:
        if isinstance(source, (str, pathlib.Path)) and not str(source).lstrip().startswith("{"):
            where = f"seccomp profile {source}"
            try:
                text = pathlib.Path(source).read_bytes()
            except OSError as e:
                raise InvalidArgument(f"{where}: cannot read it: {e.strerror}") from None
        else:
            text = source.encode() if isinstance(source, str) else bytes(source)
        try:
            doc = json.loads(text)
        except (ValueError, UnicodeDecodeError) as e:
            raise InvalidArgument(f"{where}: not valid JSON: {e}") from None
    if not isinstance(doc, dict):
        raise InvalidArgument(f"{where}: the top level must be a JSON object")
    _validate(doc, where)
    if not doc.get("defaultAction"):
        if not doc.get("syscalls"):
            return None
        raise InvalidArgument(f"{where}: defaultAction: missing (the action for every syscall not listed)")
    return doc


_default: dict | None = None


def load_default() -> dict:
    """The built-in profile, parsed once (callers must not modify it)."""
    global _default
    if _default is None:
        _default = load(DEFAULT_PATH)
    return _default


def _fail(where: str, path: str, what: str):
    raise InvalidArgument(f"{where}: {path}: {what}")


def _strings(value, where: str, path: str, allowed=None) -> list:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        _fail(where, path, "must be a list of strings")
    for v in value:
        if allowed is not None and v not in allowed:
            _fail(where, path, f'unknown value "{v}"')
    return value


def _errno(value, where: str, path: str) -> None:
    if value is not None and (not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 4095):
        _fail(where, path, "must be an errno number between 0 and 4095")


def _filter(value, where: str, path: str) -> None:
    if value is None:
        return
    if not isinstance(value, dict):
        _fail(where, path, "must be an object")
    _strings(value.get("caps"), where, f"{path}.caps")
    _strings(value.get("arches"), where, f"{path}.arches")
    if value.get("minKernel"):
        if not isinstance(value["minKernel"], str):
            _fail(where, f"{path}.minKernel", "must be a string like \"4.8\"")
        _version(value["minKernel"], f"{path}.minKernel")


def _validate(doc: dict, where: str) -> None:
    action = doc.get("defaultAction")
    if action is not None and action not in ACTIONS:
        _fail(where, "defaultAction", f'unknown action "{action}"')
    if action == "SCMP_ACT_NOTIFY":
        _fail(where, "defaultAction", "SCMP_ACT_NOTIFY cannot be the default action")
    _errno(doc.get("defaultErrnoRet"), where, "defaultErrnoRet")
    if doc.get("architectures") and doc.get("archMap"):
        _fail(where, "architectures", "give either 'architectures' or 'archMap', not both")
    _strings(doc.get("architectures"), where, "architectures", ARCHES)
    _strings(doc.get("flags"), where, "flags", FLAGS)
    arch_map = doc.get("archMap") or []
    if not isinstance(arch_map, list):
        _fail(where, "archMap", "must be a list")
    for i, entry in enumerate(arch_map):
        if not isinstance(entry, dict) or entry.get("architecture") not in ARCHES:
            _fail(where, f"archMap[{i}].architecture", f'unknown architecture "{(entry or {}).get("architecture")}"'
                  if isinstance(entry, dict) else "must be an object")
        _strings(entry.get("subArchitectures"), where, f"archMap[{i}].subArchitectures", ARCHES)
    syscalls = doc.get("syscalls") or []
    if not isinstance(syscalls, list):
        _fail(where, "syscalls", "must be a list")
    for i, call in enumerate(syscalls):
        path = f"syscalls[{i}]"
        if not isinstance(call, dict):
            _fail(where, path, "must be an object")
        if call.get("name") and call.get("names"):
            _fail(where, path, "give either 'name' or 'names', not both")
        names = [call["name"]] if call.get("name") else _strings(call.get("names"), where, f"{path}.names")
        if not names or not all(n.strip() for n in names):
            _fail(where, f"{path}.names", "needs at least one syscall name")
        if call.get("action") not in ACTIONS:
            _fail(where, f"{path}.action", f'unknown action "{call.get("action")}"')
        if call["action"] == "SCMP_ACT_NOTIFY":
            _fail(where, f"{path}.action", "SCMP_ACT_NOTIFY needs a seccomp agent, which doca does not have")
        _errno(call.get("errnoRet"), where, f"{path}.errnoRet")
        args = call.get("args") or []
        if not isinstance(args, list):
            _fail(where, f"{path}.args", "must be a list")
        if len(args) > 6:
            _fail(where, f"{path}.args", "a syscall has at most 6 arguments")
        for j, arg in enumerate(args):
            apath = f"{path}.args[{j}]"
            if not isinstance(arg, dict):
                _fail(where, apath, "must be an object")
            index = arg.get("index")
            if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index <= 5:
                _fail(where, f"{apath}.index", "must be an argument index from 0 to 5")
            for key in ("value", "valueTwo"):
                v = arg.get(key, 0)
                if not isinstance(v, int) or isinstance(v, bool) or not 0 <= v < 2**64:
                    _fail(where, f"{apath}.{key}", "must be an unsigned 64-bit number")
            if arg.get("op") not in OPERATORS:
                _fail(where, f"{apath}.op", f'unknown operator "{arg.get("op")}"')
        _filter(call.get("includes"), where, f"{path}.includes")
        _filter(call.get("excludes"), where, f"{path}.excludes")


def to_oci(doc: dict | None, bounding: list[str], arch: tuple[str, str] | None = None,
           kernel: tuple[int, int] | None = None) -> dict | None:
    """Docker's conversion: the rules that apply to this container on this
    host, in OCI's linux.seccomp form. `bounding` is the container's
    bounding capability set (what includes/excludes "caps" test)."""
    if doc is None:
        return None
    go_arch, scmp_arch = arch or native_arch()
    kernel = kernel or kernel_version()
    out: dict = {"defaultAction": doc["defaultAction"]}
    if doc.get("defaultErrnoRet") is not None:
        out["defaultErrnoRet"] = doc["defaultErrnoRet"]
    arches = list(doc.get("architectures") or [])
    for entry in doc.get("archMap") or []:
        if entry["architecture"] == scmp_arch:
            arches = [scmp_arch] + list(entry.get("subArchitectures") or [])
            break
    if arches:
        out["architectures"] = arches
    if doc.get("flags"):
        out["flags"] = list(doc["flags"])
    caps = set(bounding)
    syscalls = []
    for call in doc.get("syscalls") or []:
        inc, exc = call.get("includes") or {}, call.get("excludes") or {}
        if go_arch in (exc.get("arches") or ()):
            continue
        if any(c in caps for c in exc.get("caps") or ()):
            continue
        if exc.get("minKernel") and kernel >= _version(exc["minKernel"], "excludes.minKernel"):
            continue
        if inc.get("arches") and go_arch not in inc["arches"]:
            continue
        if any(c not in caps for c in inc.get("caps") or ()):
            continue
        if inc.get("minKernel") and kernel < _version(inc["minKernel"], "includes.minKernel"):
            continue
        rule = {"names": [call["name"]] if call.get("name") else list(call["names"]), "action": call["action"]}
        if call.get("errnoRet") is not None:
            rule["errnoRet"] = call["errnoRet"]
        if call.get("args"):
            rule["args"] = [{"index": a["index"], "value": a.get("value", 0), "valueTwo": a.get("valueTwo", 0),
                             "op": a["op"]} for a in call["args"]]
        syscalls.append(rule)
    out["syscalls"] = syscalls
    return out

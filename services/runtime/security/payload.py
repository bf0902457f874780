"""OCI config.json security fields -> what the init applies (runtime side).

The result holds only ints, bools, bytes, lists, tuples and dicts, so it
travels in shim.marshal; the init gives it to apply_linux.apply() as is:
capability names become bit masks, rlimit names resource numbers, and
linux.seccomp a compiled BPF program (seccomp_compile, cached by digest).
Works for any OCI config, not only those options.apply_to_config() wrote.
"""
from common.errors import InvalidArgument
from services.runtime.security import capabilities, rlimits
from services.runtime.security.seccomp_compile import Compiler

CAP_SETS = ("bounding", "effective", "permitted", "inheritable", "ambient")

_default_compiler: Compiler | None = None


def _compiler() -> Compiler:
    global _default_compiler
    if _default_compiler is None:
        _default_compiler = Compiler()
    return _default_compiler


def for_init(config: dict, compiler: Compiler | None = None) -> dict:
    process = config.get("process") or {}
    caps = process.get("capabilities")
    if caps is not None and not isinstance(caps, dict):
        raise InvalidArgument("process.capabilities must be an object")
    limits = list(process.get("rlimits") or [])
    rlimits.check(limits)
    policy = (config.get("linux") or {}).get("seccomp")
    program = (compiler or _compiler()).compile(policy) if policy else None
    return {
        "caps": None if caps is None else {k: capabilities.mask(caps.get(k)) for k in CAP_SETS},
        "last_cap": capabilities.last_cap(),
        "rlimits": rlimits.for_init(limits),
        "no_new_privs": bool(process.get("noNewPrivileges")),
        "seccomp": None if program is None else {"bpf": program.bpf, "flags": program.flags,
                                                 "digest": program.digest},
    }

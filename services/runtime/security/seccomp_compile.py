"""OCI linux.seccomp -> a classic BPF program, compiled once by libseccomp
(through pyseccomp) and cached by digest (runtime side).

The init only loads the bytes (seccomp_linux.load): no libseccomp, no JSON,
no rule walking at container start.

Two things are added in front of libseccomp's program, as runc does:
- syscalls newer than the libseccomp on this host (2.5.4 stops at
  futex_requeue) but named by the profile are matched by number
  (SUPPLEMENT), so the built-in profile allows mseal, statmount, ... on a
  new kernel exactly as Docker's does with a new libseccomp;
- syscalls numbered above every syscall the profile names get ENOSYS, not
  the default EPERM, so that a libc tries its fallback (clone3 -> clone,
  fchmodat2 -> fchmodat) on a kernel newer than the profile.
"""
import ctypes
import hashlib
import json
import os
import pathlib
import struct
import threading
import time
from dataclasses import dataclass

import pyseccomp

from common import atomic
from common.errors import InvalidArgument
from services.runtime.security import seccomp_profile

# Bumped when the output for a given OCI policy changes: part of the digest.
COMPILER_VERSION = 1
BPF_MAXINSNS = 4096

AUDIT_ARCH_X86_64 = 0xC000003E
AUDIT_ARCH_I386 = 0x40000003
X32_SYSCALL_BIT = 0x40000000

ARCHES = {
    "SCMP_ARCH_X86": pyseccomp.Arch.X86, "SCMP_ARCH_X86_64": pyseccomp.Arch.X86_64,
    "SCMP_ARCH_X32": pyseccomp.Arch.X32, "SCMP_ARCH_ARM": pyseccomp.Arch.ARM,
    "SCMP_ARCH_AARCH64": pyseccomp.Arch.AARCH64, "SCMP_ARCH_MIPS": pyseccomp.Arch.MIPS,
    "SCMP_ARCH_MIPS64": pyseccomp.Arch.MIPS64, "SCMP_ARCH_MIPS64N32": pyseccomp.Arch.MIPS64N32,
    "SCMP_ARCH_MIPSEL": pyseccomp.Arch.MIPSEL, "SCMP_ARCH_MIPSEL64": pyseccomp.Arch.MIPSEL64,
    "SCMP_ARCH_MIPSEL64N32": pyseccomp.Arch.MIPSEL64N32, "SCMP_ARCH_PPC": pyseccomp.Arch.PPC,
    "SCMP_ARCH_PPC64": pyseccomp.Arch.PPC64, "SCMP_ARCH_PPC64LE": pyseccomp.Arch.PPC64LE,
    "SCMP_ARCH_S390": pyseccomp.Arch.S390, "SCMP_ARCH_S390X": pyseccomp.Arch.S390X,
    "SCMP_ARCH_PARISC": pyseccomp.Arch.PARISC, "SCMP_ARCH_PARISC64": pyseccomp.Arch.PARISC64,
    "SCMP_ARCH_RISCV64": pyseccomp.Arch.RISCV64,
}
OPERATORS = {
    "SCMP_CMP_NE": pyseccomp.NE, "SCMP_CMP_LT": pyseccomp.LT, "SCMP_CMP_LE": pyseccomp.LE,
    "SCMP_CMP_EQ": pyseccomp.EQ, "SCMP_CMP_GE": pyseccomp.GE, "SCMP_CMP_GT": pyseccomp.GT,
    "SCMP_CMP_MASKED_EQ": pyseccomp.MASKED_EQ,
}
FLAGS = {"SECCOMP_FILTER_FLAG_TSYNC": 1, "SECCOMP_FILTER_FLAG_LOG": 2, "SECCOMP_FILTER_FLAG_SPEC_ALLOW": 4}
EPERM, ENOSYS = 1, 38

# x86_64 numbers of syscalls libseccomp 2.5.4 cannot name (Linux 6.8 to
# 6.17): (x86_64, i386 or None). From the kernel's syscall tables.
SUPPLEMENT = {
    "uretprobe": (335, None),
    "statmount": (457, 457), "listmount": (458, 458),
    "lsm_get_self_attr": (459, 459), "lsm_set_self_attr": (460, 460), "lsm_list_modules": (461, 461),
    "mseal": (462, 462),
    "setxattrat": (463, 463), "getxattrat": (464, 464), "listxattrat": (465, 465), "removexattrat": (466, 466),
    "open_tree_attr": (467, 467), "file_getattr": (468, 468), "file_setattr": (469, 469),
}

_lib = ctypes.CDLL(pyseccomp._libseccomp_path)
_lib.seccomp_syscall_resolve_name_arch.argtypes = (ctypes.c_uint32, ctypes.c_char_p)
_lib.seccomp_syscall_resolve_name_arch.restype = ctypes.c_int


class _Version(ctypes.Structure):
    _fields_ = [("major", ctypes.c_uint), ("minor", ctypes.c_uint), ("micro", ctypes.c_uint)]


_lib.seccomp_version.restype = ctypes.POINTER(_Version)
_v = _lib.seccomp_version().contents
LIBSECCOMP_VERSION = f"{_v.major}.{_v.minor}.{_v.micro}"


def resolve(name: str, arch: int = 0) -> int | None:
    """The syscall's number on `arch` (0: native) as libseccomp knows it; a
    negative pseudo number for a syscall the arch lacks; None if unknown."""
    nr = _lib.seccomp_syscall_resolve_name_arch(arch, name.encode())
    return None if nr == -1 else nr


_KNOWN_NAMES: set | None = None


def _known_names() -> set:
    """Names Docker's profiles use that may be unknown to this libseccomp
    and are then left out silently (as runc does); any other unknown name
    is a mistake in the profile."""
    global _KNOWN_NAMES
    if _KNOWN_NAMES is None:
        doc = json.loads(seccomp_profile.DEFAULT_PATH.read_bytes())
        _KNOWN_NAMES = {n for call in doc["syscalls"] for n in call.get("names", ())}
    return _KNOWN_NAMES


def check_names(doc: dict, where: str = "seccomp profile") -> None:
    """Every syscall a Docker-format profile names must be one libseccomp,
    SUPPLEMENT or Docker's own profile knows: a typo fails at once."""
    for i, call in enumerate(doc.get("syscalls") or ()):
        for name in [call["name"]] if call.get("name") else call.get("names") or ():
            if resolve(name) is None and name not in SUPPLEMENT and name not in _known_names():
                raise InvalidArgument(f'{where}: syscalls[{i}]: unknown syscall "{name}"')


def action(name: str, errno_ret, default_errno: int = EPERM) -> int:
    if name in ("SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD"):
        return pyseccomp.KILL_THREAD
    if name == "SCMP_ACT_KILL_PROCESS":
        return pyseccomp.KILL_PROCESS
    if name == "SCMP_ACT_TRAP":
        return pyseccomp.TRAP
    if name == "SCMP_ACT_ERRNO":
        return pyseccomp.ERRNO(default_errno if errno_ret is None else int(errno_ret))
    if name == "SCMP_ACT_TRACE":
        return pyseccomp.TRACE(EPERM if errno_ret is None else int(errno_ret))
    if name == "SCMP_ACT_ALLOW":
        return pyseccomp.ALLOW
    if name == "SCMP_ACT_LOG":
        return pyseccomp.LOG
    raise InvalidArgument(f'seccomp: action "{name}" is not supported')


@dataclass(frozen=True)
class Program:
    """A compiled filter: raw `struct sock_filter` array (host byte order)
    and the seccomp(2) flags to load it with."""
    digest: str
    bpf: bytes
    flags: int
    compile_seconds: float = 0.0

    @property
    def instructions(self) -> int:
        return len(self.bpf) // 8


def digest(policy: dict) -> str:
    canonical = json.dumps([COMPILER_VERSION, LIBSECCOMP_VERSION, os.uname().machine, policy],
                           sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


# -- the stub in front of libseccomp's program ------------------------------

def _insn(code: int, jt: int, jf: int, k: int) -> bytes:
    return struct.pack("=HBBI", code, jt, jf, k & 0xFFFFFFFF)


LD_ABS_W, JEQ, JGT, JSET, JA, RET = 0x20, 0x15, 0x25, 0x45, 0x05, 0x06
OFF_NR, OFF_ARCH = 0, 4


def _stub(sections: list[tuple[int, list[tuple[int, int]], int | None, int | None]]) -> bytes:
    """sections: (audit arch, [(nr, action)], enosys above this nr or None,
    x32 enosys above this nr or None). Jumps to labels are `ja` (32-bit
    offsets); conditional jumps only skip the next instruction."""
    items: list = []  # bytes, or ("ja", label), or ("label", name)
    items.append(_insn(LD_ABS_W, 0, 0, OFF_ARCH))
    for i, (audit, supplements, above, x32_above) in enumerate(sections):
        nxt = f"next{i}"
        items += [_insn(JEQ, 1, 0, audit), ("ja", nxt), _insn(LD_ABS_W, 0, 0, OFF_NR)]
        if audit == AUDIT_ARCH_X86_64:
            items += [_insn(JSET, 0, 1, X32_SYSCALL_BIT), ("ja", f"x32_{i}")]
        for nr, act in supplements:
            items += [_insn(JEQ, 0, 1, nr), _insn(RET, 0, 0, act)]
        if above is not None:
            items += [_insn(JGT, 0, 1, above), _insn(RET, 0, 0, pyseccomp.ERRNO(ENOSYS))]
        items.append(("ja", "orig"))
        if audit == AUDIT_ARCH_X86_64:
            items.append(("label", f"x32_{i}"))
            if x32_above is not None:
                items += [_insn(JGT, 0, 1, x32_above), _insn(RET, 0, 0, pyseccomp.ERRNO(ENOSYS))]
            items.append(("ja", "orig"))
        items.append(("label", nxt))
    items.append(("label", "orig"))
    labels, pos = {}, 0
    for it in items:
        if isinstance(it, tuple) and it[0] == "label":
            labels[it[1]] = pos
        else:
            pos += 1
    out, pos = [], 0
    for it in items:
        if isinstance(it, tuple):
            if it[0] == "ja":
                out.append(_insn(JA, 0, 0, labels[it[1]] - pos - 1))
                pos += 1
            continue
        out.append(it)
        pos += 1
    return b"".join(out)


# -- compilation --------------------------------------------------------------

def _export(f: pyseccomp.SyscallFilter) -> bytes:
    r, w = os.pipe()
    try:
        with os.fdopen(w, "wb", closefd=False) as wf:
            f.export_bpf(wf)
        os.close(w)
        w = -1
        chunks = []
        while chunk := os.read(r, 65536):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(r)
        if w >= 0:
            os.close(w)


def compile_policy(policy: dict) -> Program:
    """OCI linux.seccomp -> Program. InvalidArgument on a policy that
    cannot be compiled (unknown syscall, action, arch, flag)."""
    started = time.perf_counter()
    default_errno = policy.get("defaultErrnoRet")
    default = action(policy.get("defaultAction") or "", default_errno)
    default_is_allow = policy.get("defaultAction") in ("SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_TRACE")
    arch_names = list(dict.fromkeys(policy.get("architectures") or []))
    native = seccomp_profile.native_arch()[1]
    for a in arch_names:
        if a not in ARCHES:
            raise InvalidArgument(f'seccomp: unknown architecture "{a}"')
    f = pyseccomp.SyscallFilter(default)  # the native arch is always in (as with runc)
    for a in arch_names:
        if a != native:
            f.add_arch(ARCHES[a])
    flags = 0
    for flag in policy.get("flags") or ():
        if flag not in FLAGS:
            raise InvalidArgument(f'seccomp: unknown flag "{flag}"')
        flags |= FLAGS[flag]
    flags &= ~FLAGS["SECCOMP_FILTER_FLAG_TSYNC"]  # the init is single-threaded
    rules = policy.get("syscalls") or []
    if sum(len(r.get("names") or ()) for r in rules) > 32:
        f.set_attr(pyseccomp.Attr.CTL_OPTIMIZE, 2)  # binary tree, as runc does for long profiles
    arch_set = set(arch_names) | {native}
    x86_64 = "SCMP_ARCH_X86_64" in arch_set
    i386 = "SCMP_ARCH_X86" in arch_set
    x32 = "SCMP_ARCH_X32" in arch_set
    supp64: dict[int, int] = {}
    supp32: dict[int, int] = {}
    highest = {"x86_64": 0, "i386": 0, "x32": 0}
    for i, rule in enumerate(rules):
        act = action(rule.get("action") or "", rule.get("errnoRet"))
        for a in rule.get("args") or ():
            if a.get("op") not in OPERATORS or a.get("index") not in range(6):
                raise InvalidArgument(f'seccomp: syscalls[{i}]: bad argument condition {a}')
        args = [pyseccomp.Arg(a["index"], OPERATORS[a["op"]], a.get("value", 0), a.get("valueTwo", 0))
                for a in rule.get("args") or ()]
        for name in rule.get("names") or ():
            nr = resolve(name)
            if nr is None and name in SUPPLEMENT:
                nr64, nr32 = SUPPLEMENT[name]
                highest["x86_64"] = max(highest["x86_64"], nr64)
                highest["x32"] = max(highest["x32"], nr64 | X32_SYSCALL_BIT)
                if nr32 is not None:
                    highest["i386"] = max(highest["i386"], nr32)
                if act == default:
                    continue
                if args:
                    raise InvalidArgument(f'seccomp: syscalls[{i}]: "{name}" is newer than libseccomp '
                                          f"{LIBSECCOMP_VERSION}: argument conditions on it cannot be compiled")
                supp64.setdefault(nr64, act)
                if nr32 is not None:
                    supp32.setdefault(nr32, act)
                continue
            if nr is None:
                if name in _known_names():
                    continue  # a syscall of another arch or kernel: Docker leaves it out too
                raise InvalidArgument(f'seccomp: syscalls[{i}]: unknown syscall "{name}"')
            for key, arch in (("x86_64", pyseccomp.Arch.X86_64), ("i386", pyseccomp.Arch.X86),
                              ("x32", pyseccomp.Arch.X32)):
                n = resolve(name, arch)
                if n is not None and n >= 0:
                    highest[key] = max(highest[key], n)
            if act == default:
                continue
            try:
                if args and len({a["index"] for a in rule["args"]}) < len(args):
                    for arg in args:  # two conditions on one argument: each its own rule (runc's way)
                        f.add_rule(act, nr, arg)
                else:
                    f.add_rule(act, nr, *args)
            except OSError as e:
                raise InvalidArgument(f'seccomp: syscalls[{i}]: cannot add the rule for "{name}": '
                                      f"{e.strerror}") from None
    body = _export(f)
    if struct.unpack_from("=HBBI", body, 0)[::3] != (LD_ABS_W, OFF_ARCH):
        raise InvalidArgument("seccomp: libseccomp produced a program this compiler does not recognise")
    sections = []
    enosys = not default_is_allow
    if x86_64 and (supp64 or enosys):
        sections.append((AUDIT_ARCH_X86_64, sorted(supp64.items()),
                         highest["x86_64"] if enosys and highest["x86_64"] else None,
                         highest["x32"] if enosys and x32 and highest["x32"] else None))
    if i386 and (supp32 or enosys):
        sections.append((AUDIT_ARCH_I386, sorted(supp32.items()),
                         highest["i386"] if enosys and highest["i386"] else None, None))
    program = (_stub(sections) if sections else b"") + body
    if len(program) // 8 > BPF_MAXINSNS:
        raise InvalidArgument(f"seccomp: the profile compiles to {len(program) // 8} BPF instructions, "
                              f"more than the kernel's {BPF_MAXINSNS}")
    return Program(digest(policy), program, flags, time.perf_counter() - started)


class Compiler:
    """compile_policy() behind a cache keyed by the policy's digest: in
    memory, and in `cache_dir` (if given) as <hex>.bpf + <hex>.flags so a
    restarted runtime does not compile again."""

    def __init__(self, cache_dir: pathlib.Path | None = None, max_entries: int = 64):
        self.cache_dir = pathlib.Path(cache_dir) if cache_dir else None
        self.max_entries = max_entries
        self._memory: dict[str, Program] = {}
        self._lock = threading.Lock()
        if self.cache_dir:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            atomic.remove_temporaries(self.cache_dir)

    def compile(self, policy: dict) -> Program:
        key = digest(policy)
        with self._lock:
            hit = self._memory.get(key)
        if hit is not None:
            return hit
        program = self._read(key)
        if program is None:
            program = compile_policy(policy)
            self._write(program)
        with self._lock:
            if len(self._memory) >= self.max_entries:
                self._memory.pop(next(iter(self._memory)))
            self._memory[key] = program
        return program

    def _paths(self, key: str) -> tuple[pathlib.Path, pathlib.Path]:
        hexd = key.split(":", 1)[1]
        return self.cache_dir / f"{hexd}.bpf", self.cache_dir / f"{hexd}.flags"

    def _read(self, key: str) -> Program | None:
        if not self.cache_dir:
            return None
        bpf_path, flags_path = self._paths(key)
        try:
            bpf, flags = bpf_path.read_bytes(), int(flags_path.read_text())
        except (OSError, ValueError):
            return None
        if not bpf or len(bpf) % 8 or len(bpf) // 8 > BPF_MAXINSNS:
            return None
        return Program(key, bpf, flags)

    def _write(self, program: Program) -> None:
        if not self.cache_dir:
            return
        bpf_path, flags_path = self._paths(program.digest)
        # Derivable again from the policy: no fsync. Flags first, the
        # program last: a reader never sees a program without its flags.
        atomic.write_bytes(flags_path, str(program.flags).encode(), durable=False)
        atomic.write_bytes(bpf_path, program.bpf, durable=False)

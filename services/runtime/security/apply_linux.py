"""The container's process security, applied by the init right before
execve (init side: standard library + ctypes, nothing parsed here).

`sec` is what payload.for_init() built on the runtime side (marshal-able):
    {"caps": {"bounding", "effective", "permitted", "inheritable",
              "ambient": bit masks} or None (leave capabilities alone),
     "last_cap": int, "rlimits": [(resource, soft, hard, name)],
     "no_new_privs": bool, "seccomp": {"bpf": bytes, "flags": int} or None}

Order (apply() follows it; each step needs what the previous left):
  1. rlimits             - still root; a hard limit is never raised
  2. bounding set        - PR_CAPBSET_DROP needs CAP_SETPCAP: before the uid change
  3. seccomp, early      - only when no_new_privs is off: loading a filter
                           then needs CAP_SYS_ADMIN, gone after step 7
  4. keep caps           - PR_SET_KEEPCAPS 1 when the user is not root
  5. user                - setgroups, setresgid, setresuid
  6. keep caps off       - PR_SET_KEEPCAPS 0
  7. capset              - effective/permitted/inheritable; then ambient
  8. no_new_privs        - prctl(PR_SET_NO_NEW_PRIVS, 1)
  9. seccomp             - last, so the init's own steps are not filtered;
                           the caller's next system call must be execve

runc does 1-8 before waiting on the exec fifo (the fifo is 0622 for that
reason) and only 9 after it: apply(sec, user, defer_seccomp=True) before
the wait, then finish(sec) right before execve, does the same.
"""
import ctypes
import os
import time

from services.runtime.security import caps_linux, rlimits_linux, seccomp_linux

_libc = ctypes.CDLL(None, use_errno=True)
PR_SET_NO_NEW_PRIVS = 38


def set_user(user: dict) -> None:
    """OCI process.user: supplementary groups, gid, uid (in that order:
    after setresuid the process may no longer change its groups)."""
    uid, gid = int(user.get("uid", 0)), int(user.get("gid", 0))
    os.setgroups([int(g) for g in user.get("additionalGids", ())])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)


def no_new_privs() -> None:
    zero = ctypes.c_ulong(0)
    if _libc.prctl(PR_SET_NO_NEW_PRIVS, ctypes.c_ulong(1), zero, zero, zero) < 0:
        err = ctypes.get_errno()
        raise OSError(err, f"no_new_privs: {os.strerror(err)}")


def apply_caps(caps: dict, last: int) -> None:
    """Step 7: the three sets with capset, then the ambient set."""
    caps_linux.set_caps(caps.get("effective", 0), caps.get("permitted", 0), caps.get("inheritable", 0))
    if caps.get("ambient"):
        caps_linux.raise_ambient(caps["ambient"], last)


def finish(sec: dict) -> None:
    """Step 9 alone, for a caller that deferred it."""
    seccomp = sec.get("seccomp")
    if seccomp and sec.get("no_new_privs"):
        seccomp_linux.load(seccomp["bpf"], seccomp.get("flags", 0))


def apply(sec: dict, user: dict | None = None, switch_user=set_user, timings: dict | None = None,
          defer_seccomp: bool = False) -> None:
    """Steps 1-9 above (1-8 with defer_seccomp: finish() does 9). `user` is
    OCI process.user (None: stay who we are); `switch_user(user)` does step
    5. `timings`, if given, receives the seconds each step took. OSError on
    failure (the init reports it)."""
    clock = time.perf_counter
    t0 = clock()
    caps = sec.get("caps")
    last = sec.get("last_cap")
    if caps is not None and last is None:
        last = caps_linux.last_cap()
    seccomp = sec.get("seccomp")
    nnp = bool(sec.get("no_new_privs"))
    uid = int((user or {}).get("uid", 0))
    change = user is not None and caps is not None and uid != 0 and os.getuid() == 0
    marks = {}

    rlimits_linux.apply(sec.get("rlimits"))
    marks["rlimits"] = clock()
    if caps is not None:
        caps_linux.drop_bounding(caps.get("bounding", 0), last)
    marks["bounding"] = clock()
    if seccomp and not nnp:
        seccomp_linux.load(seccomp["bpf"], seccomp.get("flags", 0))
        marks["seccomp_early"] = clock()
    if user is not None:
        if change:
            caps_linux.keep_caps(True)
        switch_user(user)
        if change:
            caps_linux.keep_caps(False)
    marks["user"] = clock()
    if caps is not None:
        apply_caps(caps, last)
    marks["capset"] = clock()
    if nnp:
        no_new_privs()
    marks["no_new_privs"] = clock()
    if not defer_seccomp:
        finish(sec)
    marks["seccomp"] = clock()
    if timings is not None:
        prev = t0
        for step, t in marks.items():
            timings[step] = t - prev
            prev = t
        timings["total"] = prev - t0

"""Docker's default hardening for the executor: capabilities, no_new_privs,
seccomp, rlimits.

Two sides, kept apart on purpose:

- the runtime service (may import anything pinned, pyseccomp included) turns
  the user's options into OCI config.json fields, validates them
  (common.errors.InvalidArgument, one line) and compiles the seccomp policy
  to a classic BPF program once, cached by digest:
  `options` (Docker flags -> OCI fields), `capabilities`, `rlimits`,
  `seccomp_profile` (Docker's JSON format -> OCI linux.seccomp, with
  `default.json` as the built-in profile), `seccomp_compile` (OCI ->
  BPF bytes), `payload` (OCI config -> what the init needs, marshal-able);
- the container's init (standard library and ctypes only, nothing parsed at
  exec time): `apply_linux.apply()` and its pieces in `caps_linux`,
  `rlimits_linux`, `seccomp_linux`.

This file imports nothing: the init pulls in only the modules it uses.
"""

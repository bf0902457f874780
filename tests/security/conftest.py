"""Security boundaries: capabilities, seccomp, rlimits, paths and escapes,
hostile input and archives, the store's permissions, hardening."""

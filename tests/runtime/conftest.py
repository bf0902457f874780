"""The runtime service through a stack: container lifecycle, exec, attach, logs,
limits, stats, top, rename, diff, cp, export, health checks, user namespaces,
the shim and its zygote, live restore."""

"""doca's gateway server: doca.v1 on <run-dir>/doca.sock and /metrics,
composing the runtime, images, network and volumes services (started by
gateway/__main__.py; see README.md here)."""

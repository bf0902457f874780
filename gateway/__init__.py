"""doca's gateway: the one API (doca.v1), the CLI and the metrics."""

"""The doca.v1 gateway: errors and their codes, events, grpcurl, info, metrics
and Prometheus, TLS, the `doca daemon` supervisor, prune."""

"""The images service: its store, layers and leases, the overlay snapshots,
unpack, commit, save/load (and against the peers' docker)."""

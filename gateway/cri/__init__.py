"""doca-cri: the Kubernetes Container Runtime Interface (runtime.v1) on
<run dir>/cri.sock, a client of the gateway's doca.v1 (DESIGN.md)."""

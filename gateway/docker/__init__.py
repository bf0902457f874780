"""The Docker Engine API face: HTTP/1.1 on <run dir>/docker.sock, translated
onto doca.v1 (the gateway's API) so that the docker CLI, docker-compose, the
Docker SDK and testcontainers drive doca unchanged. A client of the gateway,
never a second engine: see DESIGN.md."""

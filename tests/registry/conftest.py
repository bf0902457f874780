"""Push and pull against a real registry (Debian's docker-registry on 127.0.0.1)
and a faulty one: distribution API, auth, digests, faults, streamed unpack."""

"""Where doca differs from docker today, grouped by the classes of issue 12:
case id -> what differs. Each of these cases is a strict xfail, so the list
stays true: a fix flips its case to XPASS, which fails until its line here
is removed. Accepted divergences (not doca's fault) are in DIVERGENCES.md,
not here."""


WRONG = {
    # -- listing, filters, formats
    "inspect-format-missing-deep-key": "inspect -f: a nested key the document lacks prints <no value> (docker: 'map has no entry for key', exit 1; doca cannot tell it from a field Docker's typed struct has but leaves out of its JSON)",
    # -- management commands
    # -- the process a container starts
    # -- state, exit codes, inspect
    # -- namespaces from elsewhere (tests/compat/cases/modes.py)
    "modes-net-container-stopped-create": "create --network container:X with X stopped: docker creates (it joins at start), doca's runtime makes the container's init at create and refuses: 'cannot join network of a non running container'",
    # -- messages
    "image-push-disable-content-trust": "push of an image that is not there: docker prints 'The push refers to repository [X]' on stdout before its error, doca only the error",
}

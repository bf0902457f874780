"""Where doca differs from docker today, grouped by the classes of issue 12:
case id -> what differs. Each of these cases is a strict xfail, so the list
stays true: a fix flips its case to XPASS, which fails until its line here
is removed. Accepted divergences (not doca's fault) are in DIVERGENCES.md,
not here."""


WRONG = {
    # -- listing, filters, formats
    # -- management commands
    # -- the process a container starts
    # -- state, exit codes, inspect
    # -- namespaces from elsewhere (tests/compat/cases/modes.py)
    # -- every verb's flags (tests/compat/cases/verb_flags.py)
    # -- messages
}

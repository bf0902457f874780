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
    "flags-builder-prune-filter": "builder prune --filter: doca's cache prune takes all of it and refuses a filter (exit 1); docker prunes what matches",
    "flags-network-create-attachable": "network create --attachable: unknown flag in doca (exit 125)",
    "flags-network-create-scope-local": "network create --scope: unknown flag in doca (exit 125)",
    "flags-network-create-ipam-driver": "network create --ipam-driver: unknown flag in doca (exit 125)",
    "flags-network-create-ip-range": "network create --ip-range: unknown flag in doca (exit 125)",
    "flags-network-create-aux-address": "network create --aux-address: unknown flag in doca (exit 125)",
    "flags-network-create-opt": "network create -o/--opt: unknown flag in doca (exit 125)",
    "flags-network-disconnect-f-missing": "network disconnect of a network and a container that are both missing: docker names the network ('network X not found'), doca the container",
    # -- messages
}

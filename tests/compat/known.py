"""Where doca differs from docker today, grouped by the classes of issue 12:
case id -> what differs. Each of these cases is a strict xfail, so the list
stays true: a fix flips its case to XPASS, which fails until its line here
is removed. Accepted divergences (not doca's fault) are in DIVERGENCES.md,
not here."""


WRONG = {
    # -- listing, filters, formats
    # -- management commands
    # -- the process a container starts
    "run-env-home-root": "HOME is not set from the user's passwd entry (docker: /root)",
    "run-env-list": "HOME missing from the container's environment",
    "run-id-root": "supplementary groups from the image's /etc/group missing (docker: groups=0(root),10(wheel))",
    "run-user-uid": "supplementary groups missing for -u UID (docker: groups=0(root))",
    "run-hostname-long": "/etc/hostname missing with --network none",
    "run-add-host": "--add-host not honoured with --network none (no entry in /etc/hosts)",
    "run-dns": "--dns not honoured with --network none (no /etc/resolv.conf)",
    "run-etc-hosts": "/etc/hosts lacks docker's ip6 lines (fe00::0 ip6-localnet, ff00::0 ip6-mcastprefix, ff02::1, ff02::2)",
    "run-no-new-privs": "no_new_privs set by default (docker: only with --security-opt no-new-privileges)",
    "run-user-group-names": "supplementary groups missing for -u USER:GROUP (docker: groups=65534(nogroup))",
    "inspect-config-env": "Config.Env: doca adds HOSTNAME and puts the user's variables after the image's (docker: user's first, no HOSTNAME)",
    # -- state, exit codes, inspect
    "pause-status": "a paused container reports State.Running false (docker: true)",
    "inspect-readonly": "HostConfig.ReadonlyRootfs missing",
    "inspect-privileged": "HostConfig.Privileged missing",
    "inspect-capadd": "HostConfig.CapAdd empty",
    "inspect-tmpfs": "HostConfig.Tmpfs empty",
    "inspect-extra-hosts": "HostConfig.ExtraHosts empty",
    "inspect-dns": "HostConfig.Dns empty",
    "exec-missing-cmd": "exec of a missing command exits 127 (docker 20.10: 126, message on stdout)",
    "network-inspect-none": "no 'none' network object: network inspect none fails",
    "create-missing-image": "a missing image exits 125 (docker: 1 after 'Unable to find image' and a failed pull)",
    # -- messages
    "update-no-flags": "update without a flag goes to the engine (docker's CLI: exit 1, 'you must provide one or more flags when using this command')",
    "inspect-bad-type": "inspect --type X with an unknown X is an argparse choice error, exit 125 (docker: exit 1, \"X\" is not a valid value for --type)",
}

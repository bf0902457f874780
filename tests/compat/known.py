"""Where doca differs from docker today, grouped by the classes of issue 12:
case id -> what differs. Each of these cases is a strict xfail, so the list
stays true: a fix flips its case to XPASS, which fails until its line here
is removed. Accepted divergences (not doca's fault) are in DIVERGENCES.md,
not here."""

FILTER = "ps/images/volume ls/network ls: --filter not implemented"
FORMAT_IGNORED = "--format not implemented (ignored or refused)"

WRONG = {
    # -- listing, filters, formats
    **dict.fromkeys(["run-rm-gone", "ps-filter-name", "ps-filter-status-exited", "ps-filter-status-running",
                     "ps-filter-exited-code", "ps-filter-label", "ps-filter-ancestor", "images-filter-reference",
                     "images-filter-dangling", "volume-ls-filter-name", "volume-ls-filter-dangling",
                     "network-ls-none"], FILTER),
    "ps-filter-bad-key": FILTER + " (docker: exit 1, \"invalid filter 'nosuchkey'\")",
    "images-filter-bad": FILTER + " (docker: exit 1, \"invalid filter 'nosuchkey'\")",
    "ps-last": "ps -l (--latest) not implemented",
    "ps-n": "ps -n (--last N) not implemented",
    "ps-size": "ps -s (--size) not implemented: `-as` is read as -a with a value",
    "images-repo-arg": "images REPO[:TAG] argument not implemented",
    "images-repo-arg-missing": "images REPO[:TAG] argument not implemented",
    "tag-and-list": "images REPO[:TAG] argument not implemented",
    "ps-a-exited": "ps COMMAND column: docker quotes the command as a shell would ('sh -c \\'echo...') and cuts it at 20 characters with …; doca joins the words unquoted",
    "ps-format-image-command": "ps .Command: not quoted nor truncated as docker's (\"sh -c 'echo one; ec…\")",
    "ps-format-labels": "ps .Labels is <no value> (docker: k=v,...)",
    "ps-format-label-fn": "ps template function .Label \"k\" missing",
    "history-format": FORMAT_IGNORED + ": history --format",
    "system-df-format": FORMAT_IGNORED + ": system df --format",
    "system-df-header": "system df: doca shows '0B (0%)' for containers and 'N/A' for volumes' reclaimable space (docker: '0B', '0B')",
    "version-client-api": FORMAT_IGNORED + ": version --format",
    "stats-no-stream-name": FORMAT_IGNORED + ": stats --format",
    "volume-create-driver-local": "volume create -d/--driver not implemented",
    "volume-create-bad-driver": "volume create -d/--driver not implemented (docker: exit 1, 'plugin \"X\" not found')",
    "version-server-os": FORMAT_IGNORED + ": version --format",
    "version-bad-template": FORMAT_IGNORED + ": version --format (docker: exit 64, template parsing error)",
    "info-bad-template": "info: a template that does not parse is printed as text, exit 0 (docker: exit 64, 'template parsing error')",
    "inspect-bad-template": "a template that does not parse is printed as text, exit 0 (docker: exit 64, 'template parsing error')",
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
    "rm-f-unknown": "rm -f of a missing container exits 1 (docker: 0, message on stderr)",
    "volume-rm-f-missing": "volume rm -f of a missing volume exits 1 (docker: 0, prints the name)",
    "pause-status": "a paused container reports State.Running false (docker: true)",
    "inspect-readonly": "HostConfig.ReadonlyRootfs missing",
    "inspect-privileged": "HostConfig.Privileged missing",
    "inspect-capadd": "HostConfig.CapAdd empty",
    "inspect-tmpfs": "HostConfig.Tmpfs empty",
    "inspect-extra-hosts": "HostConfig.ExtraHosts empty",
    "inspect-dns": "HostConfig.Dns empty",
    "rmi-f-missing": "rmi -f of a missing image exits 1 (docker: 0)",
    "exec-missing-cmd": "exec of a missing command exits 127 (docker 20.10: 126, message on stdout)",
    "network-inspect-none": "no 'none' network object: network inspect none fails",
    "create-missing-image": "a missing image exits 125 (docker: 1 after 'Unable to find image' and a failed pull)",
    # -- messages
    "update-no-flags": "update without a flag goes to the engine (docker's CLI: exit 1, 'you must provide one or more flags when using this command')",
    "inspect-bad-type": "inspect --type X with an unknown X is an argparse choice error, exit 125 (docker: exit 1, \"X\" is not a valid value for --type)",
    "network-rm-missing": "network rm of a missing network says 'network X not found' (docker: 'No such network: X')",
}

"""run/create's --annotation, -a, --cgroup-parent, --health-start-interval,
--storage-opt, --volume-driver, --userns, --ip6 and --link-local-ip (issue
12, H7): checked before create asks any service for anything (Docker's
daemon's words), then kept in the spec for the runtime and for inspect."""
import ipaddress

from common import validate
from common.errors import InvalidArgument, NotFound

STORAGE_OPT_REFUSED = "--storage-opt is supported only for overlay over xfs with 'pquota' mount option"


def check(cfg, mode: str) -> None:
    """`mode`: the network mode spec.network_mode() made of --network."""
    if cfg.storage_opt:
        # doca's overlay has no project quotas (no xfs pquota): Docker's overlay2 refuses every option then.
        raise InvalidArgument(STORAGE_OPT_REFUSED)
    if cfg.volume_driver not in ("", "local") and _named_volumes(cfg):
        raise NotFound(f'plugin "{cfg.volume_driver}" not found')
    validate.text(cfg.volume_driver, "--volume-driver")
    if cfg.userns not in ("", "host"):
        raise InvalidArgument("--userns: invalid USER mode")
    for key in cfg.annotations:
        validate.text(key, "--annotation key")
    _cgroup_parent(cfg.cgroup_parent)
    if cfg.ip6:
        try:
            ipaddress.IPv6Address(cfg.ip6)
        except ValueError:
            raise InvalidArgument(f"invalid IPv6 address: {validate.text(cfg.ip6, '--ip6')}") from None
        if mode != "none":
            raise InvalidArgument("doca's networks are IPv4 only: --ip6 has no IPv6 network to take an address from")
    for ip in cfg.link_local_ips:
        validate.text(ip, "--link-local-ip")
        if mode != "none":
            raise InvalidArgument("doca gives a container no link-local address (--link-local-ip)")


def _named_volumes(cfg) -> bool:
    """-v NAME:/path or -v /path (an anonymous volume): what the driver would
    make. A bind (an absolute source) is not a volume; --mount names its own."""
    for item in cfg.volumes:
        source, sep, _ = item.partition(":")
        if not sep or not source.startswith("/"):
            return True
    return False


def _cgroup_parent(text: str) -> None:
    if not text:
        return
    validate.text(text, "--cgroup-parent")
    parts = [p for p in text.split("/") if p]
    if not parts or any(p in (".", "..") for p in parts):
        raise InvalidArgument(f"invalid --cgroup-parent {validate.shown(text)}: a cgroup path without . or ..")


def healthcheck_start_interval(spec, cfg, duration_ns) -> None:
    """--health-start-interval on the check the other flags and the image made."""
    ns = duration_ns(cfg.health_start_interval, "--health-start-interval")
    if ns and 0 < ns < 1_000_000:
        raise InvalidArgument("StartInterval in Healthcheck cannot be less than 1ms")
    if ns and spec.healthcheck.test and spec.healthcheck.test[0] != "NONE":
        spec.healthcheck.start_interval = ns


def apply(spec, cfg, detached: bool) -> None:
    """What the runtime and inspect read from the spec."""
    spec.annotations.update(cfg.annotations)
    spec.attach.extend(s.lower() for s in cfg.attach)
    spec.cgroup_parent = cfg.cgroup_parent
    spec.volume_driver = cfg.volume_driver
    spec.userns_mode = cfg.userns
    if cfg.userns == "host":
        spec.ClearField("userns")  # the host's user namespace: no remapping
    spec.ip6 = cfg.ip6
    spec.link_local_ips.extend(cfg.link_local_ips)


def attach_flags(spec) -> tuple[bool, bool, bool]:
    """Docker's Config.AttachStdin/Stdout/Stderr: none when detached; else
    the -a streams, stdout and stderr when -a is not given, stdin with -i."""
    if spec.detached:
        return False, False, False
    given = set(spec.attach)
    return ("stdin" in given or spec.open_stdin, "stdout" in given or not given, "stderr" in given or not given)


def ipam_config(spec):
    """The none network's IPAMConfig: --ip6 and --link-local-ip as given (null without)."""
    out = {}
    if spec.ip6:
        out["IPv6Address"] = spec.ip6
    if spec.link_local_ips:
        out["LinkLocalIPs"] = list(spec.link_local_ips)
    return out or None

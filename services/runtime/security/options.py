"""Docker's security flags -> OCI config.json fields (runtime side).

    opts = options.parse(cap_add=["SYS_ADMIN"], security_opt=["seccomp=unconfined"],
                         ulimits=["nofile=1024:2048"])
    options.apply_to_config(config, opts)   # config from spec.build()

parse() validates everything the user typed (unknown capability, bad
--security-opt, malformed seccomp profile, bad --ulimit) and raises
common.errors.InvalidArgument with one line; apply_to_config() then fills
process.capabilities, process.noNewPrivileges, process.rlimits,
linux.seccomp (OCI form, or none) and, for --privileged or
systempaths=unconfined, empties linux.maskedPaths / readonlyPaths.
"""
from dataclasses import dataclass, field

from common.errors import InvalidArgument
from services.runtime.security import capabilities, rlimits, seccomp_compile, seccomp_profile

SECCOMP_DEFAULT = "builtin"
SECCOMP_UNCONFINED = "unconfined"


@dataclass
class SecurityOptions:
    cap_add: list[str] = field(default_factory=list)
    cap_drop: list[str] = field(default_factory=list)
    privileged: bool = False
    # "builtin", "unconfined", or a profile already loaded (Docker's format)
    seccomp: str = SECCOMP_DEFAULT
    seccomp_profile: dict | None = None
    no_new_privileges: bool = False  # Docker's default: off
    systempaths_unconfined: bool = False
    rlimits: list[dict] = field(default_factory=list)  # OCI process.rlimits


def _bool(key: str, value: str, opt: str) -> bool:
    v = value.strip().lower()
    if v in ("", "true", "1", "yes"):
        return True
    if v in ("false", "0", "no"):
        return False
    raise InvalidArgument(f'invalid --security-opt "{opt}": {key} takes true or false')


def parse_security_opt(opts, out: SecurityOptions) -> None:
    """Docker's --security-opt KEY=VALUE (or the older KEY:VALUE)."""
    for opt in opts or ():
        if not isinstance(opt, str) or not opt.strip():
            raise InvalidArgument("invalid --security-opt: empty option")
        if opt.strip() == "no-new-privileges":
            out.no_new_privileges = True
            continue
        key, sep, value = opt.partition("=")
        if not sep:
            key, sep, value = opt.partition(":")
        key = key.strip()
        if not sep:
            raise InvalidArgument(f'invalid --security-opt "{opt}": expected KEY=VALUE')
        if key == "seccomp":
            value = value.strip()
            if not value:
                raise InvalidArgument(f'invalid --security-opt "{opt}": seccomp needs "unconfined", '
                                      '"builtin" or a profile path')
            if value in (SECCOMP_UNCONFINED, SECCOMP_DEFAULT):
                out.seccomp, out.seccomp_profile = value, None
            else:
                # A path on the engine's host, or the profile's JSON itself
                # (what Docker's CLI sends after reading the file).
                out.seccomp = "custom"
                out.seccomp_profile = seccomp_profile.load(value)
                if out.seccomp_profile is None:
                    out.seccomp = SECCOMP_UNCONFINED
                else:
                    where = "seccomp profile" if value.startswith("{") else f"seccomp profile {value}"
                    seccomp_compile.check_names(out.seccomp_profile, where)
        elif key == "no-new-privileges":
            out.no_new_privileges = _bool(key, value, opt)
        elif key == "systempaths":
            if value.strip() != "unconfined":
                raise InvalidArgument(f'invalid --security-opt "{opt}": systempaths only takes "unconfined"')
            out.systempaths_unconfined = True
        elif key == "apparmor":
            if value.strip() != "unconfined":
                raise InvalidArgument(f'invalid --security-opt "{opt}": AppArmor profiles are not supported '
                                      '(only apparmor=unconfined)')
        elif key == "label":
            if value.strip() != "disable":
                raise InvalidArgument(f'invalid --security-opt "{opt}": SELinux labels are not supported '
                                      '(only label=disable)')
        else:
            raise InvalidArgument(f'invalid --security-opt "{opt}": unknown option "{key}"')


def parse(cap_add=(), cap_drop=(), privileged: bool = False, security_opt=(), ulimits=()) -> SecurityOptions:
    """Validated options; the capability set itself is checked here too."""
    out = SecurityOptions(cap_add=list(cap_add or ()), cap_drop=list(cap_drop or ()),
                          privileged=bool(privileged))
    capabilities.resolve(out.cap_add, out.cap_drop, out.privileged)
    parse_security_opt(security_opt, out)
    out.rlimits = rlimits.parse_all(ulimits)
    return out


def apply_to_config(config: dict, opts: SecurityOptions) -> dict:
    """Fills the OCI config's security fields in place (and returns it).
    The user (process.user.uid) must already be set: a non-root user gets
    only the bounding set, as Docker does."""
    process = config.setdefault("process", {})
    linux = config.setdefault("linux", {})
    uid = int(process.get("user", {}).get("uid", 0))
    caps = capabilities.resolve(opts.cap_add, opts.cap_drop, opts.privileged)
    process["capabilities"] = capabilities.oci(caps, uid)
    process["noNewPrivileges"] = bool(opts.no_new_privileges)
    if opts.rlimits:
        process["rlimits"] = [dict(r) for r in opts.rlimits]
    else:
        process.pop("rlimits", None)
    linux.pop("seccomp", None)
    if not opts.privileged and opts.seccomp != SECCOMP_UNCONFINED:
        doc = opts.seccomp_profile if opts.seccomp_profile is not None else seccomp_profile.load_default()
        policy = seccomp_profile.to_oci(doc, caps)
        if policy is not None:
            linux["seccomp"] = policy
    if opts.privileged or opts.systempaths_unconfined:
        linux["maskedPaths"] = []
        linux["readonlyPaths"] = []
    return config

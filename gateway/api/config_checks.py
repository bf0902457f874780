"""The words of a ContainerConfig that end up in file names, generated
files (/etc/hosts, /etc/hostname, /etc/resolv.conf) and system calls
(sethostname, setuid, chdir), checked by kind (common.validate) before
create asks any service for anything: a bad one fails with one line and
nothing to undo. Sizes and numbers are spec.py's and units.py's."""
from common import validate
from common.errors import InvalidArgument


def check(cfg) -> None:
    validate.image_ref(cfg.image)
    if cfg.name:
        validate.container_name(cfg.name)
    if cfg.hostname:
        validate.hostname(cfg.hostname)
    validate.user(cfg.user)
    validate.workdir(cfg.workdir)
    if cfg.network:
        validate.ref(cfg.network, "network")
    for alias in cfg.network_aliases:
        validate.hostname(alias, "network alias")
    for item in cfg.add_hosts:
        validate.hostname(item.partition(":")[0], "--add-host name")
    for domain in cfg.dns_search:
        validate.word(domain, "--dns-search domain")
    for option in cfg.dns_options:
        validate.word(option, "--dns-option")
    for opt in cfg.security_opt:
        validate.seccomp_option(opt)  # the profile's content: the engine opens no path a client names
    validate.text(cfg.stop_signal, "--stop-signal")
    validate.text(cfg.runtime, "--runtime")
    if cfg.cgroupns not in ("", "private", "host"):
        raise InvalidArgument(f"invalid --cgroupns value {validate.shown(cfg.cgroupns)}: use private or host")

"""Namespaces a container takes from elsewhere: --network host, --network
container:NAME, --pid/--ipc container:NAME (the donor a --network none
container), with Docker's conflicts and errors; --link, --mac-address and
--sig-proxy as Docker's CLI reads them. The compat dockerd runs without a
bridge, so no case needs one; a --network host container sends nothing."""
from tests.compat.case import case

RUN = "run --rm"
DONOR = "run -d --network none --name %m %i sleep 300"
SHAREABLE = "run -d --network none --ipc shareable --name %m %i sleep 300"
STOPPED = "create --network none --name %m %i sleep 300"
RM = "rm -f %n %m"
STOPPED_SHAREABLE = "create --network none --ipc shareable --name %m %i sleep 300"
JOINER = "create {} --name %n %i true"  # a container joining %m's namespaces, created
# both /proc/1 (the donor's init, its pid namespace joined) and self in one namespace of the kind
SAME = "sh -c '[ $(readlink /proc/1/ns/{0}) = $(readlink /proc/self/ns/{0}) ] && echo same {0}'"


def _insp(fmt: str) -> str:
    return f"inspect -f '{fmt}' %n"


CASES = [
    # --network host: the host's namespace and its files
    case("modes-net-host-ns", f"{RUN} --network host --pid host %i " + SAME.format("net")),
    case("modes-net-host-lo", f"{RUN} --network host %i sh -c 'ip -o -4 addr show lo | cut -d\" \" -f2-7'"),
    case("modes-net-host-hostname", f"{RUN} --network host %i hostname"),
    case("modes-net-host-hostname-file", f"{RUN} --network host %i cat /etc/hostname"),
    case("modes-net-host-hosts", f"{RUN} --network host %i cat /etc/hosts"),
    case("modes-net-host-resolv", f"{RUN} --network host %i cat /etc/resolv.conf"),
    case("modes-net-host-h", f"{RUN} --network host -h box %i hostname"),
    case("modes-net-host-add-host", f"{RUN} --network host --add-host db:10.9.8.7 %i cat /etc/hosts"),
    case("modes-net-host-dns", f"{RUN} --network host --dns 10.9.8.7 %i cat /etc/resolv.conf"),
    case("modes-net-host-publish", f"{RUN} --network host -p 8080:80 %i echo ran",
         says=("published ports are discarded when using host network mode",)),
    case("modes-net-host-mode", _insp("{{.HostConfig.NetworkMode}}"),
         setup="create --network host --name %n %i true", cleanup=RM),
    case("modes-net-host-config-hostname", _insp("{{.Config.Hostname}}"),
         setup="create --network host --name %n %i true", cleanup=RM),
    case("modes-net-host-ports", _insp("{{json .NetworkSettings.Ports}} {{.NetworkSettings.IPAddress}}"),
         setup="run -d --network host --name %n %i sleep 300", cleanup=RM),
    case("modes-net-host-networks", _insp("{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{$v.IPAddress}}"
                                          "{{$v.Gateway}}{{$v.MacAddress}};{{end}}"),
         setup="run -d --network host --name %n %i sleep 300", cleanup=RM),
    case("modes-net-host-endpoint", _insp("{{json .NetworkSettings.Networks}}"),
         setup="run -d --network host --name %n %i sleep 300", cleanup=RM),
    case("modes-net-host-stats", "stats --no-stream --format '{{.Name}} {{.NetIO}}' %n",
         setup="run -d --network host --name %n %i sleep 300", cleanup=RM),
    case("modes-net-host-exec", "exec %n hostname",
         setup="run -d --network host --name %n %i sleep 300", cleanup=RM),
    case("modes-network-inspect-host",
         "network inspect -f '{{.Name}} {{.Driver}} {{.Scope}} {{json .IPAM}} {{json .Options}} {{.Internal}}' host"),
    case("modes-network-inspect-host-containers",
         "network inspect -f '{{range .Containers}}{{.Name}} {{.IPv4Address}};{{end}}' host",
         setup="run -d --network host --name %n %i sleep 300", cleanup=RM),
    case("modes-network-inspect-host-endpoint",
         "network inspect -f '{{range .Containers}}{{.Name}} {{.EndpointID}} {{.MacAddress}};{{end}}' host",
         setup="run -d --network host --name %n %i sleep 300", cleanup=RM),
    case("modes-net-host-sysctl", f"{RUN} --network host --sysctl net.ipv4.ip_forward=1 %i true",
         says=("not allowed in host network namespace",)),

    case("modes-net-host-ps", "ps --format '{{.Names}} [{{.Networks}}] [{{.Ports}}]'",
         setup="run -d --network host --name %n %i sleep 300", cleanup=RM),
    case("modes-net-host-ps-filter", "ps --filter network=host --format '{{.Names}}'",
         setup="run -d --network host --name %n %i sleep 300", cleanup=RM),
    case("modes-net-host-connect", "network connect %v %n",
         setup=("network create %v", "run -d --network host --name %n %i sleep 300"), cleanup=(RM, "network rm %v"),
         says=("container sharing network namespace with another container or host cannot be connected",)),
    case("modes-net-host-disconnect", "network disconnect host %n",
         setup="run -d --network host --name %n %i sleep 300", cleanup=RM,
         says=("container cannot be disconnected from host network or connected to host network",)),
    # (the compat dockerd has no bridge network: the host one alone)
    case("modes-network-ls-host", "network ls --filter name=host --format '{{.Name}} {{.Driver}} {{.Scope}}'"),
    case("modes-network-ls-host-id", "network ls --filter driver=host -q"),

    # --network container:NAME
    case("modes-net-container-ps", "ps --format '{{.Names}} [{{.Networks}}] [{{.Ports}}]'",
         setup=(DONOR, "run -d --network container:%m --name %n %i sleep 300"), cleanup=RM),
    case("modes-net-container-connect", "network connect %v %n",
         setup=("network create %v", DONOR, "run -d --network container:%m --name %n %i sleep 300"),
         cleanup=(RM, "network rm %v"),
         says=("container sharing network namespace with another container or host cannot be connected",)),
    case("modes-net-container-ns", f"{RUN} --network container:%m --pid container:%m %i " + SAME.format("net"),
         setup=DONOR, cleanup=RM),
    case("modes-net-container-links", f"{RUN} --network container:%m %i sh -c 'ip -o link | cut -d: -f2'",
         setup=DONOR, cleanup=RM),
    case("modes-net-container-hostname", f"{RUN} --network container:%m %i hostname", setup=DONOR, cleanup=RM),
    case("modes-net-container-hosts", f"{RUN} --network container:%m %i cat /etc/hosts", setup=DONOR, cleanup=RM),
    case("modes-net-container-mode", _insp("{{.HostConfig.NetworkMode}}"),
         setup=(DONOR, "create --network container:%m --name %n %i true"), cleanup=RM),
    # Docker shows the donor's /etc files once the container has started, none before
    case("modes-net-container-created-etc", "inspect -f '{{if .HostsPath}}hosts{{else}}none{{end}} "
         "{{if .ResolvConfPath}}resolv{{else}}none{{end}}' %n",
         setup=(DONOR, "create --network container:%m --name %n %i true"), cleanup=RM),
    case("modes-net-container-running-etc", "inspect -f '{{if .HostsPath}}hosts{{else}}none{{end}} "
         "{{if .ResolvConfPath}}resolv{{else}}none{{end}}' %n",
         setup=(DONOR, "run -d --network container:%m --name %n %i sleep 300"), cleanup=RM),
    case("modes-net-container-settings", _insp("{{json .NetworkSettings.Networks}} {{json .NetworkSettings.Ports}}"),
         setup=(DONOR, "run -d --network container:%m --name %n %i sleep 300"), cleanup=RM),
    case("modes-net-container-exec", "exec %n ip -o link",
         setup=(DONOR, "run -d --network container:%m --name %n %i sleep 300"), cleanup=RM),
    case("modes-net-container-h", f"{RUN} --network container:%m -h box %i true", setup=DONOR, cleanup=RM,
         says=("conflicting options: hostname and the network mode",)),
    case("modes-net-container-dns", f"{RUN} --network container:%m --dns 10.9.8.7 %i true", setup=DONOR,
         cleanup=RM, says=("conflicting options: dns and the network mode",)),
    case("modes-net-container-add-host", f"{RUN} --network container:%m --add-host a:10.9.8.7 %i true",
         setup=DONOR, cleanup=RM, says=("conflicting options: custom host-to-ip mapping and the network mode",)),
    case("modes-net-container-publish", f"{RUN} --network container:%m -p 80 %i true", setup=DONOR, cleanup=RM,
         says=("conflicting options: port publishing and the container type network mode",)),
    case("modes-net-container-publish-all", f"{RUN} --network container:%m -P %i true", setup=DONOR,
         cleanup=RM, says=("conflicting options: port publishing and the container type network mode",)),
    case("modes-net-container-expose", f"{RUN} --network container:%m --expose 80 %i true", setup=DONOR,
         cleanup=RM, says=("conflicting options: port exposing and the container type network mode",)),
    case("modes-net-container-nosuch", f"{RUN} --network container:%m %i true", says=("no such container",)),
    case("modes-net-container-empty", f"{RUN} --network container: %i true",
         says=("invalid container format container:<name|id>",)),
    case("modes-net-container-chained", f"{RUN} --network container:%n %i sh -c 'ip -o link | cut -d: -f2'",
         setup=(DONOR, "run -d --network container:%m --name %n %i sleep 300"), cleanup=RM),
    case("modes-net-container-of-host", f"{RUN} --network container:%n %i hostname",
         setup="run -d --network host --name %n %i sleep 300", cleanup=RM),
    case("modes-net-container-stopped", f"{RUN} --network container:%m %i true", setup=STOPPED, cleanup=RM,
         says=("cannot join network of a non running container",)),
    case("modes-net-container-stopped-create", "create --network container:%m --name %n %i true",
         setup=STOPPED, cleanup=RM),
    # created while the donor is stopped: Docker joins at start (and checks the donor then)
    case("modes-net-container-stopped-create-state", _insp("{{.State.Status}} {{.State.Pid}} {{.State.ExitCode}}"),
         setup=(STOPPED, JOINER.format("--network container:%m")), cleanup=RM),
    case("modes-net-container-stopped-start", "start %n", setup=(STOPPED, JOINER.format("--network container:%m")),
         cleanup=RM, says=("cannot join network of a non running container",)),
    case("modes-net-container-stopped-start-attach", "start -a %n",
         setup=(STOPPED, JOINER.format("--network container:%m")), cleanup=RM,
         says=("cannot join network of a non running container",)),
    case("modes-net-container-stopped-stop", "stop %n", setup=(STOPPED, JOINER.format("--network container:%m")),
         cleanup=RM),
    case("modes-net-container-stopped-wait", "wait %n", setup=(STOPPED, JOINER.format("--network container:%m")),
         cleanup=RM),
    case("modes-net-container-stopped-rm", "rm %n", setup=(STOPPED, JOINER.format("--network container:%m")),
         cleanup=RM),
    case("modes-net-container-started-later", "start -a %n",
         setup=(STOPPED, "create --network container:%m --name %n %i sh -c 'ip -o link | cut -d: -f2'",
                "start %m"), cleanup=RM),
    case("modes-net-container-stopped-run-detach", "run -d --network container:%m %i true", setup=STOPPED,
         cleanup=RM, says=("cannot join network of a non running container",)),
    case("modes-pid-container-stopped-create", "create --network none --pid container:%m --name %n %i true",
         setup=STOPPED, cleanup=RM),
    case("modes-pid-container-stopped-start", "start %n",
         setup=(STOPPED, JOINER.format("--network none --pid container:%m")), cleanup=RM, says=("is not running",)),
    case("modes-pid-container-started-later", "start -a %n",
         setup=(STOPPED, "create --network none --pid container:%m --name %n %i sh -c 'ps -o comm | grep -c sleep'",
                "start %m"), cleanup=RM),
    case("modes-ipc-container-stopped-create", "create --network none --ipc container:%m --name %n %i true",
         setup=STOPPED_SHAREABLE, cleanup=RM),
    case("modes-ipc-container-stopped-start", "start %n",
         setup=(STOPPED_SHAREABLE, JOINER.format("--network none --ipc container:%m")), cleanup=RM,
         says=("can't join ipc of container", "is not running")),
    case("modes-ipc-container-private-create", _insp("{{.State.Status}}"),
         setup=(DONOR, JOINER.format("--network none --ipc container:%m")), cleanup=RM),
    case("modes-ipc-container-private-start", "start %n",
         setup=(DONOR, JOINER.format("--network none --ipc container:%m")), cleanup=RM,
         says=("non-shareable ipc",)),

    # --pid container:NAME
    case("modes-pid-container", f"{RUN} --network none --pid container:%m %i cat /proc/1/cmdline",
         setup=DONOR, cleanup=RM),
    case("modes-pid-container-ps", f"{RUN} --network none --pid container:%m %i sh -c 'ps -o comm | grep -c sleep'",
         setup=DONOR, cleanup=RM),
    case("modes-pid-container-mode", _insp("{{.HostConfig.PidMode}}"),
         setup=(DONOR, "create --network none --pid container:%m --name %n %i true"), cleanup=RM),
    case("modes-pid-container-exec", "exec %n sh -c 'ps -o comm | grep -c sleep'",
         setup=(DONOR, "run -d --network none --pid container:%m --name %n %i sleep 300"), cleanup=RM),
    case("modes-pid-container-nosuch", f"{RUN} --network none --pid container:%m %i true",
         says=("no such container",)),
    case("modes-pid-container-stopped", f"{RUN} --network none --pid container:%m %i true", setup=STOPPED,
         cleanup=RM, says=("is not running",)),

    # --ipc container:NAME (the donor must be shareable)
    case("modes-ipc-container", f"{RUN} --network none --pid container:%m --ipc container:%m %i "
         + SAME.format("ipc"), setup=SHAREABLE, cleanup=RM),
    case("modes-ipc-container-mode", _insp("{{.HostConfig.IpcMode}}"),
         setup=(SHAREABLE, "create --network none --ipc container:%m --name %n %i true"), cleanup=RM),
    case("modes-ipc-container-private", f"{RUN} --network none --ipc container:%m %i true", setup=DONOR,
         cleanup=RM, says=("non-shareable ipc",)),
    case("modes-ipc-container-nosuch", f"{RUN} --network none --ipc container:%m %i true",
         says=("no such container",)),

    # what only a user network takes
    case("modes-alias-host", f"{RUN} --network host --network-alias x %i true",
         says=("network-scoped aliases are only supported for user-defined networks",)),
    case("modes-alias-none", f"{RUN} --network none --network-alias x %i true",
         says=("network-scoped aliases are only supported for user-defined networks",)),
    case("modes-alias-container", f"{RUN} --network container:%m --network-alias x %i true",
         says=("network-scoped aliases are only supported for user-defined networks",)),
    case("modes-alias-user-net", f"{RUN} --network %v --network-alias x %i echo ran",
         setup="network create %v", cleanup="network rm %v"),
    case("modes-ip-host", f"{RUN} --network host --ip 10.1.2.3 %i true",
         says=("user specified ip address is supported on user defined networks only",)),
    case("modes-ip-none", f"{RUN} --network none --ip 10.1.2.3 %i true",
         says=("user specified ip address is supported on user defined networks only",)),
    case("modes-ip-container", f"{RUN} --network container:%m --ip 10.1.2.3 %i echo ran", setup=DONOR, cleanup=RM),
    case("modes-ipc-container-stopped", f"{RUN} --network none --ipc container:%m %i true",
         setup="create --network none --ipc shareable --name %m %i sleep 300", cleanup=RM,
         says=("can't join ipc of container", "is not running")),
    case("modes-net-container-sysctl", f"{RUN} --network container:%m --sysctl net.core.somaxconn=100 %i "
         "cat /proc/sys/net/core/somaxconn", setup=DONOR, cleanup=RM),
    case("modes-net-container-uts-host", f"{RUN} --network container:%m --uts host %i echo ran",
         setup=DONOR, cleanup=RM),

    # --link (legacy): only the default bridge or user networks take it
    case("modes-link-none", f"{RUN} --network none --link %m %i true", setup=DONOR, cleanup=RM,
         says=("links are only supported for user-defined networks",)),
    case("modes-link-host", f"{RUN} --network host --link %m %i true", setup=DONOR, cleanup=RM,
         says=("links are only supported for user-defined networks",)),
    case("modes-link-container", f"{RUN} --network container:%m --link %m %i true", setup=DONOR, cleanup=RM,
         says=("links are only supported for user-defined networks",)),

    # --mac-address
    case("modes-mac-none", f"{RUN} --network none --mac-address 02:42:ac:11:00:09 %i echo ran"),
    case("modes-mac-bad", f"{RUN} --network none --mac-address zz %i true", says=("zz is not a valid mac address",)),
    case("modes-mac-host", f"{RUN} --network host --mac-address 02:42:ac:11:00:09 %i true",
         says=("conflicting options: mac-address and the network mode",)),
    case("modes-mac-container", f"{RUN} --network container:%m --mac-address 02:42:ac:11:00:09 %i true",
         setup=DONOR, cleanup=RM, says=("conflicting options: mac-address and the network mode",)),
    case("modes-mac-inspect", _insp("{{.Config.MacAddress}}"),
         setup="create --network none --mac-address 02:42:ac:11:00:09 --name %n %i true", cleanup=RM),

    case("modes-mac-dashes", _insp("{{.Config.MacAddress}}"),
         setup="create --network none --mac-address 02-42-AC-11-00-09 --name %n %i true", cleanup=RM),
    case("modes-mac-dots", f"{RUN} --network none --mac-address 0242.ac11.0009 %i echo ran"),
    case("modes-mac-short", f"{RUN} --network none --mac-address 02:42:ac:11:00 %i true",
         says=("is not a valid mac address",)),
    case("modes-mac-user-net", f"{RUN} --network %v --mac-address 02:42:ac:11:00:09 %i "
         "sh -c 'ip link show eth0 | grep -o \"ether [^ ]*\"'",
         setup="network create %v", cleanup="network rm %v"),
    case("modes-mac-user-net-inspect", _insp("{{range .NetworkSettings.Networks}}{{.MacAddress}}{{end}}"),
         setup=("network create %v", "run -d --network %v --mac-address 02:42:ac:11:00:09 --name %n %i sleep 300"),
         cleanup=(RM, "network rm %v")),
    case("modes-link-user-net", f"{RUN} --network %v --link %m:al %i echo ran",
         setup=("network create %v", "run -d --network %v --name %m %i sleep 300"), cleanup=(RM, "network rm %v")),
    case("modes-link-user-net-nosuch", f"{RUN} --network %v --link %m %i echo ran",
         setup="network create %v", cleanup="network rm %v"),
    case("modes-link-user-net-endpoint", _insp("{{range .NetworkSettings.Networks}}{{json .Links}}{{end}}"),
         setup=("network create %v", "run -d --network %v --link %m:al --name %n %i sleep 300"),
         cleanup=(RM, "network rm %v")),
    case("modes-link-user-net-hostconfig", _insp("{{json .HostConfig.Links}}"),
         setup=("network create %v", "create --network %v --link %m:al --name %n %i true"),
         cleanup=(RM, "network rm %v")),

    # --sig-proxy
    case("modes-sig-proxy-false", f"{RUN} --network none --sig-proxy=false %i echo ran"),
    case("modes-sig-proxy-true", f"{RUN} --network none --sig-proxy=true %i echo ran"),
    case("modes-sig-proxy-bare", f"{RUN} --network none --sig-proxy %i echo ran"),
]

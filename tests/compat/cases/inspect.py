"""inspect: every field of Docker 20.10's container document a script
reads, with its zero values (null, [] and "" exactly as docker prints
them), a container's state, and the builtin none network."""
from tests.compat.case import case

RM = "rm -f %n"
C = "create --network none --name %n"


def hc(id: str, key: str, flags: str = "", fmt: str = "json") -> object:
    """A HostConfig field of a container created with `flags`."""
    template = f"{{{{json .HostConfig.{key}}}}}" if fmt == "json" else f"{{{{.HostConfig.{key}}}}}"
    return case(id, f"inspect -f '{template}' %n", setup=f"{C} {flags} %i true".replace("  ", " "), cleanup=RM)


def cfg(id: str, key: str, flags: str = "") -> object:
    return case(id, f"inspect -f '{{{{json .Config.{key}}}}}' %n", setup=f"{C} {flags} %i true".replace("  ", " "),
                cleanup=RM)


CASES = [
    # HostConfig: zero values of a plain create
    hc("inspect-hc-binds-none", "Binds"),
    hc("inspect-hc-capadd-none", "CapAdd"),
    hc("inspect-hc-capdrop-none", "CapDrop"),
    hc("inspect-hc-dns-none", "Dns"),
    hc("inspect-hc-dns-search-none", "DnsSearch"),
    hc("inspect-hc-dns-options-none", "DnsOptions"),
    hc("inspect-hc-extra-hosts-none", "ExtraHosts"),
    hc("inspect-hc-group-add-none", "GroupAdd"),
    hc("inspect-hc-security-opt-none", "SecurityOpt"),
    hc("inspect-hc-ulimits-none", "Ulimits"),
    hc("inspect-hc-log-config", "LogConfig"),
    hc("inspect-hc-restart-policy", "RestartPolicy"),
    hc("inspect-hc-port-bindings-none", "PortBindings"),
    hc("inspect-hc-privileged-false", "Privileged"),
    hc("inspect-hc-readonly-false", "ReadonlyRootfs"),
    hc("inspect-hc-publish-all-false", "PublishAllPorts"),
    hc("inspect-hc-ipc-mode", "IpcMode"),
    hc("inspect-hc-pid-mode", "PidMode"),
    hc("inspect-hc-uts-mode", "UTSMode"),
    hc("inspect-hc-links", "Links"),
    hc("inspect-hc-volumes-from", "VolumesFrom"),
    hc("inspect-hc-container-id-file", "ContainerIDFile"),
    hc("inspect-hc-readonly-paths", "ReadonlyPaths"),
    hc("inspect-hc-shm-size", "ShmSize"),
    hc("inspect-hc-console-size", "ConsoleSize"),
    hc("inspect-hc-tmpfs-none", "Tmpfs"),
    hc("inspect-hc-sysctls-none", "Sysctls"),
    hc("inspect-hc-init-none", "Init"),
    # HostConfig: what the flags put there
    hc("inspect-hc-capadd", "CapAdd", "--cap-add NET_ADMIN --cap-add SYS_TIME"),
    hc("inspect-hc-capdrop", "CapDrop", "--cap-drop CHOWN"),
    hc("inspect-hc-readonly", "ReadonlyRootfs", "--read-only"),
    hc("inspect-hc-tmpfs-options", "Tmpfs", "--tmpfs /t --tmpfs /u:size=1m,mode=1777"),
    hc("inspect-hc-extra-hosts", "ExtraHosts", "--add-host a:192.0.2.1 --add-host b:192.0.2.2"),
    hc("inspect-hc-dns", "Dns", "--dns 192.0.2.53"),
    hc("inspect-hc-dns-search", "DnsSearch", "--dns-search x.example"),
    hc("inspect-hc-dns-options", "DnsOptions", "--dns-option ndots:2"),
    hc("inspect-hc-group-add", "GroupAdd", "--group-add 5 --group-add tty"),
    hc("inspect-hc-security-opt", "SecurityOpt", "--security-opt no-new-privileges"),
    hc("inspect-hc-sysctls", "Sysctls", "--sysctl kernel.shmmax=1000000"),
    hc("inspect-hc-ulimits", "Ulimits", "--ulimit nofile=100:200"),
    hc("inspect-hc-init", "Init", "--init"),
    hc("inspect-hc-restart-on-failure", "RestartPolicy", "--restart on-failure:3"),
    hc("inspect-hc-log-opts", "LogConfig", "--log-opt max-size=1m --log-opt max-file=2"),
    hc("inspect-hc-binds-bind", "Binds", "-v /usr/share:/h:ro -v /anon"),
    hc("inspect-hc-auto-remove", "AutoRemove", "--rm"),
    # Config
    cfg("inspect-config-env-order", "Env", "-e Z=1"),  # one: docker 20.10 orders several -e at random
    cfg("inspect-config-env-tty", "Env", "-t"),
    cfg("inspect-config-domainname", "Domainname", "--domainname example.com"),
    cfg("inspect-config-volumes", "Volumes", "-v /anon -v /usr/share:/h"),
    cfg("inspect-config-volumes-none", "Volumes"),
    cfg("inspect-config-onbuild", "OnBuild"),
    cfg("inspect-config-attach-create", "AttachStdout"),
    cfg("inspect-config-attach-stdin", "AttachStdin", "-i"),
    cfg("inspect-config-stdin-once", "StdinOnce", "-i"),
    cfg("inspect-config-stop-signal", "StopSignal", "--stop-signal SIGINT"),
    cfg("inspect-config-stop-timeout", "StopTimeout", "--stop-timeout 5"),
    cfg("inspect-config-exposed-none", "ExposedPorts"),
    case("inspect-config-attach-detached", "inspect -f '{{.Config.AttachStdout}} {{.Config.AttachStderr}}' %n",
         setup="run -d --network none --name %n %i true", cleanup=RM),
    # Mounts as docker lists them
    case("inspect-mounts-volume-modes", "inspect -f '{{range .Mounts}}{{.Type}}:{{.Destination}}:{{.Mode}}:{{.RW}}:"
         "{{.Propagation}} {{end}}' %n", setup=f"{C} -v %v:/data %i true", cleanup=(RM, "volume rm -f %v")),
    case("inspect-mounts-bind", "inspect -f '{{json .Mounts}}' %n", setup=f"{C} -v /usr/share:/h:ro %i true",
         cleanup=RM),
    case("inspect-mounts-tmpfs-none", "inspect -f '{{json .Mounts}}' %n", setup=f"{C} --tmpfs /t %i true",
         cleanup=RM),
    # State and the document's other fields
    case("inspect-state-created", "inspect -f '{{json .State}}' %n", setup=f"{C} %i true", cleanup=RM),
    case("inspect-state-paused", "inspect -f '{{.State.Running}} {{.State.Paused}} {{if .State.Pid}}pid{{end}}' %n",
         setup=(f"run -d --network none --name %n %i sleep 60", "pause %n"), cleanup=RM),
    case("inspect-state-health", "inspect -f '{{.State.Health.Status}}' %n",
         setup=f"run -d --network none --name %n --health-cmd true --health-interval 1h %i sleep 60", cleanup=RM),
    case("inspect-exec-ids", "inspect -f '{{json .ExecIDs}}' %n", setup=f"{C} %i true", cleanup=RM),
    case("inspect-labels-empty", "inspect -f '{{.MountLabel}}|{{.ProcessLabel}}|{{.AppArmorProfile}}' %n",
         setup=f"{C} %i true", cleanup=RM),
    case("inspect-driver", "inspect -f '{{.Driver}} {{.GraphDriver.Name}}' %n", setup=f"{C} %i true", cleanup=RM),
    case("inspect-network-none", "inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{$v.IPAddress}}"
         "{{end}}' %n", setup=f"{C} %i true", cleanup=RM),
    case("inspect-network-settings-zero", "inspect -f '{{.NetworkSettings.IPAddress}}|{{.NetworkSettings.Gateway}}|"
         "{{json .NetworkSettings.Ports}}' %n", setup=f"{C} %i true", cleanup=RM),
    # the builtin none network
    case("network-inspect-none-ipam", "network inspect -f '{{json .IPAM}} {{.Scope}} {{.Internal}}' none"),
    case("network-inspect-none-containers", "network inspect -f '{{len .Containers}}' none"),
]
CASES += [
    # exec of what cannot start: Docker 20.10's 126 and runc's words on stdout
    case("exec-not-executable", "exec %n /etc", setup="run -d --network none --name %n %i sleep 60", cleanup=RM),
    case("exec-missing-workdir", "exec -w /nonexist %n pwd", setup="run -d --network none --name %n %i sleep 60",
         cleanup=RM),
    case("exec-detached-missing-cmd", "exec -d %n nosuchcmd", setup="run -d --network none --name %n %i sleep 60",
         cleanup=RM, says="executable file not found"),
    case("create-missing-image-pull", "create --network none --name %n 127.0.0.1:9/nosuchimage-compat:latest",
         cleanup=RM, says=("unable to find image", "connection refused")),
]
CASES += [
    # the image document
    case("image-inspect-config-json", "image inspect -f '{{json .Config}}' %i"),
    case("image-inspect-container-config", "image inspect -f '{{json .ContainerConfig}}' %i"),
    case("image-inspect-empty-fields", "image inspect -f '{{.Container}}|{{.DockerVersion}}|{{.Parent}}|{{.Author}}' %i"),
    case("image-inspect-graph-driver", "image inspect -f '{{.GraphDriver.Name}}' %i"),
    case("image-inspect-metadata", "image inspect -f '{{json .Metadata}}' %i"),
    case("image-inspect-created", "image inspect -f '{{.Created}}' %i"),
    # a container's document whole, its keys in Docker's order (values normalised)
    case("inspect-keys", "inspect -f '{{range $k, $v := .}}{{$k}} {{end}}' %n", setup=f"{C} %i true", cleanup=RM),
    case("inspect-created-format", "inspect -f '{{.Created}}' %n", setup=f"{C} %i true", cleanup=RM),
]
CASES += [
    case("exec-user-unknown", "exec -u nosuchuser %n true", setup="run -d --network none --name %n %i sleep 60",
         cleanup=RM),
    case("exec-detached-user-unknown", "exec -d -u nosuchuser %n true",
         setup="run -d --network none --name %n %i sleep 60", cleanup=RM, says="unable to find user nosuchuser"),
]
CASES += [
    # inspect -s: the writable layer's size (the image's differs: each store counts its own)
    case("inspect-size-rw", "inspect -s -f '{{.SizeRw}}' %n", setup=f"{C} %i true", cleanup=RM),
    case("inspect-size-rw-written", "container inspect --size -f '{{if .SizeRw}}some{{end}}' %n",
         setup="run --network none --name %n %i sh -c 'head -c 100000 /dev/zero > /f'", cleanup=RM),
]
CASES += [
    # --privileged, systempaths=unconfined: what Docker's daemon makes of them
    hc("inspect-hc-privileged-opts", "SecurityOpt", "--privileged"),
    hc("inspect-hc-privileged-masked", "MaskedPaths", "--privileged"),
    hc("inspect-hc-privileged-readonly-paths", "ReadonlyPaths", "--privileged"),
    hc("inspect-hc-systempaths-opts", "SecurityOpt", "--security-opt systempaths=unconfined"),
    hc("inspect-hc-systempaths-masked", "MaskedPaths", "--security-opt systempaths=unconfined"),
    hc("inspect-hc-publish-all", "PublishAllPorts", "-P"),
    hc("inspect-hc-ulimits-one", "Ulimits", "--ulimit nproc=10"),
    case("network-inspect-none-running", "network inspect -f '{{range .Containers}}{{.Name}} {{.IPv4Address}}|"
         "{{end}}' none", setup="run -d --network none --name %n %i sleep 60", cleanup=RM),
]
CASES += [
    # a bare -e KEY the client's environment lacks: kept in Config.Env, not in the process's
    cfg("inspect-config-env-bare", "Env", "-e NOSUCHVAR_COMPAT"),
    case("exec-env-bare-unsets", "exec -e NOSUCHVAR_COMPAT -e Y %n sh -c 'echo ${NOSUCHVAR_COMPAT-unset} ${Y-unset}'",
         setup="run -d --network none -e Y=1 --name %n %i sleep 60", cleanup=RM),
]

# -- inspect -f on what a document lacks, at every depth (issue 12): Docker's CLI runs the template on
# its Go type first (a field the JSON leaves out: its zero value; a map's missing key: <no value>), then
# on the raw JSON map with missingkey=error ('map has no entry for key'); volume inspect has no raw run.
NOENTRY = 'map has no entry for key "{}"'


def fmt(id: str, template: str, verb: str = "inspect", obj: str = "%n", says=(), setup=f"{C} %i true",
        cleanup=RM) -> object:
    return case(id, f"{verb} -f '{template}' {obj}", setup=setup, cleanup=cleanup, says=says)


VOL = dict(obj="%v", setup="volume create %v", cleanup="volume rm -f %v")
CASES += [
    # a container
    fmt("inspect-format-missing-top", "[{{.Nope}}]", says=NOENTRY.format("nope")),
    fmt("inspect-format-missing-deeper", "{{.HostConfig.Nope.Deeper}}", says=NOENTRY.format("nope")),
    fmt("inspect-format-missing-struct-field", "{{.HostConfig.RestartPolicy.Nope}}", says=NOENTRY.format("nope")),
    fmt("inspect-format-nil-pointer", "{{.State.Health}}|{{.Node}}|{{.Config.Healthcheck}}"),
    fmt("inspect-format-nil-pointer-field", "{{.State.Health.Status}}", says=NOENTRY.format("health")),
    fmt("inspect-format-node-field", "{{.Node.ID}}", says=NOENTRY.format("node")),
    fmt("inspect-format-zero-pointers", "{{.HostConfig.Init}}|{{.HostConfig.PidsLimit}}|{{.Config.StopTimeout}}|"
        "{{.HostConfig.MemorySwappiness}}|{{.HostConfig.OomKillDisable}}"),
    fmt("inspect-format-nil-slice", "{{.HostConfig.Binds}}|{{.Config.Shell}}|{{json .HostConfig.Binds}}"),
    fmt("inspect-format-nil-maps", "{{.Config.ExposedPorts}}|{{.Config.Volumes}}|{{.HostConfig.Tmpfs}}"),
    fmt("inspect-format-label-missing", "{{.Config.Labels.nope}}|{{.Config.Labels.nope.deeper}}"),
    fmt("inspect-format-label-present", "{{.Config.Labels.a}}", setup=f"{C} --label a=b %i true"),
    fmt("inspect-format-label-field-of-value", "{{.Config.Labels.a.b}}", setup=f"{C} --label a=b %i true",
        says="can't evaluate field b in type interface {}"),
    fmt("inspect-format-index-missing", '[{{index .Config.Labels "nope"}}]'),
    fmt("inspect-format-log-config-missing", "{{.HostConfig.LogConfig.Config.nope}}|{{.GraphDriver.Data.nope}}"),
    fmt("inspect-format-network-missing", "{{.NetworkSettings.Networks.nope}}|{{.NetworkSettings.Networks.nope.X}}"),
    fmt("inspect-format-network-field-missing", "{{.NetworkSettings.Networks.none.Nope}}",
        says=NOENTRY.format("nope")),
    fmt("inspect-format-network-nil-ipam", "{{.NetworkSettings.Networks.none.IPAMConfig}}"),
    fmt("inspect-format-network-nil-ipam-field", "{{.NetworkSettings.Networks.none.IPAMConfig.IPv4Address}}",
        says="nil pointer evaluating interface {}.ipv4address"),
    fmt("inspect-format-ports-key", "{{.NetworkSettings.Ports.nope}}", says=NOENTRY.format("nope")),
    fmt("inspect-format-field-of-string", "{{.Name.Nope}}", says="can't evaluate field nope in type interface {}"),
    fmt("inspect-format-field-of-list", "{{.Mounts.Nope}}", says="can't evaluate field nope in type interface {}"),
    fmt("inspect-format-field-of-null", "{{.HostConfig.Binds.X}}", says="nil pointer evaluating interface {}.x"),
    # a field Docker's Go type names otherwise (DNS, ID): the raw run, where a null prints <no value>
    fmt("inspect-format-go-name", "{{.HostConfig.DNS}}|{{.HostConfig.CPUShares}}"),
    fmt("inspect-format-json-key-raw", "{{.HostConfig.Dns}}|{{.HostConfig.Binds}}"),
    fmt("inspect-format-go-and-json-names", "{{.HostConfig.Dns}}|{{.HostConfig.DNS}}", says=NOENTRY.format("dns")),
    fmt("inspect-format-state-struct", "{{.State}}"),
    fmt("inspect-format-with-missing", "{{with .State}}{{.Nope}}{{end}}", says=NOENTRY.format("nope")),
    fmt("inspect-format-if-missing", "{{if .State.Nope}}x{{end}}", says=NOENTRY.format("nope")),
    fmt("inspect-format-var-missing", "{{$x := .State}}{{$x.Nope}}", says=NOENTRY.format("nope")),
    fmt("inspect-format-var-present", "{{$x := .State}}{{$x.Status}}"),
    fmt("inspect-format-second-line", "a\n{{.State.Nope}}", says=NOENTRY.format("nope")),
    # the raw run's numbers are json.Number (Docker decodes with UseNumber): a string to eq and printf
    fmt("inspect-format-raw-eq-number", "{{.Id | len}} {{eq .State.ExitCode 0}}",
        says="error calling eq: incompatible types for comparison"),
    fmt("inspect-format-raw-eq-string", '{{.Id | len}} {{eq .State.ExitCode "0"}} {{printf "%d" .RestartCount}}'),
    fmt("inspect-format-typed-eq-number", '{{.ID | len}} {{eq .State.ExitCode 0}} {{printf "%d" .RestartCount}}'),
    fmt("inspect-format-raw-json-sorted", "{{.Id | len}} {{json .State}} {{json .HostConfig.RestartPolicy}}"),
    # several objects: those the template fails on print nothing, their errors after
    case("inspect-format-some-fail", "inspect -f '{{.Scope}}' %n %v", setup=(f"{C} %i true", "volume create %v"),
         cleanup=(RM, "volume rm -f %v"), says=NOENTRY.format("scope")),
    case("inspect-format-all-fail", "inspect -f '{{.Nope}}' %n %m",
         setup=(f"{C} %i true", "create --network none --name %m %i true"), cleanup="rm -f %n %m",
         says=NOENTRY.format("nope")),
    # an image
    fmt("image-inspect-format-missing-top", "{{.Nope}}", "image inspect", "%i", NOENTRY.format("nope"), (), ()),
    fmt("image-inspect-format-missing-deep", "{{.Config.Nope}}", "image inspect", "%i", NOENTRY.format("nope"), (),
        ()),
    fmt("image-inspect-format-nil", "{{.Config.Healthcheck}}|{{.Config.Labels.nope}}|{{.ContainerConfig.Labels.x}}|"
        "{{.Config.ExposedPorts}}|{{.RootFS.BaseLayer}}", "image inspect", "%i", (), (), ()),
    fmt("image-inspect-format-nil-field", "{{.Config.Healthcheck.Test}}", "image inspect", "%i",
        NOENTRY.format("healthcheck"), (), ()),
    fmt("image-inspect-format-field-of-string", "{{.Os.Nope}}", "image inspect", "%i",
        "can't evaluate field nope in type interface {}", (), ()),
    # a volume: volume inspect has the typed run alone (Go's type named: 20.10's types.Volume, 28's volume.Volume)
    fmt("volume-inspect-format-missing", "{{.Nope}}", "volume inspect", says="can't evaluate field nope in type",
        **VOL),
    fmt("volume-inspect-format-nil-field", "{{.UsageData.Size}}", "volume inspect", says="nil pointer evaluating *",
        **VOL),
    fmt("volume-inspect-format-field-of-string", "{{.Scope.X}}", "volume inspect",
        says="can't evaluate field x in type string", **VOL),
    fmt("volume-inspect-format-zero", "{{.Labels.x.y}}|{{.Status}}|{{.Status.x}}|{{.UsageData}}", "volume inspect",
        **VOL),
    fmt("inspect-volume-format-raw", "{{.UsageData.Size}}", "inspect --type volume",
        says=NOENTRY.format("usagedata"), **VOL),
    # a network
    fmt("network-inspect-format-missing", "{{.Nope}}", "network inspect", "none", NOENTRY.format("nope"), (), ()),
    fmt("network-inspect-format-missing-deep", "{{.IPAM.Nope}}", "network inspect", "none", NOENTRY.format("nope"),
        (), ()),
    fmt("network-inspect-format-zero", "{{.Options.x}}|{{.Labels.x.y}}|{{.Containers.x.Name}}|{{.Peers}}|"
        "{{.Services}}|{{.ConfigFrom}}|{{.IPAM.Options.x}}", "network inspect", "none", (), (), ()),
    fmt("network-inspect-format-field-of-list", "{{.IPAM.Config.X}}", "network inspect", "none",
        "can't evaluate field x in type interface {}", (), ()),
]

CASES += [
    # stop of a created container: Docker's has no process and stays created (doca's held init is killed)
    case("inspect-state-created-stopped", "inspect -f '{{.State.Status}} {{.State.ExitCode}}' %n",
         setup=(f"{C} %i true", "stop %n"), cleanup=RM),
]

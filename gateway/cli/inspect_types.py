"""The Go types Docker 20.10's CLI decodes each inspect document into
(moby's api/types: ContainerJSON, ImageInspect, types.Volume,
NetworkResource), for `inspect -f`: Docker runs the template on that
typed value first and only when that fails on the raw JSON map
(inspect_template.py). What the typed run sees differs from the JSON:

- a field is named as in Go, which is not always the JSON key
  (`ID` is "Id", `DNS` is "Dns", `CPUShares` is "CpuShares");
- a field the JSON leaves out (omitempty) still exists, with its zero
  value (a nil pointer prints <nil>, a nil slice [], a nil map map[]);
- a key missing from a map[string]X is <no value>, not an error; a field
  on a nil pointer, on a scalar or a map keyed by a named type
  (nat.PortMap, nat.PortSet) fails;
- time.Time and time.Duration print as Go prints them.

A struct is "GoName[:JSONKey] type, ..." in declaration order (embedded
structs flattened). Types: string int float bool time duration any,
*T, []T, [N]T, map[string]T, map[Port]T (a named key: no field access),
struct{} and the names below."""

STRUCTS_SRC = {
    # types.ContainerJSON: *ContainerJSONBase embedded, then Mounts, Config, NetworkSettings
    "ContainerJSON": "ID:Id string, Created string, Path string, Args []string, State *ContainerState, "
                     "Image string, ResolvConfPath string, HostnamePath string, HostsPath string, LogPath string, "
                     "Node *ContainerNode, Name string, RestartCount int, Driver string, Platform string, "
                     "MountLabel string, ProcessLabel string, AppArmorProfile string, ExecIDs []string, "
                     "HostConfig *HostConfig, GraphDriver GraphDriverData, SizeRw *int, SizeRootFs *int, "
                     "Mounts []MountPoint, Config *Config, NetworkSettings *NetworkSettings",
    "ContainerState": "Status string, Running bool, Paused bool, Restarting bool, OOMKilled bool, Dead bool, Pid int, "
                      "ExitCode int, Error string, StartedAt string, FinishedAt string, Health *Health",
    "Health": "Status string, FailingStreak int, Log []*HealthcheckResult",
    "HealthcheckResult": "Start time, End time, ExitCode int, Output string",
    "ContainerNode": "ID string, IPAddress:IP string, Addr string, Name string, Cpus int, Memory int, "
                     "Labels map[string]string",
    "GraphDriverData": "Data map[string]string, Name string",
    "MountPoint": "Type string, Name string, Source string, Destination string, Driver string, Mode string, "
                  "RW bool, Propagation string",
    "Config": "Hostname string, Domainname string, User string, AttachStdin bool, AttachStdout bool, "
              "AttachStderr bool, ExposedPorts map[Port]struct{}, Tty bool, OpenStdin bool, StdinOnce bool, "
              "Env []string, Cmd []string, Healthcheck *HealthConfig, ArgsEscaped bool, Image string, "
              "Volumes map[string]struct{}, WorkingDir string, Entrypoint []string, NetworkDisabled bool, "
              "MacAddress string, OnBuild []string, Labels map[string]string, StopSignal string, StopTimeout *int, "
              "Shell []string",
    "HealthConfig": "Test []string, Interval duration, Timeout duration, StartPeriod duration, Retries int",
    # container.HostConfig, its Resources embedded after Isolation; with docker
    # 28's Annotations (API 1.43: --annotation is a docker 28 flag doca has)
    "HostConfig": "Binds []string, ContainerIDFile string, LogConfig LogConfig, NetworkMode string, "
                  "PortBindings map[Port][]PortBinding, RestartPolicy RestartPolicy, AutoRemove bool, "
                  "VolumeDriver string, VolumesFrom []string, CapAdd []string, CapDrop []string, "
                  "CgroupnsMode string, DNS:Dns []string, DNSOptions:DnsOptions []string, "
                  "DNSSearch:DnsSearch []string, ExtraHosts []string, GroupAdd []string, IpcMode string, "
                  "Cgroup string, Links []string, OomScoreAdj int, PidMode string, Privileged bool, "
                  "PublishAllPorts bool, ReadonlyRootfs bool, SecurityOpt []string, StorageOpt map[string]string, "
                  "Tmpfs map[string]string, UTSMode string, UsernsMode string, ShmSize int, "
                  "Sysctls map[string]string, Runtime string, ConsoleSize [2]int, Annotations map[string]string, "
                  "Isolation string, "
                  "CPUShares:CpuShares int, Memory int, NanoCPUs:NanoCpus int, CgroupParent string, BlkioWeight int, "
                  "BlkioWeightDevice []*WeightDevice, BlkioDeviceReadBps []*ThrottleDevice, "
                  "BlkioDeviceWriteBps []*ThrottleDevice, BlkioDeviceReadIOps []*ThrottleDevice, "
                  "BlkioDeviceWriteIOps []*ThrottleDevice, CPUPeriod:CpuPeriod int, CPUQuota:CpuQuota int, "
                  "CPURealtimePeriod:CpuRealtimePeriod int, CPURealtimeRuntime:CpuRealtimeRuntime int, "
                  "CpusetCpus string, CpusetMems string, Devices []DeviceMapping, DeviceCgroupRules []string, "
                  "DeviceRequests []DeviceRequest, KernelMemory int, KernelMemoryTCP int, MemoryReservation int, "
                  "MemorySwap int, MemorySwappiness *int, OomKillDisable *bool, PidsLimit *int, Ulimits []*Ulimit, "
                  "CPUCount:CpuCount int, CPUPercent:CpuPercent int, IOMaximumIOps int, IOMaximumBandwidth int, "
                  "Mounts []Mount, MaskedPaths []string, ReadonlyPaths []string, Init *bool",
    "LogConfig": "Type string, Config map[string]string",
    "RestartPolicy": "Name string, MaximumRetryCount int",
    "PortBinding": "HostIP:HostIp string, HostPort string",
    "WeightDevice": "Path string, Weight int",
    "ThrottleDevice": "Path string, Rate int",
    "DeviceMapping": "PathOnHost string, PathInContainer string, CgroupPermissions string",
    "DeviceRequest": "Driver string, Count int, DeviceIDs []string, Capabilities [][]string, "
                     "Options map[string]string",
    "Ulimit": "Name string, Hard int, Soft int",
    "Mount": "Type string, Source string, Target string, ReadOnly bool, Consistency string, "
             "BindOptions *BindOptions, VolumeOptions *VolumeOptions, TmpfsOptions *TmpfsOptions",
    "BindOptions": "Propagation string, NonRecursive bool",
    "VolumeOptions": "NoCopy bool, Labels map[string]string, DriverConfig *Driver",
    "Driver": "Name string, Options map[string]string",
    "TmpfsOptions": "SizeBytes int, Mode int",
    # types.NetworkSettings: NetworkSettingsBase and DefaultNetworkSettings embedded
    "NetworkSettings": "Bridge string, SandboxID string, HairpinMode bool, LinkLocalIPv6Address string, "
                       "LinkLocalIPv6PrefixLen int, Ports map[Port][]PortBinding, SandboxKey string, "
                       "SecondaryIPAddresses []Address, SecondaryIPv6Addresses []Address, EndpointID string, "
                       "Gateway string, GlobalIPv6Address string, GlobalIPv6PrefixLen int, IPAddress string, "
                       "IPPrefixLen int, IPv6Gateway string, MacAddress string, "
                       "Networks map[string]*EndpointSettings",
    "Address": "Addr string, PrefixLen int",
    "EndpointSettings": "IPAMConfig *EndpointIPAMConfig, Links []string, Aliases []string, NetworkID string, "
                        "EndpointID string, Gateway string, IPAddress string, IPPrefixLen int, IPv6Gateway string, "
                        "GlobalIPv6Address string, GlobalIPv6PrefixLen int, MacAddress string, "
                        "DriverOpts map[string]string",
    "EndpointIPAMConfig": "IPv4Address string, IPv6Address string, LinkLocalIPs []string",
    # types.ImageInspect
    "ImageInspect": "ID:Id string, RepoTags []string, RepoDigests []string, Parent string, Comment string, "
                    "Created string, Container string, ContainerConfig *Config, DockerVersion string, "
                    "Author string, Config *Config, Architecture string, Variant string, Os string, "
                    "OsVersion string, Size int, VirtualSize int, GraphDriver GraphDriverData, RootFS RootFS, "
                    "Metadata ImageMetadata",
    "RootFS": "Type string, Layers []string, BaseLayer string",
    "ImageMetadata": "LastTagTime time",
    # types.Volume (20.10: no ClusterVolume)
    "Volume": "CreatedAt string, Driver string, Labels map[string]string, Mountpoint string, Name string, "
              "Options map[string]string, Scope string, Status map[string]any, UsageData *VolumeUsageData",
    "VolumeUsageData": "RefCount int64, Size int64",
    # types.NetworkResource
    "NetworkResource": "Name string, ID:Id string, Created time, Scope string, Driver string, EnableIPv6 bool, "
                       "IPAM IPAM, Internal bool, Attachable bool, Ingress bool, ConfigFrom ConfigReference, "
                       "ConfigOnly bool, Containers map[string]EndpointResource, Options map[string]string, "
                       "Labels map[string]string, Peers []PeerInfo, Services map[string]any",
    "IPAM": "Driver string, Options map[string]string, Config []IPAMConfig",
    "IPAMConfig": "Subnet string, IPRange string, Gateway string, AuxAddress:AuxiliaryAddresses map[string]string",
    "ConfigReference": "Network string",
    "EndpointResource": "Name string, EndpointID string, MacAddress string, IPv4Address string, IPv6Address string",
    "PeerInfo": "Name string, IP string",
    "struct{}": "",
}

# Go's package of each struct not in package types (for volume inspect's
# messages, which name the type: it has no raw fallback)
PACKAGE = {"container": ("Config", "HostConfig", "HealthConfig", "LogConfig", "RestartPolicy", "DeviceMapping",
                         "DeviceRequest"),
           "blkiodev": ("WeightDevice", "ThrottleDevice"), "units": ("Ulimit",),
           "mount": ("Mount", "BindOptions", "VolumeOptions", "Driver", "TmpfsOptions"), "nat": ("PortBinding",),
           "network": ("EndpointSettings", "EndpointIPAMConfig", "Address", "IPAM", "IPAMConfig", "ConfigReference",
                       "PeerInfo")}
_QUALIFIED = {name: f"{pkg}.{name}" for pkg, names in PACKAGE.items() for name in names}
_SCALARS = {"string": "string", "bool": "bool", "int": "int", "int64": "int64", "float": "float64",
            "time": "time.Time", "duration": "time.Duration", "any": "interface {}", "struct{}": "struct {}"}


def spelled(typ: str) -> str:
    """A type as Go's messages name it (*types.Health, []string, nat.PortMap)."""
    if typ in _SCALARS:
        return _SCALARS[typ]
    if typ.startswith("*"):
        return "*" + spelled(typ[1:])
    if typ.startswith("["):
        at = typ.index("]") + 1
        return typ[:at] + spelled(typ[at:])
    if typ.startswith("map[Port]"):
        return "nat.PortSet" if typ.endswith("struct{}") else "nat.PortMap"
    if typ.startswith("map[string]"):
        return "map[string]" + spelled(typ[len("map[string]"):])
    return _QUALIFIED.get(typ, f"types.{typ}")


# docorder's kind of document -> its Go type
DOCUMENT = {"container": "ContainerJSON", "image": "ImageInspect", "volume": "Volume", "network": "NetworkResource"}


def _fields(src: str) -> list[tuple[str, str, str]]:
    """[(Go name, JSON key, type)]"""
    out = []
    for part in filter(None, (p.strip() for p in src.split(","))):
        name, typ = part.split(" ", 1)
        go, _, key = name.partition(":")
        out.append((go, key or go, typ))
    return out


STRUCTS = {name: _fields(src) for name, src in STRUCTS_SRC.items()}

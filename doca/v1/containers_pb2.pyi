import datetime

from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ContainerConfig(_message.Message):
    __slots__ = ("image", "cmd", "entrypoint", "name", "env", "auto_remove", "memory", "cpus", "cpu_shares", "pids_limit", "network", "volumes", "workdir", "user", "hostname", "labels", "restart", "stop_signal", "stop_timeout", "tty", "interactive", "console_size", "log_opts", "cap_add", "cap_drop", "privileged", "security_opt", "ulimits", "read_only", "tmpfs", "health_cmd", "health_interval", "health_timeout", "health_start_period", "health_retries", "no_healthcheck", "init", "runtime", "userns_remap", "publish", "publish_all", "network_aliases", "ip", "add_hosts", "dns", "dns_search", "dns_options", "cgroupns", "memory_reservation", "group_add", "domainname", "sysctls", "memory_swap", "memory_swappiness", "oom_kill_disable", "cpuset_cpus", "cpuset_mems", "cpu_period", "cpu_quota", "cpu_rt_period", "cpu_rt_runtime", "blkio_weight", "blkio_weight_device", "device_read_bps", "device_write_bps", "device_read_iops", "device_write_iops", "oom_score_adj", "shm_size", "devices", "device_cgroup_rules", "expose", "log_driver", "mounts", "pid", "ipc", "uts", "volumes_from", "kernel_memory", "annotations", "attach", "cgroup_parent", "health_start_interval", "storage_opt", "volume_driver", "userns", "ip6", "link_local_ips", "mac_address", "links", "health_test", "detached", "cri_log_path", "masked_paths", "readonly_paths", "masked_paths_set", "readonly_paths_set")
    class LabelsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class LogOptsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class AnnotationsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    IMAGE_FIELD_NUMBER: _ClassVar[int]
    CMD_FIELD_NUMBER: _ClassVar[int]
    ENTRYPOINT_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    ENV_FIELD_NUMBER: _ClassVar[int]
    AUTO_REMOVE_FIELD_NUMBER: _ClassVar[int]
    MEMORY_FIELD_NUMBER: _ClassVar[int]
    CPUS_FIELD_NUMBER: _ClassVar[int]
    CPU_SHARES_FIELD_NUMBER: _ClassVar[int]
    PIDS_LIMIT_FIELD_NUMBER: _ClassVar[int]
    NETWORK_FIELD_NUMBER: _ClassVar[int]
    VOLUMES_FIELD_NUMBER: _ClassVar[int]
    WORKDIR_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    HOSTNAME_FIELD_NUMBER: _ClassVar[int]
    LABELS_FIELD_NUMBER: _ClassVar[int]
    RESTART_FIELD_NUMBER: _ClassVar[int]
    STOP_SIGNAL_FIELD_NUMBER: _ClassVar[int]
    STOP_TIMEOUT_FIELD_NUMBER: _ClassVar[int]
    TTY_FIELD_NUMBER: _ClassVar[int]
    INTERACTIVE_FIELD_NUMBER: _ClassVar[int]
    CONSOLE_SIZE_FIELD_NUMBER: _ClassVar[int]
    LOG_OPTS_FIELD_NUMBER: _ClassVar[int]
    CAP_ADD_FIELD_NUMBER: _ClassVar[int]
    CAP_DROP_FIELD_NUMBER: _ClassVar[int]
    PRIVILEGED_FIELD_NUMBER: _ClassVar[int]
    SECURITY_OPT_FIELD_NUMBER: _ClassVar[int]
    ULIMITS_FIELD_NUMBER: _ClassVar[int]
    READ_ONLY_FIELD_NUMBER: _ClassVar[int]
    TMPFS_FIELD_NUMBER: _ClassVar[int]
    HEALTH_CMD_FIELD_NUMBER: _ClassVar[int]
    HEALTH_INTERVAL_FIELD_NUMBER: _ClassVar[int]
    HEALTH_TIMEOUT_FIELD_NUMBER: _ClassVar[int]
    HEALTH_START_PERIOD_FIELD_NUMBER: _ClassVar[int]
    HEALTH_RETRIES_FIELD_NUMBER: _ClassVar[int]
    NO_HEALTHCHECK_FIELD_NUMBER: _ClassVar[int]
    INIT_FIELD_NUMBER: _ClassVar[int]
    RUNTIME_FIELD_NUMBER: _ClassVar[int]
    USERNS_REMAP_FIELD_NUMBER: _ClassVar[int]
    PUBLISH_FIELD_NUMBER: _ClassVar[int]
    PUBLISH_ALL_FIELD_NUMBER: _ClassVar[int]
    NETWORK_ALIASES_FIELD_NUMBER: _ClassVar[int]
    IP_FIELD_NUMBER: _ClassVar[int]
    ADD_HOSTS_FIELD_NUMBER: _ClassVar[int]
    DNS_FIELD_NUMBER: _ClassVar[int]
    DNS_SEARCH_FIELD_NUMBER: _ClassVar[int]
    DNS_OPTIONS_FIELD_NUMBER: _ClassVar[int]
    CGROUPNS_FIELD_NUMBER: _ClassVar[int]
    MEMORY_RESERVATION_FIELD_NUMBER: _ClassVar[int]
    GROUP_ADD_FIELD_NUMBER: _ClassVar[int]
    DOMAINNAME_FIELD_NUMBER: _ClassVar[int]
    SYSCTLS_FIELD_NUMBER: _ClassVar[int]
    MEMORY_SWAP_FIELD_NUMBER: _ClassVar[int]
    MEMORY_SWAPPINESS_FIELD_NUMBER: _ClassVar[int]
    OOM_KILL_DISABLE_FIELD_NUMBER: _ClassVar[int]
    CPUSET_CPUS_FIELD_NUMBER: _ClassVar[int]
    CPUSET_MEMS_FIELD_NUMBER: _ClassVar[int]
    CPU_PERIOD_FIELD_NUMBER: _ClassVar[int]
    CPU_QUOTA_FIELD_NUMBER: _ClassVar[int]
    CPU_RT_PERIOD_FIELD_NUMBER: _ClassVar[int]
    CPU_RT_RUNTIME_FIELD_NUMBER: _ClassVar[int]
    BLKIO_WEIGHT_FIELD_NUMBER: _ClassVar[int]
    BLKIO_WEIGHT_DEVICE_FIELD_NUMBER: _ClassVar[int]
    DEVICE_READ_BPS_FIELD_NUMBER: _ClassVar[int]
    DEVICE_WRITE_BPS_FIELD_NUMBER: _ClassVar[int]
    DEVICE_READ_IOPS_FIELD_NUMBER: _ClassVar[int]
    DEVICE_WRITE_IOPS_FIELD_NUMBER: _ClassVar[int]
    OOM_SCORE_ADJ_FIELD_NUMBER: _ClassVar[int]
    SHM_SIZE_FIELD_NUMBER: _ClassVar[int]
    DEVICES_FIELD_NUMBER: _ClassVar[int]
    DEVICE_CGROUP_RULES_FIELD_NUMBER: _ClassVar[int]
    EXPOSE_FIELD_NUMBER: _ClassVar[int]
    LOG_DRIVER_FIELD_NUMBER: _ClassVar[int]
    MOUNTS_FIELD_NUMBER: _ClassVar[int]
    PID_FIELD_NUMBER: _ClassVar[int]
    IPC_FIELD_NUMBER: _ClassVar[int]
    UTS_FIELD_NUMBER: _ClassVar[int]
    VOLUMES_FROM_FIELD_NUMBER: _ClassVar[int]
    KERNEL_MEMORY_FIELD_NUMBER: _ClassVar[int]
    ANNOTATIONS_FIELD_NUMBER: _ClassVar[int]
    ATTACH_FIELD_NUMBER: _ClassVar[int]
    CGROUP_PARENT_FIELD_NUMBER: _ClassVar[int]
    HEALTH_START_INTERVAL_FIELD_NUMBER: _ClassVar[int]
    STORAGE_OPT_FIELD_NUMBER: _ClassVar[int]
    VOLUME_DRIVER_FIELD_NUMBER: _ClassVar[int]
    USERNS_FIELD_NUMBER: _ClassVar[int]
    IP6_FIELD_NUMBER: _ClassVar[int]
    LINK_LOCAL_IPS_FIELD_NUMBER: _ClassVar[int]
    MAC_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    LINKS_FIELD_NUMBER: _ClassVar[int]
    HEALTH_TEST_FIELD_NUMBER: _ClassVar[int]
    DETACHED_FIELD_NUMBER: _ClassVar[int]
    CRI_LOG_PATH_FIELD_NUMBER: _ClassVar[int]
    MASKED_PATHS_FIELD_NUMBER: _ClassVar[int]
    READONLY_PATHS_FIELD_NUMBER: _ClassVar[int]
    MASKED_PATHS_SET_FIELD_NUMBER: _ClassVar[int]
    READONLY_PATHS_SET_FIELD_NUMBER: _ClassVar[int]
    image: str
    cmd: _containers.RepeatedScalarFieldContainer[str]
    entrypoint: _containers.RepeatedScalarFieldContainer[str]
    name: str
    env: _containers.RepeatedScalarFieldContainer[str]
    auto_remove: bool
    memory: str
    cpus: float
    cpu_shares: int
    pids_limit: int
    network: str
    volumes: _containers.RepeatedScalarFieldContainer[str]
    workdir: str
    user: str
    hostname: str
    labels: _containers.ScalarMap[str, str]
    restart: str
    stop_signal: str
    stop_timeout: int
    tty: bool
    interactive: bool
    console_size: WindowSize
    log_opts: _containers.ScalarMap[str, str]
    cap_add: _containers.RepeatedScalarFieldContainer[str]
    cap_drop: _containers.RepeatedScalarFieldContainer[str]
    privileged: bool
    security_opt: _containers.RepeatedScalarFieldContainer[str]
    ulimits: _containers.RepeatedScalarFieldContainer[str]
    read_only: bool
    tmpfs: _containers.RepeatedScalarFieldContainer[str]
    health_cmd: str
    health_interval: str
    health_timeout: str
    health_start_period: str
    health_retries: int
    no_healthcheck: bool
    init: bool
    runtime: str
    userns_remap: str
    publish: _containers.RepeatedScalarFieldContainer[str]
    publish_all: bool
    network_aliases: _containers.RepeatedScalarFieldContainer[str]
    ip: str
    add_hosts: _containers.RepeatedScalarFieldContainer[str]
    dns: _containers.RepeatedScalarFieldContainer[str]
    dns_search: _containers.RepeatedScalarFieldContainer[str]
    dns_options: _containers.RepeatedScalarFieldContainer[str]
    cgroupns: str
    memory_reservation: str
    group_add: _containers.RepeatedScalarFieldContainer[str]
    domainname: str
    sysctls: _containers.RepeatedScalarFieldContainer[str]
    memory_swap: str
    memory_swappiness: int
    oom_kill_disable: bool
    cpuset_cpus: str
    cpuset_mems: str
    cpu_period: int
    cpu_quota: int
    cpu_rt_period: int
    cpu_rt_runtime: int
    blkio_weight: int
    blkio_weight_device: _containers.RepeatedScalarFieldContainer[str]
    device_read_bps: _containers.RepeatedScalarFieldContainer[str]
    device_write_bps: _containers.RepeatedScalarFieldContainer[str]
    device_read_iops: _containers.RepeatedScalarFieldContainer[str]
    device_write_iops: _containers.RepeatedScalarFieldContainer[str]
    oom_score_adj: int
    shm_size: str
    devices: _containers.RepeatedScalarFieldContainer[str]
    device_cgroup_rules: _containers.RepeatedScalarFieldContainer[str]
    expose: _containers.RepeatedScalarFieldContainer[str]
    log_driver: str
    mounts: _containers.RepeatedScalarFieldContainer[str]
    pid: str
    ipc: str
    uts: str
    volumes_from: _containers.RepeatedScalarFieldContainer[str]
    kernel_memory: str
    annotations: _containers.ScalarMap[str, str]
    attach: _containers.RepeatedScalarFieldContainer[str]
    cgroup_parent: str
    health_start_interval: str
    storage_opt: _containers.RepeatedScalarFieldContainer[str]
    volume_driver: str
    userns: str
    ip6: str
    link_local_ips: _containers.RepeatedScalarFieldContainer[str]
    mac_address: str
    links: _containers.RepeatedScalarFieldContainer[str]
    health_test: _containers.RepeatedScalarFieldContainer[str]
    detached: bool
    cri_log_path: str
    masked_paths: _containers.RepeatedScalarFieldContainer[str]
    readonly_paths: _containers.RepeatedScalarFieldContainer[str]
    masked_paths_set: bool
    readonly_paths_set: bool
    def __init__(self, image: _Optional[str] = ..., cmd: _Optional[_Iterable[str]] = ..., entrypoint: _Optional[_Iterable[str]] = ..., name: _Optional[str] = ..., env: _Optional[_Iterable[str]] = ..., auto_remove: _Optional[bool] = ..., memory: _Optional[str] = ..., cpus: _Optional[float] = ..., cpu_shares: _Optional[int] = ..., pids_limit: _Optional[int] = ..., network: _Optional[str] = ..., volumes: _Optional[_Iterable[str]] = ..., workdir: _Optional[str] = ..., user: _Optional[str] = ..., hostname: _Optional[str] = ..., labels: _Optional[_Mapping[str, str]] = ..., restart: _Optional[str] = ..., stop_signal: _Optional[str] = ..., stop_timeout: _Optional[int] = ..., tty: _Optional[bool] = ..., interactive: _Optional[bool] = ..., console_size: _Optional[_Union[WindowSize, _Mapping]] = ..., log_opts: _Optional[_Mapping[str, str]] = ..., cap_add: _Optional[_Iterable[str]] = ..., cap_drop: _Optional[_Iterable[str]] = ..., privileged: _Optional[bool] = ..., security_opt: _Optional[_Iterable[str]] = ..., ulimits: _Optional[_Iterable[str]] = ..., read_only: _Optional[bool] = ..., tmpfs: _Optional[_Iterable[str]] = ..., health_cmd: _Optional[str] = ..., health_interval: _Optional[str] = ..., health_timeout: _Optional[str] = ..., health_start_period: _Optional[str] = ..., health_retries: _Optional[int] = ..., no_healthcheck: _Optional[bool] = ..., init: _Optional[bool] = ..., runtime: _Optional[str] = ..., userns_remap: _Optional[str] = ..., publish: _Optional[_Iterable[str]] = ..., publish_all: _Optional[bool] = ..., network_aliases: _Optional[_Iterable[str]] = ..., ip: _Optional[str] = ..., add_hosts: _Optional[_Iterable[str]] = ..., dns: _Optional[_Iterable[str]] = ..., dns_search: _Optional[_Iterable[str]] = ..., dns_options: _Optional[_Iterable[str]] = ..., cgroupns: _Optional[str] = ..., memory_reservation: _Optional[str] = ..., group_add: _Optional[_Iterable[str]] = ..., domainname: _Optional[str] = ..., sysctls: _Optional[_Iterable[str]] = ..., memory_swap: _Optional[str] = ..., memory_swappiness: _Optional[int] = ..., oom_kill_disable: _Optional[bool] = ..., cpuset_cpus: _Optional[str] = ..., cpuset_mems: _Optional[str] = ..., cpu_period: _Optional[int] = ..., cpu_quota: _Optional[int] = ..., cpu_rt_period: _Optional[int] = ..., cpu_rt_runtime: _Optional[int] = ..., blkio_weight: _Optional[int] = ..., blkio_weight_device: _Optional[_Iterable[str]] = ..., device_read_bps: _Optional[_Iterable[str]] = ..., device_write_bps: _Optional[_Iterable[str]] = ..., device_read_iops: _Optional[_Iterable[str]] = ..., device_write_iops: _Optional[_Iterable[str]] = ..., oom_score_adj: _Optional[int] = ..., shm_size: _Optional[str] = ..., devices: _Optional[_Iterable[str]] = ..., device_cgroup_rules: _Optional[_Iterable[str]] = ..., expose: _Optional[_Iterable[str]] = ..., log_driver: _Optional[str] = ..., mounts: _Optional[_Iterable[str]] = ..., pid: _Optional[str] = ..., ipc: _Optional[str] = ..., uts: _Optional[str] = ..., volumes_from: _Optional[_Iterable[str]] = ..., kernel_memory: _Optional[str] = ..., annotations: _Optional[_Mapping[str, str]] = ..., attach: _Optional[_Iterable[str]] = ..., cgroup_parent: _Optional[str] = ..., health_start_interval: _Optional[str] = ..., storage_opt: _Optional[_Iterable[str]] = ..., volume_driver: _Optional[str] = ..., userns: _Optional[str] = ..., ip6: _Optional[str] = ..., link_local_ips: _Optional[_Iterable[str]] = ..., mac_address: _Optional[str] = ..., links: _Optional[_Iterable[str]] = ..., health_test: _Optional[_Iterable[str]] = ..., detached: _Optional[bool] = ..., cri_log_path: _Optional[str] = ..., masked_paths: _Optional[_Iterable[str]] = ..., readonly_paths: _Optional[_Iterable[str]] = ..., masked_paths_set: _Optional[bool] = ..., readonly_paths_set: _Optional[bool] = ...) -> None: ...

class RunRequest(_message.Message):
    __slots__ = ("config", "detach")
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    DETACH_FIELD_NUMBER: _ClassVar[int]
    config: ContainerConfig
    detach: bool
    def __init__(self, config: _Optional[_Union[ContainerConfig, _Mapping]] = ..., detach: _Optional[bool] = ...) -> None: ...

class RunEvent(_message.Message):
    __slots__ = ("created", "output", "exited", "attached")
    class Created(_message.Message):
        __slots__ = ("id", "name", "warnings")
        ID_FIELD_NUMBER: _ClassVar[int]
        NAME_FIELD_NUMBER: _ClassVar[int]
        WARNINGS_FIELD_NUMBER: _ClassVar[int]
        id: str
        name: str
        warnings: _containers.RepeatedScalarFieldContainer[str]
        def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., warnings: _Optional[_Iterable[str]] = ...) -> None: ...
    class Exited(_message.Message):
        __slots__ = ("exit_code", "oom_killed")
        EXIT_CODE_FIELD_NUMBER: _ClassVar[int]
        OOM_KILLED_FIELD_NUMBER: _ClassVar[int]
        exit_code: int
        oom_killed: bool
        def __init__(self, exit_code: _Optional[int] = ..., oom_killed: _Optional[bool] = ...) -> None: ...
    CREATED_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_FIELD_NUMBER: _ClassVar[int]
    EXITED_FIELD_NUMBER: _ClassVar[int]
    ATTACHED_FIELD_NUMBER: _ClassVar[int]
    created: RunEvent.Created
    output: LogChunk
    exited: RunEvent.Exited
    attached: bool
    def __init__(self, created: _Optional[_Union[RunEvent.Created, _Mapping]] = ..., output: _Optional[_Union[LogChunk, _Mapping]] = ..., exited: _Optional[_Union[RunEvent.Exited, _Mapping]] = ..., attached: _Optional[bool] = ...) -> None: ...

class CreateResponse(_message.Message):
    __slots__ = ("id", "name", "warnings")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    warnings: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., warnings: _Optional[_Iterable[str]] = ...) -> None: ...

class ContainerRef(_message.Message):
    __slots__ = ("id", "size")
    ID_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    id: str
    size: bool
    def __init__(self, id: _Optional[str] = ..., size: _Optional[bool] = ...) -> None: ...

class StopRequest(_message.Message):
    __slots__ = ("id", "timeout", "signal")
    ID_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_FIELD_NUMBER: _ClassVar[int]
    SIGNAL_FIELD_NUMBER: _ClassVar[int]
    id: str
    timeout: int
    signal: str
    def __init__(self, id: _Optional[str] = ..., timeout: _Optional[int] = ..., signal: _Optional[str] = ...) -> None: ...

class KillRequest(_message.Message):
    __slots__ = ("id", "signal")
    ID_FIELD_NUMBER: _ClassVar[int]
    SIGNAL_FIELD_NUMBER: _ClassVar[int]
    id: str
    signal: str
    def __init__(self, id: _Optional[str] = ..., signal: _Optional[str] = ...) -> None: ...

class RemoveRequest(_message.Message):
    __slots__ = ("id", "force", "volumes")
    ID_FIELD_NUMBER: _ClassVar[int]
    FORCE_FIELD_NUMBER: _ClassVar[int]
    VOLUMES_FIELD_NUMBER: _ClassVar[int]
    id: str
    force: bool
    volumes: bool
    def __init__(self, id: _Optional[str] = ..., force: _Optional[bool] = ..., volumes: _Optional[bool] = ...) -> None: ...

class WaitResponse(_message.Message):
    __slots__ = ("exit_code", "oom_killed")
    EXIT_CODE_FIELD_NUMBER: _ClassVar[int]
    OOM_KILLED_FIELD_NUMBER: _ClassVar[int]
    exit_code: int
    oom_killed: bool
    def __init__(self, exit_code: _Optional[int] = ..., oom_killed: _Optional[bool] = ...) -> None: ...

class ListRequest(_message.Message):
    __slots__ = ("all", "filters", "limit", "size")
    ALL_FIELD_NUMBER: _ClassVar[int]
    FILTERS_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    all: bool
    filters: _containers.RepeatedScalarFieldContainer[str]
    limit: int
    size: bool
    def __init__(self, all: _Optional[bool] = ..., filters: _Optional[_Iterable[str]] = ..., limit: _Optional[int] = ..., size: _Optional[bool] = ...) -> None: ...

class ContainerSummary(_message.Message):
    __slots__ = ("id", "name", "image", "command", "created_at", "state", "status", "exit_code", "ports", "labels", "mounts", "networks", "size_rw", "size_root_fs")
    class LabelsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    IMAGE_FIELD_NUMBER: _ClassVar[int]
    COMMAND_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    EXIT_CODE_FIELD_NUMBER: _ClassVar[int]
    PORTS_FIELD_NUMBER: _ClassVar[int]
    LABELS_FIELD_NUMBER: _ClassVar[int]
    MOUNTS_FIELD_NUMBER: _ClassVar[int]
    NETWORKS_FIELD_NUMBER: _ClassVar[int]
    SIZE_RW_FIELD_NUMBER: _ClassVar[int]
    SIZE_ROOT_FS_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    image: str
    command: str
    created_at: _timestamp_pb2.Timestamp
    state: str
    status: str
    exit_code: int
    ports: _containers.RepeatedCompositeFieldContainer[PortMapping]
    labels: _containers.ScalarMap[str, str]
    mounts: _containers.RepeatedCompositeFieldContainer[SummaryMount]
    networks: _containers.RepeatedScalarFieldContainer[str]
    size_rw: int
    size_root_fs: int
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., image: _Optional[str] = ..., command: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., state: _Optional[str] = ..., status: _Optional[str] = ..., exit_code: _Optional[int] = ..., ports: _Optional[_Iterable[_Union[PortMapping, _Mapping]]] = ..., labels: _Optional[_Mapping[str, str]] = ..., mounts: _Optional[_Iterable[_Union[SummaryMount, _Mapping]]] = ..., networks: _Optional[_Iterable[str]] = ..., size_rw: _Optional[int] = ..., size_root_fs: _Optional[int] = ...) -> None: ...

class SummaryMount(_message.Message):
    __slots__ = ("name", "source", "destination", "driver")
    NAME_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    DESTINATION_FIELD_NUMBER: _ClassVar[int]
    DRIVER_FIELD_NUMBER: _ClassVar[int]
    name: str
    source: str
    destination: str
    driver: str
    def __init__(self, name: _Optional[str] = ..., source: _Optional[str] = ..., destination: _Optional[str] = ..., driver: _Optional[str] = ...) -> None: ...

class PortMapping(_message.Message):
    __slots__ = ("ip", "private_port", "public_port", "type")
    IP_FIELD_NUMBER: _ClassVar[int]
    PRIVATE_PORT_FIELD_NUMBER: _ClassVar[int]
    PUBLIC_PORT_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    ip: str
    private_port: int
    public_port: int
    type: str
    def __init__(self, ip: _Optional[str] = ..., private_port: _Optional[int] = ..., public_port: _Optional[int] = ..., type: _Optional[str] = ...) -> None: ...

class ListResponse(_message.Message):
    __slots__ = ("containers",)
    CONTAINERS_FIELD_NUMBER: _ClassVar[int]
    containers: _containers.RepeatedCompositeFieldContainer[ContainerSummary]
    def __init__(self, containers: _Optional[_Iterable[_Union[ContainerSummary, _Mapping]]] = ...) -> None: ...

class LogsRequest(_message.Message):
    __slots__ = ("id", "follow", "tail", "since", "timestamps", "until")
    ID_FIELD_NUMBER: _ClassVar[int]
    FOLLOW_FIELD_NUMBER: _ClassVar[int]
    TAIL_FIELD_NUMBER: _ClassVar[int]
    SINCE_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMPS_FIELD_NUMBER: _ClassVar[int]
    UNTIL_FIELD_NUMBER: _ClassVar[int]
    id: str
    follow: bool
    tail: int
    since: str
    timestamps: bool
    until: str
    def __init__(self, id: _Optional[str] = ..., follow: _Optional[bool] = ..., tail: _Optional[int] = ..., since: _Optional[str] = ..., timestamps: _Optional[bool] = ..., until: _Optional[str] = ...) -> None: ...

class LogChunk(_message.Message):
    __slots__ = ("stream", "data", "time")
    class Stream(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STREAM_UNSPECIFIED: _ClassVar[LogChunk.Stream]
        STDOUT: _ClassVar[LogChunk.Stream]
        STDERR: _ClassVar[LogChunk.Stream]
    STREAM_UNSPECIFIED: LogChunk.Stream
    STDOUT: LogChunk.Stream
    STDERR: LogChunk.Stream
    STREAM_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    stream: LogChunk.Stream
    data: bytes
    time: _timestamp_pb2.Timestamp
    def __init__(self, stream: _Optional[_Union[LogChunk.Stream, str]] = ..., data: _Optional[bytes] = ..., time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class WindowSize(_message.Message):
    __slots__ = ("rows", "cols")
    ROWS_FIELD_NUMBER: _ClassVar[int]
    COLS_FIELD_NUMBER: _ClassVar[int]
    rows: int
    cols: int
    def __init__(self, rows: _Optional[int] = ..., cols: _Optional[int] = ...) -> None: ...

class ExecConfig(_message.Message):
    __slots__ = ("container", "cmd", "env", "workdir", "user", "tty", "interactive", "size", "privileged", "detach", "notify_started")
    CONTAINER_FIELD_NUMBER: _ClassVar[int]
    CMD_FIELD_NUMBER: _ClassVar[int]
    ENV_FIELD_NUMBER: _ClassVar[int]
    WORKDIR_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    TTY_FIELD_NUMBER: _ClassVar[int]
    INTERACTIVE_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    PRIVILEGED_FIELD_NUMBER: _ClassVar[int]
    DETACH_FIELD_NUMBER: _ClassVar[int]
    NOTIFY_STARTED_FIELD_NUMBER: _ClassVar[int]
    container: str
    cmd: _containers.RepeatedScalarFieldContainer[str]
    env: _containers.RepeatedScalarFieldContainer[str]
    workdir: str
    user: str
    tty: bool
    interactive: bool
    size: WindowSize
    privileged: bool
    detach: bool
    notify_started: bool
    def __init__(self, container: _Optional[str] = ..., cmd: _Optional[_Iterable[str]] = ..., env: _Optional[_Iterable[str]] = ..., workdir: _Optional[str] = ..., user: _Optional[str] = ..., tty: _Optional[bool] = ..., interactive: _Optional[bool] = ..., size: _Optional[_Union[WindowSize, _Mapping]] = ..., privileged: _Optional[bool] = ..., detach: _Optional[bool] = ..., notify_started: _Optional[bool] = ...) -> None: ...

class ExecInput(_message.Message):
    __slots__ = ("start", "stdin", "close_stdin", "resize")
    START_FIELD_NUMBER: _ClassVar[int]
    STDIN_FIELD_NUMBER: _ClassVar[int]
    CLOSE_STDIN_FIELD_NUMBER: _ClassVar[int]
    RESIZE_FIELD_NUMBER: _ClassVar[int]
    start: ExecConfig
    stdin: bytes
    close_stdin: bool
    resize: WindowSize
    def __init__(self, start: _Optional[_Union[ExecConfig, _Mapping]] = ..., stdin: _Optional[bytes] = ..., close_stdin: _Optional[bool] = ..., resize: _Optional[_Union[WindowSize, _Mapping]] = ...) -> None: ...

class ExecOutput(_message.Message):
    __slots__ = ("output", "exit_code", "started")
    OUTPUT_FIELD_NUMBER: _ClassVar[int]
    EXIT_CODE_FIELD_NUMBER: _ClassVar[int]
    STARTED_FIELD_NUMBER: _ClassVar[int]
    output: LogChunk
    exit_code: int
    started: int
    def __init__(self, output: _Optional[_Union[LogChunk, _Mapping]] = ..., exit_code: _Optional[int] = ..., started: _Optional[int] = ...) -> None: ...

class AttachConfig(_message.Message):
    __slots__ = ("container", "stdin", "start", "notify_attached", "hold")
    CONTAINER_FIELD_NUMBER: _ClassVar[int]
    STDIN_FIELD_NUMBER: _ClassVar[int]
    START_FIELD_NUMBER: _ClassVar[int]
    NOTIFY_ATTACHED_FIELD_NUMBER: _ClassVar[int]
    HOLD_FIELD_NUMBER: _ClassVar[int]
    container: str
    stdin: bool
    start: bool
    notify_attached: bool
    hold: bool
    def __init__(self, container: _Optional[str] = ..., stdin: _Optional[bool] = ..., start: _Optional[bool] = ..., notify_attached: _Optional[bool] = ..., hold: _Optional[bool] = ...) -> None: ...

class AttachInput(_message.Message):
    __slots__ = ("start", "stdin", "close_stdin", "resize")
    START_FIELD_NUMBER: _ClassVar[int]
    STDIN_FIELD_NUMBER: _ClassVar[int]
    CLOSE_STDIN_FIELD_NUMBER: _ClassVar[int]
    RESIZE_FIELD_NUMBER: _ClassVar[int]
    start: AttachConfig
    stdin: bytes
    close_stdin: bool
    resize: WindowSize
    def __init__(self, start: _Optional[_Union[AttachConfig, _Mapping]] = ..., stdin: _Optional[bytes] = ..., close_stdin: _Optional[bool] = ..., resize: _Optional[_Union[WindowSize, _Mapping]] = ...) -> None: ...

class StatsRequest(_message.Message):
    __slots__ = ("ids", "stream")
    IDS_FIELD_NUMBER: _ClassVar[int]
    STREAM_FIELD_NUMBER: _ClassVar[int]
    ids: _containers.RepeatedScalarFieldContainer[str]
    stream: bool
    def __init__(self, ids: _Optional[_Iterable[str]] = ..., stream: _Optional[bool] = ...) -> None: ...

class ContainerStats(_message.Message):
    __slots__ = ("id", "name", "cpu_percent", "memory_usage", "memory_limit", "memory_percent", "net_rx_bytes", "net_tx_bytes", "blk_read_bytes", "blk_write_bytes", "pids", "cpu_seconds", "read", "cpu_ns", "pre_cpu_ns", "system_ns", "pre_system_ns", "online_cpus", "memory_raw_usage", "memory_inactive_file", "pids_limit")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    CPU_PERCENT_FIELD_NUMBER: _ClassVar[int]
    MEMORY_USAGE_FIELD_NUMBER: _ClassVar[int]
    MEMORY_LIMIT_FIELD_NUMBER: _ClassVar[int]
    MEMORY_PERCENT_FIELD_NUMBER: _ClassVar[int]
    NET_RX_BYTES_FIELD_NUMBER: _ClassVar[int]
    NET_TX_BYTES_FIELD_NUMBER: _ClassVar[int]
    BLK_READ_BYTES_FIELD_NUMBER: _ClassVar[int]
    BLK_WRITE_BYTES_FIELD_NUMBER: _ClassVar[int]
    PIDS_FIELD_NUMBER: _ClassVar[int]
    CPU_SECONDS_FIELD_NUMBER: _ClassVar[int]
    READ_FIELD_NUMBER: _ClassVar[int]
    CPU_NS_FIELD_NUMBER: _ClassVar[int]
    PRE_CPU_NS_FIELD_NUMBER: _ClassVar[int]
    SYSTEM_NS_FIELD_NUMBER: _ClassVar[int]
    PRE_SYSTEM_NS_FIELD_NUMBER: _ClassVar[int]
    ONLINE_CPUS_FIELD_NUMBER: _ClassVar[int]
    MEMORY_RAW_USAGE_FIELD_NUMBER: _ClassVar[int]
    MEMORY_INACTIVE_FILE_FIELD_NUMBER: _ClassVar[int]
    PIDS_LIMIT_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    cpu_percent: float
    memory_usage: int
    memory_limit: int
    memory_percent: float
    net_rx_bytes: int
    net_tx_bytes: int
    blk_read_bytes: int
    blk_write_bytes: int
    pids: int
    cpu_seconds: float
    read: _timestamp_pb2.Timestamp
    cpu_ns: int
    pre_cpu_ns: int
    system_ns: int
    pre_system_ns: int
    online_cpus: int
    memory_raw_usage: int
    memory_inactive_file: int
    pids_limit: int
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., cpu_percent: _Optional[float] = ..., memory_usage: _Optional[int] = ..., memory_limit: _Optional[int] = ..., memory_percent: _Optional[float] = ..., net_rx_bytes: _Optional[int] = ..., net_tx_bytes: _Optional[int] = ..., blk_read_bytes: _Optional[int] = ..., blk_write_bytes: _Optional[int] = ..., pids: _Optional[int] = ..., cpu_seconds: _Optional[float] = ..., read: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., cpu_ns: _Optional[int] = ..., pre_cpu_ns: _Optional[int] = ..., system_ns: _Optional[int] = ..., pre_system_ns: _Optional[int] = ..., online_cpus: _Optional[int] = ..., memory_raw_usage: _Optional[int] = ..., memory_inactive_file: _Optional[int] = ..., pids_limit: _Optional[int] = ...) -> None: ...

class StatsBatch(_message.Message):
    __slots__ = ("stats",)
    STATS_FIELD_NUMBER: _ClassVar[int]
    stats: _containers.RepeatedCompositeFieldContainer[ContainerStats]
    def __init__(self, stats: _Optional[_Iterable[_Union[ContainerStats, _Mapping]]] = ...) -> None: ...

class UpdateRequest(_message.Message):
    __slots__ = ("id", "memory", "cpus", "cpu_shares", "pids_limit", "memory_reservation", "memory_swap", "cpuset_cpus", "cpuset_mems", "cpu_period", "cpu_quota", "cpu_rt_period", "cpu_rt_runtime", "blkio_weight", "restart")
    ID_FIELD_NUMBER: _ClassVar[int]
    MEMORY_FIELD_NUMBER: _ClassVar[int]
    CPUS_FIELD_NUMBER: _ClassVar[int]
    CPU_SHARES_FIELD_NUMBER: _ClassVar[int]
    PIDS_LIMIT_FIELD_NUMBER: _ClassVar[int]
    MEMORY_RESERVATION_FIELD_NUMBER: _ClassVar[int]
    MEMORY_SWAP_FIELD_NUMBER: _ClassVar[int]
    CPUSET_CPUS_FIELD_NUMBER: _ClassVar[int]
    CPUSET_MEMS_FIELD_NUMBER: _ClassVar[int]
    CPU_PERIOD_FIELD_NUMBER: _ClassVar[int]
    CPU_QUOTA_FIELD_NUMBER: _ClassVar[int]
    CPU_RT_PERIOD_FIELD_NUMBER: _ClassVar[int]
    CPU_RT_RUNTIME_FIELD_NUMBER: _ClassVar[int]
    BLKIO_WEIGHT_FIELD_NUMBER: _ClassVar[int]
    RESTART_FIELD_NUMBER: _ClassVar[int]
    id: str
    memory: str
    cpus: float
    cpu_shares: int
    pids_limit: int
    memory_reservation: str
    memory_swap: str
    cpuset_cpus: str
    cpuset_mems: str
    cpu_period: int
    cpu_quota: int
    cpu_rt_period: int
    cpu_rt_runtime: int
    blkio_weight: int
    restart: str
    def __init__(self, id: _Optional[str] = ..., memory: _Optional[str] = ..., cpus: _Optional[float] = ..., cpu_shares: _Optional[int] = ..., pids_limit: _Optional[int] = ..., memory_reservation: _Optional[str] = ..., memory_swap: _Optional[str] = ..., cpuset_cpus: _Optional[str] = ..., cpuset_mems: _Optional[str] = ..., cpu_period: _Optional[int] = ..., cpu_quota: _Optional[int] = ..., cpu_rt_period: _Optional[int] = ..., cpu_rt_runtime: _Optional[int] = ..., blkio_weight: _Optional[int] = ..., restart: _Optional[str] = ...) -> None: ...

class PruneContainersRequest(_message.Message):
    __slots__ = ("filters",)
    FILTERS_FIELD_NUMBER: _ClassVar[int]
    filters: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, filters: _Optional[_Iterable[str]] = ...) -> None: ...

class PruneContainersResponse(_message.Message):
    __slots__ = ("deleted", "space_reclaimed")
    DELETED_FIELD_NUMBER: _ClassVar[int]
    SPACE_RECLAIMED_FIELD_NUMBER: _ClassVar[int]
    deleted: _containers.RepeatedScalarFieldContainer[str]
    space_reclaimed: int
    def __init__(self, deleted: _Optional[_Iterable[str]] = ..., space_reclaimed: _Optional[int] = ...) -> None: ...

class TopRequest(_message.Message):
    __slots__ = ("id", "ps_args")
    ID_FIELD_NUMBER: _ClassVar[int]
    PS_ARGS_FIELD_NUMBER: _ClassVar[int]
    id: str
    ps_args: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, id: _Optional[str] = ..., ps_args: _Optional[_Iterable[str]] = ...) -> None: ...

class ProcessRow(_message.Message):
    __slots__ = ("values",)
    VALUES_FIELD_NUMBER: _ClassVar[int]
    values: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, values: _Optional[_Iterable[str]] = ...) -> None: ...

class TopResponse(_message.Message):
    __slots__ = ("titles", "processes")
    TITLES_FIELD_NUMBER: _ClassVar[int]
    PROCESSES_FIELD_NUMBER: _ClassVar[int]
    titles: _containers.RepeatedScalarFieldContainer[str]
    processes: _containers.RepeatedCompositeFieldContainer[ProcessRow]
    def __init__(self, titles: _Optional[_Iterable[str]] = ..., processes: _Optional[_Iterable[_Union[ProcessRow, _Mapping]]] = ...) -> None: ...

class RenameRequest(_message.Message):
    __slots__ = ("id", "name")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ...) -> None: ...

class Change(_message.Message):
    __slots__ = ("path", "kind")
    class Kind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        MODIFIED: _ClassVar[Change.Kind]
        ADDED: _ClassVar[Change.Kind]
        DELETED: _ClassVar[Change.Kind]
    MODIFIED: Change.Kind
    ADDED: Change.Kind
    DELETED: Change.Kind
    PATH_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    path: str
    kind: Change.Kind
    def __init__(self, path: _Optional[str] = ..., kind: _Optional[_Union[Change.Kind, str]] = ...) -> None: ...

class DiffResponse(_message.Message):
    __slots__ = ("changes",)
    CHANGES_FIELD_NUMBER: _ClassVar[int]
    changes: _containers.RepeatedCompositeFieldContainer[Change]
    def __init__(self, changes: _Optional[_Iterable[_Union[Change, _Mapping]]] = ...) -> None: ...

class StatPathRequest(_message.Message):
    __slots__ = ("id", "path")
    ID_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    id: str
    path: str
    def __init__(self, id: _Optional[str] = ..., path: _Optional[str] = ...) -> None: ...

class PathStat(_message.Message):
    __slots__ = ("name", "size", "mode", "mtime", "link_target")
    NAME_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    MTIME_FIELD_NUMBER: _ClassVar[int]
    LINK_TARGET_FIELD_NUMBER: _ClassVar[int]
    name: str
    size: int
    mode: int
    mtime: _timestamp_pb2.Timestamp
    link_target: str
    def __init__(self, name: _Optional[str] = ..., size: _Optional[int] = ..., mode: _Optional[int] = ..., mtime: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., link_target: _Optional[str] = ...) -> None: ...

class CopyFromRequest(_message.Message):
    __slots__ = ("id", "path", "follow_link")
    ID_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    FOLLOW_LINK_FIELD_NUMBER: _ClassVar[int]
    id: str
    path: str
    follow_link: bool
    def __init__(self, id: _Optional[str] = ..., path: _Optional[str] = ..., follow_link: _Optional[bool] = ...) -> None: ...

class CopyChunk(_message.Message):
    __slots__ = ("stat", "data")
    STAT_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    stat: PathStat
    data: bytes
    def __init__(self, stat: _Optional[_Union[PathStat, _Mapping]] = ..., data: _Optional[bytes] = ...) -> None: ...

class CopyToHeader(_message.Message):
    __slots__ = ("id", "path", "copy_uid_gid")
    ID_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    COPY_UID_GID_FIELD_NUMBER: _ClassVar[int]
    id: str
    path: str
    copy_uid_gid: bool
    def __init__(self, id: _Optional[str] = ..., path: _Optional[str] = ..., copy_uid_gid: _Optional[bool] = ...) -> None: ...

class CopyToInput(_message.Message):
    __slots__ = ("header", "data")
    HEADER_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    header: CopyToHeader
    data: bytes
    def __init__(self, header: _Optional[_Union[CopyToHeader, _Mapping]] = ..., data: _Optional[bytes] = ...) -> None: ...

class CopyToResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ReopenLogRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ReopenLogResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class Mount(_message.Message):
    __slots__ = ("destination", "type", "source", "options", "volume")
    DESTINATION_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    VOLUME_FIELD_NUMBER: _ClassVar[int]
    destination: str
    type: str
    source: str
    options: _containers.RepeatedScalarFieldContainer[str]
    volume: str
    def __init__(self, destination: _Optional[str] = ..., type: _Optional[str] = ..., source: _Optional[str] = ..., options: _Optional[_Iterable[str]] = ..., volume: _Optional[str] = ...) -> None: ...

class Rootfs(_message.Message):
    __slots__ = ("lower_dirs", "upper_dir", "work_dir", "readonly", "mounts")
    LOWER_DIRS_FIELD_NUMBER: _ClassVar[int]
    UPPER_DIR_FIELD_NUMBER: _ClassVar[int]
    WORK_DIR_FIELD_NUMBER: _ClassVar[int]
    READONLY_FIELD_NUMBER: _ClassVar[int]
    MOUNTS_FIELD_NUMBER: _ClassVar[int]
    lower_dirs: _containers.RepeatedScalarFieldContainer[str]
    upper_dir: str
    work_dir: str
    readonly: bool
    mounts: _containers.RepeatedCompositeFieldContainer[Mount]
    def __init__(self, lower_dirs: _Optional[_Iterable[str]] = ..., upper_dir: _Optional[str] = ..., work_dir: _Optional[str] = ..., readonly: _Optional[bool] = ..., mounts: _Optional[_Iterable[_Union[Mount, _Mapping]]] = ...) -> None: ...

class Resources(_message.Message):
    __slots__ = ("memory_bytes", "cpu_shares", "cpu_quota", "cpu_period", "pids_limit", "memory_reservation", "memory_swap", "memory_swappiness", "oom_kill_disable", "cpuset_cpus", "cpuset_mems", "cpu_rt_period", "cpu_rt_runtime", "nano_cpus", "blkio_weight", "blkio_weight_device", "device_read_bps", "device_write_bps", "device_read_iops", "device_write_iops", "shm_size", "devices", "device_cgroup_rules", "oom_score_adj", "kernel_memory")
    MEMORY_BYTES_FIELD_NUMBER: _ClassVar[int]
    CPU_SHARES_FIELD_NUMBER: _ClassVar[int]
    CPU_QUOTA_FIELD_NUMBER: _ClassVar[int]
    CPU_PERIOD_FIELD_NUMBER: _ClassVar[int]
    PIDS_LIMIT_FIELD_NUMBER: _ClassVar[int]
    MEMORY_RESERVATION_FIELD_NUMBER: _ClassVar[int]
    MEMORY_SWAP_FIELD_NUMBER: _ClassVar[int]
    MEMORY_SWAPPINESS_FIELD_NUMBER: _ClassVar[int]
    OOM_KILL_DISABLE_FIELD_NUMBER: _ClassVar[int]
    CPUSET_CPUS_FIELD_NUMBER: _ClassVar[int]
    CPUSET_MEMS_FIELD_NUMBER: _ClassVar[int]
    CPU_RT_PERIOD_FIELD_NUMBER: _ClassVar[int]
    CPU_RT_RUNTIME_FIELD_NUMBER: _ClassVar[int]
    NANO_CPUS_FIELD_NUMBER: _ClassVar[int]
    BLKIO_WEIGHT_FIELD_NUMBER: _ClassVar[int]
    BLKIO_WEIGHT_DEVICE_FIELD_NUMBER: _ClassVar[int]
    DEVICE_READ_BPS_FIELD_NUMBER: _ClassVar[int]
    DEVICE_WRITE_BPS_FIELD_NUMBER: _ClassVar[int]
    DEVICE_READ_IOPS_FIELD_NUMBER: _ClassVar[int]
    DEVICE_WRITE_IOPS_FIELD_NUMBER: _ClassVar[int]
    SHM_SIZE_FIELD_NUMBER: _ClassVar[int]
    DEVICES_FIELD_NUMBER: _ClassVar[int]
    DEVICE_CGROUP_RULES_FIELD_NUMBER: _ClassVar[int]
    OOM_SCORE_ADJ_FIELD_NUMBER: _ClassVar[int]
    KERNEL_MEMORY_FIELD_NUMBER: _ClassVar[int]
    memory_bytes: int
    cpu_shares: int
    cpu_quota: int
    cpu_period: int
    pids_limit: int
    memory_reservation: int
    memory_swap: int
    memory_swappiness: int
    oom_kill_disable: bool
    cpuset_cpus: str
    cpuset_mems: str
    cpu_rt_period: int
    cpu_rt_runtime: int
    nano_cpus: int
    blkio_weight: int
    blkio_weight_device: _containers.RepeatedScalarFieldContainer[str]
    device_read_bps: _containers.RepeatedScalarFieldContainer[str]
    device_write_bps: _containers.RepeatedScalarFieldContainer[str]
    device_read_iops: _containers.RepeatedScalarFieldContainer[str]
    device_write_iops: _containers.RepeatedScalarFieldContainer[str]
    shm_size: int
    devices: _containers.RepeatedScalarFieldContainer[str]
    device_cgroup_rules: _containers.RepeatedScalarFieldContainer[str]
    oom_score_adj: int
    kernel_memory: int
    def __init__(self, memory_bytes: _Optional[int] = ..., cpu_shares: _Optional[int] = ..., cpu_quota: _Optional[int] = ..., cpu_period: _Optional[int] = ..., pids_limit: _Optional[int] = ..., memory_reservation: _Optional[int] = ..., memory_swap: _Optional[int] = ..., memory_swappiness: _Optional[int] = ..., oom_kill_disable: _Optional[bool] = ..., cpuset_cpus: _Optional[str] = ..., cpuset_mems: _Optional[str] = ..., cpu_rt_period: _Optional[int] = ..., cpu_rt_runtime: _Optional[int] = ..., nano_cpus: _Optional[int] = ..., blkio_weight: _Optional[int] = ..., blkio_weight_device: _Optional[_Iterable[str]] = ..., device_read_bps: _Optional[_Iterable[str]] = ..., device_write_bps: _Optional[_Iterable[str]] = ..., device_read_iops: _Optional[_Iterable[str]] = ..., device_write_iops: _Optional[_Iterable[str]] = ..., shm_size: _Optional[int] = ..., devices: _Optional[_Iterable[str]] = ..., device_cgroup_rules: _Optional[_Iterable[str]] = ..., oom_score_adj: _Optional[int] = ..., kernel_memory: _Optional[int] = ...) -> None: ...

class Process(_message.Message):
    __slots__ = ("args", "env", "cwd", "user")
    ARGS_FIELD_NUMBER: _ClassVar[int]
    ENV_FIELD_NUMBER: _ClassVar[int]
    CWD_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    args: _containers.RepeatedScalarFieldContainer[str]
    env: _containers.RepeatedScalarFieldContainer[str]
    cwd: str
    user: str
    def __init__(self, args: _Optional[_Iterable[str]] = ..., env: _Optional[_Iterable[str]] = ..., cwd: _Optional[str] = ..., user: _Optional[str] = ...) -> None: ...

class ContainerSpec(_message.Message):
    __slots__ = ("name", "image", "image_id", "process", "hostname", "rootfs", "mounts", "resources", "network_mode", "labels", "auto_remove", "cmd", "entrypoint", "stop_signal", "stop_timeout", "restart_policy", "tty", "open_stdin", "console_size", "log", "cap_add", "cap_drop", "privileged", "security_opt", "ulimits", "healthcheck", "init", "runtime", "userns", "cgroupns", "config_env", "group_add", "domainname", "sysctls", "extra_hosts", "dns", "dns_search", "dns_options", "publish_all", "tmpfs", "binds", "log_opts", "detached", "config_volumes", "pid_mode", "ipc_mode", "uts_mode", "volumes_from", "exposed_ports", "annotations", "attach", "cgroup_parent", "volume_driver", "userns_mode", "ip6", "link_local_ips", "mac_address", "links", "network_default", "cri_log_path", "masked_paths", "readonly_paths", "masked_paths_set", "readonly_paths_set")
    class LabelsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class SysctlsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class TmpfsEntry(_message.Message):
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
    NAME_FIELD_NUMBER: _ClassVar[int]
    IMAGE_FIELD_NUMBER: _ClassVar[int]
    IMAGE_ID_FIELD_NUMBER: _ClassVar[int]
    PROCESS_FIELD_NUMBER: _ClassVar[int]
    HOSTNAME_FIELD_NUMBER: _ClassVar[int]
    ROOTFS_FIELD_NUMBER: _ClassVar[int]
    MOUNTS_FIELD_NUMBER: _ClassVar[int]
    RESOURCES_FIELD_NUMBER: _ClassVar[int]
    NETWORK_MODE_FIELD_NUMBER: _ClassVar[int]
    LABELS_FIELD_NUMBER: _ClassVar[int]
    AUTO_REMOVE_FIELD_NUMBER: _ClassVar[int]
    CMD_FIELD_NUMBER: _ClassVar[int]
    ENTRYPOINT_FIELD_NUMBER: _ClassVar[int]
    STOP_SIGNAL_FIELD_NUMBER: _ClassVar[int]
    STOP_TIMEOUT_FIELD_NUMBER: _ClassVar[int]
    RESTART_POLICY_FIELD_NUMBER: _ClassVar[int]
    TTY_FIELD_NUMBER: _ClassVar[int]
    OPEN_STDIN_FIELD_NUMBER: _ClassVar[int]
    CONSOLE_SIZE_FIELD_NUMBER: _ClassVar[int]
    LOG_FIELD_NUMBER: _ClassVar[int]
    CAP_ADD_FIELD_NUMBER: _ClassVar[int]
    CAP_DROP_FIELD_NUMBER: _ClassVar[int]
    PRIVILEGED_FIELD_NUMBER: _ClassVar[int]
    SECURITY_OPT_FIELD_NUMBER: _ClassVar[int]
    ULIMITS_FIELD_NUMBER: _ClassVar[int]
    HEALTHCHECK_FIELD_NUMBER: _ClassVar[int]
    INIT_FIELD_NUMBER: _ClassVar[int]
    RUNTIME_FIELD_NUMBER: _ClassVar[int]
    USERNS_FIELD_NUMBER: _ClassVar[int]
    CGROUPNS_FIELD_NUMBER: _ClassVar[int]
    CONFIG_ENV_FIELD_NUMBER: _ClassVar[int]
    GROUP_ADD_FIELD_NUMBER: _ClassVar[int]
    DOMAINNAME_FIELD_NUMBER: _ClassVar[int]
    SYSCTLS_FIELD_NUMBER: _ClassVar[int]
    EXTRA_HOSTS_FIELD_NUMBER: _ClassVar[int]
    DNS_FIELD_NUMBER: _ClassVar[int]
    DNS_SEARCH_FIELD_NUMBER: _ClassVar[int]
    DNS_OPTIONS_FIELD_NUMBER: _ClassVar[int]
    PUBLISH_ALL_FIELD_NUMBER: _ClassVar[int]
    TMPFS_FIELD_NUMBER: _ClassVar[int]
    BINDS_FIELD_NUMBER: _ClassVar[int]
    LOG_OPTS_FIELD_NUMBER: _ClassVar[int]
    DETACHED_FIELD_NUMBER: _ClassVar[int]
    CONFIG_VOLUMES_FIELD_NUMBER: _ClassVar[int]
    PID_MODE_FIELD_NUMBER: _ClassVar[int]
    IPC_MODE_FIELD_NUMBER: _ClassVar[int]
    UTS_MODE_FIELD_NUMBER: _ClassVar[int]
    VOLUMES_FROM_FIELD_NUMBER: _ClassVar[int]
    EXPOSED_PORTS_FIELD_NUMBER: _ClassVar[int]
    ANNOTATIONS_FIELD_NUMBER: _ClassVar[int]
    ATTACH_FIELD_NUMBER: _ClassVar[int]
    CGROUP_PARENT_FIELD_NUMBER: _ClassVar[int]
    VOLUME_DRIVER_FIELD_NUMBER: _ClassVar[int]
    USERNS_MODE_FIELD_NUMBER: _ClassVar[int]
    IP6_FIELD_NUMBER: _ClassVar[int]
    LINK_LOCAL_IPS_FIELD_NUMBER: _ClassVar[int]
    MAC_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    LINKS_FIELD_NUMBER: _ClassVar[int]
    NETWORK_DEFAULT_FIELD_NUMBER: _ClassVar[int]
    CRI_LOG_PATH_FIELD_NUMBER: _ClassVar[int]
    MASKED_PATHS_FIELD_NUMBER: _ClassVar[int]
    READONLY_PATHS_FIELD_NUMBER: _ClassVar[int]
    MASKED_PATHS_SET_FIELD_NUMBER: _ClassVar[int]
    READONLY_PATHS_SET_FIELD_NUMBER: _ClassVar[int]
    name: str
    image: str
    image_id: str
    process: Process
    hostname: str
    rootfs: Rootfs
    mounts: _containers.RepeatedCompositeFieldContainer[Mount]
    resources: Resources
    network_mode: str
    labels: _containers.ScalarMap[str, str]
    auto_remove: bool
    cmd: _containers.RepeatedScalarFieldContainer[str]
    entrypoint: _containers.RepeatedScalarFieldContainer[str]
    stop_signal: str
    stop_timeout: int
    restart_policy: RestartPolicy
    tty: bool
    open_stdin: bool
    console_size: WindowSize
    log: LogConfig
    cap_add: _containers.RepeatedScalarFieldContainer[str]
    cap_drop: _containers.RepeatedScalarFieldContainer[str]
    privileged: bool
    security_opt: _containers.RepeatedScalarFieldContainer[str]
    ulimits: _containers.RepeatedScalarFieldContainer[str]
    healthcheck: Healthcheck
    init: bool
    runtime: str
    userns: UsernsRemap
    cgroupns: str
    config_env: _containers.RepeatedScalarFieldContainer[str]
    group_add: _containers.RepeatedScalarFieldContainer[str]
    domainname: str
    sysctls: _containers.ScalarMap[str, str]
    extra_hosts: _containers.RepeatedScalarFieldContainer[str]
    dns: _containers.RepeatedScalarFieldContainer[str]
    dns_search: _containers.RepeatedScalarFieldContainer[str]
    dns_options: _containers.RepeatedScalarFieldContainer[str]
    publish_all: bool
    tmpfs: _containers.ScalarMap[str, str]
    binds: _containers.RepeatedScalarFieldContainer[str]
    log_opts: _containers.ScalarMap[str, str]
    detached: bool
    config_volumes: _containers.RepeatedScalarFieldContainer[str]
    pid_mode: str
    ipc_mode: str
    uts_mode: str
    volumes_from: _containers.RepeatedScalarFieldContainer[str]
    exposed_ports: _containers.RepeatedScalarFieldContainer[str]
    annotations: _containers.ScalarMap[str, str]
    attach: _containers.RepeatedScalarFieldContainer[str]
    cgroup_parent: str
    volume_driver: str
    userns_mode: str
    ip6: str
    link_local_ips: _containers.RepeatedScalarFieldContainer[str]
    mac_address: str
    links: _containers.RepeatedScalarFieldContainer[str]
    network_default: bool
    cri_log_path: str
    masked_paths: _containers.RepeatedScalarFieldContainer[str]
    readonly_paths: _containers.RepeatedScalarFieldContainer[str]
    masked_paths_set: bool
    readonly_paths_set: bool
    def __init__(self, name: _Optional[str] = ..., image: _Optional[str] = ..., image_id: _Optional[str] = ..., process: _Optional[_Union[Process, _Mapping]] = ..., hostname: _Optional[str] = ..., rootfs: _Optional[_Union[Rootfs, _Mapping]] = ..., mounts: _Optional[_Iterable[_Union[Mount, _Mapping]]] = ..., resources: _Optional[_Union[Resources, _Mapping]] = ..., network_mode: _Optional[str] = ..., labels: _Optional[_Mapping[str, str]] = ..., auto_remove: _Optional[bool] = ..., cmd: _Optional[_Iterable[str]] = ..., entrypoint: _Optional[_Iterable[str]] = ..., stop_signal: _Optional[str] = ..., stop_timeout: _Optional[int] = ..., restart_policy: _Optional[_Union[RestartPolicy, _Mapping]] = ..., tty: _Optional[bool] = ..., open_stdin: _Optional[bool] = ..., console_size: _Optional[_Union[WindowSize, _Mapping]] = ..., log: _Optional[_Union[LogConfig, _Mapping]] = ..., cap_add: _Optional[_Iterable[str]] = ..., cap_drop: _Optional[_Iterable[str]] = ..., privileged: _Optional[bool] = ..., security_opt: _Optional[_Iterable[str]] = ..., ulimits: _Optional[_Iterable[str]] = ..., healthcheck: _Optional[_Union[Healthcheck, _Mapping]] = ..., init: _Optional[bool] = ..., runtime: _Optional[str] = ..., userns: _Optional[_Union[UsernsRemap, _Mapping]] = ..., cgroupns: _Optional[str] = ..., config_env: _Optional[_Iterable[str]] = ..., group_add: _Optional[_Iterable[str]] = ..., domainname: _Optional[str] = ..., sysctls: _Optional[_Mapping[str, str]] = ..., extra_hosts: _Optional[_Iterable[str]] = ..., dns: _Optional[_Iterable[str]] = ..., dns_search: _Optional[_Iterable[str]] = ..., dns_options: _Optional[_Iterable[str]] = ..., publish_all: _Optional[bool] = ..., tmpfs: _Optional[_Mapping[str, str]] = ..., binds: _Optional[_Iterable[str]] = ..., log_opts: _Optional[_Mapping[str, str]] = ..., detached: _Optional[bool] = ..., config_volumes: _Optional[_Iterable[str]] = ..., pid_mode: _Optional[str] = ..., ipc_mode: _Optional[str] = ..., uts_mode: _Optional[str] = ..., volumes_from: _Optional[_Iterable[str]] = ..., exposed_ports: _Optional[_Iterable[str]] = ..., annotations: _Optional[_Mapping[str, str]] = ..., attach: _Optional[_Iterable[str]] = ..., cgroup_parent: _Optional[str] = ..., volume_driver: _Optional[str] = ..., userns_mode: _Optional[str] = ..., ip6: _Optional[str] = ..., link_local_ips: _Optional[_Iterable[str]] = ..., mac_address: _Optional[str] = ..., links: _Optional[_Iterable[str]] = ..., network_default: _Optional[bool] = ..., cri_log_path: _Optional[str] = ..., masked_paths: _Optional[_Iterable[str]] = ..., readonly_paths: _Optional[_Iterable[str]] = ..., masked_paths_set: _Optional[bool] = ..., readonly_paths_set: _Optional[bool] = ...) -> None: ...

class UsernsRemap(_message.Message):
    __slots__ = ("uid_base", "gid_base", "size")
    UID_BASE_FIELD_NUMBER: _ClassVar[int]
    GID_BASE_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    uid_base: int
    gid_base: int
    size: int
    def __init__(self, uid_base: _Optional[int] = ..., gid_base: _Optional[int] = ..., size: _Optional[int] = ...) -> None: ...

class Healthcheck(_message.Message):
    __slots__ = ("test", "interval", "timeout", "start_period", "retries", "start_interval")
    TEST_FIELD_NUMBER: _ClassVar[int]
    INTERVAL_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_FIELD_NUMBER: _ClassVar[int]
    START_PERIOD_FIELD_NUMBER: _ClassVar[int]
    RETRIES_FIELD_NUMBER: _ClassVar[int]
    START_INTERVAL_FIELD_NUMBER: _ClassVar[int]
    test: _containers.RepeatedScalarFieldContainer[str]
    interval: int
    timeout: int
    start_period: int
    retries: int
    start_interval: int
    def __init__(self, test: _Optional[_Iterable[str]] = ..., interval: _Optional[int] = ..., timeout: _Optional[int] = ..., start_period: _Optional[int] = ..., retries: _Optional[int] = ..., start_interval: _Optional[int] = ...) -> None: ...

class HealthResult(_message.Message):
    __slots__ = ("start", "end", "exit_code", "output")
    START_FIELD_NUMBER: _ClassVar[int]
    END_FIELD_NUMBER: _ClassVar[int]
    EXIT_CODE_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_FIELD_NUMBER: _ClassVar[int]
    start: _timestamp_pb2.Timestamp
    end: _timestamp_pb2.Timestamp
    exit_code: int
    output: str
    def __init__(self, start: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., exit_code: _Optional[int] = ..., output: _Optional[str] = ...) -> None: ...

class Health(_message.Message):
    __slots__ = ("status", "failing_streak", "log")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    FAILING_STREAK_FIELD_NUMBER: _ClassVar[int]
    LOG_FIELD_NUMBER: _ClassVar[int]
    status: str
    failing_streak: int
    log: _containers.RepeatedCompositeFieldContainer[HealthResult]
    def __init__(self, status: _Optional[str] = ..., failing_streak: _Optional[int] = ..., log: _Optional[_Iterable[_Union[HealthResult, _Mapping]]] = ...) -> None: ...

class LogConfig(_message.Message):
    __slots__ = ("max_size", "max_file", "driver")
    MAX_SIZE_FIELD_NUMBER: _ClassVar[int]
    MAX_FILE_FIELD_NUMBER: _ClassVar[int]
    DRIVER_FIELD_NUMBER: _ClassVar[int]
    max_size: int
    max_file: int
    driver: str
    def __init__(self, max_size: _Optional[int] = ..., max_file: _Optional[int] = ..., driver: _Optional[str] = ...) -> None: ...

class RestartPolicy(_message.Message):
    __slots__ = ("name", "maximum_retry_count")
    NAME_FIELD_NUMBER: _ClassVar[int]
    MAXIMUM_RETRY_COUNT_FIELD_NUMBER: _ClassVar[int]
    name: str
    maximum_retry_count: int
    def __init__(self, name: _Optional[str] = ..., maximum_retry_count: _Optional[int] = ...) -> None: ...

class Container(_message.Message):
    __slots__ = ("id", "name", "spec", "status", "pid", "exit_code", "oom_killed", "error", "created_at", "started_at", "finished_at", "restart_count", "bundle", "log_path", "netns_path", "health")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    SPEC_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PID_FIELD_NUMBER: _ClassVar[int]
    EXIT_CODE_FIELD_NUMBER: _ClassVar[int]
    OOM_KILLED_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    STARTED_AT_FIELD_NUMBER: _ClassVar[int]
    FINISHED_AT_FIELD_NUMBER: _ClassVar[int]
    RESTART_COUNT_FIELD_NUMBER: _ClassVar[int]
    BUNDLE_FIELD_NUMBER: _ClassVar[int]
    LOG_PATH_FIELD_NUMBER: _ClassVar[int]
    NETNS_PATH_FIELD_NUMBER: _ClassVar[int]
    HEALTH_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    spec: ContainerSpec
    status: str
    pid: int
    exit_code: int
    oom_killed: bool
    error: str
    created_at: _timestamp_pb2.Timestamp
    started_at: _timestamp_pb2.Timestamp
    finished_at: _timestamp_pb2.Timestamp
    restart_count: int
    bundle: str
    log_path: str
    netns_path: str
    health: Health
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., spec: _Optional[_Union[ContainerSpec, _Mapping]] = ..., status: _Optional[str] = ..., pid: _Optional[int] = ..., exit_code: _Optional[int] = ..., oom_killed: _Optional[bool] = ..., error: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., started_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., finished_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., restart_count: _Optional[int] = ..., bundle: _Optional[str] = ..., log_path: _Optional[str] = ..., netns_path: _Optional[str] = ..., health: _Optional[_Union[Health, _Mapping]] = ...) -> None: ...

class CreateRequest(_message.Message):
    __slots__ = ("id", "spec")
    ID_FIELD_NUMBER: _ClassVar[int]
    SPEC_FIELD_NUMBER: _ClassVar[int]
    id: str
    spec: ContainerSpec
    def __init__(self, id: _Optional[str] = ..., spec: _Optional[_Union[ContainerSpec, _Mapping]] = ...) -> None: ...

class StartRequest(_message.Message):
    __slots__ = ("id", "launch_only")
    ID_FIELD_NUMBER: _ClassVar[int]
    LAUNCH_ONLY_FIELD_NUMBER: _ClassVar[int]
    id: str
    launch_only: bool
    def __init__(self, id: _Optional[str] = ..., launch_only: _Optional[bool] = ...) -> None: ...

class WaitRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class WaitResponse(_message.Message):
    __slots__ = ("exit_code", "oom_killed", "error")
    EXIT_CODE_FIELD_NUMBER: _ClassVar[int]
    OOM_KILLED_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    exit_code: int
    oom_killed: bool
    error: str
    def __init__(self, exit_code: _Optional[int] = ..., oom_killed: _Optional[bool] = ..., error: _Optional[str] = ...) -> None: ...

class KillRequest(_message.Message):
    __slots__ = ("id", "signal")
    ID_FIELD_NUMBER: _ClassVar[int]
    SIGNAL_FIELD_NUMBER: _ClassVar[int]
    id: str
    signal: str
    def __init__(self, id: _Optional[str] = ..., signal: _Optional[str] = ...) -> None: ...

class KillResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class StopRequest(_message.Message):
    __slots__ = ("id", "timeout", "signal")
    ID_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_FIELD_NUMBER: _ClassVar[int]
    SIGNAL_FIELD_NUMBER: _ClassVar[int]
    id: str
    timeout: int
    signal: str
    def __init__(self, id: _Optional[str] = ..., timeout: _Optional[int] = ..., signal: _Optional[str] = ...) -> None: ...

class RemoveRequest(_message.Message):
    __slots__ = ("id", "force")
    ID_FIELD_NUMBER: _ClassVar[int]
    FORCE_FIELD_NUMBER: _ClassVar[int]
    id: str
    force: bool
    def __init__(self, id: _Optional[str] = ..., force: _Optional[bool] = ...) -> None: ...

class RemoveResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListRequest(_message.Message):
    __slots__ = ("all",)
    ALL_FIELD_NUMBER: _ClassVar[int]
    all: bool
    def __init__(self, all: _Optional[bool] = ...) -> None: ...

class ListResponse(_message.Message):
    __slots__ = ("containers",)
    CONTAINERS_FIELD_NUMBER: _ClassVar[int]
    containers: _containers.RepeatedCompositeFieldContainer[Container]
    def __init__(self, containers: _Optional[_Iterable[_Union[Container, _Mapping]]] = ...) -> None: ...

class InspectRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class LogsRequest(_message.Message):
    __slots__ = ("id", "follow", "stdout", "stderr", "tail", "since", "timestamps")
    ID_FIELD_NUMBER: _ClassVar[int]
    FOLLOW_FIELD_NUMBER: _ClassVar[int]
    STDOUT_FIELD_NUMBER: _ClassVar[int]
    STDERR_FIELD_NUMBER: _ClassVar[int]
    TAIL_FIELD_NUMBER: _ClassVar[int]
    SINCE_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMPS_FIELD_NUMBER: _ClassVar[int]
    id: str
    follow: bool
    stdout: bool
    stderr: bool
    tail: int
    since: float
    timestamps: bool
    def __init__(self, id: _Optional[str] = ..., follow: _Optional[bool] = ..., stdout: _Optional[bool] = ..., stderr: _Optional[bool] = ..., tail: _Optional[int] = ..., since: _Optional[float] = ..., timestamps: _Optional[bool] = ...) -> None: ...

class LogRecord(_message.Message):
    __slots__ = ("stream", "data", "time")
    class Stream(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STREAM_UNSPECIFIED: _ClassVar[LogRecord.Stream]
        STDOUT: _ClassVar[LogRecord.Stream]
        STDERR: _ClassVar[LogRecord.Stream]
    STREAM_UNSPECIFIED: LogRecord.Stream
    STDOUT: LogRecord.Stream
    STDERR: LogRecord.Stream
    STREAM_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    stream: LogRecord.Stream
    data: bytes
    time: _timestamp_pb2.Timestamp
    def __init__(self, stream: _Optional[_Union[LogRecord.Stream, str]] = ..., data: _Optional[bytes] = ..., time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class PauseRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ResumeRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ExecSpec(_message.Message):
    __slots__ = ("id", "args", "env", "cwd", "user", "tty", "stdin", "size", "privileged")
    ID_FIELD_NUMBER: _ClassVar[int]
    ARGS_FIELD_NUMBER: _ClassVar[int]
    ENV_FIELD_NUMBER: _ClassVar[int]
    CWD_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    TTY_FIELD_NUMBER: _ClassVar[int]
    STDIN_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    PRIVILEGED_FIELD_NUMBER: _ClassVar[int]
    id: str
    args: _containers.RepeatedScalarFieldContainer[str]
    env: _containers.RepeatedScalarFieldContainer[str]
    cwd: str
    user: str
    tty: bool
    stdin: bool
    size: WindowSize
    privileged: bool
    def __init__(self, id: _Optional[str] = ..., args: _Optional[_Iterable[str]] = ..., env: _Optional[_Iterable[str]] = ..., cwd: _Optional[str] = ..., user: _Optional[str] = ..., tty: _Optional[bool] = ..., stdin: _Optional[bool] = ..., size: _Optional[_Union[WindowSize, _Mapping]] = ..., privileged: _Optional[bool] = ...) -> None: ...

class WindowSize(_message.Message):
    __slots__ = ("rows", "cols")
    ROWS_FIELD_NUMBER: _ClassVar[int]
    COLS_FIELD_NUMBER: _ClassVar[int]
    rows: int
    cols: int
    def __init__(self, rows: _Optional[int] = ..., cols: _Optional[int] = ...) -> None: ...

class ExecInput(_message.Message):
    __slots__ = ("start", "stdin", "close_stdin", "resize")
    START_FIELD_NUMBER: _ClassVar[int]
    STDIN_FIELD_NUMBER: _ClassVar[int]
    CLOSE_STDIN_FIELD_NUMBER: _ClassVar[int]
    RESIZE_FIELD_NUMBER: _ClassVar[int]
    start: ExecSpec
    stdin: bytes
    close_stdin: bool
    resize: WindowSize
    def __init__(self, start: _Optional[_Union[ExecSpec, _Mapping]] = ..., stdin: _Optional[bytes] = ..., close_stdin: _Optional[bool] = ..., resize: _Optional[_Union[WindowSize, _Mapping]] = ...) -> None: ...

class ExecOutput(_message.Message):
    __slots__ = ("output", "exit_code", "started", "pid")
    OUTPUT_FIELD_NUMBER: _ClassVar[int]
    EXIT_CODE_FIELD_NUMBER: _ClassVar[int]
    STARTED_FIELD_NUMBER: _ClassVar[int]
    PID_FIELD_NUMBER: _ClassVar[int]
    output: LogRecord
    exit_code: int
    started: bool
    pid: int
    def __init__(self, output: _Optional[_Union[LogRecord, _Mapping]] = ..., exit_code: _Optional[int] = ..., started: _Optional[bool] = ..., pid: _Optional[int] = ...) -> None: ...

class AttachSpec(_message.Message):
    __slots__ = ("id", "stdin")
    ID_FIELD_NUMBER: _ClassVar[int]
    STDIN_FIELD_NUMBER: _ClassVar[int]
    id: str
    stdin: bool
    def __init__(self, id: _Optional[str] = ..., stdin: _Optional[bool] = ...) -> None: ...

class AttachInput(_message.Message):
    __slots__ = ("start", "stdin", "close_stdin", "resize")
    START_FIELD_NUMBER: _ClassVar[int]
    STDIN_FIELD_NUMBER: _ClassVar[int]
    CLOSE_STDIN_FIELD_NUMBER: _ClassVar[int]
    RESIZE_FIELD_NUMBER: _ClassVar[int]
    start: AttachSpec
    stdin: bytes
    close_stdin: bool
    resize: WindowSize
    def __init__(self, start: _Optional[_Union[AttachSpec, _Mapping]] = ..., stdin: _Optional[bytes] = ..., close_stdin: _Optional[bool] = ..., resize: _Optional[_Union[WindowSize, _Mapping]] = ...) -> None: ...

class AttachOutput(_message.Message):
    __slots__ = ("output", "exit_code", "attached")
    OUTPUT_FIELD_NUMBER: _ClassVar[int]
    EXIT_CODE_FIELD_NUMBER: _ClassVar[int]
    ATTACHED_FIELD_NUMBER: _ClassVar[int]
    output: LogRecord
    exit_code: int
    attached: bool
    def __init__(self, output: _Optional[_Union[LogRecord, _Mapping]] = ..., exit_code: _Optional[int] = ..., attached: _Optional[bool] = ...) -> None: ...

class StatsRequest(_message.Message):
    __slots__ = ("ids", "stream")
    IDS_FIELD_NUMBER: _ClassVar[int]
    STREAM_FIELD_NUMBER: _ClassVar[int]
    ids: _containers.RepeatedScalarFieldContainer[str]
    stream: bool
    def __init__(self, ids: _Optional[_Iterable[str]] = ..., stream: _Optional[bool] = ...) -> None: ...

class StatsSample(_message.Message):
    __slots__ = ("id", "name", "read", "cpu_ns", "pre_cpu_ns", "system_ns", "pre_system_ns", "online_cpus", "memory_usage", "memory_limit", "memory_inactive_file", "pids_current", "pids_limit", "net_rx_bytes", "net_tx_bytes", "blk_read_bytes", "blk_write_bytes")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    READ_FIELD_NUMBER: _ClassVar[int]
    CPU_NS_FIELD_NUMBER: _ClassVar[int]
    PRE_CPU_NS_FIELD_NUMBER: _ClassVar[int]
    SYSTEM_NS_FIELD_NUMBER: _ClassVar[int]
    PRE_SYSTEM_NS_FIELD_NUMBER: _ClassVar[int]
    ONLINE_CPUS_FIELD_NUMBER: _ClassVar[int]
    MEMORY_USAGE_FIELD_NUMBER: _ClassVar[int]
    MEMORY_LIMIT_FIELD_NUMBER: _ClassVar[int]
    MEMORY_INACTIVE_FILE_FIELD_NUMBER: _ClassVar[int]
    PIDS_CURRENT_FIELD_NUMBER: _ClassVar[int]
    PIDS_LIMIT_FIELD_NUMBER: _ClassVar[int]
    NET_RX_BYTES_FIELD_NUMBER: _ClassVar[int]
    NET_TX_BYTES_FIELD_NUMBER: _ClassVar[int]
    BLK_READ_BYTES_FIELD_NUMBER: _ClassVar[int]
    BLK_WRITE_BYTES_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    read: _timestamp_pb2.Timestamp
    cpu_ns: int
    pre_cpu_ns: int
    system_ns: int
    pre_system_ns: int
    online_cpus: int
    memory_usage: int
    memory_limit: int
    memory_inactive_file: int
    pids_current: int
    pids_limit: int
    net_rx_bytes: int
    net_tx_bytes: int
    blk_read_bytes: int
    blk_write_bytes: int
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., read: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., cpu_ns: _Optional[int] = ..., pre_cpu_ns: _Optional[int] = ..., system_ns: _Optional[int] = ..., pre_system_ns: _Optional[int] = ..., online_cpus: _Optional[int] = ..., memory_usage: _Optional[int] = ..., memory_limit: _Optional[int] = ..., memory_inactive_file: _Optional[int] = ..., pids_current: _Optional[int] = ..., pids_limit: _Optional[int] = ..., net_rx_bytes: _Optional[int] = ..., net_tx_bytes: _Optional[int] = ..., blk_read_bytes: _Optional[int] = ..., blk_write_bytes: _Optional[int] = ...) -> None: ...

class StatsBatch(_message.Message):
    __slots__ = ("samples",)
    SAMPLES_FIELD_NUMBER: _ClassVar[int]
    samples: _containers.RepeatedCompositeFieldContainer[StatsSample]
    def __init__(self, samples: _Optional[_Iterable[_Union[StatsSample, _Mapping]]] = ...) -> None: ...

class UpdateRequest(_message.Message):
    __slots__ = ("id", "resources", "restart_policy")
    ID_FIELD_NUMBER: _ClassVar[int]
    RESOURCES_FIELD_NUMBER: _ClassVar[int]
    RESTART_POLICY_FIELD_NUMBER: _ClassVar[int]
    id: str
    resources: Resources
    restart_policy: RestartPolicy
    def __init__(self, id: _Optional[str] = ..., resources: _Optional[_Union[Resources, _Mapping]] = ..., restart_policy: _Optional[_Union[RestartPolicy, _Mapping]] = ...) -> None: ...

class EventsRequest(_message.Message):
    __slots__ = ("since", "until")
    SINCE_FIELD_NUMBER: _ClassVar[int]
    UNTIL_FIELD_NUMBER: _ClassVar[int]
    since: float
    until: float
    def __init__(self, since: _Optional[float] = ..., until: _Optional[float] = ...) -> None: ...

class Event(_message.Message):
    __slots__ = ("seq", "instance", "type", "action", "actor_id", "attributes", "time_nano", "replay_done")
    class AttributesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    SEQ_FIELD_NUMBER: _ClassVar[int]
    INSTANCE_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    TIME_NANO_FIELD_NUMBER: _ClassVar[int]
    REPLAY_DONE_FIELD_NUMBER: _ClassVar[int]
    seq: int
    instance: str
    type: str
    action: str
    actor_id: str
    attributes: _containers.ScalarMap[str, str]
    time_nano: int
    replay_done: bool
    def __init__(self, seq: _Optional[int] = ..., instance: _Optional[str] = ..., type: _Optional[str] = ..., action: _Optional[str] = ..., actor_id: _Optional[str] = ..., attributes: _Optional[_Mapping[str, str]] = ..., time_nano: _Optional[int] = ..., replay_done: _Optional[bool] = ...) -> None: ...

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

class DiffRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

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

class ExecutorsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class Executor(_message.Message):
    __slots__ = ("name", "path")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    name: str
    path: str
    def __init__(self, name: _Optional[str] = ..., path: _Optional[str] = ...) -> None: ...

class ExecutorsResponse(_message.Message):
    __slots__ = ("executors", "default")
    EXECUTORS_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_FIELD_NUMBER: _ClassVar[int]
    executors: _containers.RepeatedCompositeFieldContainer[Executor]
    default: str
    def __init__(self, executors: _Optional[_Iterable[_Union[Executor, _Mapping]]] = ..., default: _Optional[str] = ...) -> None: ...

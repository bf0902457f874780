import datetime

from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ImportChunk(_message.Message):
    __slots__ = ("header", "data")
    class Header(_message.Message):
        __slots__ = ("reference", "message", "changes")
        REFERENCE_FIELD_NUMBER: _ClassVar[int]
        MESSAGE_FIELD_NUMBER: _ClassVar[int]
        CHANGES_FIELD_NUMBER: _ClassVar[int]
        reference: str
        message: str
        changes: _containers.RepeatedScalarFieldContainer[str]
        def __init__(self, reference: _Optional[str] = ..., message: _Optional[str] = ..., changes: _Optional[_Iterable[str]] = ...) -> None: ...
    HEADER_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    header: ImportChunk.Header
    data: bytes
    def __init__(self, header: _Optional[_Union[ImportChunk.Header, _Mapping]] = ..., data: _Optional[bytes] = ...) -> None: ...

class ImageRef(_message.Message):
    __slots__ = ("reference",)
    REFERENCE_FIELD_NUMBER: _ClassVar[int]
    reference: str
    def __init__(self, reference: _Optional[str] = ...) -> None: ...

class ImageSummary(_message.Message):
    __slots__ = ("id", "repo_tags", "created", "size", "repo_digests", "labels", "parent_id")
    class LabelsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    REPO_TAGS_FIELD_NUMBER: _ClassVar[int]
    CREATED_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    REPO_DIGESTS_FIELD_NUMBER: _ClassVar[int]
    LABELS_FIELD_NUMBER: _ClassVar[int]
    PARENT_ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    repo_tags: _containers.RepeatedScalarFieldContainer[str]
    created: _timestamp_pb2.Timestamp
    size: int
    repo_digests: _containers.RepeatedScalarFieldContainer[str]
    labels: _containers.ScalarMap[str, str]
    parent_id: str
    def __init__(self, id: _Optional[str] = ..., repo_tags: _Optional[_Iterable[str]] = ..., created: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., size: _Optional[int] = ..., repo_digests: _Optional[_Iterable[str]] = ..., labels: _Optional[_Mapping[str, str]] = ..., parent_id: _Optional[str] = ...) -> None: ...

class ListImagesRequest(_message.Message):
    __slots__ = ("all", "filters")
    ALL_FIELD_NUMBER: _ClassVar[int]
    FILTERS_FIELD_NUMBER: _ClassVar[int]
    all: bool
    filters: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, all: _Optional[bool] = ..., filters: _Optional[_Iterable[str]] = ...) -> None: ...

class ListImagesResponse(_message.Message):
    __slots__ = ("images",)
    IMAGES_FIELD_NUMBER: _ClassVar[int]
    images: _containers.RepeatedCompositeFieldContainer[ImageSummary]
    def __init__(self, images: _Optional[_Iterable[_Union[ImageSummary, _Mapping]]] = ...) -> None: ...

class RemoveImageRequest(_message.Message):
    __slots__ = ("reference", "force")
    REFERENCE_FIELD_NUMBER: _ClassVar[int]
    FORCE_FIELD_NUMBER: _ClassVar[int]
    reference: str
    force: bool
    def __init__(self, reference: _Optional[str] = ..., force: _Optional[bool] = ...) -> None: ...

class RemoveImageResponse(_message.Message):
    __slots__ = ("untagged", "deleted")
    UNTAGGED_FIELD_NUMBER: _ClassVar[int]
    DELETED_FIELD_NUMBER: _ClassVar[int]
    untagged: _containers.RepeatedScalarFieldContainer[str]
    deleted: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, untagged: _Optional[_Iterable[str]] = ..., deleted: _Optional[_Iterable[str]] = ...) -> None: ...

class TagImageRequest(_message.Message):
    __slots__ = ("source", "target")
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    TARGET_FIELD_NUMBER: _ClassVar[int]
    source: str
    target: str
    def __init__(self, source: _Optional[str] = ..., target: _Optional[str] = ...) -> None: ...

class HistoryEntry(_message.Message):
    __slots__ = ("id", "created", "created_by", "size", "comment", "empty_layer", "tags")
    ID_FIELD_NUMBER: _ClassVar[int]
    CREATED_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    EMPTY_LAYER_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    id: str
    created: _timestamp_pb2.Timestamp
    created_by: str
    size: int
    comment: str
    empty_layer: bool
    tags: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, id: _Optional[str] = ..., created: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., created_by: _Optional[str] = ..., size: _Optional[int] = ..., comment: _Optional[str] = ..., empty_layer: _Optional[bool] = ..., tags: _Optional[_Iterable[str]] = ...) -> None: ...

class ImageHistory(_message.Message):
    __slots__ = ("entries",)
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[HistoryEntry]
    def __init__(self, entries: _Optional[_Iterable[_Union[HistoryEntry, _Mapping]]] = ...) -> None: ...

class PruneImagesRequest(_message.Message):
    __slots__ = ("all", "filters")
    ALL_FIELD_NUMBER: _ClassVar[int]
    FILTERS_FIELD_NUMBER: _ClassVar[int]
    all: bool
    filters: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, all: _Optional[bool] = ..., filters: _Optional[_Iterable[str]] = ...) -> None: ...

class PruneImagesResponse(_message.Message):
    __slots__ = ("untagged", "deleted", "space_reclaimed")
    UNTAGGED_FIELD_NUMBER: _ClassVar[int]
    DELETED_FIELD_NUMBER: _ClassVar[int]
    SPACE_RECLAIMED_FIELD_NUMBER: _ClassVar[int]
    untagged: _containers.RepeatedScalarFieldContainer[str]
    deleted: _containers.RepeatedScalarFieldContainer[str]
    space_reclaimed: int
    def __init__(self, untagged: _Optional[_Iterable[str]] = ..., deleted: _Optional[_Iterable[str]] = ..., space_reclaimed: _Optional[int] = ...) -> None: ...

class DiskUsageRequest(_message.Message):
    __slots__ = ("images_only",)
    IMAGES_ONLY_FIELD_NUMBER: _ClassVar[int]
    images_only: bool
    def __init__(self, images_only: _Optional[bool] = ...) -> None: ...

class ImageUsage(_message.Message):
    __slots__ = ("id", "repo_tags", "created", "size", "shared_size", "unique_size", "containers")
    ID_FIELD_NUMBER: _ClassVar[int]
    REPO_TAGS_FIELD_NUMBER: _ClassVar[int]
    CREATED_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    SHARED_SIZE_FIELD_NUMBER: _ClassVar[int]
    UNIQUE_SIZE_FIELD_NUMBER: _ClassVar[int]
    CONTAINERS_FIELD_NUMBER: _ClassVar[int]
    id: str
    repo_tags: _containers.RepeatedScalarFieldContainer[str]
    created: _timestamp_pb2.Timestamp
    size: int
    shared_size: int
    unique_size: int
    containers: int
    def __init__(self, id: _Optional[str] = ..., repo_tags: _Optional[_Iterable[str]] = ..., created: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., size: _Optional[int] = ..., shared_size: _Optional[int] = ..., unique_size: _Optional[int] = ..., containers: _Optional[int] = ...) -> None: ...

class ContainerUsage(_message.Message):
    __slots__ = ("id", "name", "image", "command", "created", "state", "size")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    IMAGE_FIELD_NUMBER: _ClassVar[int]
    COMMAND_FIELD_NUMBER: _ClassVar[int]
    CREATED_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    image: str
    command: str
    created: _timestamp_pb2.Timestamp
    state: str
    size: int
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., image: _Optional[str] = ..., command: _Optional[str] = ..., created: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., state: _Optional[str] = ..., size: _Optional[int] = ...) -> None: ...

class VolumeUsage(_message.Message):
    __slots__ = ("name", "links", "size")
    NAME_FIELD_NUMBER: _ClassVar[int]
    LINKS_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    name: str
    links: int
    size: int
    def __init__(self, name: _Optional[str] = ..., links: _Optional[int] = ..., size: _Optional[int] = ...) -> None: ...

class DiskUsageResponse(_message.Message):
    __slots__ = ("images", "containers", "volumes", "layers_size", "images_reclaimable", "build_cache_size", "build_cache_count", "content_size")
    IMAGES_FIELD_NUMBER: _ClassVar[int]
    CONTAINERS_FIELD_NUMBER: _ClassVar[int]
    VOLUMES_FIELD_NUMBER: _ClassVar[int]
    LAYERS_SIZE_FIELD_NUMBER: _ClassVar[int]
    IMAGES_RECLAIMABLE_FIELD_NUMBER: _ClassVar[int]
    BUILD_CACHE_SIZE_FIELD_NUMBER: _ClassVar[int]
    BUILD_CACHE_COUNT_FIELD_NUMBER: _ClassVar[int]
    CONTENT_SIZE_FIELD_NUMBER: _ClassVar[int]
    images: _containers.RepeatedCompositeFieldContainer[ImageUsage]
    containers: _containers.RepeatedCompositeFieldContainer[ContainerUsage]
    volumes: _containers.RepeatedCompositeFieldContainer[VolumeUsage]
    layers_size: int
    images_reclaimable: int
    build_cache_size: int
    build_cache_count: int
    content_size: int
    def __init__(self, images: _Optional[_Iterable[_Union[ImageUsage, _Mapping]]] = ..., containers: _Optional[_Iterable[_Union[ContainerUsage, _Mapping]]] = ..., volumes: _Optional[_Iterable[_Union[VolumeUsage, _Mapping]]] = ..., layers_size: _Optional[int] = ..., images_reclaimable: _Optional[int] = ..., build_cache_size: _Optional[int] = ..., build_cache_count: _Optional[int] = ..., content_size: _Optional[int] = ...) -> None: ...

class CommitRequest(_message.Message):
    __slots__ = ("container", "reference", "changes", "comment", "author", "no_pause")
    CONTAINER_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_FIELD_NUMBER: _ClassVar[int]
    CHANGES_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_FIELD_NUMBER: _ClassVar[int]
    NO_PAUSE_FIELD_NUMBER: _ClassVar[int]
    container: str
    reference: str
    changes: _containers.RepeatedScalarFieldContainer[str]
    comment: str
    author: str
    no_pause: bool
    def __init__(self, container: _Optional[str] = ..., reference: _Optional[str] = ..., changes: _Optional[_Iterable[str]] = ..., comment: _Optional[str] = ..., author: _Optional[str] = ..., no_pause: _Optional[bool] = ...) -> None: ...

class SaveImagesRequest(_message.Message):
    __slots__ = ("references",)
    REFERENCES_FIELD_NUMBER: _ClassVar[int]
    references: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, references: _Optional[_Iterable[str]] = ...) -> None: ...

class DataChunk(_message.Message):
    __slots__ = ("data",)
    DATA_FIELD_NUMBER: _ClassVar[int]
    data: bytes
    def __init__(self, data: _Optional[bytes] = ...) -> None: ...

class LoadedImage(_message.Message):
    __slots__ = ("id", "repo_tags")
    ID_FIELD_NUMBER: _ClassVar[int]
    REPO_TAGS_FIELD_NUMBER: _ClassVar[int]
    id: str
    repo_tags: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, id: _Optional[str] = ..., repo_tags: _Optional[_Iterable[str]] = ...) -> None: ...

class LoadImagesResponse(_message.Message):
    __slots__ = ("images",)
    IMAGES_FIELD_NUMBER: _ClassVar[int]
    images: _containers.RepeatedCompositeFieldContainer[LoadedImage]
    def __init__(self, images: _Optional[_Iterable[_Union[LoadedImage, _Mapping]]] = ...) -> None: ...

class ExportRequest(_message.Message):
    __slots__ = ("container",)
    CONTAINER_FIELD_NUMBER: _ClassVar[int]
    container: str
    def __init__(self, container: _Optional[str] = ...) -> None: ...

class BuildOptions(_message.Message):
    __slots__ = ("tags", "dockerfile", "dockerfile_content", "build_args", "target", "no_cache", "labels", "network", "registry_auths", "pull", "memory", "memory_swap", "cpu_shares", "cpuset_cpus", "cpuset_mems", "cpu_period", "cpu_quota", "shm_size", "ulimits", "add_hosts", "cgroup_parent", "security_opt")
    class BuildArgsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class LabelsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class RegistryAuthsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: RegistryAuth
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[RegistryAuth, _Mapping]] = ...) -> None: ...
    TAGS_FIELD_NUMBER: _ClassVar[int]
    DOCKERFILE_FIELD_NUMBER: _ClassVar[int]
    DOCKERFILE_CONTENT_FIELD_NUMBER: _ClassVar[int]
    BUILD_ARGS_FIELD_NUMBER: _ClassVar[int]
    TARGET_FIELD_NUMBER: _ClassVar[int]
    NO_CACHE_FIELD_NUMBER: _ClassVar[int]
    LABELS_FIELD_NUMBER: _ClassVar[int]
    NETWORK_FIELD_NUMBER: _ClassVar[int]
    REGISTRY_AUTHS_FIELD_NUMBER: _ClassVar[int]
    PULL_FIELD_NUMBER: _ClassVar[int]
    MEMORY_FIELD_NUMBER: _ClassVar[int]
    MEMORY_SWAP_FIELD_NUMBER: _ClassVar[int]
    CPU_SHARES_FIELD_NUMBER: _ClassVar[int]
    CPUSET_CPUS_FIELD_NUMBER: _ClassVar[int]
    CPUSET_MEMS_FIELD_NUMBER: _ClassVar[int]
    CPU_PERIOD_FIELD_NUMBER: _ClassVar[int]
    CPU_QUOTA_FIELD_NUMBER: _ClassVar[int]
    SHM_SIZE_FIELD_NUMBER: _ClassVar[int]
    ULIMITS_FIELD_NUMBER: _ClassVar[int]
    ADD_HOSTS_FIELD_NUMBER: _ClassVar[int]
    CGROUP_PARENT_FIELD_NUMBER: _ClassVar[int]
    SECURITY_OPT_FIELD_NUMBER: _ClassVar[int]
    tags: _containers.RepeatedScalarFieldContainer[str]
    dockerfile: str
    dockerfile_content: bytes
    build_args: _containers.ScalarMap[str, str]
    target: str
    no_cache: bool
    labels: _containers.ScalarMap[str, str]
    network: str
    registry_auths: _containers.MessageMap[str, RegistryAuth]
    pull: bool
    memory: int
    memory_swap: int
    cpu_shares: int
    cpuset_cpus: str
    cpuset_mems: str
    cpu_period: int
    cpu_quota: int
    shm_size: int
    ulimits: _containers.RepeatedScalarFieldContainer[str]
    add_hosts: _containers.RepeatedScalarFieldContainer[str]
    cgroup_parent: str
    security_opt: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, tags: _Optional[_Iterable[str]] = ..., dockerfile: _Optional[str] = ..., dockerfile_content: _Optional[bytes] = ..., build_args: _Optional[_Mapping[str, str]] = ..., target: _Optional[str] = ..., no_cache: _Optional[bool] = ..., labels: _Optional[_Mapping[str, str]] = ..., network: _Optional[str] = ..., registry_auths: _Optional[_Mapping[str, RegistryAuth]] = ..., pull: _Optional[bool] = ..., memory: _Optional[int] = ..., memory_swap: _Optional[int] = ..., cpu_shares: _Optional[int] = ..., cpuset_cpus: _Optional[str] = ..., cpuset_mems: _Optional[str] = ..., cpu_period: _Optional[int] = ..., cpu_quota: _Optional[int] = ..., shm_size: _Optional[int] = ..., ulimits: _Optional[_Iterable[str]] = ..., add_hosts: _Optional[_Iterable[str]] = ..., cgroup_parent: _Optional[str] = ..., security_opt: _Optional[_Iterable[str]] = ...) -> None: ...

class BuildInput(_message.Message):
    __slots__ = ("options", "context", "abort")
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_FIELD_NUMBER: _ClassVar[int]
    ABORT_FIELD_NUMBER: _ClassVar[int]
    options: BuildOptions
    context: bytes
    abort: str
    def __init__(self, options: _Optional[_Union[BuildOptions, _Mapping]] = ..., context: _Optional[bytes] = ..., abort: _Optional[str] = ...) -> None: ...

class BuildStep(_message.Message):
    __slots__ = ("stage", "number", "total", "instruction", "cached")
    STAGE_FIELD_NUMBER: _ClassVar[int]
    NUMBER_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    INSTRUCTION_FIELD_NUMBER: _ClassVar[int]
    CACHED_FIELD_NUMBER: _ClassVar[int]
    stage: str
    number: int
    total: int
    instruction: str
    cached: bool
    def __init__(self, stage: _Optional[str] = ..., number: _Optional[int] = ..., total: _Optional[int] = ..., instruction: _Optional[str] = ..., cached: _Optional[bool] = ...) -> None: ...

class BuildOutput(_message.Message):
    __slots__ = ("stream", "data")
    STREAM_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    stream: int
    data: bytes
    def __init__(self, stream: _Optional[int] = ..., data: _Optional[bytes] = ...) -> None: ...

class BuildResult(_message.Message):
    __slots__ = ("image_id", "tags")
    IMAGE_ID_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    image_id: str
    tags: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, image_id: _Optional[str] = ..., tags: _Optional[_Iterable[str]] = ...) -> None: ...

class BuildEvent(_message.Message):
    __slots__ = ("step", "output", "warning", "result", "status")
    STEP_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_FIELD_NUMBER: _ClassVar[int]
    WARNING_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    step: BuildStep
    output: BuildOutput
    warning: str
    result: BuildResult
    status: str
    def __init__(self, step: _Optional[_Union[BuildStep, _Mapping]] = ..., output: _Optional[_Union[BuildOutput, _Mapping]] = ..., warning: _Optional[str] = ..., result: _Optional[_Union[BuildResult, _Mapping]] = ..., status: _Optional[str] = ...) -> None: ...

class PruneBuildCacheRequest(_message.Message):
    __slots__ = ("all", "filters", "keep_storage")
    ALL_FIELD_NUMBER: _ClassVar[int]
    FILTERS_FIELD_NUMBER: _ClassVar[int]
    KEEP_STORAGE_FIELD_NUMBER: _ClassVar[int]
    all: bool
    filters: _containers.RepeatedScalarFieldContainer[str]
    keep_storage: int
    def __init__(self, all: _Optional[bool] = ..., filters: _Optional[_Iterable[str]] = ..., keep_storage: _Optional[int] = ...) -> None: ...

class PruneBuildCacheResponse(_message.Message):
    __slots__ = ("deleted", "space_reclaimed")
    DELETED_FIELD_NUMBER: _ClassVar[int]
    SPACE_RECLAIMED_FIELD_NUMBER: _ClassVar[int]
    deleted: _containers.RepeatedScalarFieldContainer[str]
    space_reclaimed: int
    def __init__(self, deleted: _Optional[_Iterable[str]] = ..., space_reclaimed: _Optional[int] = ...) -> None: ...

class RegistryAuth(_message.Message):
    __slots__ = ("username", "password", "identity_token")
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_FIELD_NUMBER: _ClassVar[int]
    IDENTITY_TOKEN_FIELD_NUMBER: _ClassVar[int]
    username: str
    password: str
    identity_token: str
    def __init__(self, username: _Optional[str] = ..., password: _Optional[str] = ..., identity_token: _Optional[str] = ...) -> None: ...

class PullRequest(_message.Message):
    __slots__ = ("reference", "auth")
    REFERENCE_FIELD_NUMBER: _ClassVar[int]
    AUTH_FIELD_NUMBER: _ClassVar[int]
    reference: str
    auth: RegistryAuth
    def __init__(self, reference: _Optional[str] = ..., auth: _Optional[_Union[RegistryAuth, _Mapping]] = ...) -> None: ...

class PushRequest(_message.Message):
    __slots__ = ("reference", "auth")
    REFERENCE_FIELD_NUMBER: _ClassVar[int]
    AUTH_FIELD_NUMBER: _ClassVar[int]
    reference: str
    auth: RegistryAuth
    def __init__(self, reference: _Optional[str] = ..., auth: _Optional[_Union[RegistryAuth, _Mapping]] = ...) -> None: ...

class TransferProgress(_message.Message):
    __slots__ = ("id", "status", "current", "total", "digest", "image_id", "reference")
    ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    CURRENT_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    DIGEST_FIELD_NUMBER: _ClassVar[int]
    IMAGE_ID_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_FIELD_NUMBER: _ClassVar[int]
    id: str
    status: str
    current: int
    total: int
    digest: str
    image_id: str
    reference: str
    def __init__(self, id: _Optional[str] = ..., status: _Optional[str] = ..., current: _Optional[int] = ..., total: _Optional[int] = ..., digest: _Optional[str] = ..., image_id: _Optional[str] = ..., reference: _Optional[str] = ...) -> None: ...

class LoginRequest(_message.Message):
    __slots__ = ("server", "auth")
    SERVER_FIELD_NUMBER: _ClassVar[int]
    AUTH_FIELD_NUMBER: _ClassVar[int]
    server: str
    auth: RegistryAuth
    def __init__(self, server: _Optional[str] = ..., auth: _Optional[_Union[RegistryAuth, _Mapping]] = ...) -> None: ...

class LoginResponse(_message.Message):
    __slots__ = ("status", "server")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    SERVER_FIELD_NUMBER: _ClassVar[int]
    status: str
    server: str
    def __init__(self, status: _Optional[str] = ..., server: _Optional[str] = ...) -> None: ...

from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class NetworkInfo(_message.Message):
    __slots__ = ("name", "id", "driver", "subnet", "gateway", "bridge", "internal", "labels", "created", "ip_range", "aux_addresses", "options", "attachable", "ipam_driver", "ipam_options", "ipam_subnet", "ipam_gateway")
    class LabelsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class AuxAddressesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class OptionsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class IpamOptionsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    DRIVER_FIELD_NUMBER: _ClassVar[int]
    SUBNET_FIELD_NUMBER: _ClassVar[int]
    GATEWAY_FIELD_NUMBER: _ClassVar[int]
    BRIDGE_FIELD_NUMBER: _ClassVar[int]
    INTERNAL_FIELD_NUMBER: _ClassVar[int]
    LABELS_FIELD_NUMBER: _ClassVar[int]
    CREATED_FIELD_NUMBER: _ClassVar[int]
    IP_RANGE_FIELD_NUMBER: _ClassVar[int]
    AUX_ADDRESSES_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    ATTACHABLE_FIELD_NUMBER: _ClassVar[int]
    IPAM_DRIVER_FIELD_NUMBER: _ClassVar[int]
    IPAM_OPTIONS_FIELD_NUMBER: _ClassVar[int]
    IPAM_SUBNET_FIELD_NUMBER: _ClassVar[int]
    IPAM_GATEWAY_FIELD_NUMBER: _ClassVar[int]
    name: str
    id: str
    driver: str
    subnet: str
    gateway: str
    bridge: str
    internal: bool
    labels: _containers.ScalarMap[str, str]
    created: float
    ip_range: str
    aux_addresses: _containers.ScalarMap[str, str]
    options: _containers.ScalarMap[str, str]
    attachable: bool
    ipam_driver: str
    ipam_options: _containers.ScalarMap[str, str]
    ipam_subnet: str
    ipam_gateway: str
    def __init__(self, name: _Optional[str] = ..., id: _Optional[str] = ..., driver: _Optional[str] = ..., subnet: _Optional[str] = ..., gateway: _Optional[str] = ..., bridge: _Optional[str] = ..., internal: _Optional[bool] = ..., labels: _Optional[_Mapping[str, str]] = ..., created: _Optional[float] = ..., ip_range: _Optional[str] = ..., aux_addresses: _Optional[_Mapping[str, str]] = ..., options: _Optional[_Mapping[str, str]] = ..., attachable: _Optional[bool] = ..., ipam_driver: _Optional[str] = ..., ipam_options: _Optional[_Mapping[str, str]] = ..., ipam_subnet: _Optional[str] = ..., ipam_gateway: _Optional[str] = ...) -> None: ...

class ListRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListResponse(_message.Message):
    __slots__ = ("networks",)
    NETWORKS_FIELD_NUMBER: _ClassVar[int]
    networks: _containers.RepeatedCompositeFieldContainer[NetworkInfo]
    def __init__(self, networks: _Optional[_Iterable[_Union[NetworkInfo, _Mapping]]] = ...) -> None: ...

class CreateRequest(_message.Message):
    __slots__ = ("name", "driver", "subnet", "gateway", "internal", "labels", "ip_range", "aux_addresses", "options", "attachable", "scope", "ipam_driver", "ipam_options")
    class LabelsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class AuxAddressesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class OptionsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class IpamOptionsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    DRIVER_FIELD_NUMBER: _ClassVar[int]
    SUBNET_FIELD_NUMBER: _ClassVar[int]
    GATEWAY_FIELD_NUMBER: _ClassVar[int]
    INTERNAL_FIELD_NUMBER: _ClassVar[int]
    LABELS_FIELD_NUMBER: _ClassVar[int]
    IP_RANGE_FIELD_NUMBER: _ClassVar[int]
    AUX_ADDRESSES_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    ATTACHABLE_FIELD_NUMBER: _ClassVar[int]
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    IPAM_DRIVER_FIELD_NUMBER: _ClassVar[int]
    IPAM_OPTIONS_FIELD_NUMBER: _ClassVar[int]
    name: str
    driver: str
    subnet: str
    gateway: str
    internal: bool
    labels: _containers.ScalarMap[str, str]
    ip_range: str
    aux_addresses: _containers.ScalarMap[str, str]
    options: _containers.ScalarMap[str, str]
    attachable: bool
    scope: str
    ipam_driver: str
    ipam_options: _containers.ScalarMap[str, str]
    def __init__(self, name: _Optional[str] = ..., driver: _Optional[str] = ..., subnet: _Optional[str] = ..., gateway: _Optional[str] = ..., internal: _Optional[bool] = ..., labels: _Optional[_Mapping[str, str]] = ..., ip_range: _Optional[str] = ..., aux_addresses: _Optional[_Mapping[str, str]] = ..., options: _Optional[_Mapping[str, str]] = ..., attachable: _Optional[bool] = ..., scope: _Optional[str] = ..., ipam_driver: _Optional[str] = ..., ipam_options: _Optional[_Mapping[str, str]] = ...) -> None: ...

class InspectRequest(_message.Message):
    __slots__ = ("network",)
    NETWORK_FIELD_NUMBER: _ClassVar[int]
    network: str
    def __init__(self, network: _Optional[str] = ...) -> None: ...

class NetworkDetail(_message.Message):
    __slots__ = ("network", "endpoints")
    NETWORK_FIELD_NUMBER: _ClassVar[int]
    ENDPOINTS_FIELD_NUMBER: _ClassVar[int]
    network: NetworkInfo
    endpoints: _containers.RepeatedCompositeFieldContainer[Endpoint]
    def __init__(self, network: _Optional[_Union[NetworkInfo, _Mapping]] = ..., endpoints: _Optional[_Iterable[_Union[Endpoint, _Mapping]]] = ...) -> None: ...

class RemoveRequest(_message.Message):
    __slots__ = ("network",)
    NETWORK_FIELD_NUMBER: _ClassVar[int]
    network: str
    def __init__(self, network: _Optional[str] = ...) -> None: ...

class PruneRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class PruneResponse(_message.Message):
    __slots__ = ("removed",)
    REMOVED_FIELD_NUMBER: _ClassVar[int]
    removed: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, removed: _Optional[_Iterable[str]] = ...) -> None: ...

class PortBinding(_message.Message):
    __slots__ = ("protocol", "container_port", "host_ip", "host_port")
    PROTOCOL_FIELD_NUMBER: _ClassVar[int]
    CONTAINER_PORT_FIELD_NUMBER: _ClassVar[int]
    HOST_IP_FIELD_NUMBER: _ClassVar[int]
    HOST_PORT_FIELD_NUMBER: _ClassVar[int]
    protocol: str
    container_port: int
    host_ip: str
    host_port: int
    def __init__(self, protocol: _Optional[str] = ..., container_port: _Optional[int] = ..., host_ip: _Optional[str] = ..., host_port: _Optional[int] = ...) -> None: ...

class PrepareRequest(_message.Message):
    __slots__ = ("container_id", "hostname", "ports", "exposed", "extra_hosts", "dns", "dns_search", "dns_options", "host_network")
    CONTAINER_ID_FIELD_NUMBER: _ClassVar[int]
    HOSTNAME_FIELD_NUMBER: _ClassVar[int]
    PORTS_FIELD_NUMBER: _ClassVar[int]
    EXPOSED_FIELD_NUMBER: _ClassVar[int]
    EXTRA_HOSTS_FIELD_NUMBER: _ClassVar[int]
    DNS_FIELD_NUMBER: _ClassVar[int]
    DNS_SEARCH_FIELD_NUMBER: _ClassVar[int]
    DNS_OPTIONS_FIELD_NUMBER: _ClassVar[int]
    HOST_NETWORK_FIELD_NUMBER: _ClassVar[int]
    container_id: str
    hostname: str
    ports: _containers.RepeatedCompositeFieldContainer[PortBinding]
    exposed: _containers.RepeatedScalarFieldContainer[str]
    extra_hosts: _containers.RepeatedCompositeFieldContainer[ExtraHost]
    dns: _containers.RepeatedScalarFieldContainer[str]
    dns_search: _containers.RepeatedScalarFieldContainer[str]
    dns_options: _containers.RepeatedScalarFieldContainer[str]
    host_network: bool
    def __init__(self, container_id: _Optional[str] = ..., hostname: _Optional[str] = ..., ports: _Optional[_Iterable[_Union[PortBinding, _Mapping]]] = ..., exposed: _Optional[_Iterable[str]] = ..., extra_hosts: _Optional[_Iterable[_Union[ExtraHost, _Mapping]]] = ..., dns: _Optional[_Iterable[str]] = ..., dns_search: _Optional[_Iterable[str]] = ..., dns_options: _Optional[_Iterable[str]] = ..., host_network: _Optional[bool] = ...) -> None: ...

class ExtraHost(_message.Message):
    __slots__ = ("name", "ip")
    NAME_FIELD_NUMBER: _ClassVar[int]
    IP_FIELD_NUMBER: _ClassVar[int]
    name: str
    ip: str
    def __init__(self, name: _Optional[str] = ..., ip: _Optional[str] = ...) -> None: ...

class Sandbox(_message.Message):
    __slots__ = ("container_id", "name", "hostname", "hosts_path", "requested", "ports", "exposed", "released", "hostname_path", "resolv_conf_path")
    CONTAINER_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    HOSTNAME_FIELD_NUMBER: _ClassVar[int]
    HOSTS_PATH_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_FIELD_NUMBER: _ClassVar[int]
    PORTS_FIELD_NUMBER: _ClassVar[int]
    EXPOSED_FIELD_NUMBER: _ClassVar[int]
    RELEASED_FIELD_NUMBER: _ClassVar[int]
    HOSTNAME_PATH_FIELD_NUMBER: _ClassVar[int]
    RESOLV_CONF_PATH_FIELD_NUMBER: _ClassVar[int]
    container_id: str
    name: str
    hostname: str
    hosts_path: str
    requested: _containers.RepeatedCompositeFieldContainer[PortBinding]
    ports: _containers.RepeatedCompositeFieldContainer[PortBinding]
    exposed: _containers.RepeatedScalarFieldContainer[str]
    released: bool
    hostname_path: str
    resolv_conf_path: str
    def __init__(self, container_id: _Optional[str] = ..., name: _Optional[str] = ..., hostname: _Optional[str] = ..., hosts_path: _Optional[str] = ..., requested: _Optional[_Iterable[_Union[PortBinding, _Mapping]]] = ..., ports: _Optional[_Iterable[_Union[PortBinding, _Mapping]]] = ..., exposed: _Optional[_Iterable[str]] = ..., released: _Optional[bool] = ..., hostname_path: _Optional[str] = ..., resolv_conf_path: _Optional[str] = ...) -> None: ...

class AttachRequest(_message.Message):
    __slots__ = ("container_id", "network", "netns_path", "container_name", "ip_address", "aliases", "mac_address")
    CONTAINER_ID_FIELD_NUMBER: _ClassVar[int]
    NETWORK_FIELD_NUMBER: _ClassVar[int]
    NETNS_PATH_FIELD_NUMBER: _ClassVar[int]
    CONTAINER_NAME_FIELD_NUMBER: _ClassVar[int]
    IP_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    ALIASES_FIELD_NUMBER: _ClassVar[int]
    MAC_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    container_id: str
    network: str
    netns_path: str
    container_name: str
    ip_address: str
    aliases: _containers.RepeatedScalarFieldContainer[str]
    mac_address: str
    def __init__(self, container_id: _Optional[str] = ..., network: _Optional[str] = ..., netns_path: _Optional[str] = ..., container_name: _Optional[str] = ..., ip_address: _Optional[str] = ..., aliases: _Optional[_Iterable[str]] = ..., mac_address: _Optional[str] = ...) -> None: ...

class Endpoint(_message.Message):
    __slots__ = ("container_id", "network", "ip_address", "prefix_len", "gateway", "mac_address", "host_interface", "bridge", "container_name", "interface", "aliases", "network_id")
    CONTAINER_ID_FIELD_NUMBER: _ClassVar[int]
    NETWORK_FIELD_NUMBER: _ClassVar[int]
    IP_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    PREFIX_LEN_FIELD_NUMBER: _ClassVar[int]
    GATEWAY_FIELD_NUMBER: _ClassVar[int]
    MAC_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    HOST_INTERFACE_FIELD_NUMBER: _ClassVar[int]
    BRIDGE_FIELD_NUMBER: _ClassVar[int]
    CONTAINER_NAME_FIELD_NUMBER: _ClassVar[int]
    INTERFACE_FIELD_NUMBER: _ClassVar[int]
    ALIASES_FIELD_NUMBER: _ClassVar[int]
    NETWORK_ID_FIELD_NUMBER: _ClassVar[int]
    container_id: str
    network: str
    ip_address: str
    prefix_len: int
    gateway: str
    mac_address: str
    host_interface: str
    bridge: str
    container_name: str
    interface: str
    aliases: _containers.RepeatedScalarFieldContainer[str]
    network_id: str
    def __init__(self, container_id: _Optional[str] = ..., network: _Optional[str] = ..., ip_address: _Optional[str] = ..., prefix_len: _Optional[int] = ..., gateway: _Optional[str] = ..., mac_address: _Optional[str] = ..., host_interface: _Optional[str] = ..., bridge: _Optional[str] = ..., container_name: _Optional[str] = ..., interface: _Optional[str] = ..., aliases: _Optional[_Iterable[str]] = ..., network_id: _Optional[str] = ...) -> None: ...

class DetachRequest(_message.Message):
    __slots__ = ("container_id",)
    CONTAINER_ID_FIELD_NUMBER: _ClassVar[int]
    container_id: str
    def __init__(self, container_id: _Optional[str] = ...) -> None: ...

class DetachResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DisconnectRequest(_message.Message):
    __slots__ = ("container_id", "network")
    CONTAINER_ID_FIELD_NUMBER: _ClassVar[int]
    NETWORK_FIELD_NUMBER: _ClassVar[int]
    container_id: str
    network: str
    def __init__(self, container_id: _Optional[str] = ..., network: _Optional[str] = ...) -> None: ...

class DisconnectResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class RenameRequest(_message.Message):
    __slots__ = ("container_id", "name")
    CONTAINER_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    container_id: str
    name: str
    def __init__(self, container_id: _Optional[str] = ..., name: _Optional[str] = ...) -> None: ...

class RenameResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ReleasePortsRequest(_message.Message):
    __slots__ = ("container_id",)
    CONTAINER_ID_FIELD_NUMBER: _ClassVar[int]
    container_id: str
    def __init__(self, container_id: _Optional[str] = ...) -> None: ...

class HoldPortsRequest(_message.Message):
    __slots__ = ("container_id",)
    CONTAINER_ID_FIELD_NUMBER: _ClassVar[int]
    container_id: str
    def __init__(self, container_id: _Optional[str] = ...) -> None: ...

class ListEndpointsRequest(_message.Message):
    __slots__ = ("container_id",)
    CONTAINER_ID_FIELD_NUMBER: _ClassVar[int]
    container_id: str
    def __init__(self, container_id: _Optional[str] = ...) -> None: ...

class ListEndpointsResponse(_message.Message):
    __slots__ = ("endpoints", "sandboxes")
    ENDPOINTS_FIELD_NUMBER: _ClassVar[int]
    SANDBOXES_FIELD_NUMBER: _ClassVar[int]
    endpoints: _containers.RepeatedCompositeFieldContainer[Endpoint]
    sandboxes: _containers.RepeatedCompositeFieldContainer[Sandbox]
    def __init__(self, endpoints: _Optional[_Iterable[_Union[Endpoint, _Mapping]]] = ..., sandboxes: _Optional[_Iterable[_Union[Sandbox, _Mapping]]] = ...) -> None: ...

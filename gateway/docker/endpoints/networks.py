"""Networks: GET /networks, GET/DELETE /networks/{id}, POST /networks/create,
POST /networks/{id}/connect and /disconnect, POST /networks/prune, onto
doca.v1.Networks. doca's networks are bridges with one IPv4 subnet, local
scope, no swarm: what would need more (IPv6, ingress, config-only networks,
several subnets) is refused with a 400 naming the field."""
import grpc

from doca.v1 import system_pb2
from gateway.docker.documents import from_struct
from gateway.docker.endpoints.volumes import body_object, filter_items, string_field, string_map
from gateway.docker.errors import ApiError
from gateway.docker.http import Response, json_response
from gateway.docker.router import route

PREDEFINED = ("bridge", "host", "none")
GO_BOOLS = {"1": True, "t": True, "T": True, "TRUE": True, "true": True, "True": True,
            "0": False, "f": False, "F": False, "FALSE": False, "false": False, "False": False}


def parse_bool(req, name: str) -> bool:
    """A query boolean as Docker reads verbose: Go's strconv.ParseBool, strictly."""
    value = req.query.get(name)
    if value == "":
        return False
    if value not in GO_BOOLS:
        raise ApiError(400, f'invalid value for {name}: {value}: strconv.ParseBool: parsing "{value}": '
                            "invalid syntax")
    return GO_BOOLS[value]


def _not_found(ref: str) -> ApiError:
    return ApiError(404, f"network {ref} not found")


def _inspect(backend, ref: str) -> dict:
    try:
        return from_struct(backend.networks.Inspect(system_pb2.NetworkRef(id=ref)))
    except grpc.RpcError as e:
        if e.code() == grpc.StatusCode.NOT_FOUND:  # Docker's words
            raise _not_found(ref) from None
        raise


@route("GET", "/networks")
def list_networks(req, backend):
    listed = backend.networks.List(system_pb2.ListNetworksRequest(filters=filter_items(req))).networks
    docs = []
    for n in listed:
        try:
            doc = _inspect(backend, n.id)
        except ApiError:  # removed since the list
            continue
        doc["Containers"] = {}  # Docker's list leaves them out (inspect has them)
        docs.append(doc)
    return json_response(docs)


@route("GET", "/networks/{id}")
def inspect(req, backend):
    ref = req.params["id"]
    parse_bool(req, "verbose")  # a swarm's services: nothing more to show on a local network
    scope = req.query.get("scope")
    if scope and scope != "local":  # every doca network is local: none in another scope
        raise _not_found(ref)
    return json_response(_inspect(backend, ref))


def _refuse(doc: dict, field: str, why: str) -> None:
    raise ApiError(400, f"{field} is not supported: {why}")


def _ipam(doc: dict) -> dict:
    """IPAM.Driver, IPAM.Options and IPAM.Config's one entry as doca's
    request fields."""
    ipam = doc.get("IPAM") or {}
    if not isinstance(ipam, dict):
        raise ApiError(400, "json: cannot unmarshal IPAM into Go struct field NetworkCreateRequest.IPAM "
                            "of type network.IPAM")
    configs = ipam.get("Config") or []
    if not isinstance(configs, list) or not all(isinstance(c, dict) for c in configs):
        raise ApiError(400, "json: cannot unmarshal IPAM.Config into Go struct field IPAM.Config "
                            "of type []network.IPAMConfig")
    if len(configs) > 1:
        _refuse(doc, "IPAM.Config with more than one entry", "a doca network has one IPv4 subnet")
    conf = configs[0] if configs else {}
    subnet = string_field(conf, "Subnet", "IPAMConfig")
    if ":" in subnet:
        _refuse(doc, "IPAM.Config.Subnet (IPv6)", "doca networks are IPv4 only")
    return {"subnet": subnet, "gateway": string_field(conf, "Gateway", "IPAMConfig"),
            "ip_range": string_field(conf, "IPRange", "IPAMConfig"),
            "aux_addresses": string_map(conf, "AuxiliaryAddresses", "IPAMConfig"),
            "ipam_driver": string_field(ipam, "Driver", "IPAM"),
            "ipam_options": string_map(ipam, "Options", "IPAM")}


@route("POST", "/networks/create")
def create(req, backend):
    doc = body_object(req, "types.NetworkCreateRequest")
    for field, why in (("EnableIPv6", "doca networks are IPv4 only"),
                       ("Ingress", "an ingress network needs a swarm, which doca does not have"),
                       ("ConfigOnly", "doca has no config-only networks"),
                       ("EnableIPv4", None)):
        value = doc.get(field)
        if field == "EnableIPv4":  # API 1.47: an IPv4-less network, which doca cannot make
            if value is False:
                _refuse(doc, "EnableIPv4=false", "doca networks are IPv4")
            continue
        if value:
            _refuse(doc, field, why)
    config_from = doc.get("ConfigFrom") or {}
    if isinstance(config_from, dict) and config_from.get("Network"):
        _refuse(doc, "ConfigFrom", "doca has no config-only networks")
    name = string_field(doc, "Name", "types.NetworkCreateRequest")
    if not name:  # Docker's words
        raise ApiError(400, "invalid name: ")
    scope = string_field(doc, "Scope", "types.NetworkCreateRequest")
    made = backend.networks.Create(system_pb2.CreateNetworkRequest(
        name=name, driver=string_field(doc, "Driver", "types.NetworkCreateRequest"),
        internal=bool(doc.get("Internal")), attachable=bool(doc.get("Attachable")), scope=scope,
        labels=string_map(doc, "Labels", "types.NetworkCreateRequest"),
        options=string_map(doc, "Options", "types.NetworkCreateRequest"), **_ipam(doc)))
    return json_response({"Id": made.id, "Warning": ""}, 201)


@route("DELETE", "/networks/{id}")
def remove(req, backend):
    ref = req.params["id"]
    doc = _inspect(backend, ref)
    if doc.get("Name") in PREDEFINED:  # Docker's 403 and words
        raise ApiError(403, f"{doc['Name']} is a pre-defined network and cannot be removed")
    backend.networks.Remove(system_pb2.NetworkRef(id=doc.get("Id") or ref))
    return Response(204, b"", "")


def _container(doc: dict) -> str:
    ctr = string_field(doc, "Container", "types.NetworkConnect")
    if not ctr:
        raise ApiError(400, "no container given: Container is empty")
    return ctr


def _endpoint(doc: dict) -> tuple[str, list[str]]:
    """EndpointConfig's address and aliases; what doca's connect cannot
    honour is refused."""
    ep = doc.get("EndpointConfig") or {}
    if not isinstance(ep, dict):
        raise ApiError(400, "json: cannot unmarshal EndpointConfig into Go struct field "
                            "NetworkConnect.EndpointConfig of type network.EndpointSettings")
    ipam = ep.get("IPAMConfig") or {}
    if not isinstance(ipam, dict):
        raise ApiError(400, "json: cannot unmarshal IPAMConfig into Go struct field "
                            "EndpointSettings.IPAMConfig of type network.EndpointIPAMConfig")
    if ipam.get("IPv6Address"):
        _refuse(doc, "EndpointConfig.IPAMConfig.IPv6Address", "doca networks are IPv4 only")
    if ipam.get("LinkLocalIPs"):
        _refuse(doc, "EndpointConfig.IPAMConfig.LinkLocalIPs", "doca gives an endpoint its one address")
    for field, why in (("Links", "legacy links are the default bridge's only"),
                       ("DriverOpts", "the bridge driver's endpoint options are not honoured"),
                       ("MacAddress", "doca picks an endpoint's MAC address")):
        if ep.get(field):
            _refuse(doc, f"EndpointConfig.{field}", why)
    aliases = ep.get("Aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise ApiError(400, "json: cannot unmarshal Aliases into Go struct field EndpointSettings.Aliases "
                            "of type []string")
    return string_field(ipam, "IPv4Address", "EndpointIPAMConfig"), aliases


def _no_such_container(e: grpc.RpcError, ctr: str):
    if e.code() == grpc.StatusCode.NOT_FOUND and "container" in (e.details() or "").lower():
        raise ApiError(404, f"No such container: {ctr}") from None


@route("POST", "/networks/{id}/connect")
def connect(req, backend):
    doc = body_object(req, "types.NetworkConnect")
    ctr = _container(doc)
    address, aliases = _endpoint(doc)
    net = _inspect(backend, req.params["id"])
    try:
        backend.networks.Connect(system_pb2.ConnectRequest(network=net["Id"], container=ctr, ip_address=address,
                                                           aliases=aliases))
    except grpc.RpcError as e:
        _no_such_container(e, ctr)
        raise
    return Response(200, b"", "")


@route("POST", "/networks/{id}/disconnect")
def disconnect(req, backend):
    doc = body_object(req, "types.NetworkDisconnect")
    ctr = _container(doc)
    net = _inspect(backend, req.params["id"])
    try:
        backend.networks.Disconnect(system_pb2.DisconnectRequest(network=net["Id"], container=ctr,
                                                                 force=bool(doc.get("Force"))))
    except grpc.RpcError as e:
        _no_such_container(e, ctr)
        raise
    return Response(200, b"", "")


@route("POST", "/networks/prune")
def prune(req, backend):
    removed = backend.networks.Prune(system_pb2.PruneNetworksRequest(filters=filter_items(req))).removed
    return json_response({"NetworksDeleted": list(removed) or None})

"""The CLI's connection to the gateway (--host / DOCA_HOST): one HTTP/2
connection on the unix socket, or over mutual TLS to tcp://HOST:PORT
(client.py; README.md says why not grpcio), with stubs whose messages are
the CLI codec's (codec.py: no protobuf import), for every verb."""
from gateway.cli.rpc import client

_channels: dict[str, client.Channel] = {}


def _bad(text: str) -> client.RpcError:
    return client.RpcError(client.StatusCode.INVALID_ARGUMENT, text)


def tls_files(args) -> client.TLSFiles:
    """--tlscacert/--tlscert/--tlskey, else ca.pem, cert.pem, key.pem in
    DOCA_CERT_PATH (default ~/.doca), as Docker's CLI finds its own."""
    import os
    base = os.environ.get("DOCA_CERT_PATH") or os.path.join(os.path.expanduser("~"), ".doca")
    files = client.TLSFiles(ca=args.tlscacert or os.path.join(base, "ca.pem"),
                            cert=args.tlscert or os.path.join(base, "cert.pem"),
                            key=args.tlskey or os.path.join(base, "key.pem"))
    missing = [p for p in files if not os.path.isfile(p)]
    if missing:
        raise _bad(f"{args.host} needs mutual TLS: {', '.join(missing)} not found "
                   "(give --tlscacert, --tlscert, --tlskey or set DOCA_CERT_PATH)")
    return files


def _channel(args) -> client.Channel:
    host = args.host
    if host in _channels:
        return _channels[host]
    if host.startswith("unix://"):
        channel = client.Channel(host[len("unix://"):])
    elif host.startswith("tcp://"):
        name, sep, port = host[len("tcp://"):].rstrip("/").rpartition(":")
        if not sep or not name or not (port.isascii() and port.isdigit()) or not 0 < int(port) < 65536:
            raise _bad(f"invalid host {host!r}: use tcp://HOST:PORT")
        channel = client.Channel((name.strip("[]"), int(port)), tls=tls_files(args))
    else:
        raise _bad(f"unsupported host {host!r}: use unix:///path/to/doca.sock or tcp://HOST:PORT")
    _channels[host] = channel
    return channel


def stub(args, service: str):
    """A stub of the gateway's doca.v1 `service`, its messages the CLI codec's."""
    from gateway.cli.rpc import doca_v1
    return client.stub(doca_v1, service, _channel(args))


def containers(args):
    return stub(args, "Containers")


def images(args):
    return stub(args, "Images")


def volumes(args):
    return stub(args, "Volumes")


def networks(args):
    return stub(args, "Networks")


def system(args):
    return stub(args, "System")

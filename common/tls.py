"""The gateway's TCP listener: off by default; when --tcp-addr is given it
serves only mutual TLS (clients must present a certificate signed by
--tls-ca), as dockerd's --tlsverify. Checked before anything starts, so a
bad setting is one line at start-up (`doca daemon` checks first), never a listener without TLS."""
import pathlib


class TLSConfigError(ValueError):
    pass


def _read(what: str, path: str) -> bytes:
    try:
        return pathlib.Path(path).read_bytes()
    except OSError as e:
        raise TLSConfigError(f"cannot read {what} {path}: {e.strerror}") from None


def check(cfg) -> None:
    """Raises TLSConfigError naming what is missing or unreadable."""
    if not cfg.tcp_addr:
        return
    missing = [f"--{n.replace('_', '-')}" for n in ("tls_ca", "tls_cert", "tls_key") if not getattr(cfg, n)]
    if missing:
        raise TLSConfigError(f"--tcp-addr {cfg.tcp_addr} needs {', '.join(missing)}: "
                             "the TCP listener serves mutual TLS only")
    host, sep, port = cfg.tcp_addr.rpartition(":")
    if not sep or not host or not port.isdigit():
        raise TLSConfigError(f"--tcp-addr {cfg.tcp_addr!r}: expected HOST:PORT")
    for what, path in (("the client CA", cfg.tls_ca), ("the certificate", cfg.tls_cert), ("the key", cfg.tls_key)):
        _read(what, path)


def listener(cfg):
    """(address, grpc.ServerCredentials) for the TCP listener, or None when it is off."""
    if not cfg.tcp_addr:
        return None
    check(cfg)
    import grpc  # here: `doca daemon` runs check() and imports no grpc
    creds = grpc.ssl_server_credentials(
        [(_read("the key", cfg.tls_key), _read("the certificate", cfg.tls_cert))],
        root_certificates=_read("the client CA", cfg.tls_ca), require_client_auth=True)
    return cfg.tcp_addr, creds

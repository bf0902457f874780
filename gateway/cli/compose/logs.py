"""Several containers' logs at once, each line prefixed with its
container's name as Docker Compose prints them ("app-web-1  | ..."). One
stream per container, each on its own connection (the CLI's HTTP/2
connection carries one call at a time), read by a thread, lines written
whole under one lock."""
import sys

from gateway.cli.rpc import doca_v1 as pb


def _fresh_stub(args):
    """A Containers stub on a connection of its own."""
    from gateway.cli.rpc import client, conn
    saved = conn._channels.pop(args.host, None)
    try:
        channel = conn._channel(args)
    finally:
        conn._channels.pop(args.host, None)
        if saved is not None:
            conn._channels[args.host] = saved
    return client.stub(pb, "Containers", channel)


def show(args, targets, follow: bool, tail: str = "all", timestamps: bool = False, prefix: bool = True,
         since: str = "", until: str = "") -> None:
    """targets: [(container id, name shown)]. Returns when every stream ended."""
    import threading
    from gateway.cli.rpc.client import RpcError
    from gateway.cli.rpc.tojson import timestamp_text
    width = max((len(n) for _, n in targets), default=0)
    lock = threading.Lock()
    out = sys.stdout.buffer

    def one(stub, cid, name):
        head = f"{name:<{width}}  | ".encode() if prefix else b""
        req = pb.LogsRequest(id=cid, follow=follow, timestamps=timestamps, since=since, until=until)
        if tail != "all":
            req.tail = int(tail)
        partial = b""
        try:
            for chunk in stub.Logs(req):
                data = partial + chunk.data
                *lines, partial = data.split(b"\n")
                stamp = (timestamp_text(chunk.time) + " ").encode() if timestamps else b""
                with lock:
                    for line in lines:
                        out.write(head + stamp + line + b"\n")
                    out.flush()
        except RpcError:
            pass  # the container went away while followed
        if partial:
            with lock:
                out.write(head + partial + b"\n")
                out.flush()

    if not follow:  # one after the other, on this call's connection
        from gateway.cli.rpc import conn
        for cid, name in targets:
            one(conn.containers(args), cid, name)
        return
    threads = [threading.Thread(target=one, args=(_fresh_stub(args), cid, name), daemon=True)
               for cid, name in targets]
    for t in threads:
        t.start()
    for t in threads:
        while t.is_alive():
            t.join(0.2)  # with a timeout: ^C gets through

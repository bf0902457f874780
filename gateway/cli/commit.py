"""`doca commit`."""
from gateway.cli.rpc import conn, doca_v1 as pb


def commit(args) -> int:
    img = conn.images(args).Commit(pb.CommitRequest(
        container=args.container, reference=args.reference, changes=args.change,
        comment=args.message, author=args.author, no_pause=not args.pause))
    print(img.id)
    return 0

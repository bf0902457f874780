"""`doca commit`."""
from doca.v1 import images_pb2 as pb
from gateway.cli import conn


def commit(args) -> int:
    img = conn.images(args).Commit(pb.CommitRequest(
        container=args.container, reference=args.reference, changes=args.change,
        comment=args.message, author=args.author, no_pause=not args.pause))
    print(img.id)
    return 0

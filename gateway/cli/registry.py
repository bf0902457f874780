"""`doca pull`, `push`, `login`, `logout`: the engine talks to the registry;
the CLI keeps the credentials (credentials.py) and shows the progress."""
import getpass
import sys

from gateway.cli import credentials
from gateway.cli.rpc import conn, doca_v1 as pb
from gateway.cli.transfer_display import Display


def _auth(reference: str) -> pb.RegistryAuth:
    user, password, token = credentials.get(credentials.domain_of_reference(reference))
    return pb.RegistryAuth(username=user, password=password, identity_token=token)


def _transfer(stream, quiet: bool, out=None):
    last = None
    with Display(quiet, out) as display:
        for msg in stream:
            if msg.image_id or msg.reference:
                last = msg
                continue
            display.event(msg)
    return last


def fetch(args, name: str, quiet: bool = False, out=None) -> None:
    """Pulls NAME with the stored credentials, showing progress on OUT
    (stdout by default); `doca pull` and the implicit pull of run/create."""
    out = out or sys.stdout
    last = _transfer(conn.images(args).Pull(pb.PullRequest(reference=name, auth=_auth(name))), quiet, out)
    if last is not None:
        if not quiet:
            print(f"Digest: {last.digest}", file=out)
            print(f"Status: {last.status}", file=out)
        print(last.reference, file=out)


def _reference(text: str):
    """NAME[:TAG][@DIGEST] read as the engine reads it (None when it does
    not parse: the engine's error says why)."""
    from common import reference
    try:
        return reference.parse(text, default_tag=None)
    except Exception:  # noqa: BLE001 - InvalidArgument, whatever the text is
        return None


ALL_TAGS_AND_TAG = "tag can't be used with --all-tags/-a"  # Docker's CLI's words


def pull(args) -> int:
    ref = _reference(args.name)
    if getattr(args, "all_tags", False):
        if ref is not None and (ref.tag or ref.digest):
            sys.stderr.write(f"doca: {ALL_TAGS_AND_TAG}\n")
            return 1
        # the registry's tag list is not read by doca's puller yet: refused, not pulled as :latest
        sys.stderr.write("doca: pull --all-tags is not supported yet: name the tag to pull\n")
        return 1
    if ref is not None and not ref.tag and not ref.digest and not args.quiet:
        print("Using default tag: latest", flush=True)  # Docker's CLI, before it pulls NAME:latest
    platform = getattr(args, "platform", "")
    if platform:
        from gateway.cli import convert
        try:
            convert.platform(platform, args.name)
        except convert.UsageError as e:
            parsing = str(e).startswith("error parsing")
            sys.stderr.write(f'doca: "{platform}": unknown operating system or architecture: invalid argument\n'
                             if parsing else f"doca: pull --platform {platform}: doca pulls linux/amd64 images alone\n")
            return 1
    fetch(args, args.name, args.quiet)
    return 0


def _refers_to(ref) -> None:
    """The line Docker's engine starts a push with, printed before its error too."""
    print(f"The push refers to repository [{ref.full_name}]", flush=True)


def push(args) -> int:
    stub = conn.images(args)
    names = [args.name]
    if getattr(args, "all_tags", False):
        ref = _reference(args.name)
        if ref is not None and (ref.tag or ref.digest):
            sys.stderr.write(f"doca: {ALL_TAGS_AND_TAG}\n")
            return 1
        if ref is not None:  # every local tag of the repository, each pushed in turn
            names = sorted(t for image in stub.List(pb.ListImagesRequest()).images for t in image.repo_tags
                           if (r := _reference(t)) is not None and r.full_name == ref.full_name)
            if not names:
                _refers_to(ref)
                sys.stderr.write(f"doca: An image does not exist locally with the tag: {args.name}\n")
                return 1
    from gateway.cli.rpc.client import RpcError
    for name in names:
        try:
            last = _transfer(stub.Push(pb.PushRequest(reference=name, auth=_auth(name))), args.quiet)
        except RpcError as e:
            ref = _reference(name)
            if ref is not None and (e.details() or "").startswith("An image does not exist locally"):
                _refers_to(ref)
            raise
        if last is not None:
            print(last.reference if args.quiet else last.status)
    return 0


def login(args) -> int:
    domain = credentials.server_key(args.server or "")
    username, password = args.username, args.password
    if args.password_stdin:
        if password:
            sys.stderr.write("doca: --password and --password-stdin are mutually exclusive\n")
            return 1
        if not username:
            sys.stderr.write("doca: --password-stdin needs --username\n")
            return 1
        password = sys.stdin.read().rstrip("\r\n")
    elif password:
        sys.stderr.write("WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n")
    if not username:
        if not sys.stdin.isatty():
            sys.stderr.write("doca: cannot ask for a username: stdin is not a terminal; use -u\n")
            return 1
        username = input("Username: ").strip()
    if not password:
        if not sys.stdin.isatty():
            sys.stderr.write("doca: cannot ask for a password: stdin is not a terminal; use --password-stdin\n")
            return 1
        password = getpass.getpass("Password: ")
    r = conn.images(args).Login(pb.LoginRequest(
        server=args.server or "", auth=pb.RegistryAuth(username=username, password=password)))
    credentials.store(credentials.server_key(r.server) if r.server else domain, username, password)
    print(r.status)
    return 0


def logout(args) -> int:
    domain = credentials.server_key(args.server or "")
    shown = args.server or credentials.DOCKER_HUB_KEY
    if credentials.erase(domain):
        print(f"Removing login credentials for {shown}")
    else:
        print(f"Not logged in to {shown}")
    return 0

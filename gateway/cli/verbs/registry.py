"""Declarations of the registry verbs: pull, push, login, logout."""
from gateway.cli.verbs import verb


def _no_content_trust(p) -> None:
    """Docker's --disable-content-trust (true by default there too): doca has no content trust."""
    p.add_argument("--disable-content-trust", action="store_true", help="accepted: doca has no content trust")


def declare_pull(sub) -> None:
    p = verb(sub, "pull", "registry:pull", "download an image from a registry")
    p.add_argument("-a", "--all-tags", action="store_true", help="every tag of the repository (not supported yet)")
    p.add_argument("--platform", default="", help="the image's platform: doca pulls linux/amd64 alone")
    p.add_argument("-q", "--quiet", action="store_true", help="print only the image's name")
    _no_content_trust(p)
    p.add_argument("name", metavar="NAME[:TAG|@DIGEST]")


def declare_push(sub) -> None:
    p = verb(sub, "push", "registry:push", "upload an image to a registry")
    p.add_argument("-a", "--all-tags", action="store_true", help="every tag the repository has here")
    p.add_argument("-q", "--quiet", action="store_true", help="print only the image's name")
    _no_content_trust(p)
    p.add_argument("name", metavar="NAME[:TAG]")


def declare(sub) -> None:
    declare_pull(sub)
    declare_push(sub)
    p = verb(sub, "login", "registry:login", "log in to a registry (credentials kept in Docker's config.json)")
    p.add_argument("-u", "--username", default="")
    p.add_argument("-p", "--password", default="")
    p.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    p.add_argument("server", nargs="?", default="", metavar="SERVER")
    p = verb(sub, "logout", "registry:logout", "forget a registry's credentials")
    p.add_argument("server", nargs="?", default="", metavar="SERVER")

"""Declarations of the image verbs (parsers only: no stubs imported)."""
from gateway.cli.verbs import verb


def declare(sub) -> None:
    p = verb(sub, "images", "images:images", "list images")
    p.add_argument("-q", "--quiet", action="store_true")
    p.add_argument("--format", default="")
    p = verb(sub, "rmi", "images:rmi", "remove images")
    p.add_argument("-f", "--force", action="store_true")
    p.add_argument("images", nargs="+")
    p = verb(sub, "import", "images:import_", "make an image from a root filesystem tarball")
    p.add_argument("-m", "--message", default="")
    p.add_argument("file", help="tarball, or - for stdin")
    p.add_argument("reference", nargs="?", default="")
    image = verb(sub, "image", None, "manage images")
    isub = image.add_subparsers(dest="image_verb", metavar="COMMAND")
    isub.required = True
    p = verb(isub, "ls", "images:images", "list images", aliases=("list",))
    p.add_argument("-q", "--quiet", action="store_true")
    p.add_argument("--format", default="")
    p = verb(isub, "rm", "images:rmi", "remove images")
    p.add_argument("-f", "--force", action="store_true")
    p.add_argument("images", nargs="+")
    p = verb(isub, "inspect", "images:inspect", "low-level information on images")
    p.add_argument("images", nargs="+")
    p = verb(isub, "import", "images:import_", "make an image from a root filesystem tarball")
    p.add_argument("-m", "--message", default="")
    p.add_argument("file")
    p.add_argument("reference", nargs="?", default="")

"""Declarations of the image verbs (parsers only: no stubs imported):
images, rmi, import, tag, history, commit, save, load, export, and the
`image` group with the same verbs plus prune."""
from gateway.cli.verbs import boolean as _bool, verb  # Docker's boolean flag values (--pause=false)


def _images(sub, name="images", aliases=()):
    p = verb(sub, name, "images:images", "list images", aliases=aliases)
    p.add_argument("-a", "--all", action="store_true", help="also the build cache's intermediate images")
    p.add_argument("-q", "--quiet", action="store_true")
    p.add_argument("--no-trunc", action="store_true")
    p.add_argument("--digests", action="store_true", help="show each repository's digest (DIGEST column)")
    p.add_argument("--format", default="", help="json, a Go template ('{{.Repository}}:{{.Tag}}'), or 'table TEMPLATE'")
    p.add_argument("-f", "--filter", action="append", default=[], metavar="KEY=VALUE",
                   help="dangling, label, before, since, reference")
    p.add_argument("repository", nargs="?", default="", metavar="REPOSITORY[:TAG]")


def _rmi(sub, name):
    p = verb(sub, name, "images:rmi", "remove images")
    p.add_argument("-f", "--force", action="store_true")
    # doca's rmi never deletes an image's untagged parents: what --no-prune asks for
    p.add_argument("--no-prune", action="store_true", help="keep untagged parents (doca always does)")
    p.add_argument("images", nargs="+")


def _import(sub):
    p = verb(sub, "import", "images:import_", "make an image from a root filesystem tarball")
    p.add_argument("-m", "--message", default="")
    p.add_argument("-c", "--change", action="append", default=[], help="Dockerfile instruction for the config")
    p.add_argument("file", help="tarball, or - for stdin")
    p.add_argument("reference", nargs="?", default="")


def _tag(sub):
    p = verb(sub, "tag", "images:tag", "give an image another name")
    # Not "target": the parser keeps the verb's handler under that name.
    p.add_argument("source_image", metavar="SOURCE_IMAGE[:TAG]")
    p.add_argument("target_image", metavar="TARGET_IMAGE[:TAG]")


def _history(sub):
    p = verb(sub, "history", "images:history", "show how an image was made")
    # Docker's boolean flags take their value attached: -H=false, --pause=false.
    p.add_argument("-H", "--human", type=_bool, default=True, metavar="BOOL")
    p.add_argument("--no-trunc", action="store_true")
    p.add_argument("-q", "--quiet", action="store_true")
    p.add_argument("--format", default="", help="json, a Go template ('{{.CreatedBy}}'), or 'table TEMPLATE'")
    p.add_argument("image")


def _save(sub):
    p = verb(sub, "save", "archives:save", "write images to a tar (docker save and OCI layout)")
    p.add_argument("-o", "--output", default="")
    p.add_argument("images", nargs="+")


def _load(sub):
    p = verb(sub, "load", "archives:load", "read images from a docker-save or OCI layout tar or directory")
    p.add_argument("-i", "--input", default="")
    p.add_argument("-q", "--quiet", action="store_true")


def declare(sub) -> None:
    _images(sub)
    _rmi(sub, "rmi")
    _import(sub)
    _tag(sub)
    _history(sub)
    _save(sub)
    _load(sub)
    p = verb(sub, "commit", "commit:commit", "make an image from a container's changes")
    p.add_argument("-a", "--author", default="")
    p.add_argument("-c", "--change", action="append", default=[], help="Dockerfile instruction for the config")
    p.add_argument("-m", "--message", default="")
    p.add_argument("-p", "--pause", type=_bool, default=True, metavar="BOOL",
                   help="pause the container while its changes are taken (default true)")
    p.add_argument("container")
    p.add_argument("reference", nargs="?", default="")
    p = verb(sub, "export", "archives:export", "write a container's filesystem to a tar")
    p.add_argument("-o", "--output", default="")
    p.add_argument("container")

    image = verb(sub, "image", None, "manage images")
    isub = image.add_subparsers(dest="image_verb", metavar="COMMAND")
    isub.required = True
    _images(isub, "ls", aliases=("list",))
    _rmi(isub, "rm")
    p = verb(isub, "inspect", "images:inspect", "low-level information on images")
    p.add_argument("-f", "--format", default="", help="a Go template, e.g. '{{.Name}}', or json")
    p.add_argument("images", nargs="+")
    _import(isub)
    _tag(isub)
    _history(isub)
    _save(isub)
    _load(isub)
    from gateway.cli.verbs import registry
    registry.declare_pull(isub)
    registry.declare_push(isub)
    p = verb(isub, "prune", "images:prune", "remove unused images")
    p.add_argument("-a", "--all", action="store_true", help="every image no container uses, not only dangling ones")
    p.add_argument("-f", "--force", action="store_true", help="do not ask for confirmation")
    p.add_argument("--filter", action="append", default=[], metavar="KEY=VALUE",
                   help="until=TIME, label=KEY[=VALUE], label!=KEY[=VALUE]")

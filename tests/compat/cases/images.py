"""images, tag, rmi, history, image inspect."""
from tests.compat.case import case

CASES = [
    case("images", "images"),
    case("images-q", "images -q"),
    case("images-format-repo-tag", "images --format '{{.Repository}}:{{.Tag}}'"),
    case("images-format-table", "images --format 'table {{.Repository}}\t{{.Tag}}'"),
    case("images-repo-arg", "images busybox --format '{{.Repository}}'"),
    case("images-repo-arg-missing", "images nosuchrepo-compat"),
    case("images-filter-reference", "images --filter reference=busybox --format '{{.Repository}}'"),
    case("images-filter-dangling", "images --filter dangling=true -q"),
    case("images-filter-bad", "images --filter nosuchkey=1", says="invalid filter"),
    case("image-ls", "image ls --format '{{.Repository}}'"),
    case("tag-and-list", "images --format '{{.Repository}}:{{.Tag}}' %n", setup="tag %i %n:t1", cleanup="rmi %n:t1"),
    case("tag-missing-source", "tag nosuchimage-compat %n:t1", says="no such image"),
    case("tag-bad-reference", "tag %i 'Bad Name'",
         says=('"bad name" is not a valid repository/tag', "invalid reference format: repository name must be lowercase")),
    case("rmi-untag", "rmi %n:t2", setup="tag %i %n:t2", cleanup="rmi %n:t2"),
    case("rmi-missing", "rmi nosuchimage-compat", says="no such image: nosuchimage-compat"),
    case("rmi-in-use", "rmi %i", setup="create --network none --name %n %i true", cleanup="rm -f %n",
         says=('conflict: unable to remove repository reference "busybox:latest" (must force)',
               "is using its referenced image")),
    case("image-inspect-os", "image inspect -f '{{.Os}}/{{.Architecture}}' %i"),
    case("image-inspect-cmd", "image inspect -f '{{json .Config.Cmd}}' %i"),
    case("image-inspect-tags", "image inspect -f '{{json .RepoTags}}' %i"),
    case("image-inspect-missing", "image inspect nosuchimage-compat", says="no such image"),
    case("inspect-image", "inspect -f '{{.Os}}' %i"),
    case("history-q", "history -q %i"),
    case("history-format", "history --format '{{.CreatedBy}}' %i"),
    case("history-missing", "history nosuchimage-compat", says="no such image"),
    # batch 2
    case("images-digests", "images --digests --format '{{.Digest}}'"),
    case("images-q-no-trunc", "images -q --no-trunc"),
    case("image-inspect-env", "image inspect -f '{{json .Config.Env}}' %i"),
    case("image-inspect-entrypoint", "image inspect -f '{{json .Config.Entrypoint}}' %i"),
    case("image-inspect-rootfs", "image inspect -f '{{.RootFS.Type}} {{len .RootFS.Layers}}' %i"),
    case("rmi-f-missing", "rmi -f nosuchimage-compat", says="no such image: nosuchimage-compat"),
    case("save-missing", "save nosuchimage-compat", says="no such image: nosuchimage-compat"),
    case("image-prune-nothing", "image prune -f"),
    case("tag-twice", "tag %i %n:t3", setup="tag %i %n:t3", cleanup="rmi %n:t3"),
]

# -- issue 12, listing: images --filter (every key), REPOSITORY[:TAG], history --format, rmi -f
RT = "--format '{{.Repository}}:{{.Tag}}'"
COMMITTED = ("create --network none --name %n %i true", "commit -c 'LABEL %n=1' %n %n:img")
UNCOMMIT = ("rm -f %n", "rmi -f %n:img")
CASES += [
    case("images-filter-dangling-false", f"images --filter dangling=false {RT}"),
    case("images-filter-dangling-one", "images --filter dangling=1 -q", says="invalid filter 'dangling=[1]'"),
    case("images-filter-dangling-bad", "images --filter dangling=foo", says="invalid filter 'dangling=[foo]'"),
    case("images-filter-label-none", f"images --filter label=nosuch-compat {RT}"),
    case("images-filter-before-missing", "images --filter before=nosuchimage-compat", says="no such image"),
    case("images-filter-since-missing", "images --filter since=nosuchimage-compat", says="no such image"),
    case("images-filter-before-self", f"images --filter before=%i {RT}"),
    case("images-filter-since-self", f"images --filter since=%i {RT}"),
    case("images-filter-reference-glob", f"images --filter 'reference=busy*' {RT}"),
    case("images-filter-reference-tag", f"images --filter reference=busybox:latest {RT}"),
    case("images-filter-reference-tag-glob", f"images --filter 'reference=busybox:l*' {RT}"),
    case("images-filter-reference-none", f"images --filter reference=nosuchrepo-compat {RT}"),
    case("images-filter-reference-star", f"images --filter 'reference=*' {RT}"),
    case("images-filter-reference-or", f"images --filter reference=%n:t1 --filter reference=%n:t2 {RT}",
         setup=("tag %i %n:t1", "tag %i %n:t2", "tag %i %n:t3"), cleanup=("rmi %n:t1", "rmi %n:t2", "rmi %n:t3")),
    case("images-filter-reference-keeps-matching-tags", f"images --filter reference=%n:t1 {RT}",
         setup=("tag %i %n:t1", "tag %i %n:t2"), cleanup=("rmi %n:t1", "rmi %n:t2")),
    case("images-filter-and", f"images --filter reference=busybox --filter dangling=false {RT}"),
    case("images-filter-no-equals", "images --filter dangling", says="bad format of filter (expected name=value)"),
    case("images-repo-tag-arg", f"images busybox:latest {RT}"),
    case("images-repo-tag-arg-missing", f"images busybox:nosuchtag {RT}"),
    case("images-repo-arg-q", "images -q busybox"),
    case("images-repo-arg-and-filter", f"images busybox --filter dangling=true {RT}"),
    case("images-format-bad", "images --format '{{.Repository'", says="template parsing error"),
    case("image-ls-filter", f"image ls --filter reference=busybox {RT}"),
    case("history-format-table", "history --format 'table {{.ID}}\t{{.Size}}' %i"),
    case("history-format-comment", "history --format '[{{.Comment}}]' %i"),
    case("history-format-since", "history --format '{{.CreatedSince}}' %i"),
    case("history-format-not-human", "history -H=false --format '{{.CreatedSince}}' %i"),
    case("history-format-bad", "history --format '{{.ID' %i", says="template parsing error"),
    case("rmi-f-two-missing", "rmi -f nosuchimage-compat nosuchimage-compat2",
         says=("no such image: nosuchimage-compat", "no such image: nosuchimage-compat2")),
    case("images-format-unknown-field", "images --format '{{.Nope}}'", says="can't evaluate field nope"),
    case("history-format-unknown-field", "history --format '{{.Nope}}' %i", says="can't evaluate field nope"),
    # an image of the case's own (commit), labelled and newer than busybox
    case("images-filter-label-own", f"images --filter label=%n=1 {RT}", setup=COMMITTED, cleanup=UNCOMMIT),
    case("images-filter-label-key-own", f"images --filter label=%n {RT}", setup=COMMITTED, cleanup=UNCOMMIT),
    case("images-filter-label-other-value", f"images --filter label=%n=2 {RT}", setup=COMMITTED, cleanup=UNCOMMIT),
    case("images-filter-since-own", f"images --filter since=%i {RT}", setup=COMMITTED, cleanup=UNCOMMIT),
    case("images-filter-before-own", f"images --filter before=%n:img {RT}", setup=COMMITTED, cleanup=UNCOMMIT),
    case("images-filter-dangling-own", f"images --filter dangling=false --filter label=%n=1 {RT}", setup=COMMITTED,
         cleanup=UNCOMMIT),
    case("ps-filter-ancestor-own", "ps -a --filter ancestor=%n:img --format '{{.Names}}'",
         setup=(*COMMITTED, "create --network none --name %m %n:img true"), cleanup=("rm -f %m", *UNCOMMIT)),
]

# -- issue 12: image parents (a commit's and a build's image; Docker's ancestor filter walks them),
# listing times as Docker's CLI prints them (the build cases are in tools.py: after system df's)
CASES += [
    case("images-format-created-at", "images --format '{{.CreatedAt}}' %i"),
    case("image-inspect-parent-none", "image inspect -f '[{{.Parent}}]' %i"),
    case("image-inspect-parent-commit", "image inspect -f '[{{.Parent}}]' %n:img", setup=COMMITTED, cleanup=UNCOMMIT),
    case("ps-filter-ancestor-descendant", "ps -a --filter ancestor=%i --filter name=%m --format '{{.Names}}'",
         setup=(*COMMITTED, "create --network none --name %m %n:img true"), cleanup=("rm -f %m", *UNCOMMIT)),
    case("ps-filter-ancestor-descendant-none", "ps -a --filter ancestor=%n:img --filter name=%m --format '{{.Names}}'",
         setup=(*COMMITTED, "create --network none --name %m %i true"), cleanup=("rm -f %m", *UNCOMMIT)),
]

# -- issue 12: an image others were made from stays for them (Docker's dependent child images)
# (each commit with a change of its own: docker commits an unchanged container without a layer)
CHILD = ("run --network none --name %n %i touch /a", "commit %n %n:img", "rm %n",
         "run --network none --name %m %n:img touch /b", "commit %m %n:child", "rm %m")
UNCHILD = ("rm -f %n %m", "rmi -f %n:child", "rmi -f %n:img")
CASES += [
    case("rmi-parent-tag-untags-only", "rmi %n:img", setup=CHILD, cleanup=UNCHILD),
    case("rmi-parent-tag-image-stays", "image inspect -f '{{len .RootFS.Layers}}' %n:child", setup=(*CHILD, "rmi %n:img"),
         cleanup=UNCHILD),
    case("image-prune-keeps-parents", "image prune -f", setup=(*CHILD, "rmi %n:img"), cleanup=UNCHILD),
    case("rmi-child-deletes-untagged-parent", "rmi %n:child", setup=(*CHILD, "rmi %n:img"), cleanup=UNCHILD),
]

# -- commit of a container that changed nothing
CASES += [
    case("commit-unchanged-no-layer", "image inspect -f '{{len .RootFS.Layers}}' %n:img", setup=COMMITTED,
         cleanup=UNCOMMIT),
]

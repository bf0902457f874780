"""volume create/ls/inspect/rm, and volumes mounted by run."""
from tests.compat.case import case

RMV = "volume rm -f %v"

CASES = [
    case("volume-ls-empty", "volume ls"),
    case("volume-ls-q-empty", "volume ls -q"),
    case("volume-create-prints-name", "volume create %v", cleanup=RMV),
    case("volume-create-twice", "volume create %v", setup="volume create %v", cleanup=RMV),
    case("volume-ls", "volume ls", setup="volume create %v", cleanup=RMV),
    case("volume-ls-format", "volume ls --format '{{.Name}} {{.Driver}}'", setup="volume create %v", cleanup=RMV),
    case("volume-ls-filter-name", "volume ls -q --filter name=%v", setup="volume create %v", cleanup=RMV),
    case("volume-ls-filter-dangling", "volume ls -q --filter dangling=true", setup="volume create %v",
         cleanup=RMV),
    case("volume-inspect-driver", "volume inspect -f '{{.Driver}} {{.Name}} {{.Scope}}' %v",
         setup="volume create %v", cleanup=RMV),
    case("volume-inspect-labels", "volume inspect -f '{{json .Labels}}' %v", setup="volume create --label a=b %v",
         cleanup=RMV),
    case("volume-inspect-missing", "volume inspect nosuchvol-compat", says="no such volume"),
    case("volume-rm", "volume rm %v", setup="volume create %v", cleanup=RMV),
    case("volume-rm-missing", "volume rm nosuchvol-compat", says="no such volume"),
    case("volume-rm-f-missing", "volume rm -f nosuchvol-compat"),
    case("volume-rm-in-use", "volume rm %v", setup=("volume create %v", "create --network none --name %n -v %v:/data %i true"),
         cleanup=("rm -f %n", RMV), says="volume is in use - ["),
    case("volume-run-write-read", "run --rm --network none -v %v:/data %i cat /data/f",
         setup=("volume create %v", "run --rm --network none -v %v:/data %i sh -c 'echo kept > /data/f'"),
         cleanup=RMV),
    case("volume-run-creates", "volume ls -q", setup="run --rm --network none -v %v:/data %i true", cleanup=RMV),
    case("volume-copy-up", "run --rm --network none -v %v:/etc %i ls /etc/passwd", cleanup=RMV),
    case("volume-prune-nothing", "volume prune -f"),
    # batch 2
    case("volume-create-driver-local", "volume create -d local %v", cleanup=RMV),
    case("volume-create-bad-driver", "volume create -d nosuchdriver %v", cleanup=RMV, says="nosuchdriver"),
    case("volume-inspect-multiple", "volume inspect -f '{{.Name}}' %v %v", setup="volume create %v", cleanup=RMV),
    case("volume-rm-multiple-missing", "volume rm %v nosuchvol-compat", setup="volume create %v", cleanup=RMV,
         says="no such volume"),
    case("volume-ls-quiet-two", "volume ls -q", setup=("volume create %v", "volume create %n"),
         cleanup=(RMV, "volume rm -f %n")),
]

# -- issue 12, listing: volume ls --filter (every key), --format fields, rm -f
USED = ("volume create %v", "volume create %n", "create --network none --name %m -v %n:/data %i true")
USED_CLEANUP = ("rm -f %m", RMV, "volume rm -f %n")
CASES += [
    case("volume-ls-filter-name-anchored", "volume ls -q --filter name=^%v$", setup=("volume create %v", "volume create %v2"),
         cleanup=(RMV, "volume rm -f %v2")),
    case("volume-ls-filter-name-none", "volume ls --filter name=nosuchvol-compat", setup="volume create %v",
         cleanup=RMV),
    case("volume-ls-filter-name-or", "volume ls -q --filter name=%v --filter name=%n",
         setup=("volume create %v", "volume create %n"), cleanup=(RMV, "volume rm -f %n")),
    case("volume-ls-filter-dangling-false", "volume ls -q --filter dangling=false", setup=USED, cleanup=USED_CLEANUP),
    case("volume-ls-filter-dangling-true-used", "volume ls -q --filter dangling=true", setup=USED,
         cleanup=USED_CLEANUP),
    case("volume-ls-filter-dangling-zero", "volume ls -q --filter dangling=0", setup=USED, cleanup=USED_CLEANUP),
    case("volume-ls-filter-dangling-bad", "volume ls --filter dangling=foo", says="invalid filter 'dangling=[foo]'"),
    case("volume-ls-filter-driver", "volume ls -q --filter driver=local", setup="volume create %v", cleanup=RMV),
    case("volume-ls-filter-driver-other", "volume ls -q --filter driver=nosuchdriver", setup="volume create %v",
         cleanup=RMV),
    case("volume-ls-filter-label", "volume ls -q --filter label=a",
         setup=("volume create --label a=b %v", "volume create %n"), cleanup=(RMV, "volume rm -f %n")),
    case("volume-ls-filter-label-value", "volume ls -q --filter label=a=b",
         setup=("volume create --label a=b %v", "volume create --label a=c %n"), cleanup=(RMV, "volume rm -f %n")),
    case("volume-ls-filter-label-and", "volume ls -q --filter label=a --filter label=x",
         setup=("volume create --label a=b --label x=y %v", "volume create --label a=c %n"),
         cleanup=(RMV, "volume rm -f %n")),
    case("volume-ls-filter-and", "volume ls -q --filter name=%v --filter dangling=true",
         setup=("volume create %v", "volume create %n"), cleanup=(RMV, "volume rm -f %n")),
    case("volume-ls-filter-bad-key", "volume ls --filter nosuchkey=1", says="invalid filter 'nosuchkey'"),
    case("volume-ls-filter-no-equals", "volume ls --filter name", says="bad format of filter (expected name=value)"),
    case("volume-ls-format-labels", "volume ls --format '{{.Labels}}'", setup="volume create --label a=b %v",
         cleanup=RMV),
    case("volume-ls-format-label-fn", "volume ls --format '{{.Label \"a\"}}'", setup="volume create --label a=b %v",
         cleanup=RMV),
    case("volume-ls-format-table", "volume ls --format 'table {{.Name}}\t{{.Driver}}'", setup="volume create %v",
         cleanup=RMV),
    case("volume-ls-format-scope", "volume ls --format '{{.Scope}} {{.Mountpoint | len | printf \"%d\" | len}}'",
         setup="volume create %v", cleanup=RMV),
    case("volume-ls-format-bad", "volume ls --format '{{.Name'", says="template parsing error"),
    case("volume-rm-f-two-missing", "volume rm -f nosuchvol-compat nosuchvol-compat2"),
]

# -- issue 12: volume create -d local and the local driver's options (mounted at first use)
TMPFS = "volume create -d local --opt type=tmpfs --opt device=tmpfs --opt o=size=1m %v"
CASES += [
    case("volume-create-driver-long", "volume create --driver local %v", cleanup=RMV),
    case("volume-create-opt-bad", "volume create --opt foo=bar %v", cleanup=RMV, says='invalid option: "foo"'),
    case("volume-create-opt-missing", "volume create --opt type=tmpfs %v", cleanup=RMV,
         says='missing required option: "device"'),
    case("volume-create-opt-o-alone", "volume create -o o=size=1m %v", cleanup=RMV,
         says="missing required option"),
    case("volume-create-tmpfs-options", "volume inspect -f '{{json .Options}} {{.Driver}}' %v", setup=TMPFS,
         cleanup=RMV),
    case("volume-tmpfs-mounted", "run --rm --network none -v %v:/data %i grep -c ' /data tmpfs' /proc/mounts",
         setup=TMPFS, cleanup=RMV),
    case("volume-tmpfs-size", "run --rm --network none -v %v:/data %i sh -c \"df -k /data | awk 'NR==2 {print $2}'\"",
         setup=TMPFS, cleanup=RMV),
    case("volume-tmpfs-not-kept", "run --rm --network none -v %v:/data %i ls /data",
         setup=(TMPFS, "run --rm --network none -v %v:/data %i touch /data/f"), cleanup=RMV),
    case("volume-ls-filter-driver-tmpfs", "volume ls -q --filter driver=local", setup=TMPFS, cleanup=RMV),
]

# -- issue 12: a volume `volume create` made shows empty Labels/Options as {}, one a mount made as null
CASES += [
    case("volume-inspect-labels-empty", "volume inspect -f '{{json .Labels}} {{json .Options}} {{.Labels}}' %v",
         setup="volume create %v", cleanup=RMV),
    case("volume-inspect-options-given", "volume inspect -f '{{json .Options}}' %v",
         setup="volume create -o type=tmpfs -o device=tmpfs %v", cleanup=RMV),
    case("volume-inspect-labels-by-mount", "volume inspect -f '{{json .Labels}} {{json .Options}}' %v",
         setup="run --rm --network none -v %v:/data %i true", cleanup=RMV),
]

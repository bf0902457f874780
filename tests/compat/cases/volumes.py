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
         cleanup=("rm -f %n", RMV), says="is in use"),
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

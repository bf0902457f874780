"""What the Engine API face's work (issue 13: volumes, networks, events,
system df) found the `doca` CLI doing differently from Docker."""
from tests.compat.case import case

RMV = "volume rm -f %v"

CASES = [
    # a volume's CreatedAt is RFC 3339 in whole seconds (Docker's volume store), not with a fraction
    case("volume-inspect-created-at-seconds", "volume inspect -f '{{len .CreatedAt}}' %v", setup="volume create %v",
         cleanup=RMV),
]
CASES += [
    # the daemon refuses a since after until (the Engine API's 400), naming both as Unix times
    case("events-since-after-until", "events --since 1m --until 10m", says="cannot be after `until` time ("),
]
NET = "network rm %n"
CASES += [
    # network ls --filter dangling: Docker's daemon filters its list before filling the containers in, so
    # every user network is dangling, used or not, and only the predefined ones are not
    case("network-ls-dangling-true", "network ls --format '{{.Name}}' --filter dangling=true --filter name=%n",
         setup="network create %n", cleanup=NET),
    case("network-ls-dangling-true-used", "network ls --format '{{.Name}}' --filter dangling=true --filter name=%n",
         setup=("network create %n", "run -d --name %n --network %n %i sleep 60"), cleanup=("rm -f %n", NET)),
    case("network-ls-dangling-false", "network ls --format '{{.Name}}' --filter dangling=false --filter name=%n",
         setup="network create %n", cleanup=NET),
    case("network-ls-dangling-false-builtin", "network ls --format '{{.Name}}' --filter dangling=0 --filter name=none"),
    case("network-ls-dangling-bad", "network ls --filter dangling=foo", says="invalid value for filter 'dangling'"),
    case("network-ls-dangling-two", "network ls --filter dangling=true --filter dangling=0",
         says='got more than one value for filter key "dangling"'),
]
CASES += [
    # a volume's size in system df: what lies under it, each inode once, links not followed (moby's directory.Size)
    case("system-df-v-volume-size",
         "system df -v --format '{{range .Volumes}}{{if eq .Name \"%v\"}}{{.Name}} {{.Size}} {{.Links}}{{end}}{{end}}'",
         setup=("volume create %v", "run --rm --network none -v %v:/d %i sh -c 'head -c 12345 /dev/zero > /d/f; "
                "ln /d/f /d/g; ln -s /d/f /d/s; mkdir /d/sub; head -c 100 /dev/zero > /d/sub/x'"),
         cleanup=RMV),
]

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

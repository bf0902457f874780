"""Error messages in substance (issue 12): what Docker's daemon or CLI says
when it refuses, doca says too (its own hint may follow). Each case names
the phrase both must hold."""
from tests.compat.case import case

MADE = "create --network none --name %n %i true"
RM = "rm -f %n"

CASES = [
    # references: Docker's distribution/reference words; tag checks its target before anything
    case("msg-tag-bad-characters", "tag %i 'bad:Name!'",
         says=('"bad:name!" is not a valid repository/tag: invalid reference format',)),
    case("msg-tag-bad-target-missing-source", "tag nosuchimage-compat 'Bad Name'",
         says='"bad name" is not a valid repository/tag'),
    case("msg-rmi-missing-tag", "rmi nosuchimage-compat:1", says="no such image: nosuchimage-compat:1"),
    case("msg-image-inspect-missing-as-given", "image inspect library/nosuchimage-compat",
         says="no such image: library/nosuchimage-compat"),
    # commit -c: the instruction checked before it is read
    case("msg-commit-change-run", "commit -c 'RUN true' %n %n:c", setup=MADE, cleanup=(RM, "rmi -f %n:c"),
         says="run is not a valid change command"),
    case("msg-commit-change-from", "commit -c 'FROM x' %n %n:c", setup=MADE, cleanup=(RM, "rmi -f %n:c"),
         says="from is not a valid change command"),
    case("msg-commit-change-env-empty", "commit -c 'ENV' %n %n:c", setup=MADE, cleanup=(RM, "rmi -f %n:c"),
         says="env requires at least one argument"),
    # times: events' and logs' words differ in Docker too
    case("msg-events-since-bad", "events --since nonsense",
         says='failed to parse value as time or duration: "nonsense"'),
    case("msg-events-until-bad", "events --since 1m --until nonsense",
         says='failed to parse value as time or duration: "nonsense"'),
    case("msg-logs-until-bad", "logs --until nonsense %n", setup=MADE, cleanup=RM,
         says='invalid value for "until": failed to parse value as time or duration: "nonsense"'),
    # files the CLI reads: Go's os.Open
    case("msg-import-missing-file", "import /nonexistent-compat.tar",
         says="open /nonexistent-compat.tar: no such file or directory"),
    case("msg-load-missing-file", "load -i /nonexistent-compat.tar",
         says="open /nonexistent-compat.tar: no such file or directory"),
    # a volume containers use: their full ids
    case("msg-volume-rm-in-use-two", "volume rm %v",
         setup=("volume create %v", "create --network none --name %n -v %v:/a %i true",
                "create --network none --name %m -v %v:/b %i true"),
         cleanup=("rm -f %n %m", "volume rm -f %v"), says="volume is in use - [<id>, <id>]"),
    # a container on the none network
    case("msg-network-connect-none-created", "network connect %m %n",
         setup=("network create %m", MADE), cleanup=(RM, "network rm %m"),
         says="container cannot be connected to multiple networks with one of the networks in private (none) mode"),
]

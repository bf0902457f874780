"""Usage: unknown verbs and flags, missing arguments, help, and their exit codes."""
from tests.compat.case import case

CASES = [
    case("no-args", "", ignore=("stdout", "stderr")),
    case("unknown-verb", "nosuchverb", says="nosuchverb"),
    case("unknown-global-flag", "--nosuchflag ps", says="unknown flag"),
    case("help-flag", "--help", ignore="stdout"),
    case("run-help", "run --help", ignore="stdout"),
    case("ps-help", "ps --help", ignore="stdout"),
    case("help-verb", "help ps", ignore="stdout"),
    case("ps-unknown-flag", "ps --nosuchflag", says="unknown flag"),
    case("ps-extra-arg", "ps extra", says="accepts no arguments"),
    case("ps-abbreviated-flag", "ps --al", says="unknown flag"),
    case("rm-no-arg", "rm", says="requires at least 1 argument"),
    case("stop-no-arg", "stop", says="requires at least 1 argument"),
    case("exec-no-cmd", "exec onlyname", says="requires at least 2 arguments"),
    case("rename-one-arg", "rename onlyone", says="requires exactly 2 arguments"),
    case("tag-one-arg", "tag onlyone", says="requires exactly 2 arguments"),
    case("volume-no-sub", "volume", ignore="stdout"),
    case("volume-unknown-sub", "volume nosuchsub", ignore="stdout"),
    case("network-no-sub", "network", ignore="stdout"),
    case("container-no-sub", "container", ignore="stdout"),
    case("image-no-sub", "image", ignore="stdout"),
    case("system-no-sub", "system", ignore="stdout"),
    case("version-unknown-flag", "version --nosuchflag", says="unknown flag"),
]

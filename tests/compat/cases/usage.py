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
    # batch 2
    case("version-flag", "--version", ignore="stdout"),
    case("rm-help", "rm --help", ignore="stdout"),
    case("inspect-no-arg", "inspect", says="requires at least 1 argument"),
    case("create-no-arg", "create", says="requires at least 1 argument"),
    case("images-two-args", "images a b", says="requires at most 1 argument"),
    case("volume-create-two-args", "volume create a b", says="requires at most 1 argument"),
    case("pull-no-arg", "pull", says="requires exactly 1 argument"),
    case("kill-s-no-value", "kill -s", says="flag needs an argument"),
    case("ps-format-no-value", "ps --format", says="flag needs an argument"),
]

# -- H1: every verb's usage errors (docker's CLI answers these itself, before any daemon call)
RUNNING = "run -d --network none --name %n %i sleep 60"
CREATED = "create --network none --name %n %i true"
RM = "rm -f %n"

# an unknown flag: "unknown flag: --X", exit 125, whatever else the line holds
UNKNOWN_FLAG_VERBS = ["start", "stop", "restart", "kill", "rm", "wait", "pause", "unpause", "exec", "update",
                      "logs", "inspect", "attach", "stats", "top", "rename", "diff", "cp", "images", "rmi", "import",
                      "tag", "history", "commit", "save", "load", "export", "pull", "push", "build", "events", "info",
                      "port", "create", "login", "logout"]
CASES += [case(f"{verb}-unknown-flag", f"{verb} --nosuchflag", says="unknown flag: --nosuchflag")
          for verb in UNKNOWN_FLAG_VERBS]

# missing and extra arguments: Docker's count rule of each verb, exit 1
COUNTS = [
    ("start-no-arg", "start", "requires at least 1 argument"),
    ("restart-no-arg", "restart", "requires at least 1 argument"),
    ("kill-no-arg", "kill", "requires at least 1 argument"),
    ("wait-no-arg", "wait", "requires at least 1 argument"),
    ("pause-no-arg", "pause", "requires at least 1 argument"),
    ("unpause-no-arg", "unpause", "requires at least 1 argument"),
    ("update-no-arg", "update", "requires at least 1 argument"),
    ("attach-no-arg", "attach", "requires exactly 1 argument"),
    ("top-no-arg", "top", "requires at least 1 argument"),
    ("diff-no-arg", "diff", "requires exactly 1 argument"),
    ("cp-one-arg", "cp onlyone", "requires exactly 2 arguments"),
    ("rmi-no-arg", "rmi", "requires at least 1 argument"),
    ("import-no-arg", "import", "requires at least 1 argument"),
    ("history-no-arg", "history", "requires exactly 1 argument"),
    ("commit-no-arg", "commit", "requires at least 1 and at most 2 arguments"),
    ("save-no-arg", "save", "requires at least 1 argument"),
    ("export-no-arg", "export", "requires exactly 1 argument"),
    ("push-no-arg", "push", "requires exactly 1 argument"),
    ("build-no-arg", "build", "requires exactly 1 argument"),
    ("port-no-arg", "port", "requires at least 1 and at most 2 arguments"),
    ("run-no-arg-says", "run", "requires at least 1 argument"),
    ("exec-no-arg", "exec", "requires at least 2 arguments"),
    ("version-extra-arg", "version extra", "accepts no arguments"),
    ("info-extra-arg", "info extra", "accepts no arguments"),
    ("events-extra-arg", "events extra", "accepts no arguments"),
    ("load-extra-arg", "load extra", "accepts no arguments"),
    ("logs-two-args", "logs a b", "requires exactly 1 argument"),
    ("attach-two-args", "attach a b", "requires exactly 1 argument"),
    ("diff-two-args", "diff a b", "requires exactly 1 argument"),
    ("history-two-args", "history a b", "requires exactly 1 argument"),
    ("export-two-args", "export a b", "requires exactly 1 argument"),
    ("pull-two-args", "pull a b", "requires exactly 1 argument"),
    ("build-two-args", "build a b", "requires exactly 1 argument"),
    ("port-three-args", "port a b c", "requires at least 1 and at most 2 arguments"),
    ("commit-three-args", "commit a b c", "requires at least 1 and at most 2 arguments"),
    ("logout-two-args", "logout a b", "requires at most 1 argument"),
    ("rename-three-args", "rename a b c", "requires exactly 2 arguments"),
    ("tag-three-args", "tag a b c", "requires exactly 2 arguments"),
    ("cp-three-args", "cp a b c", "requires exactly 2 arguments"),
    ("rm-dashdash-only", "rm --", "requires at least 1 argument"),
    ("ps-extra-after-flag", "ps -a extra", "accepts no arguments"),
]
CASES += [case(id_, cmd, says=phrase) for id_, cmd, phrase in COUNTS]

CASES += [
    # a flag without its value (long and short wording), exit 125
    case("stop-t-no-value", "stop -t", says="flag needs an argument: 't' in -t"),
    case("logs-tail-no-value", "logs --tail", says="flag needs an argument: --tail"),
    case("run-name-no-value", "run --name", says="flag needs an argument: --name"),
    case("exec-e-no-value", "exec -e", says="flag needs an argument: 'e' in -e"),
    case("inspect-format-no-value", "inspect -f", says="flag needs an argument: 'f' in -f"),
    case("images-format-no-value", "images --format", says="flag needs an argument: --format"),
    # unknown shorthand: "unknown shorthand flag: 'x' in -x", exit 125
    case("ps-unknown-shorthand", "ps -x", says="unknown shorthand flag: 'x' in -x"),
    case("rm-unknown-shorthand-combined", "rm -fz a", says="unknown shorthand flag: 'z' in -z"),
    case("images-unknown-shorthand", "images -z", says="unknown shorthand flag"),
    case("ps-global-flag-after-verb", "ps -H unix:///nowhere.sock", says="unknown shorthand flag: 'H' in -H"),
    # values pflag refuses: exit 125, 'invalid argument'
    case("stop-t-not-int", "stop -t abc %n", says='invalid argument "abc" for "-t, --time" flag'),
    case("restart-time-not-int", "restart --time=1.5 %n", says="invalid argument"),
    case("run-stop-timeout-not-int", "run --stop-timeout x %i", says='invalid argument "x" for "--stop-timeout"'),
    case("ps-all-not-bool", "ps --all=maybe", says='invalid argument "maybe" for "-a, --all" flag'),
    # Docker's boolean flags take =true/=false; values may start with '-'; options may follow arguments
    case("ps-all-false", "ps --all=false --quiet=true"),
    case("ps-short-bool-false", "ps -a=false -q"),
    case("rm-flag-after-name", "rm %n -f", setup=CREATED, cleanup=RM),
    case("rm-combined-shorts", "rm -fv %n", setup=CREATED, cleanup=RM),
    case("kill-s-attached", "kill -sKILL %n", setup=RUNNING, cleanup=RM),
    case("kill-s-equals", "kill -s=KILL %n", setup=RUNNING, cleanup=RM),
    case("stop-t-hex", "stop -t 0x0 %n", setup=RUNNING, cleanup=RM),
    case("inspect-format-dash", "inspect --format '-{{.Name}}' %n", setup=CREATED, cleanup=RM),
    case("exec-flags-of-the-command", "exec %n echo -n -e hi", setup=RUNNING, cleanup=RM),
    case("run-flags-after-image", "run --rm --network none %i echo --rm -x"),
    case("run-dashdash", "run --rm --network none -- %i echo hi"),
    case("logs-double-dash", "logs -- %n", setup="run --network none --name %n %i echo hi", cleanup=RM),
    # help: stdout (its text is doca's), exit 0; a group without subcommand: help on stderr, exit 0
    case("stop-help", "stop --help", ignore="stdout"),
    case("logs-help", "logs --help", ignore="stdout"),
    case("help-container-ls", "help container ls", ignore="stdout"),
    case("container-ls-help", "container ls --help", ignore="stdout"),
    case("volume-help", "volume --help", ignore="stdout"),
    case("ps-h-deprecated", "ps -h", ignore="stdout"),
    case("help-no-topic", "help", ignore="stdout"),
    case("help-unknown-topic", "help nosuchtopic", says="unknown help topic"),
    case("rm-help-after-name", "rm somename --help", ignore="stdout"),
    case("inspect-bad-type", "inspect --type nosuchtype x", says="nosuchtype"),
    case("builder-no-sub", "builder", ignore="stdout"),
    # unknown subcommands: exit 1, a message on stderr
    case("image-unknown-sub", "image nosuchsub"),
    case("network-unknown-sub", "network nosuchsub"),
    case("container-unknown-sub", "container nosuchsub"),
    case("system-unknown-sub", "system nosuchsub"),
    case("unknown-verb-with-flags", "nosuchverb --all", says="unknown flag: --all"),  # the root's flags first
    case("unknown-verb-with-global-flag", "nosuchverb -H unix:///nowhere.sock", says="nosuchverb"),
    case("volume-create-unknown-flag", "volume create --nosuchflag", says="unknown flag: --nosuchflag"),
    case("network-ls-unknown-flag", "network ls --nosuchflag", says="unknown flag: --nosuchflag"),
    case("volume-ls-extra-arg", "volume ls extra", says="accepts no arguments"),
    case("network-create-no-arg", "network create", says="requires exactly 1 argument"),
    case("network-connect-one-arg", "network connect onlyone", says="requires exactly 2 arguments"),
    case("volume-rm-no-arg", "volume rm", says="requires at least 1 argument"),
    case("volume-inspect-no-arg", "volume inspect", says="requires at least 1 argument"),
    case("system-df-extra-arg", "system df extra", says="accepts no arguments"),
    case("system-prune-extra-arg", "system prune extra", says="accepts no arguments"),
    case("container-prune-extra-arg", "container prune extra", says="accepts no arguments"),
    case("image-prune-extra-arg", "image prune extra", says="accepts no arguments"),
]

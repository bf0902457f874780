"""A container whose program cannot start (issue 12): Docker creates it and
its start fails (its runtime looks the program up at start), with exit 127
for a missing command or path and 126 for what cannot be run; start and
start -a exit 1, run and run -d the program's code, run --rm leaves nothing,
wait on a created container answers at once. The state after a failed start
(created, ExitCode, State.Error) is checked in tests/runtime/test_start_errors.py:
a set-up line here must succeed. exec of what cannot run: 126, runc's words
on stdout (docker 20.10), exec -d: 1."""
from tests.compat.case import case

CREATE = "create --network none --name %n %i"
RM = "rm -f %n"
UP = "run -d --network none --name %n %i sleep 300"
STATE = "inspect -f '{{.State.Status}} {{.State.ExitCode}} {{.State.Running}} {{.State.Pid}} {{json .State.Error}}' %n"

# variant: (the command, words both engines say)
VARIANTS = {
    "missing": ("nosuchcmd", "executable file not found in $path"),
    "no-path": ("/nosuch", "no such file or directory"),
    "not-executable": ("/etc/passwd", "permission denied"),
    "directory": ("/etc", "permission denied"),
}


def _variant(v: str, cmd: str, says: str) -> list:
    made = f"{CREATE} {cmd}"
    return [
        case(f"start-errors-create-{v}", made, cleanup=RM),
        case(f"start-errors-created-state-{v}", STATE, setup=made, cleanup=RM),
        case(f"start-errors-created-ps-{v}", "ps -a --filter name=%n --format '{{.Names}} {{.Status}}'",
             setup=made, cleanup=RM),
        case(f"start-errors-start-{v}", "start %n", setup=made, cleanup=RM, says=(says, "failed to start containers")),
        case(f"start-errors-start-attach-{v}", "start -a %n", setup=made, cleanup=RM, says=(says,)),
        case(f"start-errors-wait-{v}", "wait %n", setup=made, cleanup=RM),
        case(f"start-errors-run-{v}", f"run --network none --name %n %i {cmd}", cleanup=RM, says=(says,)),
        case(f"start-errors-run-detached-{v}", f"run -d --network none --name %n %i {cmd}", cleanup=RM,
             says=(says,)),
        case(f"start-errors-run-rm-{v}", f"run --rm --network none --name %n %i {cmd}", cleanup=RM, says=(says,)),
        case(f"start-errors-run-rm-detached-{v}", f"run --rm -d --network none --name %n %i {cmd}", cleanup=RM,
             says=(says,)),
        case(f"start-errors-exec-{v}", f"exec %n {cmd}", setup=UP, cleanup=RM),
        case(f"start-errors-exec-detached-{v}", f"exec -d %n {cmd}", setup=UP, cleanup=RM, says=(says,)),
    ]


CASES = [c for v, (cmd, says) in VARIANTS.items() for c in _variant(v, cmd, says)] + [
    # wait (not-running) on a created container that would start: at once, 0
    case("start-errors-wait-created-good", "wait %n", setup=f"{CREATE} true", cleanup=RM),
    # several: the good one starts and is named, the bad one fails, exit 1
    case("start-errors-start-two", "start %m %n", setup=(f"{CREATE} nosuchcmd", "create --network none --name %m %i true"),
         cleanup=(RM, "rm -f %m"), says=("executable file not found", "failed to start containers")),
    case("start-errors-start-unknown-two", "start nosuch-compat nosuch-compat2",
         says=("no such container: nosuch-compat2", "failed to start containers: nosuch-compat, nosuch-compat2")),
    # the command given to a started container's restart is found again: a working one runs
    case("start-errors-restart-created", "restart %n", setup=f"{CREATE} nosuchcmd", cleanup=RM,
         says=("executable file not found",)),
]

"""What Docker shows where doca showed something else: inspect's fields the
user left unset (Config.Healthcheck's fields but Test are omitempty, as
moby's HealthConfig; HostConfig.NetworkMode is "default" without --network),
--mount's volume-label/volume-opt on the volume made, and a kill of a paused
container (the signal, then the container resumed)."""
from tests.compat.case import case

RM = "rm -f %n"
FMT = "inspect -f '{{json .Config.Healthcheck}}' %n"

CASES = [
    case("inspect-healthcheck-cmd-only", FMT, setup="create --network none --name %n --health-cmd true %i true",
         cleanup=RM),
    case("inspect-healthcheck-some-set", FMT,
         setup="create --network none --name %n --health-cmd true --health-interval 5s --health-retries 2 %i true",
         cleanup=RM),
    case("inspect-healthcheck-all-set", FMT,
         setup="create --network none --name %n --health-cmd 'exit 0' --health-interval 5s --health-timeout 2s "
               "--health-start-period 1s --health-retries 4 %i true", cleanup=RM),
    case("inspect-healthcheck-none", FMT, setup="create --network none --name %n --no-healthcheck %i true",
         cleanup=RM),
    case("inspect-healthcheck-interval-unset", "inspect -f '{{.Config.Healthcheck.Interval}}' %n",
         setup="create --network none --name %n --health-cmd true %i true", cleanup=RM),
    case("inspect-network-mode-default", "inspect -f '{{.HostConfig.NetworkMode}}' %n",
         setup="create --name %n %i true", cleanup=RM),
    case("inspect-network-mode-bridge", "inspect -f '{{.HostConfig.NetworkMode}}' %n",
         setup="create --network bridge --name %n %i true", cleanup=RM),
    case("ps-network-default", "ps -a --filter name=%n --format '{{.Networks}}'",
         setup="create --name %n %i true", cleanup=RM),
]

# --mount's volume-label and volume-opt: a missing named volume is made with
# them (an existing one keeps its own), as Docker's.
MOUNT = "type=volume,source=%v,target=/v"
CASES += [
    case("mount-volume-label-opt", "volume inspect -f '{{json .Labels}} {{json .Options}} {{.Driver}}' %v",
         setup=f"create --network none --name %n --mount {MOUNT},volume-label=a=b,volume-opt=type=tmpfs,"
               "volume-opt=device=tmpfs %i true", cleanup=("rm -f %n", "volume rm -f %v")),
    case("mount-volume-opt-tmpfs-used",
         f"run --rm --network none --mount {MOUNT},volume-opt=type=tmpfs,volume-opt=device=tmpfs %i "
         "sh -c \"grep ' /v ' /proc/mounts | cut -d' ' -f3\"", cleanup="volume rm -f %v"),
    case("mount-volume-label-existing-kept", "volume inspect -f '{{json .Labels}}' %v",
         setup=("volume create --label x=y %v", f"create --network none --name %n --mount {MOUNT},volume-label=a=b "
                "%i true"), cleanup=("rm -f %n", "volume rm -f %v")),
]

# kill of a paused container: the signal, then the container resumed (Docker's
# "kill" then "unpause"), so it acts on it.
UP = "run -d --network none --name %n %i sleep 60"
CASES += [
    case("kill-paused-resumes", "inspect -f '{{.State.Status}} {{.State.Paused}}' %n",
         setup=(UP, "pause %n", "kill -s HUP %n"), cleanup=RM),
    case("kill-paused-exits", "inspect -f '{{.State.Status}} {{.State.ExitCode}}' %n",
         setup=(UP, "pause %n", "kill %n"), cleanup=RM),
]

"""inspect's fields as Docker shows them when the user left them unset:
Config.Healthcheck's fields but Test are omitempty (moby's HealthConfig), so
only the ones set show; HostConfig.NetworkMode is "default" without
--network (the bridge, named as the docker CLI sent it)."""
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

"""inspect's Config.Healthcheck as Docker shapes it: every field but Test is
omitempty (moby's HealthConfig), so only the ones set show."""
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
]

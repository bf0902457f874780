"""Bind mount propagation (-v SRC:DST:MODE with a propagation, --mount
bind-propagation=) as inspect shows it, and its refusals (issue 14)."""
from tests.compat.case import case

CREATE = "create --network none --name %n"
MOUNTS = "inspect -f '{{json .Mounts}} {{json .HostConfig.Binds}}' %n"
RM = "rm -f %n"

CASES = [
    case("propagation-v-rslave", MOUNTS, setup=f"{CREATE} -v /tmp:/m:rslave %i true", cleanup=RM),
    case("propagation-v-ro-rshared", MOUNTS, setup=f"{CREATE} -v /tmp:/m:ro,rshared %i true", cleanup=RM),
    case("propagation-v-shared", MOUNTS, setup=f"{CREATE} -v /etc:/m:shared %i true", cleanup=RM),
    case("propagation-v-private", MOUNTS, setup=f"{CREATE} -v /etc:/m:private %i true", cleanup=RM),
    case("propagation-mount-rslave", MOUNTS,
         setup=f"{CREATE} --mount type=bind,src=/tmp,dst=/m,bind-propagation=rslave %i true", cleanup=RM),
    case("propagation-v-volume-refused", f"{CREATE} -v %n:/m:rslave %i true", cleanup=RM,
         says="field BindOptions must not be specified"),
    case("propagation-v-two-modes", f"{CREATE} -v /tmp:/m:rslave,rshared %i true", cleanup=RM,
         says="invalid mode"),
    case("propagation-mount-bogus", f"{CREATE} --mount type=bind,src=/tmp,dst=/m,bind-propagation=bogus %i true",
         cleanup=RM, says="invalid propagation mode: bogus"),
    case("propagation-rslave-run", "run --rm --network none -v /tmp:/m:rslave %i ls -d /m"),
]
CASES += [
    case("propagation-rshared-run-private-source", "run --rm --network none -v /etc:/m:rshared %i ls -d /m"),
    case("propagation-start-private-source", "start %n", setup=f"{CREATE} -v /tmp:/m:rslave %i true",
         cleanup=RM),
]
CASES += [
    case("propagation-volumes-from-keeps-it", "inspect -f '{{json .Mounts}}' %n",
         setup=("create --network none --name %m -v /etc:/m:ro,rslave %i true",
                f"{CREATE} --volumes-from %m %i true"), cleanup=(RM, "rm -f %m")),
]

"""What the runtime's verbs share. runtime.Runtime is a set of mixins, one
per verb (create.py, start.py, ...); each inherits RuntimeState, so what
they use of each other's state is declared here, in one place, with its
type. Runtime.__init__ makes all of it; no verb assigns an attribute of its
own (tests/unit/test_runtime_state.py holds both rules)."""
import threading

from common.eventring import Ring
from services.runtime import cgroups, executors, shim_client
from services.runtime.exits import ExitMonitor
from services.runtime.netns import NetnsDir
from services.runtime.percontainer import PerContainer
from services.runtime.security.seccomp_compile import Compiler
from services.runtime.store import Record, Store
from services.runtime.volatile import VolatileDir


class RuntimeState:
    # The run-time files' tmpfs (volatile.py); None: they lie beside the records.
    volatile: VolatileDir | None
    # The containers' records and directories; its lock guards every record
    # and the sets below.
    store: Store
    cgroups: cgroups.Driver
    # Pins of the containers' network namespaces.
    netns: NetnsDir
    # Seccomp profiles compiled to BPF once, cached by digest.
    seccomp: Compiler
    # Starts the shims (through their zygote).
    launcher: shim_client.Launcher
    # Notices every container's exit (also those nobody waits for).
    exits: ExitMonitor
    # Engine events (Docker's container and volume events), read by the Events RPC.
    events: Ring
    # Set when the service stops: the health and restart threads end.
    closing: threading.Event
    # Held while the processes of a container whose shim died are killed
    # and its exit recorded: a second caller waits, then finds it exited.
    lost_shims: threading.Lock
    # The containers whose health loop (health.py) or restart monitor
    # (restart.py) runs: one each at most.
    health_watching: set[str]
    policy_watching: set[str]
    # stats: cid -> the previous (cpu_ns, system_ns) reading.
    _last_samples: PerContainer

    def executor_of(self, rec: Record) -> executors.Executor:
        """What runs the container (chosen at its create, --runtime)."""
        return executors.named(rec.spec.runtime)

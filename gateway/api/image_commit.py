"""docker commit across services: the runtime knows the container (its
status, the config it runs with), the images service owns its snapshot.
A running container is paused (cgroup freezer) while the images service
takes its diff, and resumed after, whatever happened: also after a kill of
the gateway, whose next start resumes it from the intent record."""
import logging

import grpc

from doca.images.v1 import images_pb2 as ipb
from doca.runtime.v1 import runtime_pb2 as rpb
from common import crashpoints
from gateway.api import intents
from gateway.api.clients import Clients

log = logging.getLogger("doca.gateway.commit")


def container_config(ctr: rpb.Container, image: ipb.Image) -> ipb.ImageConfig:
    """The config the container runs with, as Docker's commit keeps it: its
    env (without the HOSTNAME doca adds per container), command, user,
    working dir, and the image's labels with the container's on top."""
    spec, icfg = ctr.spec, image.config
    image_env_keys = {e.partition("=")[0] for e in icfg.env}
    env = list(spec.config_env) or [  # Docker's Config.Env; a record from before it: the process's
        e for e in spec.process.env if not e.startswith("HOSTNAME=") or "HOSTNAME" in image_env_keys]
    cwd = spec.process.cwd
    if cwd == "/" and not icfg.working_dir:
        cwd = ""
    return ipb.ImageConfig(env=env, cmd=spec.cmd, entrypoint=spec.entrypoint, working_dir=cwd,
                           user=spec.process.user, labels={**icfg.labels, **spec.labels},
                           stop_signal=spec.stop_signal or icfg.stop_signal)


def commit(c: Clients, journal: intents.Journal, container: str, reference: str, changes, comment: str,
           author: str, pause: bool = True) -> ipb.Image:
    ctr = c.runtime.Inspect(rpb.InspectRequest(id=container))
    image = c.images.Inspect(ipb.InspectRequest(reference=ctr.spec.image_id))
    request = ipb.CommitRequest(container_id=ctr.id, reference=reference,
                                container_config=container_config(ctr, image), changes=changes,
                                comment=comment, author=author,
                                created_by=" ".join(ctr.spec.process.args))
    # On disk before the pause: a gateway killed from here on leaves a
    # record that its next start resumes the container from.
    intent = journal.begin(intents.COMMIT, ctr.id, paused=pause and ctr.status == "running")
    paused = False
    try:
        if pause and ctr.status == "running":
            try:
                c.runtime.Pause(rpb.PauseRequest(id=ctr.id))
                paused = True
            except grpc.RpcError as e:
                if e.code() != grpc.StatusCode.FAILED_PRECONDITION:
                    raise
                # It stopped (or was paused) meanwhile: nothing runs to pause.
        crashpoints.reached("gateway.commit.paused")
        return c.images.Commit(request)
    finally:
        if not paused or _resume(c, ctr.id):
            intent.done()
        else:
            intent.park()  # the reconciler tries again


def _resume(c: Clients, cid: str) -> bool:
    try:
        c.runtime.Resume(rpb.ResumeRequest(id=cid), timeout=intents.UNDO_WAIT, wait_for_ready=True)
    except grpc.RpcError as e:
        if e.code() in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.FAILED_PRECONDITION):
            return True  # removed, or not paused any more: nothing to resume
        log.warning("resuming %s after commit: %s", cid[:12], e.details())
        return False
    return True


def settle(c: Clients, intent: intents.Intent) -> bool:
    """A commit the gateway did not live to finish: its container resumed."""
    if intent.data.get("paused") and not _resume(c, intent.container):
        intent.park()
        return False
    intent.done()
    return True

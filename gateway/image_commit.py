"""docker commit across services: the runtime knows the container (its
status, the config it runs with), the images service owns its snapshot.
A running container is paused (cgroup freezer) while the images service
takes its diff, and resumed after, whatever happened."""
import logging

import grpc

from doca.images.v1 import images_pb2 as ipb
from doca.runtime.v1 import runtime_pb2 as rpb
from gateway.clients import Clients

log = logging.getLogger("doca.gateway.commit")


def container_config(ctr: rpb.Container, image: ipb.Image) -> ipb.ImageConfig:
    """The config the container runs with, as Docker's commit keeps it: its
    env (without the HOSTNAME doca adds per container), command, user,
    working dir, and the image's labels with the container's on top."""
    spec, icfg = ctr.spec, image.config
    image_env_keys = {e.partition("=")[0] for e in icfg.env}
    env = [e for e in spec.process.env if not e.startswith("HOSTNAME=") or "HOSTNAME" in image_env_keys]
    cwd = spec.process.cwd
    if cwd == "/" and not icfg.working_dir:
        cwd = ""
    return ipb.ImageConfig(env=env, cmd=spec.cmd, entrypoint=spec.entrypoint, working_dir=cwd,
                           user=spec.process.user, labels={**icfg.labels, **spec.labels},
                           stop_signal=spec.stop_signal or icfg.stop_signal)


def commit(c: Clients, container: str, reference: str, changes, comment: str, author: str,
           pause: bool = True) -> ipb.Image:
    ctr = c.runtime.Inspect(rpb.InspectRequest(id=container))
    image = c.images.Inspect(ipb.InspectRequest(reference=ctr.spec.image_id))
    request = ipb.CommitRequest(container_id=ctr.id, reference=reference,
                                container_config=container_config(ctr, image), changes=changes,
                                comment=comment, author=author,
                                created_by=" ".join(ctr.spec.process.args))
    paused = False
    if pause and ctr.status == "running":
        try:
            c.runtime.Pause(rpb.PauseRequest(id=ctr.id))
            paused = True
        except grpc.RpcError as e:
            if e.code() != grpc.StatusCode.FAILED_PRECONDITION:
                raise
            # It stopped (or was paused) meanwhile: nothing runs to pause.
    try:
        return c.images.Commit(request)
    finally:
        if paused:
            try:
                c.runtime.Resume(rpb.ResumeRequest(id=ctr.id))
            except grpc.RpcError as e:
                log.warning("resuming %s after commit: %s", ctr.id[:12], e.details())

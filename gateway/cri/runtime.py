"""runtime.v1.RuntimeService: what a kubelet asks of the node's runtime.

Done so far: Version, Status, RuntimeConfig, pod sandboxes (pods.py),
containers (containers.py), ExecSync (exec_sync.py), container stats
(stats.py). Every other call
(streaming exec/attach/port-forward, pod stats, events, updates) answers
UNIMPLEMENTED until its translation lands (DESIGN.md)."""
import json

from common.version import VERSION
from doca.cri.runtime.v1 import api_pb2, api_pb2_grpc
from gateway.cri import containers, exec_sync, pods, stats, unimplemented

RUNTIME_NAME = "doca"
# The CRI's own version that Version reports (what the kubelet checks:
# "0.1.0" is every runtime.v1 server's answer) and the API's name.
KUBE_API_VERSION = "0.1.0"
RUNTIME_API_VERSION = "v1"

RUNTIME_READY, NETWORK_READY = "RuntimeReady", "NetworkReady"


class RuntimeService(api_pb2_grpc.RuntimeServiceServicer):
    def __init__(self, backend):
        self.b = backend

    def Version(self, request, context):
        return api_pb2.VersionResponse(version=KUBE_API_VERSION, runtime_name=RUNTIME_NAME,
                                       runtime_version=VERSION, runtime_api_version=RUNTIME_API_VERSION)

    def Status(self, request, context):
        # The runtime is ready when the gateway (every CRI call goes through
        # it) and the runtime service answer; the network when the network
        # service does (it hands out pod addresses).
        conditions = [self._condition(RUNTIME_READY, ("doca", "runtime"), "DocaRuntimeNotReady"),
                      self._condition(NETWORK_READY, ("network",), "DocaNetworkNotReady")]
        info = {}
        if request.verbose:
            cfg = self.b.cfg
            info["config"] = json.dumps({
                "runtimeName": RUNTIME_NAME, "runtimeVersion": VERSION, "root": str(cfg.root),
                "runDir": str(cfg.run_dir), "criSocket": cfg.cri_socket, "cgroupDriver": "cgroupfs",
                "cgroupParent": cfg.cgroup_parent, "bridge": cfg.bridge, "subnet": cfg.subnet})
        return api_pb2.StatusResponse(status=api_pb2.RuntimeStatus(conditions=conditions), info=info)

    def _condition(self, kind: str, sockets, reason: str) -> api_pb2.RuntimeCondition:
        for name in sockets:
            ok, why = self.b.serving(name)
            if not ok:
                return api_pb2.RuntimeCondition(type=kind, status=False, reason=reason, message=why)
        return api_pb2.RuntimeCondition(type=kind, status=True)

    def RuntimeConfig(self, request, context):
        # doca writes cgroupfs paths itself (services/runtime/cgroups), never
        # through systemd: the kubelet must use the same driver.
        return api_pb2.RuntimeConfigResponse(
            linux=api_pb2.LinuxRuntimeConfiguration(cgroup_driver=api_pb2.CGROUPFS))

    # Pod sandboxes (pods.py)
    def RunPodSandbox(self, request, context):
        return api_pb2.RunPodSandboxResponse(pod_sandbox_id=pods.run(self.b, request))

    def StopPodSandbox(self, request, context):
        pods.stop(self.b, request.pod_sandbox_id)
        return api_pb2.StopPodSandboxResponse()

    def RemovePodSandbox(self, request, context):
        pods.remove(self.b, request.pod_sandbox_id)
        return api_pb2.RemovePodSandboxResponse()

    def PodSandboxStatus(self, request, context):
        return pods.status(self.b, request.pod_sandbox_id, request.verbose)

    def ListPodSandbox(self, request, context):
        f = request.filter if request.HasField("filter") else None
        return api_pb2.ListPodSandboxResponse(items=pods.list_(self.b, f))

    # Containers (containers.py)
    def CreateContainer(self, request, context):
        return api_pb2.CreateContainerResponse(container_id=containers.create(self.b, request))

    def StartContainer(self, request, context):
        containers.start(self.b, request.container_id)
        return api_pb2.StartContainerResponse()

    def StopContainer(self, request, context):
        containers.stop(self.b, request.container_id, request.timeout)
        return api_pb2.StopContainerResponse()

    def RemoveContainer(self, request, context):
        containers.remove(self.b, request.container_id)
        return api_pb2.RemoveContainerResponse()

    def ListContainers(self, request, context):
        f = request.filter if request.HasField("filter") else None
        return api_pb2.ListContainersResponse(containers=containers.list_(self.b, f))

    def ContainerStatus(self, request, context):
        return containers.status(self.b, request.container_id, request.verbose)

    def ReopenContainerLog(self, request, context):
        containers.reopen_log(self.b, request.container_id)
        return api_pb2.ReopenContainerLogResponse()

    def ExecSync(self, request, context):
        out, err, code = exec_sync.run(self.b, request)
        return api_pb2.ExecSyncResponse(stdout=out, stderr=err, exit_code=code)

    def ContainerStats(self, request, context):
        return api_pb2.ContainerStatsResponse(stats=stats.one(self.b, request.container_id))

    def ListContainerStats(self, request, context):
        f = request.filter if request.HasField("filter") else None
        return api_pb2.ListContainerStatsResponse(stats=stats.many(self.b, f))


unimplemented.fill(RuntimeService, api_pb2.DESCRIPTOR.services_by_name["RuntimeService"])

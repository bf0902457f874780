"""Container start, side by side: `doca run --rm` (with and without a
network), one Run call over an open gRPC channel, `runc run` of an
equivalent bundle, `podman run --rm` (with and without a network)."""
import argparse
import os
import sys

import grpc

from bench.common import DOCA, PEERS_DIR, hyperfine, peers, podman_cmd, private_stack, report, save, time_calls
from doca.v1 import containers_pb2 as pb, containers_pb2_grpc


def api_run(stack, network: str):
    stub = containers_pb2_grpc.ContainersStub(grpc.insecure_channel(stack.host))
    req = pb.RunRequest(config=pb.ContainerConfig(image="busybox", cmd=["/bin/true"], auto_remove=True,
                                                  network=network))

    def once():
        for event in stub.Run(req):
            if event.HasField("exited") and event.exited.exit_code != 0:
                raise RuntimeError("container failed")
    return once


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--no-peers", action="store_true")
    args = ap.parse_args(argv)
    have_peers = not args.no_peers and peers("install.sh", "make-rootfs.sh", "setup-images.sh")
    results = {}
    with private_stack() as stack:
        env = dict(os.environ, DOCA_HOST=stack.host)
        cmds = {
            "doca run --network none": f"{DOCA} run --rm --network none busybox /bin/true",
            "doca run (bridge)": f"{DOCA} run --rm busybox /bin/true",
        }
        if have_peers:
            cmds["runc run (bundle)"] = f"runc run --bundle {PEERS_DIR}/bundle x1"
            cmds["podman run --network none"] = " ".join(podman_cmd("run", "--rm", "--network", "none", "peers/busybox", "/bin/true"))
            cmds["podman run (bridge)"] = " ".join(podman_cmd("run", "--rm", "peers/busybox", "/bin/true"))
        results.update(hyperfine(cmds, args.runs, env=env))
        results["doca API Run --network none"] = time_calls(api_run(stack, "none"), args.runs)
        results["doca API Run (bridge)"] = time_calls(api_run(stack, ""), args.runs)
    report("container start (ms, median [min-max])", results,
           baseline="podman run --network none" if have_peers else None)
    print(f"results: {save('container_start', results)}")
    return results


if __name__ == "__main__":
    sys.exit(main() and 0)

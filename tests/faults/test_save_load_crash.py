"""An interrupted load leaves nothing visible: the real images service is
killed (SIGKILL) while an archive streams in, and started again: no image,
blob or layer of that archive exists, and the ingest files it was writing
are gone."""
import signal
import threading
import time

import grpc

from doca.images.v1 import images_pb2 as pb
from tests.support.archivekit import Image, busybox_layer, docker_archive, file_layer
from tests.support.tarkit import ServiceProcess


def test_a_load_killed_half_way_leaves_nothing(tmp_path):
    svc = ServiceProcess(tmp_path / "root")
    try:
        svc.start()
        images_before = [i.id for i in svc.stub.List(pb.ListRequest()).images]
        blobs_before = sorted(p.name for p in (svc.state / "blobs/sha256").iterdir())
        archive = docker_archive([(Image([busybox_layer(), file_layer("big", b"x" * 3_000_000)]), ["half:1"])])
        half = threading.Event()

        def chunks():
            step = 256 * 1024
            for i in range(0, len(archive) // 2, step):
                yield pb.DataChunk(data=archive[i:i + step])
            half.set()
            time.sleep(30)  # the service dies meanwhile

        errors = []
        caller = threading.Thread(target=lambda: errors.append(_load(svc, chunks())), daemon=True)
        caller.start()
        assert half.wait(20)
        deadline = time.monotonic() + 10
        while not any((svc.state / "ingest").iterdir()) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert any((svc.state / "ingest").iterdir())  # bytes were being written
        svc.proc.send_signal(signal.SIGKILL)
        svc.proc.wait()
        caller.join(20)
        assert errors and errors[0] in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.CANCELLED,
                                        grpc.StatusCode.UNKNOWN, grpc.StatusCode.INTERNAL)
        svc.stop()
        svc.start()
        assert [i.id for i in svc.stub.List(pb.ListRequest()).images] == images_before
        assert sorted(p.name for p in (svc.state / "blobs/sha256").iterdir()) == blobs_before
        assert not any((svc.state / "ingest").iterdir()) and not any((svc.state / "tmp").iterdir())
    finally:
        svc.close()


def _load(svc, chunks):
    try:
        svc.stub.Load(chunks, timeout=60)
    except grpc.RpcError as e:
        return e.code()
    return None

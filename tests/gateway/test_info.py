"""doca info: Docker's document (text and --format json) with what the
engine and the host really are: containers by state, images, root dir,
kernel, CPUs, memory, cgroups, runtimes, security options."""
import json
import os
import platform

from services.runtime import executors
from tests.support import grpcurl


def _info(stack) -> dict:
    return json.loads(stack.doca("info", "--format", "json").stdout)


def test_counts_follow_the_containers(stack):
    before = _info(stack)
    running = stack.doca("run", "-d", "busybox", "sleep", "60").stdout.strip()
    paused = stack.doca("run", "-d", "busybox", "sleep", "60").stdout.strip()
    stopped = stack.doca("create", "busybox", "true").stdout.strip()
    try:
        stack.doca("pause", paused)
        after = _info(stack)
    finally:
        stack.doca("rm", "-f", running, paused, stopped)
    assert after["Containers"] - before["Containers"] == 3
    assert after["ContainersRunning"] - before["ContainersRunning"] == 1
    assert after["ContainersPaused"] - before["ContainersPaused"] == 1
    assert after["ContainersStopped"] - before["ContainersStopped"] == 1
    images = len(stack.doca("images", "-q").stdout.split())
    assert after["Images"] == images


def test_document_describes_this_engine_and_host(stack):
    d = _info(stack)
    with open("/proc/meminfo") as f:
        mem = int(f.readline().split()[1]) * 1024
    assert d["DockerRootDir"] == str(stack.root)
    assert d["KernelVersion"] == os.uname().release and d["OSType"] == "linux"
    assert d["Architecture"] == platform.machine() and d["NCPU"] == os.cpu_count() and d["MemTotal"] == mem
    assert d["Driver"] == "overlay2" and d["CgroupDriver"] == "cgroupfs"
    assert d["CgroupVersion"] == ("2" if os.path.exists("/sys/fs/cgroup/cgroup.controllers") else "1")
    assert d["DefaultRuntime"] == "doca" and "doca" in d["Runtimes"]
    assert d["Runtimes"] == {name: {"path": path} for name, path in executors.installed().items()}  # the runtime's
    assert "name=seccomp,profile=builtin" in d["SecurityOptions"]
    assert d["ServerVersion"] == json.loads(stack.doca("info", "--format", "{{json .ClientInfo}}").stdout)["Version"]
    assert "127.0.0.0/8" in d["RegistryConfig"]["InsecureRegistryCIDRs"]
    assert d["LiveRestoreEnabled"] is True and d["LoggingDriver"] == "json-file"


def test_text_layout(stack):
    out = stack.doca("info").stdout
    assert out.startswith("Client:\n Version:")
    lines = out.splitlines()
    server = lines.index("Server:")
    assert lines[server + 1].startswith(" Containers: ") and lines[server + 2].startswith("  Running: ")
    for expected in (" Storage Driver: overlay2", " Cgroup Driver: cgroupfs", " Default Runtime: doca",
                     f" Docker Root Dir: {stack.root}", f" Kernel Version: {os.uname().release}",
                     f" CPUs: {os.cpu_count()}", " Security Options:", "  seccomp", "   Profile: builtin"):
        assert expected in lines, expected
    assert any(line.startswith(" Total Memory: ") and line.endswith("GiB") for line in lines)
    assert stack.doca("info", "--format", "{{.Driver}}").stdout == "overlay2\n"
    assert stack.doca("system", "info", "--format", "{{.DockerRootDir}}").stdout == f"{stack.root}\n"


def test_grpcurl(stack):
    d = json.loads(grpcurl.call(stack.socket("doca"), "doca.v1.System/Info").stdout)
    assert d["DockerRootDir"] == str(stack.root) and d["Driver"] == "overlay2"

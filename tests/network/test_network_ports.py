"""Published ports: -p (tcp, udp, a host address, a random host port), -P
with an image's EXPOSE, `doca port`, inspect and ps; conflicts; the DNAT
rules go with the container. Traffic only to 127.0.0.1 and to the test's
own containers."""
import json
import socket
import subprocess
import sys
import threading


from services.network.firewall import Firewall
from tests.support.netenv import Env, host_port, http_get
from tests.support.network import wait_until

HTTPD = "mkdir -p /www && echo hello from $(hostname) > /www/index.html && exec httpd -f -p {port} -h /www"


def _dnat_rules(stack) -> list[str]:
    return [line for line in Firewall(stack.bridge).leftovers() if "-j DNAT" in line]


def _port_free(port: int, kind=socket.SOCK_STREAM) -> bool:
    with socket.socket(socket.AF_INET, kind) as s:
        try:
            s.bind(("0.0.0.0", port))
            return True
        except OSError:
            return False


def test_tcp_port_on_loopback_reaches_the_container(stack, env: Env):
    port = host_port()
    cid = env.run("web" + str(port), "-p", f"127.0.0.1:{port}:8080", "busybox", "sh", "-c",
                  HTTPD.format(port=8080))
    reply = http_get(port, "/index.html")
    assert reply.startswith(b"HTTP/1.") and f"hello from {cid[:12]}".encode() in reply
    assert env.stack.doca("port", cid).stdout == f"8080/tcp -> 127.0.0.1:{port}\n"
    # busybox nc as the server, on a second port of the same kind.
    port2 = host_port()
    env.run("nc" + str(port2), "-p", f"{port2}:7000", "busybox", "sh", "-c", "echo hi from nc | nc -l -p 7000")

    def received() -> bytes:
        try:
            with socket.create_connection(("127.0.0.1", port2), timeout=2) as s:
                return s.recv(100)
        except OSError:
            return b""
    assert wait_until(lambda: received() == b"hi from nc\n", timeout=10)


def test_random_host_port_inspect_ps_and_port(stack, env: Env):
    name = "rnd" + str(host_port())
    env.run(name, "-p", "8080", "-p", "9090/udp", "busybox", "sh", "-c", HTTPD.format(port=8080))
    out = stack.doca("port", name).stdout.splitlines()
    assert len(out) == 2 and out[0].startswith("8080/tcp -> 0.0.0.0:") and out[1].startswith("9090/udp -> 0.0.0.0:")
    port = int(out[0].rsplit(":", 1)[1])
    assert 1024 < port < 65536 and stack.doca("port", name, "8080").stdout == f"0.0.0.0:{port}\n"
    assert b"hello" in http_get(port)
    r = stack.doca("port", name, "1234", check=False)
    assert r.returncode == 1 and "No public port '1234/tcp'" in r.stderr
    doc = env.inspect(name)
    assert doc["HostConfig"]["PortBindings"] == {"8080/tcp": [{"HostIp": "", "HostPort": ""}],
                                                 "9090/udp": [{"HostIp": "", "HostPort": ""}]}
    assert doc["NetworkSettings"]["Ports"]["8080/tcp"] == [{"HostIp": "0.0.0.0", "HostPort": str(port)}]
    assert doc["Config"]["ExposedPorts"] == {"8080/tcp": {}, "9090/udp": {}}
    ps = stack.doca("ps").stdout
    assert f"0.0.0.0:{port}->8080/tcp" in ps and "->9090/udp" in ps
    line = [json.loads(x) for x in stack.doca("ps", "--format", "json").stdout.splitlines()
            if json.loads(x)["Names"] == name][0]
    assert f"0.0.0.0:{port}->8080/tcp" in line["Ports"]


def _udp_echo(netns: str, port: int) -> subprocess.Popen:
    """A UDP echo server inside the container's network namespace (busybox
    has no UDP server): what reaches it came through the DNAT."""
    code = ("import socket,sys\n"
            "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.bind(('0.0.0.0',%d))\n"
            "print('ready',flush=True)\n"
            "d,a=s.recvfrom(100); s.sendto(b'echo:'+d,a)\n" % port)
    proc = subprocess.Popen(["nsenter", f"--net={netns}", sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    return proc


def test_udp_port_reaches_the_container(stack, env: Env):
    port = host_port()
    while not _port_free(port, socket.SOCK_DGRAM):
        port = host_port()
    name = "udp" + str(port)
    env.run(name, "-p", f"{port}:5353/udp", "busybox", "sleep", "60")
    server = _udp_echo(env.inspect(name)["NetworkSettings"]["SandboxKey"], 5353)
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(5)
            s.sendto(b"ping", ("127.0.0.1", port))
            data, peer = s.recvfrom(100)
        assert data == b"echo:ping" and peer == ("127.0.0.1", port)
    finally:
        server.kill()
        server.wait()
    assert stack.doca("port", name).stdout == f"5353/udp -> 0.0.0.0:{port}\n"


def test_publish_all_with_an_image_expose(stack, env: Env):
    base = "base" + str(host_port())
    env.run(base, "busybox", "true")
    image = f"exposed{base}:1"
    stack.doca("commit", "--change", "EXPOSE 8000", "--change", "EXPOSE 8001/udp", base, image)
    try:
        name = "pa" + base
        env.run(name, "-P", image, "sh", "-c", HTTPD.format(port=8000))
        lines = stack.doca("port", name).stdout.splitlines()
        assert [line.split(" -> ")[0] for line in lines] == ["8000/tcp", "8001/udp"]
        port = int(stack.doca("port", name, "8000/tcp").stdout.strip().rsplit(":", 1)[1])
        assert b"hello" in http_get(port)
        # Without -P, EXPOSE publishes nothing: shown as exposed only.
        env.run("np" + base, image, "sleep", "60")
        assert stack.doca("port", "np" + base).stdout == ""
        assert env.inspect("np" + base)["NetworkSettings"]["Ports"] == {"8000/tcp": None, "8001/udp": None}
    finally:
        stack.doca("rm", "-f", *env.containers, check=False)
        stack.doca("rmi", image, check=False)


def test_a_port_in_use_fails_cleanly(stack, env: Env):
    holder = socket.socket()
    holder.bind(("0.0.0.0", 0))
    holder.listen()
    port = holder.getsockname()[1]
    try:
        before = (stack.doca("ps", "-aq").stdout, _dnat_rules(stack))
        r = stack.doca("run", "-d", "--name", f"busy{port}", "-p", f"{port}:80", "busybox", "sleep", "60",
                       check=False)
        assert r.returncode == 125
        assert f"Bind for 0.0.0.0:{port}/tcp failed: port is already allocated" in r.stderr
        assert (stack.doca("ps", "-aq").stdout, _dnat_rules(stack)) == before  # nothing half-made
    finally:
        holder.close()
    # Held by a container, a port is refused to the next one, and to the host.
    env.run(f"first{port}", "-p", f"{port}:80", "busybox", "sleep", "60")
    r = stack.doca("run", "--rm", "-p", f"127.0.0.1:{port}:81", "busybox", "true", check=False)
    assert r.returncode == 125 and "port is already allocated" in r.stderr
    assert not _port_free(port)
    # Bad specifications.
    for spec, words in ((f"{port}:0", "invalid port"), ("80/sctp", "invalid protocol"),
                        ("1:2:3:4", "expected [IP:]"), ("8000-8001:80", "differ in length"),
                        ("10.99.99.99:9999:80", "not an address of this host")):
        r = stack.doca("run", "--rm", "-p", spec, "busybox", "true", check=False)
        assert r.returncode == 125 and words in r.stderr, (spec, r.stderr)
    r = stack.doca("run", "--rm", "--network", "none", "-p", "80", "busybox", "true", check=False)
    assert r.returncode == 125 and "conflicting options" in r.stderr


def test_rules_and_ports_go_with_the_container(stack, env: Env):
    port = host_port()
    name = "gone" + str(port)
    cid = env.run(name, "-p", f"{port}:80", "-p", f"{port}:80/udp", "busybox", "sleep", "60")
    rules = [r for r in _dnat_rules(stack) if f"ctr {cid[:12]}" in r]
    assert len(rules) == 2 and all(f"--dport {port} " in r for r in rules), rules
    assert not _port_free(port) and not _port_free(port, socket.SOCK_DGRAM)
    stack.doca("rm", "-f", name)
    assert not [r for r in Firewall(stack.bridge).leftovers() if cid[:12] in r]
    assert _port_free(port) and _port_free(port, socket.SOCK_DGRAM)


def test_published_port_on_a_user_network_and_concurrent_clients(stack, env: Env):
    net, subnet = env.network()
    port = host_port()
    env.run("u" + net, "--network", net, "-p", f"{port}:8080", "busybox", "sh", "-c", HTTPD.format(port=8080))
    replies = []

    def get():
        replies.append(http_get(port))
    threads = [threading.Thread(target=get) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(replies) == 8 and all(b"hello" in r for r in replies)
    rule = [r for r in _dnat_rules(stack) if f"--dport {port} " in r][0]
    assert f"--to-destination {subnet.rsplit('.', 1)[0]}." in rule

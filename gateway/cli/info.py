"""`doca info`: Docker's layout of the engine's document, or `--format
json` / a template of it."""
import json
import sys

from common.version import VERSION
from gateway.cli import gotemplate, output
from gateway.cli.rpc import conn, doca_v1 as pb

_BINARY = ("B", "KiB", "MiB", "GiB", "TiB", "PiB")


def bytes_size(n: float) -> str:
    """Go units.BytesSize: 23.47GiB."""
    i = 0
    while n >= 1024 and i < len(_BINARY) - 1:
        n /= 1024
        i += 1
    return f"{n:.4g}{_BINARY[i]}"


def _yes(value) -> str:
    return "true" if value else "false"


def server_lines(d: dict) -> list[str]:
    lines = [f" Containers: {d['Containers']}", f"  Running: {d['ContainersRunning']}",
             f"  Paused: {d['ContainersPaused']}", f"  Stopped: {d['ContainersStopped']}",
             f" Images: {d['Images']}", f" Server Version: {d['ServerVersion']}",
             f" Storage Driver: {d['Driver']}"]
    lines += [f"  {k}: {v}" for k, v in d.get("DriverStatus", [])]
    lines += [f" Logging Driver: {d['LoggingDriver']}", f" Cgroup Driver: {d['CgroupDriver']}",
              f" Cgroup Version: {d['CgroupVersion']}", " Plugins:"]
    plugins = d.get("Plugins", {})
    lines += [f"  {k}: {' '.join(plugins[k])}" for k in ("Volume", "Network", "Log") if k in plugins]
    lines += [f" Swarm: {d.get('Swarm', {}).get('LocalNodeState', 'inactive')}",
              f" Runtimes: {' '.join(sorted(d.get('Runtimes', {})))}", f" Default Runtime: {d['DefaultRuntime']}"]
    if d.get("InitBinary"):
        lines.append(f" Init Binary: {d['InitBinary']}")
    lines.append(" Security Options:")
    for opt in d.get("SecurityOptions", []):
        fields = dict(kv.partition("=")[::2] for kv in opt.split(","))
        lines.append(f"  {fields.get('name', opt)}")
        lines += [f"   {k.capitalize()}: {v}" for k, v in fields.items() if k != "name"]
    lines += [f" Kernel Version: {d['KernelVersion']}", f" Operating System: {d['OperatingSystem']}",
              f" OSType: {d['OSType']}", f" Architecture: {d['Architecture']}", f" CPUs: {d['NCPU']}",
              f" Total Memory: {bytes_size(d['MemTotal'])}", f" Name: {d['Name']}", f" ID: {d['ID']}",
              f" Docker Root Dir: {d['DockerRootDir']}", f" Debug Mode: {_yes(d.get('Debug'))}"]
    for key, label in (("HttpProxy", "HTTP Proxy"), ("HttpsProxy", "HTTPS Proxy"), ("NoProxy", "No Proxy")):
        if d.get(key):
            lines.append(f" {label}: {d[key]}")
    lines.append(f" Experimental: {_yes(d.get('ExperimentalBuild'))}")
    registries = d.get("RegistryConfig", {})
    insecure = registries.get("InsecureRegistryCIDRs", []) + [
        name for name, c in registries.get("IndexConfigs", {}).items() if not c.get("Secure")]
    if insecure:
        lines.append(" Insecure Registries:")
        lines += [f"  {r}" for r in insecure]
    lines.append(f" Live Restore Enabled: {_yes(d.get('LiveRestoreEnabled'))}")
    return lines


def info(args) -> int:
    doc = output.struct_to_dict(conn.system(args).Info(pb.InfoRequest()))
    if args.format:
        full = dict(doc, ClientInfo={"Version": VERSION, "Context": "default", "Debug": False})
        if args.format == "json":
            print(json.dumps(full))
            return 0
        render = gotemplate.compile_template(args.format)
        try:  # a field Docker's Info struct lacks is an error; the line ends whatever happens, as Docker's
            sys.stdout.write(render(gotemplate.strict(full, "system.info")))
        finally:
            sys.stdout.write("\n")
        return 0
    print(f"Client:\n Version:    {VERSION}\n Context:    default\n Debug Mode: false\n\nServer:")
    print("\n".join(server_lines(doc)))
    for w in doc.get("Warnings", []):
        print(w)
    return 0

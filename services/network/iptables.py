"""The iptables command (Debian's iptables 1.8, nf_tables backend): the few
operations the firewall needs, each a short-lived process.

- restore(): one `iptables-restore --noflush` per change. A chain declared
  in the input (":NAME - [0:0]") is created, or flushed when it exists,
  and refilled in the same transaction: our chains are replaced as a whole,
  atomically per table, and no other chain is touched.
- Rules in the built-in chains (the jumps to ours) are checked with -C,
  inserted with -I and deleted by their exact spec with -D.
"""
import logging
import shutil
import subprocess

from common.errors import FailedPrecondition, Internal

log = logging.getLogger("doca.network.iptables")
TIMEOUT = 30


def _binary(name: str) -> str:
    path = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if path is None:
        raise FailedPrecondition(
            f"{name} is not installed: published ports and network isolation need it (apt-get install iptables)")
    return path


def _run(cmd: list[str], input_text: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, input=input_text, capture_output=True, text=True, timeout=TIMEOUT)


def iptables(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    r = _run([_binary("iptables"), "-w", *args])
    if check and r.returncode != 0:
        raise Internal(f"iptables {' '.join(args)}: {r.stderr.strip() or r.returncode}")
    return r


def restore(text: str) -> None:
    r = _run([_binary("iptables-restore"), "-w", "--noflush"], text)
    if r.returncode != 0:
        log.error("iptables-restore failed on:\n%s", text)
        raise Internal(f"iptables-restore: {r.stderr.strip() or r.returncode}")


def has_rule(table: str, chain: str, spec: list[str]) -> bool:
    return iptables("-t", table, "-C", chain, *spec, check=False).returncode == 0


def ensure_rule(table: str, chain: str, spec: list[str]) -> None:
    """Inserts `spec` first in `chain` unless it is there."""
    if not has_rule(table, chain, spec):
        iptables("-t", table, "-I", chain, "1", *spec)


def delete_rule(table: str, chain: str, spec: list[str]) -> None:
    """Deletes every copy of the exact rule `spec`; none is fine."""
    for _ in range(100):
        if iptables("-t", table, "-D", chain, *spec, check=False).returncode != 0:
            return


def chains(table: str) -> set[str]:
    r = iptables("-t", table, "-S", check=False)
    return {line.split()[1] for line in r.stdout.splitlines() if line.startswith("-N ")}


def rules(table: str) -> list[str]:
    """`iptables -S` lines of the table (for reconciliation and tests)."""
    return iptables("-t", table, "-S", check=False).stdout.splitlines()


def delete_chain(table: str, chain: str) -> None:
    """Flushes and deletes `chain` (nothing may jump to it any more)."""
    if chain in chains(table):
        iptables("-t", table, "-F", chain)
        iptables("-t", table, "-X", chain)

"""The firewall restores only the tables whose chains changed: a published
port coming or going rewrites nat, never filter (each table's
iptables-restore costs ~10-15 ms; a compose `up` makes several such changes)."""
import ipaddress
from types import SimpleNamespace

from services.network.firewall import Firewall, Mapping, _tables


def _net():
    return SimpleNamespace(name="n", bridge="dtx-n", subnet=ipaddress.IPv4Network("10.9.0.0/24"), internal=False)


def test_a_published_port_changes_nat_alone():
    fw = Firewall("dtx")
    without = _tables(fw.render([_net()], []))
    with_port = _tables(fw.render([_net()], [Mapping("c" * 64, "tcp", "127.0.0.1", 8080, "10.9.0.2", 80)]))
    assert list(without) == ["*nat", "*filter"]
    assert without["*filter"] == with_port["*filter"] and without["*nat"] != with_port["*nat"]


def test_the_tables_make_the_whole_text():
    fw = Firewall("dtx")
    text = fw.render([_net()], [Mapping("c" * 64, "tcp", "", 8080, "10.9.0.2", 80)])
    assert "".join(_tables(text).values()) == text
    assert all(block.endswith("COMMIT\n") for block in _tables(text).values())

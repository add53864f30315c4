"""The live network lab engine: real network namespaces, with or without root, always cleaned up.

    from helpers.lab import Lab
    lab = Lab("demo")
    h1, h2, s1 = lab.host("h1"), lab.host("h2"), lab.switch("s1")
    lab.link(h1, s1, ip1="10.0.0.1/24")
    lab.link(h2, s1, ip1="10.0.0.2/24")
    with lab:
        h1.ping(h2)

See topology.py for the API, backends.py for the modes, state.py for cleanup.
"""
from helpers.lab.backends import Mode, detect_mode
from helpers.lab.state import cleanup
from helpers.lab.topology import Host, Interface, Lab, LabError, Link, Node, Router, Switch

__all__ = ["Lab", "LabError", "Host", "Router", "Switch", "Node", "Link", "Interface", "Mode",
           "detect_mode", "cleanup"]

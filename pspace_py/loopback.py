"""Whether a host is this machine's loopback: one answer for the client and the sandbox.

The client may send a key over plain HTTP only to loopback, the served sandbox binds only
loopback unless told otherwise, and it answers only requests addressed to a loopback host (a
guard against DNS rebinding). Standard library only, so both sides can import it.
"""

from __future__ import annotations

LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def is_loopback_host(host: str) -> bool:
    """Whether a host name or address (``[::1]`` included) is this machine's loopback."""
    import ipaddress

    host = host.strip().strip("[]")
    if host.lower() in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        # A name such as 127.example.com can resolve anywhere.
        return False

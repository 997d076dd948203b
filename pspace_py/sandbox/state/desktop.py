"""A machine's remote-desktop settings (`GET /machines/{id}/desktop`).

The schema is the API's (SPEC-CLI machines-getDesktop: `vnc` "for Linux desktop machines",
`windows` "for Windows desktop machines"); which agent type gets which block, the ports and a
headless machine's `{}` are the sandbox's reading of it (no source shows an answer).
"""

from __future__ import annotations

from dataclasses import dataclass

from pspace_py.sandbox.state.kinds import MACHINE
from pspace_py.sandbox.state.tx import Record, Tx

VNC_PORT = 5900
RDP_PORT = 3389


@dataclass(frozen=True)
class Desktop:
    machine: Record
    kind: str | None  # "vnc", "windows", or None for a machine without a desktop
    port: int | None
    password: str | None  # the VNC password


def desktop(tx: Tx, machine_id: str) -> Desktop:
    machine = tx.get(MACHINE, machine_id)
    agent = machine["agentType"]
    if agent == "LinuxDesktop":
        return Desktop(machine, "vnc", VNC_PORT, _vnc_password(tx, machine))
    if agent == "WindowsDesktop":
        return Desktop(machine, "windows", RDP_PORT, None)
    return Desktop(machine, None, None, None)


def _vnc_password(tx: Tx, machine: Record) -> str:
    # Derived, not stored: the same for every read, different for every machine and team.
    import hashlib

    seed = f"{tx.namespace}/{machine['id']}/{machine['dtCreated']}".encode()
    return hashlib.sha256(seed).hexdigest()[:16]

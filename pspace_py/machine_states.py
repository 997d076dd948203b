"""The API's machine states (contract §3.1, the official spec's enum): no other ever shows.

The one list, for the client (``--state`` filters, what a wait expects) and the sandbox (what
it computes) alike; neither imports the other, both import this. In the contract's order,
which help and errors list them in.
"""

from __future__ import annotations

MACHINE_STATES = (
    "off",
    "starting",
    "stopping",
    "restarting",
    "serviceready",
    "ready",
    "upgrading",
    "provisioning",
)

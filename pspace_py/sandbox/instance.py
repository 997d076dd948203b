"""One sandbox: its state, clock, keys, faults and request log, and the controls that tests and
the admin routes (`admin.py`) use on them. `SandboxApp` (`app.py`) is this plus HTTP."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from pspace_py.sandbox.clock import Clock, SystemClock
from pspace_py.sandbox.faults import FaultRule, FaultSet
from pspace_py.sandbox.lifecycle import Timing
from pspace_py.sandbox.render import Renderer
from pspace_py.sandbox.request_log import RequestLog
from pspace_py.sandbox.routes import validate_fault
from pspace_py.sandbox.state import users
from pspace_py.sandbox.state.failures import EventFailure
from pspace_py.sandbox.state.tx import Runtime, Tx
from pspace_py.sandbox.store import Store
from pspace_py.sandbox.teams import DEFAULT_API_KEY, KeyRing

CLOCK_OFFSET_META = "clock_offset_ms"


class Sandbox:
    def __init__(
        self,
        *,
        store: Store,
        clock: Clock,
        runtime: Runtime,
        api_keys: Iterable[str] = (),
        faults: Sequence[FaultRule] = (),
    ) -> None:
        self.store = store
        self.clock = clock
        self.runtime = runtime
        self.render = Renderer(runtime.region_name)
        self.keys = KeyRing(api_keys)
        self.faults = FaultSet()
        self._startup_faults = tuple(validate_fault(rule) for rule in faults)
        for rule in self._startup_faults:
            self.faults.add(rule)
        self.log = RequestLog(self.keys.keys)
        # The address a server bound (`server.py`); None in-process. It decides the Host guard.
        self.bound_host: str | None = None
        self.sleep: Callable[[float], None] = time.sleep  # what latency faults wait with

    @property
    def timing(self) -> Timing:
        return self.runtime.timing

    def reset(self) -> None:
        """Empty the state, the request log, runtime faults and event failures.

        Faults given when the app was created are armed again with fresh counters; the clock is
        not rewound.
        """
        self.store.clear()
        self.runtime.ids.reseed()
        self.runtime.failures.clear()
        self.faults.clear()
        for rule in self._startup_faults:
            self.faults.add(rule)
        self.clear_request_log()

    def advance(self, seconds: float) -> None:
        """Move the clock forward (every pending transition sees the new time)."""
        if seconds < 0:
            raise ValueError("the sandbox clock only moves forward")
        self.clock.advance(seconds)
        if isinstance(self.clock, SystemClock):
            # Persisted so other processes sharing the state file see the same time.
            self.store.set_meta(CLOCK_OFFSET_META, str(self.clock.offset_ms))

    def now_ms(self) -> int:
        return self.clock.now_ms()

    def request_log(self) -> list[dict[str, Any]]:
        return self.log.entries()

    def clear_request_log(self) -> None:
        self.log.clear()

    def add_fault(self, rule: FaultRule) -> None:
        self.faults.add(validate_fault(rule))

    def clear_faults(self) -> None:
        self.faults.clear()

    def add_event_failure(
        self, name: str, error: str, *, times: int = 1, machine_id: str | None = None
    ) -> None:
        self.runtime.failures.add(EventFailure(name, error, times, machine_id))

    def add_team_member(
        self,
        email: str,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        is_admin: bool = False,
        api_key: str = DEFAULT_API_KEY,
    ) -> dict[str, Any]:
        """A new member of the key's team, confirmed at once, as the API lists it."""
        team = self.keys.accepted_team(api_key)
        with self.store.write() as conn:
            member = users.add(
                Tx(conn, team, self.now_ms(), self.runtime),
                email=email,
                first_name=first_name,
                last_name=last_name,
                is_admin=is_admin,
            )
        return self.render.team_member(member)

    def close(self) -> None:
        self.store.close()


def load_clock_offset(store: Store) -> int:
    """The clock offset a state file keeps (0 when it has none)."""
    raw = store.get_meta(CLOCK_OFFSET_META)
    try:
        return int(raw) if raw is not None else 0
    except ValueError:
        return 0

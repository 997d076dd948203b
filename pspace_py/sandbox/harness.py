"""A served sandbox for any Python code: `pspace_py.sandbox.running()`.

    with pspace_py.sandbox.running(instant=True) as api:
        api.client().post("/machines", json={...})   # a ready httpx.Client
        subprocess.run(["./deploy.sh"], env={**os.environ, **api.env})
        api.advance_clock(60); api.inject_fault("machines-create:status=503")

The sandbox is served by waitress on loopback TCP in a background thread of this process, so
anything that speaks HTTP reaches it: httpx, `pspace`, the official CLI, curl, a shell step.
Leaving the `with` block (or `stop()`) always stops the server and frees its port, also when
the block raises; every wait is bounded (an injected latency is cut short).

Public API, stable from 0.1 (changes are announced in the CHANGELOG first): `running()`,
`RunningSandbox` with the attributes and methods documented here, `SeededMachines` and
`LoggedRequest`. The modules behind them are not.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict, cast

from pspace_py.sandbox.errors import SandboxError
from pspace_py.sandbox.faults import FaultRule, parse_fault_rule
from pspace_py.sandbox.lifecycle import Timing
from pspace_py.sandbox.teams import DEFAULT_API_KEY

if TYPE_CHECKING:
    import httpx

    from pspace_py.sandbox.app import SandboxApp
    from pspace_py.sandbox.server import SandboxServer

LOOPBACK = "127.0.0.1"
CLIENT_TIMEOUT = 10.0  # seconds; the ready clients' timeout for every phase of a request


@dataclass(frozen=True)
class SeededMachines:
    """What `seed_machines()` made: how many, the team they belong to, the first and last ID."""

    count: int
    team: str
    first_id: str
    last_id: str


class LoggedRequest(TypedDict):
    """One /v1 call as the sandbox saw it (keys and credential headers are never kept)."""

    time: str
    requestId: str
    method: str
    path: str
    query: dict[str, str]
    status: int | None
    operationId: str | None
    team: str | None
    body: Any
    headers: dict[str, str]
    durationMs: float
    fault: str | None


def running(
    *,
    instant: bool = False,
    timing: Timing | None = None,
    keys: Sequence[str] = (),
    faults: Sequence[str | FaultRule | Mapping[str, Any]] = (),
    state_path: str | os.PathLike[str] | None = None,
    seed: int | None = None,
    host: str = LOOPBACK,
    port: int = 0,
) -> RunningSandbox:
    """Serve a sandbox on loopback now; use it with `with`, or call `stop()` when done.

    instant: every transition finishes at once (else the default timing: a machine provisions
    for 8 s, and `advance_clock()` skips ahead). timing: any speed (wins over `instant`).
    keys: keys accepted besides `sandbox-key`, each its own team. faults: rules armed from the
    start and again after each `reset()` (compact text as for `--fault`, or the JSON form).
    state_path: an SQLite state file (default: in memory). seed: deterministic IDs. host: a
    loopback address. port: 0 picks a free one.
    """
    return RunningSandbox(
        instant=instant,
        timing=timing,
        keys=keys,
        faults=faults,
        state_path=state_path,
        seed=seed,
        host=host,
        port=port,
    )


class RunningSandbox:
    """A sandbox served on loopback until `stop()`; made by `running()`."""

    def __init__(
        self,
        *,
        instant: bool,
        timing: Timing | None,
        keys: Sequence[str],
        faults: Sequence[str | FaultRule | Mapping[str, Any]],
        state_path: str | os.PathLike[str] | None,
        seed: int | None,
        host: str,
        port: int,
    ) -> None:
        from pspace_py.sandbox.factory import create_app
        from pspace_py.sandbox.server import SandboxServer

        rules = [_fault_rule(rule) for rule in faults]
        self._stopping = threading.Event()
        self._clients: dict[str, httpx.Client] = {}
        self._lock = threading.Lock()
        self._app: SandboxApp = create_app(
            state_path=state_path,
            api_keys=tuple(keys),
            instant=instant,
            timing=timing,
            seed=seed,
            faults=rules,
        )
        # Latency faults wait on this event, so that stop() cuts them short.
        self._app.sleep = self._wait
        try:
            self._server: SandboxServer = SandboxServer(app=self._app, host=host, port=port)
        except BaseException:
            self._app.close()
            raise
        self._server.start()

    # -- where it is --------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The API's base URL, `http://127.0.0.1:PORT/v1` (what PAPERSPACE_API_URL takes)."""
        return self._server.url

    @property
    def root_url(self) -> str:
        """`http://127.0.0.1:PORT`: the admin routes are under `/_sandbox/`."""
        return self.url.removesuffix("/v1")

    @property
    def port(self) -> int:
        return self._server.port

    @property
    def key(self) -> str:
        """The key every sandbox accepts (`sandbox-key`, team `sandbox`)."""
        return DEFAULT_API_KEY

    @property
    def env(self) -> dict[str, str]:
        """PAPERSPACE_API_URL and PAPERSPACE_API_KEY for a subprocess (a new dict each time)."""
        return {"PAPERSPACE_API_URL": self.url, "PAPERSPACE_API_KEY": self.key}

    def client(self, key: str | None = None) -> httpx.Client:
        """A ready `httpx.Client`: base URL `url`, `Authorization: Bearer KEY`, 10 s timeouts.

        One per key, made on first use and closed by `stop()` (closing it yourself is fine).
        """
        import httpx

        key = key or self.key
        with self._lock:
            self._check_running()
            ready = self._clients.get(key)
            if ready is None or ready.is_closed:
                ready = httpx.Client(
                    base_url=self.url,
                    headers={"Authorization": f"Bearer {key}"},
                    timeout=CLIENT_TIMEOUT,
                )
                self._clients[key] = ready
            return ready

    # -- controls (what the /_sandbox/ routes do, as methods) ---------------------------------

    def reset(self) -> None:
        """Empty everything: resources, request log, faults, event failures, account standing.

        Faults given to `running()` are armed again, IDs start over; the clock is not rewound.
        """
        self._app.reset()

    def advance_clock(self, seconds: float) -> None:
        """Move the sandbox's clock forward: transitions that take time finish sooner."""
        self._admin("advance_clock", {"seconds": seconds})

    def seed_machines(
        self,
        count: int,
        *,
        machine_type: str = "C4",
        region: str = "NY2",
        name_prefix: str = "seed-",
        state: str = "ready",
        template_id: str | None = None,
        disk_size: int | None = None,
        key: str | None = None,
    ) -> SeededMachines:
        """`count` machines in one transaction, named PREFIX001...; `state` is ready or off."""
        body: dict[str, Any] = {
            "machines": count,
            "machineType": machine_type,
            "region": region,
            "namePrefix": name_prefix,
            "state": state,
            "apiKey": key or self.key,
        }
        if template_id is not None:
            body["templateId"] = template_id
        if disk_size is not None:
            body["diskSize"] = disk_size
        made = self._admin("seed", body)
        return SeededMachines(made["created"], made["team"], made["firstId"], made["lastId"])

    def inject_fault(self, rule: str | FaultRule | Mapping[str, Any]) -> None:
        """Arm a fault: `"machines-create:status=503,times=2"`, or the JSON form as a dict."""
        self._app.add_fault(_fault_rule(rule))

    def faults(self) -> list[dict[str, Any]]:
        """The armed faults, each with its `matched` and `fired` counters."""
        return self._app.faults.snapshot()

    def clear_faults(self) -> None:
        self._app.clear_faults()

    def fail_next_event(
        self,
        name: str,
        error: str = "Injected failure (sandbox).",
        *,
        machine_id: str | None = None,
        times: int = 1,
    ) -> None:
        """Make the next `name` event (`start`, `create`, ...) end in error; times=0: every one."""
        body: dict[str, Any] = {"name": name, "error": error, "times": times}
        if machine_id is not None:
            body["machineId"] = machine_id
        self._admin("add_event_failure", body)

    def set_account_standing(
        self, good: bool, *, messages: Sequence[str] = (), key: str | None = None
    ) -> None:
        """Put every team (or the team of `key`) in good standing or not (creates answer 412)."""
        body: dict[str, Any] = {"isInGoodStanding": good, "messages": list(messages)}
        if key is not None:
            body["team"] = self._app.keys.accepted_team(key, named=repr(key)).namespace
        self._admin("set_account_standing", body)

    def requests(self) -> list[LoggedRequest]:
        """The last 1,000 /v1 calls, oldest first."""
        return cast("list[LoggedRequest]", self._app.request_log())

    def clear_requests(self) -> None:
        self._app.clear_request_log()

    # -- life ---------------------------------------------------------------------------------

    @property
    def stopped(self) -> bool:
        return self._stopping.is_set()

    def stop(self) -> None:
        """Stop serving, close the ready clients and the state; the port is free after this."""
        with self._lock:
            if self._stopping.is_set():
                return
            self._stopping.set()
            clients, self._clients = list(self._clients.values()), {}
        for ready in clients:
            ready.close()
        self._server.stop()

    def __enter__(self) -> RunningSandbox:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "stopped" if self.stopped else self.url
        return f"<RunningSandbox {state}>"

    def _wait(self, seconds: float) -> None:
        self._stopping.wait(seconds)

    def _check_running(self) -> None:
        if self._stopping.is_set():
            raise RuntimeError("This sandbox was stopped; start another with running().")

    def _admin(self, route: str, body: dict[str, Any]) -> Any:
        from pspace_py.sandbox import admin

        try:
            return getattr(admin, route)(self._app, body)
        except SandboxError as error:
            raise ValueError(error.message) from None


def _fault_rule(rule: str | FaultRule | Mapping[str, Any]) -> FaultRule:
    if isinstance(rule, FaultRule):
        return rule
    if isinstance(rule, str):
        return parse_fault_rule(rule)
    return FaultRule.from_json(dict(rule))

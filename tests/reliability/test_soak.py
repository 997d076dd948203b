"""The soak: 50 create -> ready -> stop -> deactivate cycles through the CLI under injected faults.

In-process sandbox with instant transitions; the client's retry waits are recorded, not slept.
The fault schedule is drawn once from a seeded RNG over the sandbox's call counter (`*` rules
with `after`/`times`): about 20% of calls answer 503 (half with Retry-After), 5% reset the
connection, and bursts of two or three 429s come now and then. A few calls commit and then
drop the connection. Every block of faults is followed by a clean call, so a request never
meets more failures in a row than its retries absorb; a create hit by an unclear failure is
not retried by pspace and is handled the way the error message tells a user to: look, then
try again.

The loop keeps what it believes (one machine per cycle, by ID); at the end the sandbox must
hold no machine at all and have recorded exactly 50 creates: nothing lost, nothing duplicated.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from pspace_py.api.machine_events import MachineEventsApi
from pspace_py.sandbox import FaultRule, create_app
from pspace_py.sandbox.app import SandboxApp
from tests.reliability.helpers import (
    TRACEBACK,
    Run,
    create_args,
    in_process,
    invoke,
    sandbox_client,
)

CYCLES = 50
SEED = 20261128
ATTEMPTS_PER_STEP = 6  # what the loop allows itself per step before the test fails


def fault_schedule(seed: int, calls: int) -> list[FaultRule]:
    """Fault rules over the first `calls` API calls: one rule per faulted call or burst.

    A fault takes its call and the clean one after it, so the chances per draw are set for
    the share of *calls*: 0.285 / (1.07 + 0.285 + 0.071) = 20% 503s, 0.071 / 1.43 = 5% resets.
    """
    rng = random.Random(seed)
    rules: list[FaultRule] = []
    index = 0
    while index < calls:
        roll = rng.random()
        if roll < 0.285:
            retry_after = "1" if rng.random() < 0.5 else None
            rules.append(FaultRule("*", status=503, retry_after=retry_after, after=index))
            index += 2  # the faulted call, then at least one clean one
        elif roll < 0.356:
            rules.append(FaultRule("*", action="reset", after=index))
            index += 2
        elif roll < 0.376:
            burst = rng.choice([2, 3])
            rules.append(FaultRule("*", status=429, times=burst, after=index))
            index += burst + 1
        elif roll < 0.396:
            rules.append(FaultRule("*", action="commit-then-drop", after=index))
            index += 2
        else:
            index += 1
    return rules


@dataclass
class Loop:
    """A careful script: what it ran, what it believes, and how often it had to repeat a step."""

    app: SandboxApp
    runs: list[Run] = field(default_factory=list)
    repeats: Counter[str] = field(default_factory=Counter)

    def pspace(self, *args: str) -> Run:
        run = invoke(in_process(self.app), *args)
        self.runs.append(run)
        assert TRACEBACK not in run.output, run.output
        assert run.exit_code in {0, 4, 5, 6}, (args, run.exit_code, run.stderr)
        return run

    def find(self, name: str) -> str | None:
        """The ID of the machine named `name`, as `machine list` shows it (never two)."""
        for _ in range(ATTEMPTS_PER_STEP):
            run = self.pspace("machine", "list", "--json")
            if run.exit_code == 0:
                ids = [item["id"] for item in run.json()["items"] if item.get("name") == name]
                assert len(ids) <= 1, f"duplicate machines named {name}: {ids}"
                return ids[0] if ids else None
            self.repeats["list"] += 1
        raise AssertionError(f"could not list machines: {run.stderr}")

    def create(self, name: str) -> str:
        for _ in range(ATTEMPTS_PER_STEP):
            run = self.pspace(*create_args(name, "--yes", "--wait", "--json"))
            if run.exit_code == 0:
                machine = run.json()["data"]
                assert machine["state"] == "ready"
                return str(machine["id"])
            # "... Check what exists with a list command before trying again."
            assert run.exit_code == 6, run.stderr
            assert "Check what exists" in run.stderr, run.stderr
            self.repeats["create"] += 1
            found = self.find(name)
            if found is not None:
                return found
        raise AssertionError(f"could not create {name}: {run.stderr}")

    def stop(self, machine_id: str) -> None:
        for _ in range(ATTEMPTS_PER_STEP):
            run = self.pspace("machine", "stop", machine_id, "--wait", "--json")
            if run.exit_code == 0:
                assert run.json()["data"]["state"] == "off"
                return
            self.repeats["stop"] += 1
            if run.exit_code == 5 and self.state(machine_id) == "off":
                return  # a stop that was dropped after it took effect
        raise AssertionError(f"could not stop {machine_id}: {run.stderr}")

    def state(self, machine_id: str) -> str | None:
        for _ in range(ATTEMPTS_PER_STEP):
            run = self.pspace("machine", "get", machine_id, "--json")
            if run.exit_code == 0:
                return str(run.json()["state"])
            if run.exit_code == 4:
                return None
        raise AssertionError(f"could not read {machine_id}: {run.stderr}")

    def deactivate(self, machine_id: str) -> None:
        for _ in range(ATTEMPTS_PER_STEP):
            run = self.pspace("machine", "deactivate", machine_id, "--yes", "--wait", "--json")
            if run.exit_code == 0:
                return
            self.repeats["deactivate"] += 1
            if run.exit_code == 4 or (run.exit_code == 5 and self.state(machine_id) is None):
                return  # already gone: a delete that was dropped after it took effect
        raise AssertionError(f"could not deactivate {machine_id}: {run.stderr}")


@pytest.fixture
def soak_app(monkeypatch: pytest.MonkeyPatch) -> Iterator[SandboxApp]:
    monkeypatch.setenv("PSPACE_SANDBOX", "1")
    monkeypatch.setenv("PSPACE_POLL_INTERVAL", "0.01")
    app = create_app(instant=True, seed=SEED % 1000)
    for rule in fault_schedule(SEED, calls=4000):
        app.add_fault(rule)
    yield app
    app.close()


@pytest.mark.slow
def test_fifty_cycles_under_faults_lose_and_duplicate_nothing(soak_app: SandboxApp) -> None:
    loop = Loop(soak_app)
    believed: list[str] = []
    for cycle in range(CYCLES):
        machine_id = loop.create(f"soak-{cycle:02d}")
        believed.append(machine_id)
        loop.stop(machine_id)
        loop.deactivate(machine_id)

    fired = Counter[str]()
    calls = 0
    for rule in soak_app.faults.snapshot():
        kind = "429" if rule["status"] == 429 else rule["action"]
        kind = "503" if kind == "status" else kind
        fired[kind] += rule["fired"]
        calls = max(calls, rule["matched"])
    soak_app.clear_faults()
    with sandbox_client(soak_app) as client:
        remaining = list(client.iter_items("machines"))
        creates = [
            event for event in MachineEventsApi(client).iter({}) if event.get("name") == "create"
        ]

    # Nothing lost, nothing duplicated.
    assert len(set(believed)) == CYCLES
    assert remaining == []
    assert sorted(event["machineId"] for event in creates) == sorted(believed)
    # The faults were really there, at the rates asked for.
    assert calls > 500
    assert fired["503"] >= 0.18 * calls, (fired, calls)
    assert fired["reset"] >= 0.03 * calls, (fired, calls)
    assert fired["429"] >= 20, fired
    assert fired["commit-then-drop"] >= 5, fired
    retries = sum(len(run.sleeps) for run in loop.runs)
    assert retries >= fired["503"]  # most faults were absorbed by pspace's own retries
    print(f"\nsoak: {len(loop.runs)} commands, {calls} API calls, faults {dict(fired)}, "
          f"{retries} retries, steps repeated {dict(loop.repeats)}")  # fmt: skip

"""One request: `machine get ID --json` (one GET) and `machine stop ID` (one PATCH), each against
a Python process that imports Typer and httpx and sends that one request, in wall and CPU."""

from __future__ import annotations

from collections.abc import Callable

from harness import (
    API_KEY,
    PSPACE,
    PYTHON,
    HarnessError,
    Result,
    Runner,
    Sample,
    ServedSandbox,
    alternate,
    compare,
    write_script,
)

MACHINES = 5
TARGET = 1.1  # wall and CPU (issue 17)
# The floor: Typer and httpx imported, the one request, its body written to stdout as it came.
# A plain-HTTP URL needs no CA bundle and pspace loads none for one (no TLS is used): the
# floor says so with verify=False instead of loading it.
FLOOR = """\
import sys, typer, httpx
method, url, key = sys.argv[1:4]
response = httpx.request(
    method, url, headers={"Authorization": "Bearer " + key}, json={} if method == "PATCH" else None,
    verify=False,
)
response.raise_for_status()
sys.stdout.buffer.write(response.content)
"""


def bench_one_request(runner: Runner, sandbox: ServedSandbox, reps: int) -> list[Result]:
    sandbox.fresh(MACHINES, "one-")
    machine_id = str(sandbox.machines()[0]["id"])
    floor = str(write_script(runner.workdir, "floor_one_request.py", FLOOR))
    url = f"{sandbox.api_url}/machines/{machine_id}"

    def ready() -> None:
        """Running again before each stop, so every stop sends its PATCH (nothing timed)."""
        if sandbox.v1("GET", f"machines/{machine_id}")["state"] != "ready":
            sandbox.v1("PATCH", f"machines/{machine_id}/start")
            if sandbox.v1("GET", f"machines/{machine_id}")["state"] != "ready":
                raise HarnessError(f"{machine_id} did not start again")

    def then(prepare: Callable[[], None], measure: Callable[[], Sample]) -> Callable[[], Sample]:
        return lambda: (prepare(), measure())[1]

    def run(cmd: list[str], label: str) -> Callable[[], Sample]:
        return lambda: runner.run(cmd, label=label)[0]

    get = [PSPACE, "machine", "get", machine_id, "--json"]
    stop = [PSPACE, "machine", "stop", machine_id]
    # Each is one request: checked on the sandbox's log before anything is timed.
    for cmd, method, suffix in ((get, "GET", machine_id), (stop, "PATCH", f"{machine_id}/stop")):
        ready()
        sandbox.call("DELETE", "/_sandbox/requests")
        runner.run(cmd, label=" ".join(cmd[1:]))
        sent = sandbox.call("GET", "/_sandbox/requests")["items"]
        if [(e["method"], e["path"].endswith(suffix)) for e in sent] != [(method, True)]:
            raise HarnessError(
                f"{' '.join(cmd[1:])} sent {[(e['method'], e['path']) for e in sent]}"
            )
    samples = alternate(
        reps,
        {
            "get": run(get, "machine get"),
            "get floor": run([PYTHON, floor, "GET", url, API_KEY], "GET floor"),
            "stop": then(ready, run(stop, "machine stop")),
            "stop floor": then(
                ready, run([PYTHON, floor, "PATCH", f"{url}/stop", API_KEY], "PATCH")
            ),
        },
    )
    rows = []
    for name, title, request in (
        ("get", "pspace machine get ID --json", "GET /machines/ID"),
        ("stop", "pspace machine stop ID", "PATCH /machines/ID/stop"),
    ):
        reference = f"python: import typer, httpx; {request}"
        for metric in ("wall", "CPU"):
            rows.append(
                compare(
                    title,
                    samples[name],
                    samples[f"{name} floor"],
                    reference=reference,
                    target=TARGET,
                    metric=metric,
                )
            )
    return rows

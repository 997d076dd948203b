"""The sandbox's own rows (issue 16's sandbox work): GET by ID at 32 connections against one,
seeding and walking 100,000 machines, and GET by ID through its WSGI app in-process."""

from __future__ import annotations

import json
import sys
import time
import timeit
from typing import Any

import httpx
from harness import (
    API_KEY,
    MAX_PAGE_SIZE,
    PSPACE,
    HarnessError,
    Result,
    Runner,
    ServedSandbox,
    alternate,
    median,
)

SCALE_MACHINES = 10_000
LARGE_MACHINES = 100_000  # the sandbox's seed limit
LOAD_CONCURRENCY = 32
LOAD_REQUESTS = 1_600  # per measurement, spread over the connections


def raw_page_fetches(
    sandbox: ServedSandbox, client: httpx.Client, limit: int | None, expected: int
) -> float:
    """Sum of the page fetches (GET, and parsing it for the cursor) over every page, in ms."""
    query: dict[str, Any] = {"orderBy": "dtCreated"}
    if limit is not None:
        query["limit"] = limit
    total = 0.0
    count = 0
    for _ in range(20_000):  # bounded
        started = time.perf_counter()
        response = client.get(f"{sandbox.api_url}/machines", params=query)
        response.raise_for_status()
        page = response.json()
        total += time.perf_counter() - started
        count += len(page["items"])
        if not page["hasMore"]:
            break
        query["after"] = page["nextPage"]
    if count != expected:
        raise HarnessError(f"the raw fetch saw {count} machines, not {expected}")
    return total * 1000


def bench_sandbox_get(machines: int, number: int) -> Result:
    """The sandbox's own work for GET /machines/{id}: its WSGI app called in-process."""
    from pspace_py.sandbox import create_app

    app = create_app(instant=True)
    base = {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "QUERY_STRING": "",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_ACCEPT": "application/json",
        "HTTP_AUTHORIZATION": f"Bearer {API_KEY}",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }

    def call(method: str, path: str, body: bytes = b"") -> tuple[str, bytes]:
        import io

        status: list[str] = []
        environ = dict(
            base,
            REQUEST_METHOD=method,
            PATH_INFO=path,
            CONTENT_LENGTH=str(len(body)),
            CONTENT_TYPE="application/json",
        )
        environ["wsgi.input"] = io.BytesIO(body)
        chunks = app(environ, lambda s, h, e=None: status.append(s))
        data = b"".join(chunks)
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
        return status[0], data

    seed = json.dumps({"machines": machines, "namePrefix": "get-"}).encode()
    status, data = call("POST", "/_sandbox/seed", seed)
    if not status.startswith("200"):
        raise HarnessError(f"in-process seed: {status} {data[:200]!r}")
    machine_id = json.loads(data)["lastId"]
    path = f"/v1/machines/{machine_id}"
    status, data = call("GET", path)
    if not status.startswith("200") or json.loads(data)["id"] != machine_id:
        raise HarnessError(f"in-process GET {path}: {status} {data[:200]!r}")
    runs = timeit.repeat(lambda: call("GET", path), number=number, repeat=5)
    per_call = [run / number * 1000 for run in runs]
    return Result(
        name=f"sandbox GET /machines/{{id}}, in-process WSGI ({machines:,} machines)",
        value=min(per_call),
        unit="ms",
        reference="1 ms",
        reference_value=1.0,
        target=1.0,
        note=f"best of 5 x {number} calls (median {median(per_call):.3f} ms)",
        samples=per_call,
    )


def seed_ms(sandbox: ServedSandbox, machines: int) -> float:
    sandbox.call("POST", "/_sandbox/reset")
    started = time.perf_counter()
    created = sandbox.call(
        "POST", "/_sandbox/seed", {"machines": machines, "namePrefix": "large-"}
    )["created"]
    elapsed = (time.perf_counter() - started) * 1000
    if created != machines:
        raise HarnessError(f"the seed made {created} machines, not {machines}")
    return elapsed


def bench_sandbox_large(runner: Runner, sandbox: ServedSandbox, reps: int) -> list[Result]:
    """100,000 machines: the seed against ten 10,000 seeds; the walk with `--all` against the
    raw page fetches."""
    seeds = alternate(
        reps,
        {
            "large": lambda: seed_ms(sandbox, LARGE_MACHINES),
            "ten small": lambda: 10 * seed_ms(sandbox, SCALE_MACHINES),
        },
        warmup=False,
    )
    seed_ms(sandbox, LARGE_MACHINES)
    command = [PSPACE, "machine", "list", "--all", "-q"]
    label = "machine list --all -q"

    listed = runner.output(command, label=label).split()
    if len(listed) != LARGE_MACHINES:
        raise HarnessError(f"{label} listed {len(listed)} machines, not {LARGE_MACHINES}")

    def walk() -> float:
        return runner.run(command, label=label)[0].wall_ms

    with httpx.Client(headers={"Authorization": f"Bearer {API_KEY}"}, timeout=120) as client:
        walks = alternate(
            reps,
            {
                "pspace": walk,
                "raw": lambda: raw_page_fetches(sandbox, client, MAX_PAGE_SIZE, LARGE_MACHINES),
            },
            warmup=False,
        )
    pages = -(-LARGE_MACHINES // MAX_PAGE_SIZE)
    return [
        Result(
            name=f"sandbox seed, {LARGE_MACHINES:,} machines (served)",
            value=median(seeds["large"]),
            unit="ms",
            reference=f"10 x the seed of {SCALE_MACHINES:,}",
            reference_value=median(seeds["ten small"]),
            target=1.5,
            note="one transaction; the private address pool holds 1,105,408 per team",
            samples=seeds["large"],
            reference_samples=seeds["ten small"],
        ),
        Result(
            name=f"{label}, {LARGE_MACHINES:,} machines: wall",
            value=median(walks["pspace"]),
            unit="ms",
            reference=f"sum of raw page fetches ({pages} pages, limit={MAX_PAGE_SIZE})",
            reference_value=median(walks["raw"]),
            target=1.25,  # issue 17's target for a walk over every page
            note="pspace's start-up and 100,000 printed IDs included; the pages are the "
            "sandbox's time",
            samples=walks["pspace"],
            reference_samples=walks["raw"],
        ),
    ]


async def _get_repeatedly(host: str, port: int, path: str, count: int) -> None:
    """One keep-alive connection sending `count` GETs, one after the other (HTTP/1.1)."""
    import asyncio

    reader, writer = await asyncio.open_connection(host, port)
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAuthorization: Bearer {API_KEY}\r\n"
        "Accept: application/json\r\n\r\n"
    ).encode()
    try:
        for _ in range(count):
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            if not head.startswith(b"HTTP/1.1 200"):
                raise HarnessError(f"GET {path}: {head[:60]!r}")
            length = next(
                int(line.split(b":", 1)[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            )
            await reader.readexactly(length)
    finally:
        writer.close()


def ms_per_request(sandbox: ServedSandbox, path: str, concurrency: int) -> float:
    """Wall time per request with `concurrency` connections in flight (asyncio: the client
    itself is one thread doing little, so the server is what is measured)."""
    import asyncio

    host, port = sandbox.root_url.removeprefix("http://").split(":")
    per_connection = LOAD_REQUESTS // concurrency

    async def load() -> None:
        await asyncio.gather(
            *(_get_repeatedly(host, int(port), path, per_connection) for _ in range(concurrency))
        )

    started = time.perf_counter()
    asyncio.run(load())
    return (time.perf_counter() - started) * 1000 / (per_connection * concurrency)


def bench_sandbox_load(sandbox: ServedSandbox, reps: int) -> Result:
    """GET /machines/{id} on the served sandbox: 32 connections at once against one."""
    sandbox.fresh(SCALE_MACHINES, "load-")
    page = sandbox.v1("GET", "machines?limit=1")
    path = f"/v1/machines/{page['items'][0]['id']}"
    samples = alternate(
        reps,
        {
            "concurrent": lambda: ms_per_request(sandbox, path, LOAD_CONCURRENCY),
            "one": lambda: ms_per_request(sandbox, path, 1),
        },
    )
    concurrent, one = median(samples["concurrent"]), median(samples["one"])
    return Result(
        name=f"sandbox GET /machines/{{id}} served, {LOAD_CONCURRENCY} connections: time/request",
        value=concurrent,
        unit="ms",
        reference="the same over 1 connection",
        reference_value=one,
        # <= 1.25 is throughput at 32 connections >= 0.8 x throughput at one.
        target=1.25,
        note=f"{1000 / concurrent:,.0f} req/s at {LOAD_CONCURRENCY} vs {1000 / one:,.0f} at 1 "
        f"(c{LOAD_CONCURRENCY}/c1 throughput {one / concurrent:.2f}); {LOAD_REQUESTS} requests "
        "a measurement",
        samples=samples["concurrent"],
        reference_samples=samples["one"],
    )

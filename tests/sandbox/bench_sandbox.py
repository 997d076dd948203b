"""Sandbox micro-benchmarks (in-process, through the WSGI app; no sockets).

    python tests/sandbox/bench_sandbox.py [--machines 10000]

Measures: seeding N machines; GET /v1/machines/{id} as a bare WSGI call (the sandbox's own work:
routing, auth, one indexed SELECT, lifecycle for one row, JSON) and through httpx; listing
every machine page by page (keyset pagination: the last page should cost what the first does);
and a machine's life (create, stop, start, delete: the writes that cross resources).
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import time
import timeit
from typing import Any

import httpx

from pspace_py.sandbox import create_app
from pspace_py.sandbox.transport import SandboxTransport


def wsgi_get(app: Any, path: str, query: str = "") -> bytes:
    return wsgi_call(app, "GET", path, query)


def wsgi_call(app: Any, method: str, path: str, query: str = "", body: Any = None) -> bytes:
    raw = b"" if body is None else json.dumps(body).encode()
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "bench",
        "SERVER_PORT": "80",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_AUTHORIZATION": "Bearer sandbox-key",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(raw)),
        "wsgi.input": io.BytesIO(raw),
    }
    status: list[str] = []
    body = b"".join(app(environ, lambda s, h, e=None: status.append(s)))
    assert status[0].startswith("200"), (status, body[:200])
    return body


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--machines", type=int, default=10_000)
    parser.add_argument("--state", default=None, help="SQLite file (default: in memory)")
    args = parser.parse_args()

    app = create_app(state_path=args.state, seed=1)
    client = httpx.Client(
        transport=SandboxTransport(app, default_api_key="sandbox-key"), base_url="http://b"
    )
    started = time.perf_counter()
    seeded = client.post("/_sandbox/seed", json={"machines": args.machines, "namePrefix": "bench-"})
    assert seeded.status_code == 200, seeded.text
    print(f"seed {args.machines} machines: {(time.perf_counter() - started) * 1000:.0f} ms")

    machine_id = seeded.json()["lastId"]
    path = f"/v1/machines/{machine_id}"
    runs = 5000
    per_call = min(timeit.repeat(lambda: wsgi_get(app, path), number=runs, repeat=3)) / runs
    print(f"GET /machines/{{id}} as a WSGI call: {per_call * 1e6:.0f} us/call")
    per_call = min(timeit.repeat(lambda: client.get(path), number=1000, repeat=3)) / 1000
    print(f"GET /machines/{{id}} through httpx + SandboxTransport: {per_call * 1e6:.0f} us/call")

    for limit in (120, 20):
        page_times: list[float] = []
        after = None
        count = 0
        while True:
            query = f"limit={limit}" + (f"&after={after}" if after else "")
            t0 = time.perf_counter()
            body = wsgi_get(app, "/v1/machines", query)
            page_times.append(time.perf_counter() - t0)
            page = json.loads(body)
            count += len(page["items"])
            if not page["hasMore"]:
                break
            after = page["nextPage"]
        assert count == args.machines, count
        print(
            f"list all {count} machines, limit={limit}: {len(page_times)} pages, "
            f"total {sum(page_times) * 1000:.0f} ms, "
            f"median page {statistics.median(page_times) * 1000:.2f} ms, "
            f"first {page_times[0] * 1000:.2f} ms, last {page_times[-1] * 1000:.2f} ms"
        )
    for order_by in ("name", "state"):
        t0 = time.perf_counter()
        wsgi_get(app, "/v1/machines", f"limit=120&orderBy={order_by}")
        print(f"first page orderBy={order_by}: {(time.perf_counter() - t0) * 1000:.2f} ms")
    app.close()
    bench_machine_life()


def bench_machine_life(cycles: int = 500) -> None:
    """create (dynamic IP, starts), stop, start, delete: four writes, each a transaction."""
    app = create_app(instant=True, seed=2)
    spec = {
        "name": "life",
        "machineType": "C4",
        "templateId": "t0nspur5",
        "region": "NY2",
        "diskSize": 50,
    }

    def life() -> None:
        created = json.loads(wsgi_call(app, "POST", "/v1/machines", body=spec))
        path = f"/v1/machines/{created['data']['id']}"
        wsgi_call(app, "PATCH", f"{path}/stop", body={})
        wsgi_call(app, "PATCH", f"{path}/start", body={})
        wsgi_call(app, "PATCH", f"{path}/stop", body={})
        wsgi_call(app, "DELETE", path)

    per_life = min(timeit.repeat(life, number=cycles, repeat=3)) / cycles
    print(f"a machine's life (create, stop, start, stop, delete): {per_life * 1e6:.0f} us")
    app.close()


if __name__ == "__main__":
    main()

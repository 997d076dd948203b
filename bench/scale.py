"""`machine list --all --json` over 10,000 and 100,000 machines against the whole-process floor,
and its peak RSS against the same command over 100 machines."""

from __future__ import annotations

from harness import (
    API_KEY,
    MAX_PAGE_SIZE,
    PSPACE,
    PYTHON,
    HarnessError,
    Result,
    Runner,
    Sample,
    ServedSandbox,
    alternate,
    compare,
    cpu_note,
    write_script,
)

SMALL_MACHINES = 100
# Issue 17 (peak RSS: at 100,000 machines; issue 8 asked the same at 10,000).
WALL_TARGET, CPU_TARGET, RSS_TARGET = 1.25, 1.4, 1.5
COMMAND = [PSPACE, "machine", "list", "--all", "--json"]
LABEL = "machine list --all --json"

# The floor: a Python process that imports Typer and httpx, walks every page with one client
# (the same page size and order pspace asks for) and writes all the items to stdout as the same
# indented JSON envelope, byte for byte (checked). It reads and writes JSON with orjson, as
# pspace does, a page at a time. verify=False: a plain-HTTP URL needs no CA bundle, and pspace
# loads none for one.
FLOOR = """\
import sys, typer, httpx, orjson
url, key, limit = sys.argv[1:4]
out = sys.stdout.buffer
out.write(b'{\\n  "items": [')
count = 0
with httpx.Client(headers={"Authorization": "Bearer " + key}, verify=False) as client:
    query = {"orderBy": "dtCreated", "limit": limit}
    for _ in range(100_000):
        response = client.get(url + "/machines", params=query)
        response.raise_for_status()
        page = orjson.loads(response.content)
        if page["items"]:
            # The page's items, one level deeper than orjson indents a list.
            body = orjson.dumps(page["items"], option=orjson.OPT_INDENT_2)[2:-2]
            out.write((b",\\n  " if count else b"\\n  ") + body.replace(b"\\n", b"\\n  "))
            count += len(page["items"])
        if not page["hasMore"]:
            break
        query["after"] = page["nextPage"]
end = b',\\n  "hasMore": false,\\n  "nextPage": null\\n}\\n'
out.write((b'\\n  ]' if count else b']') + end)
"""
# The same with the standard library: httpx's response.json() and json.dumps(indent=2).
STDLIB_FLOOR = """\
import json, sys, typer, httpx
url, key, limit = sys.argv[1:4]
items = []
with httpx.Client(headers={"Authorization": "Bearer " + key}, verify=False) as client:
    query = {"orderBy": "dtCreated", "limit": limit}
    for _ in range(100_000):
        response = client.get(url + "/machines", params=query)
        response.raise_for_status()
        page = response.json()
        items.extend(page["items"])
        if not page["hasMore"]:
            break
        query["after"] = page["nextPage"]
envelope = {"items": items, "hasMore": False, "nextPage": None}
sys.stdout.write(json.dumps(envelope, indent=2, ensure_ascii=False) + "\\n")
"""


def small_rss(runner: Runner, sandbox: ServedSandbox, reps: int) -> list[Sample]:
    """Runs of the same command over 100 machines: the memory that does not depend on them."""
    sandbox.fresh(SMALL_MACHINES, "small-")
    run = lambda: runner.run(COMMAND, label=LABEL)[0]  # noqa: E731
    return alternate(reps, {"small": run})["small"]


def bench_walk(
    runner: Runner,
    sandbox: ServedSandbox,
    machines: int,
    reps: int,
    small: list[Sample],
) -> list[Result]:
    sandbox.fresh(machines, "scale-")
    floor = str(write_script(runner.workdir, "floor_walk.py", FLOOR))
    stdlib = str(write_script(runner.workdir, "floor_walk_stdlib.py", STDLIB_FLOOR))
    sandbox.call("DELETE", "/_sandbox/requests")
    ours_digest = runner.digest(COMMAND, label=LABEL)
    if sandbox.page_size_sent() != MAX_PAGE_SIZE:
        raise HarnessError(f"pspace did not ask for {MAX_PAGE_SIZE} a page")
    args = [sandbox.api_url, API_KEY, str(MAX_PAGE_SIZE)]
    floor_cmd, stdlib_cmd = [PYTHON, floor, *args], [PYTHON, stdlib, *args]
    if runner.digest(floor_cmd, label="floor") != ours_digest:
        raise HarnessError(f"the floor's output differs from '{LABEL}' over {machines:,} machines")
    same_as_stdlib = runner.digest(stdlib_cmd, label="stdlib floor") == ours_digest
    samples = alternate(
        reps,
        {
            "pspace": lambda: runner.run(COMMAND, label=LABEL)[0],
            "floor": lambda: runner.run(floor_cmd, label="floor")[0],
            "stdlib": lambda: runner.run(stdlib_cmd, label="stdlib floor")[0],
        },
        warmup=False,  # the output checks above were the warm-up
    )
    pages = -(-machines // MAX_PAGE_SIZE)
    title = f"{LABEL}, {machines:,} machines"
    reference = f"python: typer + httpx + orjson, {pages} pages of {MAX_PAGE_SIZE}, same output"
    ours, floor_samples = samples["pspace"], samples["floor"]
    return [
        compare(title, ours, floor_samples, reference=reference, target=WALL_TARGET),
        compare(title, ours, floor_samples, reference=reference, target=CPU_TARGET, metric="CPU"),
        compare(
            f"{title} vs the standard library",
            ours,
            samples["stdlib"],
            reference="the same floor with json (response.json(), json.dumps(indent=2))",
            target=None,
            note=cpu_note(ours, samples["stdlib"])
            + f"; the floor's output {'is' if same_as_stdlib else 'is NOT'} pspace's byte for byte",
        ),
        compare(
            title,
            ours,
            small,
            reference=f"the same command over {SMALL_MACHINES} machines",
            target=RSS_TARGET,
            metric="peak RSS",
        ),
    ]

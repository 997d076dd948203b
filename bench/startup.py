"""Start-up rows: `--version` and every `--help` level against the Typer floor, and shell
completion of `pspace machine stop <TAB>` from a warm cache against `pspace --version`."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from harness import (
    PSPACE,
    PYTHON,
    TYPER_FLOOR,
    HarnessError,
    Result,
    Runner,
    Sample,
    ServedSandbox,
    alternate,
    compare,
    cpu_note,
)

# The largest ratio to the floor that passes (issue 17).
STARTUP = {
    "pspace --version": ([PSPACE, "--version"], 1.15),
    "pspace --help": ([PSPACE, "--help"], 1.25),
    "pspace machine --help": ([PSPACE, "machine", "--help"], 1.25),
    "pspace machine list --help": ([PSPACE, "machine", "list", "--help"], 1.25),
}
COMPLETION_MACHINES = 50
# What the scripts in completions/ set for `pspace machine stop <TAB>`.
COMPLETION_ENV = {
    "bash": {
        "_PSPACE_COMPLETE": "complete_bash",
        "COMP_WORDS": "pspace machine stop ",
        "COMP_CWORD": "3",
    },
    "zsh": {"_PSPACE_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "pspace machine stop "},
    # fish runs the script twice a Tab press: its condition (is-args), then the values.
    "fish (is-args)": {
        "_PSPACE_COMPLETE": "complete_fish",
        "_TYPER_COMPLETE_FISH_ACTION": "is-args",
        "_TYPER_COMPLETE_ARGS": "pspace machine stop ",
    },
    "fish (get-args)": {
        "_PSPACE_COMPLETE": "complete_fish",
        "_TYPER_COMPLETE_FISH_ACTION": "get-args",
        "_TYPER_COMPLETE_ARGS": "pspace machine stop ",
    },
}


def timed(
    runner: Runner, cmd: list[str], label: str, env: dict[str, str] | None = None
) -> Callable[[], Sample]:
    return lambda: runner.run(cmd, label=label, env=env)[0]


def bench_startup(runner: Runner, reps: int) -> list[Result]:
    printed = runner.output([PSPACE, "--version"], label="pspace --version").decode()
    if not printed.startswith("pspace-py "):
        raise HarnessError(f"pspace --version printed {printed!r}")
    measures = {"floor": timed(runner, [PYTHON, "-c", TYPER_FLOOR], "typer floor")}
    measures.update({name: timed(runner, cmd, name) for name, (cmd, _) in STARTUP.items()})
    samples = alternate(reps, measures)
    floor = samples.pop("floor")
    return [
        compare(
            name,
            values,
            floor,
            reference=f"python -c '{TYPER_FLOOR}'",
            target=STARTUP[name][1],
            note=cpu_note(values, floor),
        )
        for name, values in samples.items()
    ]


def bench_completion(runner: Runner, sandbox: ServedSandbox, reps: int) -> list[Result]:
    """The Tab press: names and IDs from the cache the first press wrote (fresh for a minute)."""
    sandbox.fresh(COMPLETION_MACHINES, "tab-")
    complete = [PSPACE]
    label = "pspace machine stop <TAB>"
    started = time.monotonic()
    first = runner.output(complete, label=label, env=COMPLETION_ENV["bash"]).decode().split()
    offered = [word for word in first if word.startswith("tab-")]
    if len(offered) != COMPLETION_MACHINES or len(first) != 2 * COMPLETION_MACHINES:
        raise HarnessError(f"completion offered {first[:6]}...")
    for shell, env in COMPLETION_ENV.items():
        shown = runner.output(complete, label=label, env=env).decode()
        names = set(re.findall(r"tab-\d+", shown))
        if len(names) != (0 if "is-args" in shell else COMPLETION_MACHINES):
            raise HarnessError(f"completion in {shell} offered {shown[:80]!r}...")
    # A warm cache: nothing may be asked of the API while the rows run.
    sandbox.call("DELETE", "/_sandbox/requests")
    measures = {
        shell: timed(runner, complete, f"{label} ({shell})", env=env)
        for shell, env in COMPLETION_ENV.items()
    }
    measures["version"] = timed(runner, [PSPACE, "--version"], "pspace --version")
    samples = alternate(reps, measures)
    if sandbox.sent("GET"):
        raise HarnessError("completion asked the API again: the cache was not used")
    if time.monotonic() - started > 55:
        raise HarnessError("the completion rows outlasted the cache's minute; use fewer --reps")
    return [
        compare(
            f"{label} in {shell}, warm cache ({COMPLETION_MACHINES} machines)",
            samples[shell],
            samples["version"],
            reference="pspace --version",
            target=1.2,
            note=cpu_note(samples[shell], samples["version"]),
        )
        for shell in COMPLETION_ENV
    ]

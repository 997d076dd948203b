"""Optional rows: the start-up of the CLIs a user would pick instead, next to `pspace --version`.

A peer is measured when it is installed: on PATH under its usual name, or given with
``--peer NAME=PATH``. None of them is a dependency; a peer that is absent is left out.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from harness import PSPACE, Result, Runner, alternate, compare

# name -> (what prints its version, the environment it needs, what it is)
KNOWN = {
    "gradient": (["version"], {}, "Paperspace's legacy Python CLI"),
    "linode-cli": (["--version"], {}, "Linode's Python CLI"),
    # The official pspace CLI (Deno); its own home so it reads no login.
    "official": (["version"], {"PSPACE_HOME": "{workdir}/official-home"}, "Paperspace's pspace"),
}


def find_peers(given: list[str]) -> dict[str, str]:
    """NAME -> executable: those given as NAME=PATH, and the known ones found on PATH."""
    peers = {}
    for name in ("gradient", "linode-cli"):
        found = shutil.which(name)
        if found:
            peers[name] = found
    for entry in given:
        name, _, path = entry.partition("=")
        peers[name] = path
    return {name: path for name, path in peers.items() if Path(path).exists()}


def bench_peers(runner: Runner, peers: dict[str, str], reps: int) -> list[Result]:
    measures = {"pspace": lambda: runner.run([PSPACE, "--version"], label="pspace --version")[0]}
    commands = {}
    for name, path in peers.items():
        args, env, _ = KNOWN.get(name, (["--version"], {}, ""))
        env = {key: value.format(workdir=runner.workdir) for key, value in env.items()}
        env.setdefault("HOME", str(runner.workdir / f"home-{name}"))
        Path(env["HOME"]).mkdir(exist_ok=True)
        commands[name] = [path, *args]
        measures[name] = lambda cmd=commands[name], env=env, name=name: runner.run(
            cmd, label=name, env=env
        )[0]
    samples = alternate(reps, measures)
    ours = samples.pop("pspace")
    rows = []
    for name, values in samples.items():
        what = KNOWN.get(name, ([], {}, name))[2]
        row = compare(
            f"peer: {name} {' '.join(commands[name][1:])} ({what})",
            values,
            ours,
            reference="pspace --version",
            target=None,
        )
        cpu = compare("", values, ours, reference="", target=None, metric="CPU")
        rss = compare("", values, ours, reference="", target=None, metric="peak RSS")
        row.note = (
            f"CPU {cpu.value:.0f} ms ({cpu.ratio:.1f}x pspace's), peak RSS {rss.value:.1f} MB "
            f"({rss.ratio:.1f}x)"
        )
        rows.append(row)
    return rows

"""Record what the official `pspace` CLI sends for each command of docs/testing.md's example.

Run by hand where the official CLI is installed (CI cannot run it):

    python tests/testing/record_official_cli.py /tmp/official-pspace/pspace

It runs the example block as written with `bash -euo pipefail`, with a recording `pspace` first
on PATH that runs the real CLI and notes the requests the sandbox logged for it, then writes
tests/testing/official_cli_requests.json (the machine ID the create made becomes `{id}`).
`official_cli_standin.py` replays that file in the test of the example.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))  # run as a script: `tests.…` from the repository root

from tests.testing.testing_support import example  # noqa: E402

RECORDING = HERE / "official_cli_requests.json"
KEPT_HEADERS = ("content-type", "x-client", "x-client-version")

WRAPPER = """#!{python}
import json, os, subprocess, sys, urllib.request
root = os.environ["PAPERSPACE_API_URL"].removesuffix("/v1")
def logged():
    with urllib.request.urlopen(root + "/_sandbox/requests", timeout=10) as answer:
        return json.load(answer)["items"]
before = len(logged())
done = subprocess.run([os.environ["REAL_PSPACE"], *sys.argv[1:]], capture_output=True, text=True,
                      stdin=subprocess.DEVNULL, timeout=120)
sys.stdout.write(done.stdout)
sys.stderr.write(done.stderr)
entry = {{"argv": sys.argv[1:], "exit": done.returncode, "stdout": done.stdout,
          "requests": logged()[before:]}}
with open(os.environ["RECORD_TO"], "a") as out:
    out.write(json.dumps(entry) + "\\n")
sys.exit(done.returncode)
"""


def main(real_cli: str) -> None:
    with tempfile.TemporaryDirectory() as work:
        workdir = Path(work)
        bindir = workdir / "bin"
        bindir.mkdir()
        wrapper = bindir / "pspace"
        wrapper.write_text(WRAPPER.format(python=sys.executable))
        wrapper.chmod(0o755)
        script = workdir / "example.sh"
        script.write_text(example("official-cli"))
        raw = workdir / "raw.jsonl"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PAPERSPACE_", "PSPACE_"))}
        env.update(
            HOME=str(workdir / "home"),
            NO_COLOR="1",
            PATH=os.pathsep.join([str(bindir), str(Path(sys.executable).parent), env["PATH"]]),
            REAL_PSPACE=real_cli,
            RECORD_TO=str(raw),
        )
        (workdir / "home").mkdir()
        subprocess.run(
            ["bash", "-euo", "pipefail", str(script)], cwd=workdir, env=env, check=True, timeout=300
        )
        commands = [json.loads(line) for line in raw.read_text().splitlines()]
    created = next(c for c in commands if c["argv"][:2] == ["machine", "create"])
    machine_id = json.loads(created["stdout"])["data"]["id"]
    recorded = []
    for command in commands:
        recorded.append(
            {
                "argv": [arg.replace(machine_id, "{id}") for arg in command["argv"]],
                "exit": command["exit"],
                "prints_json": command["stdout"].lstrip().startswith("{"),
                "requests": [
                    {
                        "method": request["method"],
                        "path": request["path"].replace(machine_id, "{id}"),
                        "query": request["query"],
                        "body": request["body"],
                        "headers": {k: request["headers"][k] for k in KEPT_HEADERS},
                        "status": request["status"],
                    }
                    for request in command["requests"]
                ],
            }
        )
    commit = (Path(real_cli).parent / "CLI_COMMIT").read_text().strip()
    RECORDING.write_text(
        json.dumps({"recordedWith": f"Paperspace/cli {commit}", "commands": recorded}, indent=2)
        + "\n"
    )
    print(f"{len(recorded)} commands recorded in {RECORDING}")


if __name__ == "__main__":
    main(sys.argv[1])

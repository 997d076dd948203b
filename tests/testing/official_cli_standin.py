"""A stand-in for the official `pspace` CLI: for a recorded command line, the recorded requests.

Used by the test of docs/testing.md's official-CLI example, where the real CLI (a Deno program)
cannot run. For each invocation it finds the command line in official_cli_requests.json (made by
record_official_cli.py from the real CLI), sends exactly the requests the real CLI sent (method,
path, query, body, its headers) to PAPERSPACE_API_URL, and fails unless the sandbox answers
each with the status it gave the real CLI. A command line that was never recorded fails too.
The key is PAPERSPACE_API_KEY, or the one `login KEY` was given (the official CLI stores it).
Invocations are appended to $STANDIN_LOG, so the test can check every recorded command ran.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import httpx

RECORDING = Path(
    os.environ.get("OFFICIAL_CLI_RECORDING")
    or Path(__file__).resolve().parent / "official_cli_requests.json"
)


def main(argv: list[str]) -> int:
    memory = Path(os.environ["STANDIN_STATE"])
    remembered: dict[str, Any] = json.loads(memory.read_text()) if memory.exists() else {}
    machine_id = remembered.get("id")
    shown = [arg.replace(machine_id, "{id}") if machine_id else arg for arg in argv]
    commands = json.loads(RECORDING.read_text())["commands"]
    command = next((c for c in commands if c["argv"] == shown), None)
    with open(os.environ["STANDIN_LOG"], "a") as log:
        log.write(json.dumps(shown) + "\n")
    if command is None:
        print(
            f"no recording of the official CLI for: pspace {' '.join(argv)} (re-record with "
            "tests/testing/record_official_cli.py)",
            file=sys.stderr,
        )
        return 1
    if argv[0] == "login":
        remembered["key"] = argv[1]
    key = os.environ.get("PAPERSPACE_API_KEY") or remembered.get("key")
    base = os.environ["PAPERSPACE_API_URL"].removesuffix("/v1")
    answer: Any = None
    with httpx.Client(base_url=base, timeout=30) as http:
        for sent in command["requests"]:
            path = sent["path"].replace("{id}", machine_id or "{id}")
            headers = {**sent["headers"], **({"Authorization": f"Bearer {key}"} if key else {})}
            body = None if sent["body"] is None else json.dumps(sent["body"]).encode()
            response = http.request(
                sent["method"], path, params=sent["query"], content=body, headers=headers
            )
            if response.status_code != sent["status"]:
                print(
                    f"{sent['method']} {path}: the sandbox answered {response.status_code}, "
                    f"the official CLI got {sent['status']}: {response.text}",
                    file=sys.stderr,
                )
                return 1
            answer = response.json()
            if sent["method"] == "POST" and sent["path"] == "/v1/machines":
                remembered["id"] = answer["data"]["id"]
    memory.write_text(json.dumps(remembered))
    if command["prints_json"]:
        print(json.dumps(answer, indent=2))
    return int(command["exit"])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

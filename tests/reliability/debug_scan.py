"""A pytest plugin: every `pspace` run through Typer's CliRunner gets `--debug`, and is scanned.

Loaded with `-p tests.reliability.debug_scan` by tests/reliability/test_secrets.py, which runs a
slice of the suite with it in a subprocess. For each invocation of the root `pspace` app it
adds `--debug`, works out the API keys in play (the one the run resolved, `--api-key`,
`PAPERSPACE_API_KEY`, a key given to `login` on stdin), and appends to the JSON-lines file
named by `$PSPACE_DEBUG_SCAN_REPORT` whether any of them appears in stdout or stderr in any
spelling, and whether requests were logged with `Authorization: Bearer ****`. The debug lines
are then taken out of the stderr the test sees, so the slice's own assertions keep working.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote, quote_plus

from typer.testing import CliRunner, Result

from pspace_py.cli.context import AppContext
from pspace_py.cli.main import app as pspace_app

REPORT_ENV = "PSPACE_DEBUG_SCAN_REPORT"
MIN_KEY_LENGTH = 8  # shorter test keys ("k") are not masked by design: nothing to scan for
_PERCENT = re.compile(r"%[0-9A-F]{2}")
_original_invoke = CliRunner.invoke


def spellings(key: str) -> set[str]:
    encoded = {quote(key, safe=""), quote_plus(key), quote(key)}
    lower = {_PERCENT.sub(lambda m: m.group().lower(), text) for text in encoded}
    return {key, *encoded, *lower, json.dumps(key)[1:-1], repr(key)[1:-1]}


def keys_in_play(
    args: Sequence[str], env: Mapping[str, str | None] | None, input: Any, state: Any
) -> set[str]:
    keys: set[str] = set()
    settings = getattr(state, "_settings", None) if isinstance(state, AppContext) else None
    if settings is not None and settings.api_key:
        keys.add(settings.api_key)
    for index, arg in enumerate(args):
        if arg == "--api-key" and index + 1 < len(args):
            keys.add(args[index + 1])
        elif arg.startswith("--api-key="):
            keys.add(arg.split("=", 1)[1])
    environment = {**os.environ, **{k: v for k, v in (env or {}).items() if v is not None}}
    if environment.get("PAPERSPACE_API_KEY"):
        keys.add(environment["PAPERSPACE_API_KEY"])
    if "login" in args and isinstance(input, str) and input.strip():
        keys.add(input.strip().splitlines()[0].strip())
    return {key.strip() for key in keys if len(key.strip()) >= MIN_KEY_LENGTH}


def scanned_invoke(
    self: CliRunner, app: Any, args: Any = None, *rest: Any, **kwargs: Any
) -> Result:
    if app is not pspace_app or not args or isinstance(args, str):
        return _original_invoke(self, app, args, *rest, **kwargs)
    args = list(args)
    added = "--debug" not in args
    result = _original_invoke(self, app, ["--debug", *args] if added else args, *rest, **kwargs)
    stdout, stderr = result.stdout, result.stderr
    keys = keys_in_play(args, kwargs.get("env"), kwargs.get("input"), kwargs.get("obj"))
    leaked = sorted(
        {spelling for key in keys for spelling in spellings(key) if spelling in stdout + stderr}
    )
    requested = "debug: > " in stderr
    record = {
        "test": os.environ.get("PYTEST_CURRENT_TEST", "?"),
        "args": args,
        "keys": len(keys),
        "leaked": [f"{spelling[:3]}... ({len(spelling)} chars)" for spelling in leaked],
        "requested": requested,
        "masked": "Authorization: Bearer ****" in stderr,
    }
    with open(os.environ[REPORT_ENV], "a", encoding="utf-8") as report:
        report.write(json.dumps(record) + "\n")
    if added:
        lines = stderr.splitlines(keepends=True)
        kept = [line for line in lines if not line.startswith("debug: ")]
        result.stderr_bytes = "".join(kept).encode(self.charset)
        result.output_bytes = result.stdout_bytes + result.stderr_bytes
    return result


def pytest_configure(config: Any) -> None:
    """Installed only when loaded as a plugin (`-p`); importing this module changes nothing."""
    CliRunner.invoke = scanned_invoke  # type: ignore[method-assign]

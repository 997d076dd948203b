"""Completing machine arguments: names and IDs from a short-lived cache, never a key needed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pspace_py import completion

PSPACE = str(Path(sys.executable).parent / "pspace")


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PSPACE_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def write(cache_dir: Path, machines: list[dict[str, str]], age: float = 0.0) -> None:
    completion.write_cache(cache_dir / "machines.json", "http://x/v1", machines)
    data = json.loads((cache_dir / "machines.json").read_text())
    data["written"] -= age
    (cache_dir / "machines.json").write_text(json.dumps(data))


def test_fresh_cache_answers_names_and_ids_without_a_key(cache_dir: Path) -> None:
    write(cache_dir, [{"id": "psweb001", "name": "web-1", "state": "ready"}])
    candidates = completion.complete_machine("we")
    assert candidates == [("web-1", "web-1 (ready)")]
    assert [value for value, _ in completion.complete_machine("ps")] == ["psweb001"]


def test_stale_cache_without_a_key_still_answers_from_the_cache(cache_dir: Path) -> None:
    write(cache_dir, [{"id": "psweb001", "name": "web-1", "state": "off"}], age=3600)
    assert [value for value, _ in completion.complete_machine("")] == ["web-1", "psweb001"]


def test_a_corrupt_cache_gives_no_suggestions_and_no_error(cache_dir: Path) -> None:
    cache_dir.mkdir(parents=True)
    (cache_dir / "machines.json").write_text("{not json")
    assert completion.complete_machine("w") == []


def test_refresh_against_an_unreachable_api_gives_up_within_about_a_second(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A closed loopback port: the refresh fails, and completion still answers at once.
    monkeypatch.setenv("PAPERSPACE_API_KEY", "some-key")
    monkeypatch.setenv("PAPERSPACE_API_URL", "http://127.0.0.1:9/v1")
    started = time.monotonic()
    assert completion.complete_machine("w") == []
    assert time.monotonic() - started < completion.REFRESH_TIMEOUT_SECONDS + 1


def test_shell_completion_offers_sandbox_machines(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "PSPACE_SANDBOX": "1",
        "PSPACE_SANDBOX_STATE": str(tmp_path / "sandbox.sqlite3"),
        "PSPACE_CONFIG_DIR": str(tmp_path / "config"),
        "PSPACE_CACHE_DIR": str(tmp_path / "cache"),
    }
    create = [
        PSPACE,
        "machine",
        "create",
        "-n",
        "web-1",
        "--machine-type",
        "C5",
        "--template-id",
        "t0nspur5",
        "--region",
        "NY2",
        "--disk-size",
        "50",
        "-q",
    ]
    created = subprocess.run(create, env=env, capture_output=True, text=True, timeout=30)
    assert created.returncode == 0, created.stderr
    complete_env = {
        **env,
        "_PSPACE_COMPLETE": "complete_bash",
        "COMP_WORDS": "pspace machine get we",
        "COMP_CWORD": "3",
    }
    run = subprocess.run([PSPACE], env=complete_env, capture_output=True, text=True, timeout=30)
    assert "web-1" in run.stdout.split()

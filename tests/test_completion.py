"""The completion cache: one page a minute at most, one second at most, never a traceback."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from pspace_py import completion

URL = "http://127.0.0.1:9/v1"  # a closed loopback port: any refresh fails at once
KEY = "some-key"


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PSPACE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("PAPERSPACE_API_URL", URL)
    monkeypatch.setenv("PAPERSPACE_API_KEY", KEY)
    return tmp_path / "cache"


def write(
    cache_dir: Path, found: list[tuple[str, str]], *, age: float = 0.0, scope: str | None = None
) -> None:
    path = cache_dir / "machines.json"
    completion.write_cache(path, scope or completion.scope_for(URL, KEY), found)
    data = json.loads(path.read_text())
    data["written"] -= age
    path.write_text(json.dumps(data))


MACHINES = [("web-1", "psweb001 (ready, NY2)"), ("psweb001", "web-1 (ready, NY2)")]


def test_a_fresh_cache_answers_names_and_ids(cache_dir: Path) -> None:
    write(cache_dir, MACHINES)
    assert completion.candidates("machine", "we") == [MACHINES[0]]
    assert [value for value, _ in completion.candidates("machine", "ps")] == ["psweb001"]


def test_a_stale_cache_that_cannot_be_refreshed_still_answers(cache_dir: Path) -> None:
    write(cache_dir, MACHINES, age=3600)
    started = time.monotonic()
    assert [value for value, _ in completion.candidates("machine", "")] == ["web-1", "psweb001"]
    assert time.monotonic() - started < completion.REFRESH_TIMEOUT_SECONDS + 1


def test_another_keys_cache_is_not_shown(cache_dir: Path) -> None:
    write(cache_dir, MACHINES, scope=completion.scope_for(URL, "someone-elses-key"))
    assert completion.candidates("machine", "") == []


def test_without_a_key_nothing_is_suggested_and_nothing_asked(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(cache_dir, MACHINES)
    monkeypatch.delenv("PAPERSPACE_API_KEY")
    assert completion.candidates("machine", "") == []


def test_a_corrupt_cache_gives_no_suggestions_and_no_error(cache_dir: Path) -> None:
    cache_dir.mkdir(parents=True)
    (cache_dir / "machines.json").write_text("{not json")
    assert completion.candidates("machine", "w") == []


def test_the_cache_file_never_holds_the_key(cache_dir: Path) -> None:
    write(cache_dir, MACHINES)
    assert KEY not in (cache_dir / "machines.json").read_text()

"""docs/testing.md's examples, run as written: the pytest file with pytest, the script and the
unittest module with Python, the shell job and the official-CLI job with bash."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.e2e.helpers import run_bash
from tests.testing.testing_support import example, run, user_env

pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve().parent


def test_the_pytest_example_passes(tmp_path: Path) -> None:
    (tmp_path / "test_deploy.py").write_text(example("pytest"))
    result = run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        tmp_path,
        user_env(tmp_path / "home"),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 passed" in result.stdout


def test_the_script_example_runs(tmp_path: Path) -> None:
    (tmp_path / "script.py").write_text(example("script"))
    result = run([sys.executable, "script.py"], tmp_path, user_env(tmp_path / "home"))
    assert result.returncode == 0, result.stdout + result.stderr
    last = result.stdout.splitlines()[-1]
    assert last.startswith("ok: ")
    assert "served by http://127.0.0.1:" in last


def test_the_unittest_example_passes(tmp_path: Path) -> None:
    (tmp_path / "test_unit.py").write_text(example("unittest"))
    result = run([sys.executable, "test_unit.py", "-v"], tmp_path, user_env(tmp_path / "home"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Ran 2 tests" in result.stderr
    assert result.stderr.rstrip().endswith("OK")


def test_the_shell_job_runs_and_stops_its_sandbox(tmp_path: Path) -> None:
    script = tmp_path / "job.sh"
    script.write_text(example("shell"))
    workdir = tmp_path / "job"
    workdir.mkdir()
    code, stdout, stderr, left_running = run_bash(
        script, cwd=workdir, env=user_env(tmp_path / "home")
    )
    assert code == 0, f"stdout:\n{stdout}\nstderr:\n{stderr}"
    assert not left_running, "the job left the sandbox running"
    assert stdout.splitlines()[-1] == "deploy step ok"
    assert "Error" not in stderr


def test_the_official_cli_job_sends_what_the_official_cli_sends(tmp_path: Path) -> None:
    # `pspace` in this block is the official CLI: here a stand-in that replays its recorded
    # requests for each recorded command line (see docs/testing.md, official_cli_standin.py).
    bindir = tmp_path / "official-bin"
    bindir.mkdir()
    standin = bindir / "pspace"
    standin.write_text(f"#!{sys.executable}\n" + (HERE / "official_cli_standin.py").read_text())
    standin.chmod(0o755)
    script = tmp_path / "official.sh"
    script.write_text(example("official-cli"))
    workdir = tmp_path / "job"
    workdir.mkdir()
    env = user_env(tmp_path / "home")
    env.update(
        PATH=f"{bindir}:{env['PATH']}",
        STANDIN_STATE=str(tmp_path / "standin-state.json"),
        STANDIN_LOG=str(tmp_path / "standin.log"),
        OFFICIAL_CLI_RECORDING=str(HERE / "official_cli_requests.json"),
    )
    code, stdout, stderr, left_running = run_bash(script, cwd=workdir, env=env)
    assert code == 0, f"stdout:\n{stdout}\nstderr:\n{stderr}"
    assert not left_running

    recording = json.loads((HERE / "official_cli_requests.json").read_text())
    invoked = [json.loads(line) for line in (tmp_path / "standin.log").read_text().splitlines()]
    assert invoked == [command["argv"] for command in recording["commands"]]
    served = json.loads((workdir / "requests.json").read_text())["items"]
    assert [(r["method"], r["status"]) for r in served] == [
        (sent["method"], sent["status"])
        for command in recording["commands"]
        for sent in command["requests"]
    ]
    assert {r["headers"].get("x-client") for r in served} == {"paperspace-cli"}
    assert served[-1]["operationId"] == "machines-delete"

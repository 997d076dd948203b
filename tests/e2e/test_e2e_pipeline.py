"""The README's "pspace in CI" pipeline, run as written with `bash -euo pipefail`.

Only the install line is replaced (pspace is already installed in this venv); everything else is
the README's text, so the README cannot drift from what works.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.helpers import base_env, run_bash

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

README = Path(__file__).resolve().parents[2] / "README.md"
INSTALL_LINE = "pip install pspace-py"


def readme_ci_snippet() -> str:
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## pspace in CI\n", 1)[1].split("\n## ", 1)[0]
    match = re.search(r"```bash\n(.*?)```", section, re.DOTALL)
    assert match is not None, "no ```bash block in the README's 'pspace in CI' section"
    return match.group(1)


def test_the_readme_ci_pipeline_runs_as_written(tmp_path: Path) -> None:
    snippet = readme_ci_snippet()
    assert INSTALL_LINE in snippet.splitlines()
    script = tmp_path / "ci.sh"
    # The install line becomes a check that the installed pspace is the one on PATH.
    script.write_text(snippet.replace(INSTALL_LINE, "pspace --version", 1))
    workdir = tmp_path / "job"
    workdir.mkdir()

    code, stdout, stderr, left_running = run_bash(
        script, cwd=workdir, env=base_env(tmp_path / "home")
    )
    assert code == 0, f"stdout:\n{stdout}\nstderr:\n{stderr}"
    assert not left_running, "the pipeline left the sandbox (or another process) running"

    url_line = (workdir / "sandbox.env").read_text().splitlines()[0]
    assert re.fullmatch(r"PAPERSPACE_API_URL=http://127\.0\.0\.1:\d+/v1", url_line)

    version, rest = stdout.split("\n", 1)
    assert version.startswith("pspace-py ")
    shown, end = json.JSONDecoder().raw_decode(rest)
    assert shown["state"] == "ready"
    assert re.fullmatch(r"\d+\.\d+\.\d+\.\d+", shown["publicIp"])
    after: Any = rest[end:]
    assert re.search(r"^NAME\s+ci-runner$", after, re.MULTILINE)  # the stopped machine
    assert re.search(r"^STATE\s+off$", after, re.MULTILINE)
    assert re.search(r"^ps\w+\s+ci-runner\s+ok\b", after, re.MULTILINE)  # the deactivate table
    assert re.search(r"^ok\s+ps\w+ \(ci-runner\): deactivate done$", stderr, re.MULTILINE)
    assert "Error" not in stderr

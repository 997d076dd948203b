"""The wheel and sdist as a user gets them: their contents, the README quickstart, a fresh
project with only `pip install <wheel> pytest`, and a tool-style install (a venv holding only
the wheel, its `pspace` run without activating it, as pipx or `uv tool` would expose it)."""

from __future__ import annotations

import re
import signal
import subprocess
import tarfile
import time
import zipfile
from pathlib import Path

from tests.packaging.environment import Venv, clean_env

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
DOC = ROOT / "docs" / "testing.md"
MACHINE = ["--machine-type", "C4", "--template-id", "t0nspur5", "--region", "NY2"]


def tracked(prefix: str) -> set[str]:
    listed = subprocess.run(
        ["git", "ls-files", prefix], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return set(listed.stdout.split())


def test_the_sdist_holds_what_a_build_and_the_tests_need(sdist: Path) -> None:
    with tarfile.open(sdist) as archive:
        top = archive.getnames()[0].split("/")[0]
        names = {name.removeprefix(f"{top}/") for name in archive.getnames()}
    assert {"pyproject.toml", "README.md", "MANIFEST.in", "CHANGELOG.md", "PKG-INFO"} <= names
    assert {"pspace_py/py.typed", "pspace_py/data/catalog.json", "docs/testing.md"} <= names
    assert tracked("pspace_py") <= names
    assert tracked("tests") <= names  # the whole suite, not the top level only
    assert not [name for name in names if "__pycache__" in name or name.endswith(".pyc")]


def test_the_wheel_holds_the_package_its_data_and_entry_points(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        info = next(name for name in names if name.endswith(".dist-info/entry_points.txt"))
        entry_points = archive.read(info).decode()
    assert tracked("pspace_py") <= names
    assert not [name for name in names if name.startswith("tests/")]
    assert "[console_scripts]\npspace = pspace_py.cli.entry:run" in entry_points
    assert "[pytest11]\npaperspace_sandbox = pspace_py.pytest_plugin" in entry_points


def test_the_readme_quickstart_works_from_the_wheel(wheel: Path, tmp_path: Path) -> None:
    section = README.read_text().split("\n## Quickstart\n", 1)[1].split("\n## ", 1)[0]
    first = re.search(r"```console\n\$ (.*?)\n```", section, re.DOTALL)
    assert first is not None
    command = first.group(1)
    assert "pip install -e ." in command
    script = tmp_path / "quickstart.sh"
    script.write_text(command.replace("pip install -e .", f"pip install -q {wheel}") + "\n")
    project = tmp_path / "project"
    project.mkdir()
    done = subprocess.run(
        ["bash", "-euo", "pipefail", str(script)],
        cwd=project,
        env=clean_env(tmp_path / "home", PIP_DISABLE_PIP_VERSION_CHECK="1"),
        capture_output=True,
        text=True,
        timeout=600,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"^ps\w+\s+demo\s+(provisioning|ready)\b", done.stdout, re.MULTILINE), (
        done.stdout
    )
    installed = project / ".venv" / "lib"
    assert list(installed.glob("python3.*/site-packages/pspace_py/py.typed"))  # not editable


def test_a_fresh_project_with_only_the_wheel_and_pytest(
    wheel: Path, fresh_venv: Venv, tmp_path: Path
) -> None:
    bindir = fresh_venv(str(wheel), "pytest")
    project = tmp_path / "my-project"
    project.mkdir()
    (project / "test_machines.py").write_text(
        """import sys

import httpx
import pspace_py

MACHINE = {"name": "m", "machineType": "C4", "templateId": "t0nspur5", "region": "NY2",
           "diskSize": 50}


def test_the_installed_package_is_the_one_tested():
    assert pspace_py.__file__.startswith(sys.prefix)


def test_create_stop_and_delete_over_plain_httpx(paperspace_sandbox):
    headers = {"Authorization": f"Bearer {paperspace_sandbox.key}"}
    with httpx.Client(base_url=paperspace_sandbox.url, headers=headers) as http:
        machine = http.post("/machines", json=MACHINE).json()["data"]
        assert http.get(f"/machines/{machine['id']}").json()["state"] == "ready"
        assert http.patch(f"/machines/{machine['id']}/stop", json={}).status_code == 200
        assert http.get(f"/machines/{machine['id']}").json()["state"] == "off"
        assert http.delete(f"/machines/{machine['id']}").status_code == 200
        assert http.get("/machines").json()["items"] == []
"""
    )
    doc = DOC.read_text()
    (project / "test_deploy.py").write_text(
        re.search(r"<!-- example: pytest -->\n```python\n(.*?)```", doc, re.DOTALL).group(1)  # type: ignore[union-attr]
    )
    env = clean_env(tmp_path / "home")
    env["PATH"] = f"{bindir}:{env['PATH']}"  # the venv activated, as the user would have it
    done = subprocess.run(
        [str(bindir / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "6 passed" in done.stdout


def test_a_tool_style_install_runs_against_its_own_served_sandbox(
    wheel: Path, fresh_venv: Venv, tmp_path: Path
) -> None:
    pspace = str(fresh_venv(str(wheel)) / "pspace")  # not activated: only the command is used
    env = clean_env(tmp_path / "home")
    served = tmp_path / "serve.out"
    with served.open("w") as out:
        server = subprocess.Popen(
            [pspace, "sandbox", "serve", "--port", "0", "--instant"],
            stdout=out,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
            env=env,
        )
    try:
        deadline = time.monotonic() + 30
        while "\n" not in served.read_text():
            assert server.poll() is None, "the sandbox exited"
            assert time.monotonic() < deadline, "the sandbox printed nothing in 30 s"
            time.sleep(0.05)
        url = served.read_text().splitlines()[0].removeprefix("PAPERSPACE_API_URL=")
        env.update(PAPERSPACE_API_URL=url, PAPERSPACE_API_KEY="sandbox-key")

        def run(*args: str) -> str:
            done = subprocess.run(
                [pspace, *args], env=env, capture_output=True, text=True, timeout=60
            )
            assert done.returncode == 0, done.stdout + done.stderr
            return done.stdout

        machine_id = run("machine", "create", "-n", "tool", *MACHINE, "--disk-size", "50", "-q")
        machine_id = machine_id.strip()
        assert run("machine", "list", "-q").split() == [machine_id]
        run("machine", "stop", machine_id, "--wait")
        run("machine", "deactivate", machine_id, "--yes", "--wait")
        assert run("machine", "list", "-q").split() == []
    finally:
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=15) == 0

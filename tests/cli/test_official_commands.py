"""The official CLI's top-level commands: template (the docs' name for custom-template),
completion, upgrade, docs, console, version."""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any

import pytest

from pspace_py import installation
from pspace_py.api.client import ApiClient
from pspace_py.api.templates import CustomTemplatesApi
from tests.cli.resource_support import at_a_terminal, make_machine, writes

ROOT = Path(__file__).resolve().parents[2]


def docs_lines(command: str) -> list[str]:
    """The docs' code lines for one official command."""
    return [line for line in _TEMPLATE_DOCS_LINES if shlex.split(line)[1:3] == command.split()]


# Every `pspace template` code line of Paperspace's docs, as written, example IDs included:
# docs.digitalocean.com/products/paperspace/machines/how-to/manage-custom-template/ and
# /reference/paperspace/pspace/commands/template/ (the official CLI renamed `template` to
# `custom-template` in 1.10.0; the docs kept the old name).
_TEMPLATE_DOCS_LINES = [
    "pspace template create -F --name your-template-name --machine-id psm9u09bwu5i",
    "pspace template delete tx98gvxz",
    "pspace template list -F name -F dtModified",
]


@pytest.fixture
def stopped_box(sandbox_client: ApiClient) -> dict[str, Any]:
    return make_machine(sandbox_client, "box", startOnCreate=False)


def run_docs_line(pspace: Any, line: str, **ids: str) -> Any:
    """A docs line as written, with only its example IDs replaced by the sandbox's."""
    for example, real in ids.items():
        line = line.replace(example, real)
    return pspace(*shlex.split(line)[1:])


# -- template ------------------------------------------------------------------------------------


def test_docs_template_create_runs_as_written(pspace: Any, sandbox: Any, stopped_box: Any) -> None:
    (line,) = docs_lines("template create")

    run = run_docs_line(pspace, line, psm9u09bwu5i=stopped_box["id"])

    assert run.exit_code == 0, run.stderr
    assert [t["name"] for t in pspace("custom-template", "list", "--json").json()["items"]] == [
        "your-template-name"
    ]


def test_docs_template_delete_asks_for_yes_without_a_terminal(
    pspace: Any, sandbox: Any, sandbox_client: ApiClient, stopped_box: Any
) -> None:
    template = CustomTemplatesApi(sandbox_client).create(stopped_box["id"], "golden").resource
    sandbox.advance(60)
    (line,) = docs_lines("template delete")

    refused = run_docs_line(pspace, line, tx98gvxz=template["id"])

    # The documented difference: destructive commands confirm, and need --yes in a script.
    assert refused.exit_code == 5
    assert "--yes" in refused.stderr
    assert ("DELETE", f"/v1/custom-templates/{template['id']}") not in writes(sandbox)
    done = run_docs_line(pspace, line + " --yes", tx98gvxz=template["id"])
    assert done.exit_code == 0, done.stderr


def test_docs_template_list_runs_as_written(
    pspace: Any, stopped_box: Any, sandbox_client: ApiClient
) -> None:
    CustomTemplatesApi(sandbox_client).create(stopped_box["id"], "golden")
    (line,) = docs_lines("template list")

    run = run_docs_line(pspace, line)

    assert run.exit_code == 0, run.stderr
    assert run.stdout.split()[:2] == ["NAME", "DTMODIFIED"]
    assert "golden" in run.stdout


def test_template_is_custom_template(pspace: Any) -> None:
    by_alias = pspace("template", "--help").stdout.splitlines()
    by_name = pspace("custom-template", "--help").stdout.splitlines()
    assert by_alias[0].replace(" template ", " custom-template ") == by_name[0]
    assert by_alias[1:] == by_name[1:]


# -- completion ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shell", "file_name"),
    [
        ("bash", "pspace.bash"),
        ("zsh", "_pspace.zsh"),
        ("fish", "pspace.fish"),
        ("powershell", "pspace.ps1"),
    ],
)
def test_completion_prints_the_shipped_script(pspace: Any, shell: str, file_name: str) -> None:
    run = pspace("completion", shell)

    assert run.exit_code == 0, run.stderr
    assert run.stdout == (ROOT / "completions" / file_name).read_text()
    assert run.stderr == ""


def test_completion_without_a_shell_says_how(pspace: Any) -> None:
    run = pspace("completion")
    assert run.exit_code == 0
    assert "bash" in run.stdout
    assert "source <(pspace completion bash)" in run.stdout


def test_completion_of_an_unknown_shell_is_a_usage_error(pspace: Any) -> None:
    run = pspace("completion", "tcsh")
    assert run.exit_code == 2
    assert "tcsh" in run.stderr


# -- upgrade -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "installer", "expected"),
    [
        ("/home/u/.local/share/pipx/venvs/pspace-py", "pip", "pipx upgrade pspace-py"),
        ("/home/u/.local/pipx/venvs/pspace-py", "pip", "pipx upgrade pspace-py"),
        ("/home/u/.local/share/uv/tools/pspace-py", "uv", "uv tool upgrade pspace-py"),
        (
            "/home/u/project/.venv",
            "uv",
            "uv pip install --upgrade --python /home/u/project/.venv/bin/python pspace-py",
        ),
        (
            "/home/u/project/.venv",
            "pip",
            "/home/u/project/.venv/bin/python -m pip install --upgrade pspace-py",
        ),
        ("/usr", None, "/usr/bin/python -m pip install --upgrade pspace-py"),
    ],
)
def test_upgrade_detects_how_pspace_was_installed(
    prefix: str, installer: str | None, expected: str
) -> None:
    found = installation.detect(
        prefix=prefix,
        executable=f"{prefix}/bin/python",
        installer=installer,
        direct_url=None,
    )
    assert shlex.join(found.command or []) == expected
    assert not found.editable


def test_a_source_checkout_has_no_upgrade_command() -> None:
    direct_url = json.dumps({"url": "file:///home/u/pspace-py", "dir_info": {"editable": True}})
    found = installation.detect(
        prefix="/home/u/pspace-py/.venv",
        executable="/home/u/pspace-py/.venv/bin/python",
        installer="pip",
        direct_url=direct_url,
    )
    assert found.command is None
    assert found.editable
    assert found.location == "/home/u/pspace-py"


def test_upgrade_says_what_to_run_and_runs_nothing(
    pspace: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran: list[Any] = []
    monkeypatch.setattr("subprocess.run", lambda *a, **k: ran.append(a))
    monkeypatch.setattr(
        installation,
        "current",
        lambda: installation.Installation("pipx", ["pipx", "upgrade", "pspace-py"], "/p", False),
    )

    run = pspace("upgrade")

    assert run.exit_code == 0, run.stderr
    assert "pipx upgrade pspace-py" in run.stdout
    assert "--run" in run.stderr
    assert ran == []
    assert pspace("upgrade", "--json").json() == {
        "installer": "pipx",
        "command": ["pipx", "upgrade", "pspace-py"],
        "location": "/p",
        "editable": False,
        "version": run_version(pspace),
    }


def run_version(pspace: Any) -> str:
    return str(pspace("--version").stdout.split()[-1])


def test_upgrade_run_runs_the_command_it_shows(
    pspace: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran: list[Any] = []

    class Done:
        returncode = 0

    def fake_run(command: list[str], **options: Any) -> Done:
        ran.append((command, options))
        return Done()

    monkeypatch.setattr("subprocess.run", fake_run)
    monkeypatch.setattr(
        installation,
        "current",
        lambda: installation.Installation("pipx", ["pipx", "upgrade", "pspace-py"], "/p", False),
    )

    run = pspace("upgrade", "--run")

    assert run.exit_code == 0, run.stderr
    ((command, options),) = ran
    assert command == ["pipx", "upgrade", "pspace-py"]
    assert options.get("shell", False) is False


def test_upgrade_run_reports_a_failed_command(pspace: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    class Failed:
        returncode = 3

    monkeypatch.setattr("subprocess.run", lambda *a, **k: Failed())
    monkeypatch.setattr(
        installation,
        "current",
        lambda: installation.Installation("pip", ["python", "-m", "pip"], "/p", False),
    )
    run = pspace("upgrade", "--run")
    assert run.exit_code == 1
    assert "exit 3" in run.stderr


def test_upgrade_run_of_a_missing_tool(pspace: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(*args: Any, **options: Any) -> Any:
        raise FileNotFoundError(2, "No such file or directory", "pipx")

    monkeypatch.setattr("subprocess.run", missing)
    monkeypatch.setattr(
        installation,
        "current",
        lambda: installation.Installation("pipx", ["pipx", "upgrade", "pspace-py"], "/p", False),
    )
    run = pspace("upgrade", "--run")
    assert run.exit_code == 1
    assert "pipx" in run.stderr
    assert "Traceback" not in run.stderr


def test_upgrade_of_a_source_checkout_refuses_to_run(
    pspace: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        installation, "current", lambda: installation.Installation("source", None, "/src", True)
    )
    shown = pspace("upgrade")
    assert shown.exit_code == 0
    assert "git pull" in shown.stdout
    assert "/src" in shown.stdout
    run = pspace("upgrade", "--run")
    assert run.exit_code == 5


def test_this_checkout_is_detected_as_a_source_checkout(pspace: Any) -> None:
    # The test suite runs from an editable install of this repository.
    found = installation.current()
    assert found.editable
    assert Path(found.location).resolve() == ROOT


# -- docs, console -------------------------------------------------------------------------------


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    urls: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda url, *a, **k: urls.append(url) or True)
    return urls


@pytest.mark.parametrize(
    ("args", "url"),
    [
        (("docs",), "https://docs.digitalocean.com/products/paperspace/"),
        (("docs", "machines"), "https://docs.digitalocean.com/products/paperspace/machines/"),
        (("docs", "d"), "https://docs.digitalocean.com/products/paperspace/deployments/"),
        (("docs", "deployment"), "https://docs.digitalocean.com/products/paperspace/deployments/"),
        (("console",), "https://console.paperspace.com/"),
    ],
)
def test_without_a_terminal_the_url_is_printed_and_no_browser_opens(
    pspace: Any, opened: list[str], args: tuple[str, ...], url: str
) -> None:
    run = pspace(*args)

    assert run.exit_code == 0, run.stderr
    assert run.stdout == url + "\n"
    assert opened == []


def test_on_a_terminal_the_browser_opens(
    pspace: Any, opened: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    at_a_terminal(monkeypatch)

    run = pspace("console")

    assert run.exit_code == 0, run.stderr
    assert opened == ["https://console.paperspace.com/"]
    assert "Opening" in run.stderr
    assert pspace("docs", "--no-open").exit_code == 0
    assert opened == ["https://console.paperspace.com/"]


class _Terminal:
    def isatty(self) -> bool:
        return True


def test_a_browser_opens_only_for_a_person_at_a_terminal_outside_ci(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pspace_py.cli import utility

    monkeypatch.setattr("sys.stdin", _Terminal())
    assert utility.may_open_browser()
    monkeypatch.setenv("CI", "true")
    assert not utility.may_open_browser()
    monkeypatch.setattr("sys.stdin", None)
    monkeypatch.delenv("CI")
    assert not utility.may_open_browser()


def test_the_official_url_variables_move_the_pages(
    pspace: Any, opened: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAPERSPACE_DOCS_URL", "https://docs.example.test/")
    monkeypatch.setenv("PAPERSPACE_CONSOLE_URL", "https://console.example.test")
    assert pspace("docs").stdout == "https://docs.example.test/\n"
    assert pspace("docs", "machines").stdout == "https://docs.example.test/machines/\n"
    assert pspace("console").stdout == "https://console.example.test/\n"


def test_a_browser_that_will_not_open_is_not_an_error(
    pspace: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    at_a_terminal(monkeypatch)
    monkeypatch.setattr("webbrowser.open", lambda *a, **k: False)
    run = pspace("console")
    assert run.exit_code == 0
    assert run.stdout == "https://console.paperspace.com/\n"
    assert "open it yourself" in run.stderr


def test_docs_of_an_unknown_topic(pspace: Any) -> None:
    run = pspace("docs", "bogus")
    assert run.exit_code == 2
    assert "bogus" in run.stderr


def test_docs_json(pspace: Any, opened: list[str]) -> None:
    assert pspace("docs", "--json").json() == {
        "url": "https://docs.digitalocean.com/products/paperspace/"
    }


# -- version -------------------------------------------------------------------------------------


def test_version_prints_what_dash_dash_version_prints(pspace: Any) -> None:
    assert pspace("version").stdout == pspace("--version").stdout
    assert pspace("version").stdout.startswith("pspace-py ")

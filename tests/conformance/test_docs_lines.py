"""Every `pspace` command line of Paperspace's docs, run as written through the installed
`pspace` against a served sandbox (data/docs_command_lines.json: the Machines how-to pages,
the seed's line among them, and the pspace reference pages).

Only the docs' example values are replaced: IDs by the IDs of arranged sandbox objects
(`{machine}`... as in world.py), the API key by the sandbox's, and shell redirections' target
files by files of the test. `DOCS` holds the decision for each line:

- `ok`: exits 0;
- `refused`: a destructive command without a terminal is refused, exit 5, with the `--yes`
  message (the deliberate difference from the official CLI, which never asks; README
  "Output for scripts"); the same line with `--yes` then exits 0;
- `rejected`: not a command of pspace-py: one `Error:` line, exit 2, no traceback; `why` says
  what the line is.

`why` also records where the official CLI itself does otherwise.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conformance.shell import Lines
from tests.conformance.world import GPU_TEMPLATE, SANDBOX_KEY, Api

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

DATA = Path(__file__).resolve().parent / "data" / "docs_command_lines.json"
REFUSAL = "needs confirmation. Pass --yes to go ahead without a terminal."
NOT_MACHINES = (
    "a Gradient command (deployments, projects, secrets, apps): pspace-py is a CLI for "
    "Paperspace machines"
)


@dataclass(frozen=True)
class DocLine:
    line: str  # verbatim from the docs
    expect: str  # ok | refused | rejected
    ids: dict[str, str] = field(default_factory=dict)  # the docs' example -> its replacement
    why: str = ""
    before: tuple[str, ...] = ()  # the page's earlier lines this one needs, run first


# The examples that stand for the same thing on every page.
MACHINE = {"psm9u09bwu5i": "{machine}"}
OFF = {"psm9u09bwu5i": "{off_machine}"}  # the page says to turn the machine off first
NETWORK = {"nwhoe4ox": "{network}"}
IP = {"203.0.113.0": "{ip}"}
DRIVE = {"RJFHxSmO7U03": "{drive}"}
SNAPSHOT = {"slqafgu4n6gxge": "{snapshot}"}
LISTED = "a reference page's example: fields a resource lacks are shown as '-'"

DOCS = [
    DocLine("pspace login --api-key your-api-key", "ok", {"your-api-key": SANDBOX_KEY}),
    DocLine(
        "pspace machine create -F --name your-machine-name --machine-type a100-80g "
        "--template-id tx98gvxz --region NY2 --disk-size 50",
        "ok",
        {"tx98gvxz": GPU_TEMPLATE},
        "the seed's line. A bare -F means the default fields (the official CLI prints an "
        "empty header and 'undefined'); machine types match in any case",
    ),
    DocLine("pspace machine delete psm9u09bwu5i", "refused", OFF),
    DocLine(
        "pspace template create -F --name your-template-name --machine-id psm9u09bwu5i",
        "ok",
        OFF,
        "`template` is custom-template by its old name, which the docs still use (the "
        "official CLI renamed it in 1.10.0 and answers 'Unknown command')",
    ),
    DocLine("pspace template delete tx98gvxz", "refused", {"tx98gvxz": "{template}"}),
    DocLine("pspace private-network create -F --name your-private-network-name --region NY2", "ok"),
    DocLine("pspace private-network delete nwhoe4ox", "refused", {"nwhoe4ox": "{empty_network}"}),
    DocLine("pspace public-ip assign 203.0.113.0 -F --machine-id psm9u09bwu5i", "ok", IP | MACHINE),
    DocLine("pspace public-ip release 203.0.113.0", "refused", IP),
    DocLine(
        "pspace shared-drive create -F --name your-shared-drive-name --network-id nwhoe4ox "
        "--region NY2 --size 50",
        "ok",
        NETWORK,
    ),
    DocLine("pspace shared-drive get RJFHxSmO7U03", "ok", DRIVE),
    DocLine("pspace shared-drive delete RJFHxSmO7U03", "refused", DRIVE),
    DocLine(
        "pspace snapshot create -F --name your-snapshot-name --machine-id psm9u09bwu5i",
        "ok",
        MACHINE,
    ),
    DocLine("pspace snapshot restore slqafgu4n6gxge", "refused", SNAPSHOT),
    DocLine("pspace snapshot delete slqafgu4n6gxge", "refused", SNAPSHOT),
    DocLine(
        "pspace machine update psm9u09bwu5i -F --machine-type a100-80g --disk-size 50",
        "ok",
        {"psm9u09bwu5i": "{gpu_machine}"},  # off, as the page says; a GPU type becomes another
        "the official CLI rejects this line before any request (it requires --name, "
        "--machine-type and --disk-size together); pspace-py sends only what is passed, so "
        "the docs' resize works as the page means it",
    ),
    DocLine("pspace autoscaling-group list -F name -F dtCreated", "ok"),
    DocLine(
        "$ source <(pspace completion bash)",
        "ok",
        why="run by bash as written; pspace's completion is then defined",
    ),
    DocLine(
        "$ pspace completion bash > /etc/bash_completion.d/pspace",
        "ok",
        {"/etc/bash_completion.d/pspace": "{tmp}/pspace.bash"},
    ),
    DocLine(
        "$ pspace completion bash > /usr/local/etc/bash_completion.d/pspace",
        "ok",
        {"/usr/local/etc/bash_completion.d/pspace": "{tmp}/pspace.bash"},
    ),
    DocLine(
        "$ pspace completion fish | source",
        "ok",
        {"| source": "| fish -c source"} if shutil.which("fish") else {"| source": "| cat"},
        "fish sources the script where fish is installed; elsewhere the script is checked",
    ),
    DocLine(
        "$ pspace completion fish > ~/.config/fish/completions/pspace.fish",
        "ok",
        {"~/.config/fish/completions/pspace.fish": "{tmp}/pspace.fish"},
    ),
    DocLine(
        '$ pspace completion zsh > "${fpath[1]}/_pspace"',
        "ok",
        {'"${fpath[1]}/_pspace"': "{tmp}/_pspace"},
    ),
    DocLine(
        "$ pspace completion zsh > /usr/local/share/zsh/site-functions/_pspace",
        "ok",
        {"/usr/local/share/zsh/site-functions/_pspace": "{tmp}/_pspace"},
    ),
    DocLine(
        "$ pspace completion zsh > ~/.oh-my-zsh/completions/_pspace",
        "ok",
        {"~/.oh-my-zsh/completions/_pspace": "{tmp}/_pspace"},
    ),
    DocLine(
        'pspace config set team "my-team"',
        "ok",
        why="pspace-py keeps the team in its profile; the official CLI accepts only a team "
        "it is logged in to",
    ),
    DocLine("pspace config get team", "ok", before=('pspace config set team "my-team"',)),
    DocLine(
        "pspace deployment get 123e4567-e89b-12d3-a456-426614174000", "rejected", why=NOT_MACHINES
    ),
    DocLine(
        "pspace deployment get 123e4567-e89b-12d3-a456-426614174000 -F name",
        "rejected",
        why=NOT_MACHINES,
    ),
    DocLine("pspace deployment list -F id -F name", "rejected", why=NOT_MACHINES),
    DocLine("$ pspace deployment create", "rejected", why=NOT_MACHINES),
    DocLine("$ pspace deployment create -c paperspace.json", "rejected", why=NOT_MACHINES),
    DocLine("$ pspace deployment create --cwd ../my-app", "rejected", why=NOT_MACHINES),
    DocLine("$ pspace deployment create --project-id 1234", "rejected", why=NOT_MACHINES),
    DocLine(
        "pspace deployment delete 123e4567-e89b-12d3-a456-426614174000",
        "rejected",
        why=NOT_MACHINES,
    ),
    DocLine(
        "$ pspace help commands",
        "ok",
        why="the official parser's `help` command (zcli adds `help` and `help commands` to "
        "every group), drawn by pspace-py's help (test_help_commands.py)",
    ),
    DocLine("$ pspace init", "rejected", why=NOT_MACHINES),
    DocLine("$ pspace init my-app", "rejected", why=NOT_MACHINES),
    DocLine("$ pspace init my-app -t Paperspace/gradio-demo", "rejected", why=NOT_MACHINES),
    DocLine("pspace machine-event list -F name -F dtModified", "ok", why=LISTED),
    DocLine("pspace machine list -F name -F dtModified", "ok"),
    DocLine("pspace private-network list -F name -F dtModified", "ok", why=LISTED),
    DocLine("pspace project list -F id -F name -F dtCreated", "rejected", why=NOT_MACHINES),
    DocLine(
        "pspace project update psukfyemho7 --name my-cool-project", "rejected", why=NOT_MACHINES
    ),
    DocLine("$ pspace link", "rejected", why=NOT_MACHINES),
    DocLine("$ pspace link --cwd ../my-app", "rejected", why=NOT_MACHINES),
    DocLine("$ pspace link pzwf2g05ubegj", "rejected", why=NOT_MACHINES),
    DocLine("pspace public-ip list -F name -F dtModified", "ok", why=LISTED),
    DocLine("pspace secret list -F name -F dtModified", "rejected", why=NOT_MACHINES),
    DocLine("pspace shared-drive list -F name -F dtModified", "ok"),
    DocLine("pspace snapshot list -F name -F dtModified", "ok"),
    DocLine("pspace startup-script list -F name -F dtCreated", "ok"),
    DocLine("pspace template list -F name -F dtModified", "ok"),
    DocLine("$ pspace up", "rejected", why=NOT_MACHINES),
    DocLine("$ pspace up -c paperspace.json", "rejected", why=NOT_MACHINES),
    DocLine("$ pspace up --cwd ../my-app", "rejected", why=NOT_MACHINES),
    DocLine(
        "pspace upgrade",
        "ok",
        why="says how to upgrade this installation (the official CLI replaces its own binary)",
    ),
    DocLine(
        "pspace [command] [flags]",
        "rejected",
        why="the install page's usage form, with placeholders for a command",
    ),
]


def docs_lines() -> list[dict[str, object]]:
    loaded: list[dict[str, object]] = json.loads(DATA.read_text())
    return loaded


def test_every_docs_line_has_a_decision() -> None:
    assert [entry.line for entry in DOCS] == [str(entry["line"]) for entry in docs_lines()]
    assert {entry.expect for entry in DOCS} == {"ok", "refused", "rejected"}
    seed = [str(entry["line"]) for entry in docs_lines() if entry.get("seed")]
    assert [entry.expect for entry in DOCS if entry.line in seed] == ["ok"]


@pytest.mark.parametrize("entry", DOCS, ids=[entry.line for entry in DOCS])
def test_docs_line_runs_as_written(entry: DocLine, lines: Lines) -> None:
    for earlier in entry.before:
        assert lines.run(lines.typed(earlier, entry.ids)).exit_code == 0
    typed = lines.typed(entry.line, entry.ids)
    login = typed.startswith("pspace login")

    run = lines.run(typed, key=not login)

    assert "Traceback" not in run.stderr, run.describe()
    if entry.expect == "ok":
        assert run.exit_code == 0, f"{typed}\n{run.describe()}"
    elif entry.expect == "refused":
        assert run.exit_code == 5, f"{typed}\n{run.describe()}"
        assert run.error_line.endswith(REFUSAL), run.stderr
        assert run.stdout == ""
        confirmed = lines.run(typed + " --yes")
        assert confirmed.exit_code == 0, f"{typed} --yes\n{confirmed.describe()}"
    else:
        assert run.exit_code == 2, f"{typed}\n{run.describe()}"
        assert run.error_line.startswith("Error: No such command"), run.stderr
        assert run.stdout == ""
    if login:  # the key is stored: the next command needs no PAPERSPACE_API_KEY
        assert lines.run("pspace machine list -q", key=False).exit_code == 0


def test_the_seeds_line_makes_the_machine_it_names(lines: Lines, served_api: Api) -> None:
    (seed,) = [entry for entry in DOCS if "your-machine-name" in entry.line]

    run = lines.run(lines.typed(seed.line, seed.ids) + " --json")

    assert run.exit_code == 0, run.describe()
    made = run.json()["data"]
    assert (made["name"], made["machineType"], made["region"]) == (
        "your-machine-name",
        "A100-80G",
        "East Coast (NY2)",
    )
    assert served_api.call("GET", f"/machines/{made['id']}")["storageTotal"] == 50 * 2**30


def test_the_resize_line_resizes(lines: Lines, served_api: Api) -> None:
    (resize,) = [entry for entry in DOCS if entry.line.startswith("pspace machine update")]

    assert lines.run(lines.typed(resize.line, resize.ids)).exit_code == 0

    resized = served_api.call("GET", f"/machines/{lines.world.gpu_machine}")
    assert (resized["machineType"], resized["storageTotal"]) == ("A100-80G", 50 * 2**30)


def test_completion_lines_write_the_script(lines: Lines) -> None:
    for entry in DOCS:
        if "completion" in entry.line and ">" in entry.line:
            assert lines.run(lines.typed(entry.line, entry.ids)).exit_code == 0
    assert "complete -o default -F _pspace_completion pspace" in (
        (lines.home / "pspace.bash").read_text()
    )
    assert (lines.home / "_pspace").read_text().startswith("#compdef pspace")
    assert (lines.home / "pspace.fish").read_text().startswith("complete --command pspace")
    sourced = lines.run("source <(pspace completion bash) && complete -p pspace")
    assert "_pspace_completion" in sourced.stdout, sourced.describe()

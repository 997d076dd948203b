"""Trim the research dumps to what tests/conformance reads (see ../README.md).

    python tests/conformance/data/tools/trim.py OFFICIAL_CLI_JSON DOCS_COMMAND_LINES_JSON

OFFICIAL_CLI_JSON is the full dump of the official CLI's command tree (extract.ts, with each
command's API call read from its source); DOCS_COMMAND_LINES_JSON every `pspace` line of
Paperspace's docs. Writes official_cli.json and docs_command_lines.json next to ../README.md.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[1]
FLAG_KEYS = ("long", "short", "type", "enum", "required")
API_KEYS = ("http", "params", "when")
DOCS_KEYS = ("url", "title", "line", "placeholders", "official_cli_1_10_2_vs_sandbox", "seed")


def flag(entry: dict[str, Any]) -> dict[str, Any]:
    """A flag's facts; a short alias, an enum and `required` only where the source has them.
    An `array` flag is repeated (`-F a -F b`): the official parser splits on nothing."""
    return {key: entry[key] for key in FLAG_KEYS if entry.get(key)}


def command(entry: dict[str, Any]) -> dict[str, Any]:
    return {
        "present_in_current_official": entry["present_in_current_official"],
        "args": [{"optional": arg["optional"]} for arg in entry["args"]],
        "flags": [flag(f) for f in entry["flags"]],
        "api": [{k: call[k] for k in API_KEYS if k in call} for call in entry.get("api", [])],
    }


def trim_official(full: dict[str, Any]) -> dict[str, Any]:
    meta = full["_meta"]
    groups = meta["in_scope_groups"]
    leaves = {
        name: command(entry)
        for name, entry in full.items()
        if not name.startswith("_")
        and name != "global"
        and name.split()[0] in [*groups, "template"]
        and not entry.get("subcommands")
        and "help" not in name.split()
    }
    return {
        "_source": {
            "official_cli": meta["official_source"].split(", built copy")[0],
            "parser": meta["parser"].split(" (")[0],
            "how": meta["how_generated"].split(" (a Deno")[0],
        },
        "in_scope_groups": groups,
        "global": [flag(f) for f in full["global"]["flags"]],
        "commands": dict(sorted(leaves.items())),
    }


def trim_docs(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The code-block lines (not prose usage forms or headings), each distinct line once, with
    every page it is on."""
    kept: dict[str, dict[str, Any]] = {}
    for entry in lines:
        if entry["kind"] != "code":
            continue
        line = entry["line"]
        if line not in kept:
            kept[line] = {key: entry[key] for key in DOCS_KEYS if key in entry} | {"urls": []}
            del kept[line]["url"]
        if entry["url"] not in kept[line]["urls"]:
            kept[line]["urls"].append(entry["url"])
    return list(kept.values())


def dumps(value: Any, indent: str = "") -> str:
    """JSON with one flag, argument or API call per line (diffs stay readable)."""
    inner = indent + "  "
    if isinstance(value, dict) and not ({"long", "optional", "http"} & value.keys()):
        items = [f"{inner}{json.dumps(k)}: {dumps(v, inner)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + f"\n{indent}}}" if items else "{}"
    if isinstance(value, list) and value and isinstance(value[0], dict):
        items = [inner + dumps(v, inner) for v in value]
        return "[\n" + ",\n".join(items) + f"\n{indent}]"
    return json.dumps(value, ensure_ascii=False)


def main(official: str, docs: str) -> None:
    trimmed = trim_official(json.loads(Path(official).read_text()))
    (DATA / "official_cli.json").write_text(dumps(trimmed) + "\n")
    lines = trim_docs(json.loads(Path(docs).read_text()))
    (DATA / "docs_command_lines.json").write_text(
        json.dumps(lines, indent=1, ensure_ascii=False) + "\n"
    )


if __name__ == "__main__":
    main(*sys.argv[1:])

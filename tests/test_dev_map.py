"""docs/dev/map.md, the newcomer's map of the package, names only what exists.

Every path it names (a backticked word with a slash, from the repository's root) exists; every
module it names by its file name alone exists in the package; and in its table of owners,
each name a row gives (``PRECEDENCE``, ``show_list``...) is defined in a file that row names.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAP = ROOT / "docs" / "dev" / "map.md"
FENCE = re.compile(r"^```.*?^```", re.DOTALL | re.MULTILINE)
CODE = re.compile(r"`([^`\n]+)`")
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
FILE = re.compile(r"[\w.]+\.(py|md|json)")


def named(text: str) -> list[str]:
    return CODE.findall(FENCE.sub("", text))


def test_every_path_the_map_names_exists() -> None:
    paths = [word for word in named(MAP.read_text()) if "/" in word and " " not in word]
    assert len(paths) > 40  # the map names the layers' folders and the owners' modules
    missing = [path for path in paths if not (ROOT / path).exists()]
    assert missing == []


def test_every_module_named_by_its_file_name_is_in_the_package() -> None:
    package_files = {path.name for path in (ROOT / "pspace_py").rglob("*") if path.is_file()}
    bare = [word for word in named(MAP.read_text()) if "/" not in word and FILE.fullmatch(word)]
    assert bare  # e.g. `client.py`, `decode.py`
    assert [name for name in bare if name not in package_files] == []


def owner_rows() -> list[tuple[list[str], list[str]]]:
    """(names, paths) of each row of the table under '## One owner for each fact'."""
    section = MAP.read_text().split("## One owner for each fact", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        if not line.startswith("|") or line.startswith("| ---") or line.startswith("| fact"):
            continue
        owner = line.rstrip("|").rsplit("|", 1)[1]
        words = CODE.findall(owner)
        paths = [word for word in words if word.endswith(".py")]
        names = [word for word in words if IDENTIFIER.fullmatch(word) and word.isidentifier()]
        rows.append((names, paths))
    return rows


def test_each_owner_the_map_names_is_defined_where_it_says() -> None:
    rows = owner_rows()
    assert len(rows) >= 10
    checked = 0
    for names, paths in rows:
        assert paths, f"a row of owners names no module: {names}"
        sources = [(ROOT / path).read_text() for path in paths]
        for name in names:
            definition = re.compile(rf"^\s*(def|class)\s+{name}\b|^{name}\s*[:=]", re.MULTILINE)
            method = re.compile(rf"^\s+def {name}\(", re.MULTILINE)
            assert any(definition.search(s) or method.search(s) for s in sources), (name, paths)
            checked += 1
    assert checked >= 10

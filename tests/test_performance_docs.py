"""The README's performance table and docs/performance.md's "Latest full run" show one run.

Both are printed by `python bench/report.py FILE` (`--readme` for the README) from one run's
`--json-out`; pasting a newer table into one of them alone would make them disagree.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def table_rows(text: str) -> dict[str, tuple[str, str]]:
    """Measurement -> (ratio, result) of every Markdown table row under a measurement header."""
    rows: dict[str, tuple[str, str]] = {}
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not line.startswith("|") or len(cells) < 5 or cells[0] in {"measurement", "---"}:
            continue
        ratio = next(cell for cell in cells if re.fullmatch(r"[\d.,]+×?", cell) and "." in cell)
        rows[cells[0]] = (ratio.rstrip("×"), cells[-1])
    return rows


def section(text: str, heading: str) -> str:
    start = text.index(heading)
    following = text.find("\n## ", start + len(heading))
    return text[start : following if following != -1 else len(text)]


def test_the_readme_shows_the_latest_full_run_of_docs_performance() -> None:
    readme = table_rows(section((ROOT / "README.md").read_text(), "## Performance"))
    latest = table_rows(
        section((ROOT / "docs" / "performance.md").read_text(), "## Latest full run")
    )
    assert len(readme) >= 20
    assert readme == {name: latest[name] for name in readme}


def test_a_failed_row_is_said_in_words_next_to_the_table() -> None:
    text = section((ROOT / "README.md").read_text(), "## Performance")
    failed = [name for name, (_, result) in table_rows(text).items() if "FAIL" in result]
    assert ("Every target passed" in text) == (not failed)

"""The table the harness prints, and the facts about the machine it ran on."""

from __future__ import annotations

import os
import platform
import statistics
from collections.abc import Sequence
from typing import Any

from harness import PSPACE, Result

NOISY = 0.25  # an interquartile range above this share of the median is called out


def spread(values: Sequence[float]) -> float | None:
    """Interquartile range / median: how much the runs of one measurement disagreed."""
    if len(values) < 4:
        return None
    q1, _, q3 = statistics.quantiles(values, n=4)
    middle = statistics.median(values)
    return (q3 - q1) / middle if middle else None


def noisy(result: Result) -> bool:
    return any(
        (s := spread(values)) is not None and s > NOISY
        for values in (result.samples, result.reference_samples)
    )


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "ms" and value < 10:
        return f"{value:.3f} ms"
    return f"{value:,.1f} {unit}"


def print_table(results: list[Result]) -> None:
    rows = [("measurement", "median", "reference", "ref. median", "ratio", "target", "result")]
    for result in results:
        ratio = result.ratio
        verdict = {True: "pass", False: "FAIL", None: "info"}[result.passed]
        if result.error is not None:
            verdict = "ERROR"
        rows.append(
            (
                result.name,
                format_value(result.value, result.unit) if result.error is None else "-",
                result.reference,
                format_value(result.reference_value, result.unit),
                "-" if ratio is None or result.error else f"{ratio:.2f}",
                "-" if result.target is None else f"<= {result.target:.2f}",
                verdict,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for index, row in enumerate(rows):
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
        if index == 0:
            print("  ".join("-" * width for width in widths))
    notes = []
    for result in results:
        said = [text for text in (result.error, result.note) if text]
        if noisy(result):
            said.append(f"noisy: runs spread over more than {NOISY:.0%} of the median")
        if said:
            notes.append(f"  {result.name}: {'; '.join(said)}")
    if notes:
        print("\nNotes:")
        print("\n".join(notes))
    failed = [result.name for result in results if result.passed is False]
    print()
    if failed:
        print(f"{len(failed)} target(s) FAILED:")
        for name in failed:
            print(f"  - {name}")
    else:
        print("Every target passed.")


def load_average() -> list[float]:
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except OSError:
        return []


def environment() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average_at_start": load_average(),
        "pspace": PSPACE,
    }


def markdown(document: dict[str, Any]) -> str:
    """The results of a ``--json-out`` file as the Markdown table docs/performance.md shows."""
    lines = [
        "| measurement | median | reference | ref. median | ratio | target | result |",
        "| --- | ---: | --- | ---: | ---: | ---: | --- |",
    ]
    for row in document["results"]:
        verdict = (
            "ERROR"
            if row["error"]
            else {True: "pass", False: "**FAIL**", None: "info"}[row["passed"]]
        )
        ratio = "-" if row["ratio"] is None else f"{row['ratio']:.2f}"
        target = "-" if row["target"] is None else f"≤ {row['target']:.2f}"
        cells = [
            row["name"],
            format_value(row["value"], row["unit"]),
            row["reference"],
            format_value(row["reference_value"], row["unit"]),
            ratio,
            target,
            verdict,
        ]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines) + "\n"


def readme(document: dict[str, Any]) -> str:
    """The same run as the README's short table: every row with a target, and the peers."""
    lines = [
        "| measurement | against | ratio | target | result |",
        "| --- | --- | ---: | ---: | --- |",
    ]
    for row in document["results"]:
        if row["target"] is None and not row["name"].startswith("peer: "):
            continue
        verdict = (
            "ERROR"
            if row["error"]
            else {True: "pass", False: "**FAIL**", None: "info"}[row["passed"]]
        )
        ratio = "-" if row["ratio"] is None else f"{row['ratio']:.2f}×"
        target = "-" if row["target"] is None else f"≤ {row['target']:.2f}×"
        cells = [row["name"], row["reference"], ratio, target, verdict]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    import json
    import sys
    from pathlib import Path

    # python bench/report.py bench/results.json [--readme]: the table for docs/performance.md
    # (or the README's short one), from one run's --json-out file.
    document = json.loads(Path(sys.argv[1]).read_text())
    sys.stdout.write(readme(document) if "--readme" in sys.argv[2:] else markdown(document))

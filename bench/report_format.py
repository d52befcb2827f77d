"""Markdown tables and number formats for the benchmark report."""

import datetime
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence

import srsly

MISSING = "–"


def load_results(results_dir: Path) -> Dict[str, Dict[str, Any]]:
    """Read every JSON result under a folder, keyed by its path relative to it without `.json`.

    results_dir (Path): The folder, such as bench/results.
    RETURNS (Dict[str, Dict[str, Any]]): For example {"train-ours": {...},
        "sweep/default": {...}}.
    """
    results = {}
    for path in sorted(results_dir.rglob("*.json")):
        key = path.relative_to(results_dir).with_suffix("").as_posix()
        results[key] = srsly.read_json(path)
    return results


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[Any]], aligns: str = "") -> str:
    """Render a Markdown table. `aligns` has one "l" or "r" per column; the default is "l"."""
    aligns = aligns.ljust(len(header), "l")
    separator = ["---:" if align == "r" else "---" for align in aligns]
    lines = [_row(header), _row(separator)]
    lines.extend(_row([str(cell) for cell in row]) for row in rows)
    return "\n".join(lines)


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def percent(value: Optional[float], digits: int = 2) -> str:
    """Format a fraction from 0 to 1 as a percentage without the sign."""
    return MISSING if value is None else f"{value * 100:.{digits}f}"


def number(value: Optional[float], digits: int = 0) -> str:
    """Format a number with thousands separators."""
    return MISSING if value is None else f"{value:,.{digits}f}"


def mebibytes(value: Optional[float]) -> str:
    return MISSING if value is None else f"{value / 2**20:,.0f}"


def gibibytes(value: Optional[float]) -> str:
    return MISSING if value is None else f"{value / 2**30:.2f}"


def minutes(seconds: Optional[float]) -> str:
    return MISSING if seconds is None else f"{seconds / 60:.1f}"


def ratio(numerator: Optional[float], denominator: Optional[float]) -> Optional[float]:
    """Divide, or return None if either value is missing or the denominator is 0."""
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def describe_machines(results: Dict[str, Dict[str, Any]]) -> List[str]:
    """Describe the machine of the results, and warn if there were several.

    RETURNS (List[str]): Markdown lines: a table of the machine, then a warning
        for each result measured on another machine.
    """
    machines = {key: result["machine"] for key, result in results.items() if "machine" in result}
    if not machines:
        return ["No machine description found in the results."]
    first_key = next(iter(machines))
    machine = machines[first_key]
    packages = ", ".join(f"{name} {version or 'not installed'}" for name, version in machine["packages"].items())
    rows = [
        ("CPU", machine["cpu"]),
        ("Logical CPUs", f"{machine['cpus']} ({machine['usable_cpus']} usable by the benchmark)"),
        ("Memory", f"{gibibytes(machine['memory_bytes'])} GiB"),
        ("Platform", machine["platform"]),
        ("Python", machine["python"]),
        ("Packages", packages),
    ]
    lines = [markdown_table(("", ""), rows)]
    same_hardware = ("cpu", "cpus", "usable_cpus", "memory_bytes", "packages")
    for key, other in machines.items():
        if any(other[field] != machine[field] for field in same_hardware):
            lines.append(f"\n**Warning:** `{key}.json` was measured on another machine or environment than `{first_key}.json`.")
    return lines


def date_range(results: Dict[str, Dict[str, Any]]) -> str:
    """Return the first and last measurement times, and warn if they are far apart."""
    dates = sorted(datetime.datetime.fromisoformat(r["date"]) for r in results.values() if "date" in r)
    if not dates:
        return "Measurement dates unknown."
    text = f"Measured from {dates[0]:%Y-%m-%d %H:%M} to {dates[-1]:%Y-%m-%d %H:%M} UTC."
    if dates[-1] - dates[0] > datetime.timedelta(hours=24):
        text += (
            " **Warning:** the results span more than a day, so some were not measured in"
            " the same session: rerun the whole benchmark with --force."
        )
    return text

"""Run the commands of the workflow `all`, time each, and write the results page.

The page's figures all come from files the run writes (metrics.json, the
training log, the corpus statistics) and from this script's own clock and
memory reading, so none is typed by hand:

    python scripts/run_workflow.py --config default
"""

import datetime
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, List

import srsly
import typer
from wasabi import msg

PROJECT_DIR = Path(__file__).resolve().parent.parent


def main(
    config: str = typer.Option("default", "--config", help="The config name from configs/"),
    results_page: Path = typer.Option(PROJECT_DIR / "RESULTS.md", "--results-page", help="The Markdown page to write"),
    skip_run: bool = typer.Option(False, "--skip-run", help="Write the page from the last run's timing file without running again"),
) -> None:
    """Run the commands of the workflow `all` with CONFIG, timing each, and write the results page."""
    metrics_dir = PROJECT_DIR / "metrics" / config
    timing_path = PROJECT_DIR / "training" / f"{config}-workflow.json"

    if not skip_run:
        workflow = srsly.read_yaml(PROJECT_DIR / "project.yml")["workflows"]["all"]
        started = datetime.datetime.now(datetime.timezone.utc)
        steps = []
        for name in workflow:
            command = [sys.executable, "-m", "spacy", "project", "run", name, str(PROJECT_DIR), f"--vars.config={config}", "--force"]
            step = run_timed(name, command)
            steps.append(step)
            if step["exit_code"] != 0:
                msg.fail(f"Command {name} failed with exit code {step['exit_code']}", exits=1)
        timing = {
            "command": f"python scripts/run_workflow.py --config {config}",
            "started": started.isoformat(timespec="seconds"),
            "wall_seconds": round(sum(step["seconds"] for step in steps), 1),
            "steps": steps,
            "machine": machine_description(),
        }
        srsly.write_json(timing_path, timing)
    timing = srsly.read_json(timing_path)

    page = render_results(config, timing)
    results_page.write_text(page, encoding="utf8")
    msg.good(f"Wrote {results_page}")


def run_timed(name: str, command: List[str]) -> Dict[str, Any]:
    """Run one project command, returning its wall time and peak memory."""
    msg.divider(name)
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=PROJECT_DIR)
    # wait4 reports the command's own usage together with that of the
    # processes it waited for, so ru_maxrss is the largest process's peak.
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    return {
        "name": name,
        "exit_code": os.waitstatus_to_exitcode(status),
        "seconds": round(seconds, 1),
        "peak_rss_mib": round(usage.ru_maxrss / 1024, 1),
    }


def machine_description() -> str:
    import torch

    memory_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    cpu = platform.processor() or platform.machine()
    model_names = [line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")] if Path("/proc/cpuinfo").exists() else []
    if model_names:
        cpu = model_names[0]
    return f"{os.cpu_count()} CPU cores ({cpu}), {memory_gib:.0f} GiB memory, no GPU used, Python {platform.python_version()}, torch {torch.__version__}"


def render_results(config: str, timing: Dict[str, Any]) -> str:
    """Render the results page from the run's output files."""
    metrics = srsly.read_json(PROJECT_DIR / "metrics" / config / "metrics.json")
    steps = list(srsly.read_jsonl(PROJECT_DIR / "training" / config / "train.jsonl"))
    test_stats = srsly.read_json(PROJECT_DIR / "corpus" / "test.stats.json")
    train_stats = srsly.read_json(PROJECT_DIR / "corpus" / "train.stats.json")

    lines = [
        "# Results",
        "",
        f"The full workflow with `configs/{config}.cfg` on CoNLL-2003, run on {timing['started'][:10]}.",
        f"Machine: {timing['machine']}.",
        "",
        "Produced by:",
        "",
        "```bash",
        timing["command"],
        "```",
        "",
        f"which runs each command of the workflow `all` ({', '.join(step['name'] for step in timing['steps'])}) "
        f"with `--vars.config={config}`, times it, and writes this page.",
        "",
        "## Test set (eng.testb)",
        "",
        f"Entity level, micro-averaged, {metrics.get('chunking_rule', 'conlleval chunking')}; "
        f"{test_stats['documents']} documents, {test_stats['tokens']:,} tokens, {test_stats['entities']:,} entities.",
        "",
        "| | precision | recall | F1 |",
        "|---|---:|---:|---:|",
        f"| **all types** | {pct(metrics['ents_p'])} | {pct(metrics['ents_r'])} | **{pct(metrics['ents_f'])}** |",
    ]
    for label, scores in sorted(metrics["ents_per_type"].items()):
        lines.append(f"| {label} | {pct(scores['p'])} | {pct(scores['r'])} | {pct(scores['f'])} |")
    lines += [
        "",
        f"Token accuracy (every token, `O` included): {pct(metrics['token_accuracy'])}.",
        "",
        "## Time and memory",
        "",
        "| command | wall time | peak memory of its largest process |",
        "|---|---:|---:|",
    ]
    for step in timing["steps"]:
        lines.append(f"| {step['name']} | {step['seconds'] / 60:.1f} min | {step['peak_rss_mib']:,.0f} MiB |")
    lines += [
        f"| **all** | **{timing['wall_seconds'] / 60:.1f} min** | |",
        "",
    ]
    train_seconds = next(step["seconds"] for step in timing["steps"] if step["name"] == "train")
    lines += training_summary(steps, train_stats, train_seconds)
    speed = metrics.get("speed")
    if speed:
        lines.append(f"Inference on eng.testb during `evaluate`: {speed:,.0f} words per second.")
    lines += [
        "",
        "The full report with the per-tag token table, the error breakdown and the",
        f"training plot is written to `metrics/{config}/` by the run.",
        "",
    ]
    return "\n".join(lines)


def training_summary(steps: List[Dict[str, Any]], train_stats: Dict[str, Any], train_seconds: float) -> List[str]:
    """Lines on training speed and the dev scores, from spaCy's JSONL training log."""
    if not steps:
        return []
    # The log has a row per evaluation; the last row's epoch counts from 0.
    epochs = steps[-1]["epoch"] + 1
    words = epochs * train_stats["tokens"]
    best = max(steps, key=lambda step: step["score"])
    return [
        f"Training: {epochs} epochs over {train_stats['tokens']:,} words in {train_seconds / 60:.1f} min "
        f"(evaluations on dev and saving included): {train_seconds / 60 / epochs:.1f} min per epoch, "
        f"{words / train_seconds:,.0f} words per second. Best dev (eng.testa) entity F1 "
        f"{best['score'] * 100:.2f} at step {best['step']}; that model is the one evaluated and packaged.",
        "",
    ]


def pct(value: Any) -> str:
    return "n/a" if value is None else f"{value * 100:.2f}"


if __name__ == "__main__":
    typer.run(main)

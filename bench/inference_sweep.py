"""Measure our pipeline's inference speed under different settings, one process each.

    python bench/inference_sweep.py training/default/model-best assets/eng.testb \\
        --output-dir bench/results/sweep

Each setting changes one thing from the default (batch size, sorting by
length, torch threads, processes, int8 or bfloat16), so its effect on words
per second and entity F1 shows on its own. Each runs in a fresh process, so
thread settings, quantization and peak memory do not carry over. A last run
combines the changes that helped: the best batch size, sorting if it was
faster, the fastest way to use the cores, and a lower precision if it was
faster and cost at most --max-f1-drop points of F1.
"""

import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import srsly
import typer
from wasabi import msg

from common import BENCH_DIR, parse_int_list

INFERENCE_SCRIPT = BENCH_DIR / "spacy_inference.py"
DEFAULT = "default"
COMBINED = "combined"
# A setting must beat the default by this factor to count as a help, so that
# run-to-run noise does not pick it.
MIN_SPEEDUP = 1.02


def main(
    model: str = typer.Argument(..., help="Pipeline folder or installed pipeline package."),
    data: Path = typer.Argument(..., help="Gold data: a CoNLL file or a DocBin.", exists=True, dir_okay=False),
    output_dir: Path = typer.Option(..., "--output-dir", "-o", help="Folder to write one JSON file per setting to.", file_okay=False),
    batch_size: int = typer.Option(64, "--batch-size", "-b", min=1, help="Default docs per batch."),
    batch_sizes: str = typer.Option("16,32,128,256", "--batch-sizes", help="Other batch sizes to try, comma-separated."),
    thread_counts: str = typer.Option("1", "--threads", help="torch thread counts to try, comma-separated."),
    process_counts: str = typer.Option("2", "--n-processes", help="nlp.pipe process counts to try, comma-separated; each process gets one thread."),
    max_f1_drop: float = typer.Option(0.1, "--max-f1-drop", min=0.0, help="Largest F1 loss, in points, that the combined run accepts for a lower precision."),
    limit: int = typer.Option(0, "--limit", min=0, help="Use only the first N documents. 0 uses all."),
) -> None:
    """Run spacy_inference.py once per setting and once with the settings that helped."""
    settings: List[Tuple[str, List[str]]] = [(DEFAULT, [])]
    settings += [(f"batch-{size}", ["--batch-size", str(size)]) for size in parse_int_list(batch_sizes) if size != batch_size]
    settings.append(("sorted", ["--sort-by-length"]))
    settings += [(f"threads-{n}", ["--threads", str(n)]) for n in parse_int_list(thread_counts)]
    settings += [(f"processes-{n}", ["--n-process", str(n), "--threads", "1"]) for n in parse_int_list(process_counts) if n > 1]
    settings += [("int8", ["--precision", "int8"]), ("bf16", ["--precision", "bf16"])]
    settings.append(("transformer-only", ["--transformer-only"]))

    # Results of an earlier sweep would mix into the report, for example a
    # combined run that this sweep does not repeat.
    for stale in output_dir.glob("*.json"):
        stale.unlink()
    common_args = [model, str(data), "--batch-size", str(batch_size), "--limit", str(limit)]
    results: Dict[str, Dict[str, Any]] = {}
    for name, args in settings:
        results[name] = _run(name, common_args, args, output_dir)

    combined = _combine(results, batch_size, max_f1_drop)
    if combined:
        # The later --batch-size wins in typer, so the combined one overrides the default.
        results[COMBINED] = _run(COMBINED, common_args, combined, output_dir)
    else:
        msg.info("No setting beat the default: no combined run")

    rows = [
        [name, f"{r['words_per_second']:.0f}", _f1(r), f"{r['peak_rss_bytes'] / 2**20:.0f}"]
        for name, r in results.items()
    ]
    msg.table(rows, header=("setting", "words/s", "F1", "peak RSS MiB"), aligns=("l", "r", "r", "r"), divider=True)


def _run(name: str, common_args: List[str], args: List[str], output_dir: Path) -> Dict[str, Any]:
    output = output_dir / f"{name}.json"
    command = [sys.executable, str(INFERENCE_SCRIPT)] + common_args + ["--name", name, "--output", str(output)] + args
    msg.info(f"Setting {name}: {' '.join(args) or 'defaults'}")
    process = subprocess.run(command)
    if process.returncode != 0:
        msg.fail(f"Setting {name} failed with exit status {process.returncode}", exits=process.returncode)
    result = srsly.read_json(output)
    result["sweep_args"] = args
    srsly.write_json(output, result)
    return result


def _combine(results: Dict[str, Dict[str, Any]], batch_size: int, max_f1_drop: float) -> List[str]:
    """Pick the arguments of each setting that made inference faster."""
    default = results[DEFAULT]
    base_speed = default["words_per_second"]
    args: List[str] = []

    batch_runs = {name: r for name, r in results.items() if name.startswith("batch-")}
    best_batch = _fastest(batch_runs)
    if best_batch is not None and batch_runs[best_batch]["words_per_second"] > base_speed * MIN_SPEEDUP:
        args += ["--batch-size", str(batch_runs[best_batch]["settings"]["batch_size"])]
    if results["sorted"]["words_per_second"] > base_speed * MIN_SPEEDUP:
        args.append("--sort-by-length")

    parallel_runs = {name: r for name, r in results.items() if name.startswith(("threads-", "processes-"))}
    best_parallel = _fastest(parallel_runs)
    if best_parallel is not None and parallel_runs[best_parallel]["words_per_second"] > base_speed * MIN_SPEEDUP:
        args += results[best_parallel]["sweep_args"]

    default_f1 = (default["scores"] or {}).get("ents_f") or 0.0
    precision_runs = {
        name: results[name]
        for name in ("int8", "bf16")
        if results[name]["words_per_second"] > base_speed * MIN_SPEEDUP
        and (default_f1 - ((results[name]["scores"] or {}).get("ents_f") or 0.0)) * 100 <= max_f1_drop
    }
    best_precision = _fastest(precision_runs)
    if best_precision is not None:
        args += results[best_precision]["sweep_args"]
    return args


def _fastest(runs: Dict[str, Dict[str, Any]]) -> Optional[str]:
    if not runs:
        return None
    return max(runs, key=lambda name: runs[name]["words_per_second"])


def _f1(result: Dict[str, Any]) -> str:
    scores = result.get("scores")
    if not scores or scores.get("ents_f") is None:
        return "-"
    return f"{scores['ents_f'] * 100:.2f}"


if __name__ == "__main__":
    typer.run(main)

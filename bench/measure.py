"""Run a training command and record its wall time, peak memory and speed.

    python bench/measure.py --name ours --output bench/results/train-ours.json \\
        --config configs/default.cfg --train-data corpus/train.spacy \\
        --model-dir training/default/model-best -- python -m spacy train ...

The peak resident set size is that of the largest process the command started
(the command itself or any process below it), from `getrusage(RUSAGE_CHILDREN)`.

With --from-workflow it runs nothing and takes the wall time and peak memory
of one step from the timing file of `scripts/run_workflow.py`, so the `all`
workflow's own training run is the one measured:

    python bench/measure.py --name ours --output bench/results/train-ours.json \\
        --from-workflow training/default-workflow.json --step train ...
"""

import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import srsly
import typer
from wasabi import msg

from common import count_words, folder_size_bytes, peak_rss_bytes, read_training_length, write_result


def main(
    command: Optional[List[str]] = typer.Argument(None, help="The command to run, after --."),
    name: str = typer.Option(..., "--name", help="System name, such as ours or hf."),
    output: Path = typer.Option(..., "--output", "-o", help="JSON file to write the figures to.", dir_okay=False),
    config: Optional[Path] = typer.Option(
        None, "--config", help="spaCy config whose training.max_epochs is the number of epochs the command trains.", exists=True, dir_okay=False
    ),
    epochs: Optional[int] = typer.Option(None, "--epochs", min=1, help="Epochs the command trains, if no --config gives them."),
    train_data: Optional[Path] = typer.Option(
        None, "--train-data", help="Training data (DocBin or CoNLL file) whose words, times the epochs, give the training words per second.", exists=True, dir_okay=False
    ),
    model_dir: Optional[Path] = typer.Option(None, "--model-dir", help="Folder of the trained model, whose size on disk is recorded."),
    details: Optional[Path] = typer.Option(
        None, "--details", help="JSON file that the command writes, copied into the result under 'details'.", dir_okay=False
    ),
    from_workflow: Optional[Path] = typer.Option(
        None, "--from-workflow", help="Timing file of scripts/run_workflow.py to read the step's figures from, instead of running a command.", exists=True, dir_okay=False
    ),
    step: str = typer.Option("train", "--step", help="The workflow step to read with --from-workflow."),
) -> None:
    """Run a command, then record its wall time, the peak memory of its processes,
    the training words per second and the size of the model it saved.
    """
    max_steps = 0
    if config is not None:
        length = read_training_length(config)
        max_steps = length["max_steps"]
        if epochs is None:
            epochs = length["max_epochs"] or None
    n_train_words = count_words(train_data) if train_data is not None else None

    if from_workflow is not None:
        if command:
            msg.fail("Give either a command or --from-workflow, not both", exits=1)
        command, seconds, peak_rss = read_workflow_step(from_workflow, step)
    elif command:
        command, seconds, peak_rss = run_measured(command)
    else:
        msg.fail("Give a command after -- or --from-workflow", exits=1)

    result: Dict[str, Any] = {
        "name": name,
        "command": command,
        "wall_seconds": seconds,
        "peak_rss_bytes": peak_rss,
        "config": str(config) if config is not None else None,
        "epochs": epochs,
        "max_steps": max_steps,
        "train_data": str(train_data) if train_data is not None else None,
        "train_words": n_train_words,
        "train_words_per_second": None,
        "model_dir": str(model_dir) if model_dir is not None else None,
        "model_size_bytes": folder_size_bytes(model_dir) if model_dir is not None else None,
        "details": srsly.read_json(details) if details is not None and details.is_file() else None,
    }
    # Words per second are only defined for whole epochs: a run that max_steps
    # may cut short would overstate them.
    if n_train_words is not None and epochs is not None and max_steps == 0 and seconds > 0:
        result["train_words_per_second"] = n_train_words * epochs / seconds
    write_result(output, result)
    msg.good(
        f"{name}: {seconds / 60:.1f} min, peak RSS {result['peak_rss_bytes'] / 2**30:.2f} GiB; wrote {output}"
    )


def run_measured(command: List[str]) -> Tuple[List[str], float, int]:
    """Run COMMAND, returning it as run, its wall time and its peak RSS in bytes."""
    # As in spaCy project commands, a leading "python" means this interpreter,
    # so the command runs in the same environment when PATH has another one.
    if command[0] in ("python", "python3"):
        command = [sys.executable] + command[1:]
    msg.info(f"Running: {' '.join(command)}")
    start = time.perf_counter()
    process = subprocess.run(command)
    seconds = time.perf_counter() - start
    if process.returncode != 0:
        msg.fail(f"The command failed with exit status {process.returncode} after {seconds:.0f} s", exits=process.returncode)
    return command, seconds, peak_rss_bytes(children=True)


def read_workflow_step(path: Path, step: str) -> Tuple[List[str], float, int]:
    """Read one step's command, wall time and peak RSS from a workflow timing file."""
    timing = srsly.read_json(path)
    steps = {entry["name"]: entry for entry in timing["steps"]}
    if step not in steps:
        msg.fail(f"{path} has no step '{step}'; it has: {', '.join(steps)}", exits=1)
    entry = steps[step]
    # run_workflow.py reads the peak with wait4, the same measure as
    # getrusage(RUSAGE_CHILDREN) for a command run here.
    command = [timing["command"], f"(step {step})"]
    return command, float(entry["seconds"]), int(entry["peak_rss_mib"] * 2**20)


if __name__ == "__main__":
    typer.run(main)

"""Measure what the shape features give the NER, by training without them.

    python bench/shape_ablation.py configs/default.cfg bench/training/no-shape \\
        --train corpus/train.spacy --dev corpus/dev.spacy \\
        --reference-log training/default/train.jsonl --max-steps 400 \\
        --output bench/results/shape-ablation.json

The config's NER gets its features from `spacy_bert_ner.TransformerWithShape.v1`.
This script writes a copy of the config whose NER reads the transformer
listener alone. It trains that copy for --max-steps steps with everything else
equal (data, order, seed, learning-rate schedule). Then it compares the dev F1
at each evaluation step with the same steps of the reference run's log, which
trained the config as it is. A short run is enough to see the difference and costs a
fraction of a full training.
"""

from pathlib import Path
from typing import Any, Dict, List

import typer
from spacy.cli.train import train
from spacy.util import load_config
from wasabi import msg

from common import write_result
from spacy_bert_ner.training_log import read_training_log

SHAPE_ARCHITECTURE = "spacy_bert_ner.TransformerWithShape.v1"


def main(
    config_path: Path = typer.Argument(..., help="Config whose NER uses the shape features.", exists=True, dir_okay=False),
    output_dir: Path = typer.Argument(..., help="Folder for the config without shape features and its training.", file_okay=False),
    train_path: Path = typer.Option(..., "--train", help="Training DocBin.", exists=True, dir_okay=False),
    dev_path: Path = typer.Option(..., "--dev", help="Development DocBin.", exists=True, dir_okay=False),
    reference_log: Path = typer.Option(
        ..., "--reference-log", help="JSONL training log of CONFIG_PATH trained on the same data.", exists=True, dir_okay=False
    ),
    max_steps: int = typer.Option(400, "--max-steps", min=1, help="Steps to train without the shape features."),
    output: Path = typer.Option(..., "--output", "-o", help="JSON file to write the comparison to.", dir_okay=False),
    gpu_id: int = typer.Option(-1, "--gpu-id", "-g", help="GPU to train on, or -1 for the CPU."),
) -> None:
    """Train CONFIG_PATH without its shape features and compare dev F1 step by step."""
    config = load_config(config_path, interpolate=False)
    tok2vec = config["components"]["ner"]["model"]["tok2vec"]
    if tok2vec.get("@architectures") != SHAPE_ARCHITECTURE:
        msg.fail(f"The NER of {config_path} does not use {SHAPE_ARCHITECTURE}, so there is nothing to remove", exits=1)

    # The listener block inside the shape architecture becomes the NER's
    # whole tok2vec: the same transformer features without the embeddings.
    config["components"]["ner"]["model"]["tok2vec"] = tok2vec["transformer"]
    output_dir.mkdir(parents=True, exist_ok=True)
    ablated_path = output_dir / "config.cfg"
    config.to_disk(ablated_path)
    log_path = output_dir / "train.jsonl"
    # spaCy's console logger writes nothing if its file exists.
    log_path.unlink(missing_ok=True)
    msg.info(f"Training {ablated_path} for {max_steps} steps without shape features")
    train(
        ablated_path,
        output_dir,
        use_gpu=gpu_id,
        overrides={
            "paths.train": str(train_path),
            "paths.dev": str(dev_path),
            "training.max_steps": max_steps,
            "training.logger.output_file": str(log_path),
        },
    )

    without = {step.step: step.scores.get("ents_f") for step in read_training_log(log_path)}
    with_shape = {step.step: step.scores.get("ents_f") for step in read_training_log(reference_log)}
    # Step 0 scores the untrained model, so it carries no information about the features.
    common_steps = sorted(step for step in set(without) & set(with_shape) if step > 0)
    if not common_steps:
        msg.fail(f"{reference_log} and {log_path} share no evaluation step", exits=1)
    # The logs give percentages, but result files store fractions as the scorer does.
    comparison: List[Dict[str, Any]] = [
        {"step": step, "with_shape_f": with_shape[step] / 100, "without_shape_f": without[step] / 100} for step in common_steps
    ]
    write_result(
        output,
        {
            "name": "shape-ablation",
            "config": str(config_path),
            "reference_log": str(reference_log),
            "max_steps": max_steps,
            "dev_data": str(dev_path),
            "steps": comparison,
        },
    )
    for row in comparison:
        msg.text(f"step {row['step']}: dev F1 {row['with_shape_f']:.2%} with shape features, {row['without_shape_f']:.2%} without")
    msg.good(f"Wrote {output}")


if __name__ == "__main__":
    typer.run(main)

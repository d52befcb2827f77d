"""Time one batched `nlp.pipe` pass of a spaCy pipeline over gold data and score it.

    python bench/spacy_inference.py training/default/model-best assets/eng.testb \\
        --name ours --output bench/results/inference-ours.json

The pipeline gets docs with the gold words and sentence starts, as in the
`evaluate` command, so every system is scored on the same tokens by the same
conlleval-compatible scorer. The timed pass covers `nlp.pipe` only: reading
the data and loading the pipeline are not part of it. A few documents go
through the pipeline first, untimed, so lazy set-up is not counted either.
"""

import os
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

import spacy
import torch
import typer
from spacy.tokens import Doc
from wasabi import msg

from common import folder_size_bytes, peak_rss_bytes, write_result
from spacy_bert_ner.precision import FP32, PRECISIONS, apply_precision
from spacy_bert_ner.conll import write_predictions
from spacy_bert_ner.evaluation import make_input_docs, read_gold_docs
from spacy_bert_ner.scoring import score_docs

TRANSFORMER = "transformer"


def main(
    model: str = typer.Argument(..., help="Pipeline folder or installed pipeline package."),
    data: Path = typer.Argument(..., help="Gold data: a CoNLL file or a DocBin.", exists=True, dir_okay=False),
    name: str = typer.Option(..., "--name", help="System or setting name for the report."),
    output: Path = typer.Option(..., "--output", "-o", help="JSON file to write the figures to.", dir_okay=False),
    batch_size: int = typer.Option(64, "--batch-size", "-b", min=1, help="Docs per batch for nlp.pipe."),
    sort_by_length: bool = typer.Option(False, "--sort-by-length", help="Feed the docs longest first, so batches hold docs of similar length."),
    threads: int = typer.Option(0, "--threads", min=0, help="torch.set_num_threads value. 0 keeps torch's default."),
    precision: str = typer.Option(FP32, "--precision", help=f"Transformer precision on CPU: {', '.join(PRECISIONS)}."),
    n_process: int = typer.Option(1, "--n-process", min=1, help="Processes for nlp.pipe. Each child runs torch on one thread."),
    transformer_only: bool = typer.Option(
        False, "--transformer-only", help="Run only the components up to the transformer, to time it alone. No scores."
    ),
    limit: int = typer.Option(0, "--limit", min=0, help="Use only the first N documents. 0 uses all."),
    warmup_docs: int = typer.Option(2, "--warmup-docs", min=0, help="Documents to run untimed before the timed pass."),
    predictions: Optional[Path] = typer.Option(
        None, "--predictions", help="Write `token gold predicted` lines (IOB2) to this file.", dir_okay=False
    ),
    gpu_id: int = typer.Option(-1, "--gpu-id", "-g", help="GPU to run on, or -1 for the CPU."),
) -> None:
    """Run a spaCy pipeline over gold docs in batches and record words per
    second, entity scores, peak memory and the pipeline's size on disk.
    """
    if gpu_id >= 0:
        spacy.require_gpu(gpu_id)
    if threads:
        torch.set_num_threads(threads)
    if n_process > 1:
        # Forked children cannot use the tokenizers library's thread pool, and it
        # warns once per child unless parallelism is off before the first use.
        os.environ["TOKENIZERS_PARALLELISM"] = "false"
    nlp = spacy.load(model)
    try:
        apply_precision(nlp, precision)
    except ValueError as err:
        msg.fail(str(err), exits=1)
    disabled: List[str] = []
    if transformer_only:
        if TRANSFORMER not in nlp.pipe_names:
            msg.fail(f"--transformer-only needs a component named {TRANSFORMER!r}: the pipeline has {nlp.pipe_names}", exits=1)
        disabled = nlp.pipe_names[nlp.pipe_names.index(TRANSFORMER) + 1 :]

    gold_docs, _ = read_gold_docs(data, nlp.vocab)
    if limit:
        gold_docs = gold_docs[:limit]
    input_docs = make_input_docs(gold_docs, nlp.vocab)
    order = list(range(len(input_docs)))
    if sort_by_length:
        order.sort(key=lambda i: len(input_docs[i]), reverse=True)
    ordered_docs = [input_docs[i] for i in order]

    with nlp.select_pipes(disable=disabled):
        warmup = make_input_docs(gold_docs[:warmup_docs], nlp.vocab)
        list(nlp.pipe(warmup, batch_size=batch_size))
        start = time.perf_counter()
        predicted_ordered = list(nlp.pipe(ordered_docs, batch_size=batch_size, n_process=n_process))
        seconds = time.perf_counter() - start
    predicted: List[Doc] = [None] * len(order)  # type: ignore[list-item]
    for position, index in enumerate(order):
        predicted[index] = predicted_ordered[position]
    n_words = sum(len(doc) for doc in predicted)

    scores: Optional[Dict[str, Any]] = None
    if not transformer_only:
        scores = score_docs(gold_docs, predicted).as_dict()
        scores.pop("token_level", None)
        if predictions is not None:
            write_predictions(gold_docs, predicted, predictions)

    result: Dict[str, Any] = {
        "name": name,
        "kind": "spacy",
        "model": model,
        "data": str(data),
        "settings": {
            "batch_size": batch_size,
            "sort_by_length": sort_by_length,
            "threads": torch.get_num_threads(),
            "threads_option": threads,
            "precision": precision,
            "n_process": n_process,
            "transformer_only": transformer_only,
            "limit": limit,
            "gpu_id": gpu_id,
        },
        "pipeline": [pipe for pipe in nlp.pipe_names if pipe not in disabled],
        "documents": len(gold_docs),
        "words": n_words,
        "seconds": seconds,
        "words_per_second": n_words / seconds if seconds > 0 else None,
        "scores": scores,
        "peak_rss_bytes": peak_rss_bytes(),
        # With n_process > 1 the children hold their own copy of the model.
        "peak_rss_children_bytes": peak_rss_bytes(children=True),
        "model_size_bytes": folder_size_bytes(model) if Path(model).exists() else None,
        "predictions": str(predictions) if predictions is not None and scores is not None else None,
    }
    write_result(output, result)
    f_score = f", entity F1 {scores['ents_f'] * 100:.2f}" if scores and scores["ents_f"] is not None else ""
    msg.good(f"{name}: {n_words} words in {seconds:.1f} s, {result['words_per_second']:.0f} words/s{f_score}; wrote {output}")


if __name__ == "__main__":
    typer.run(main)

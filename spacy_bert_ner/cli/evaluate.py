"""The `evaluate` command: run a pipeline on gold data, score it and write reports."""

from pathlib import Path
from typing import Any, Dict, List, Optional

import spacy
import srsly
import typer
from spacy.language import Language
from spacy.tokens import Doc
from tqdm import tqdm
from wasabi import msg

from ..conll import write_predictions
from ..evaluation import (
    find_training_log,
    make_input_docs,
    parse_label_map,
    pipeline_entity_labels,
    read_gold_docs,
    run_pipeline,
    unknown_map_labels,
)
from ..errors import Warnings
from ..reports import find_errors, render_entities_html, render_report
from ..scoring import (
    label_overlap_warning,
    map_entity_labels,
    score_sentences,
    tagged_sentences,
)
from ..training_log import plot_training_log, read_training_log
from ._app import app
from ._printing import fail, print_errors, print_scores

METRICS_FILE = "metrics.json"
REPORT_FILE = "report.md"
PREDICTIONS_FILE = "predictions.txt"
ERRORS_FILE = "errors.json"
HTML_FILE = "entities.html"
PLOT_FILE = "training.png"


@app.command("evaluate")
def evaluate_cli(
    model: str = typer.Argument(..., help="Pipeline folder or name of an installed pipeline package."),
    data_path: Path = typer.Argument(
        ..., help="Gold data: a DocBin (.spacy) or a CoNLL file.", exists=True, dir_okay=False
    ),
    output_dir: Optional[Path] = typer.Option(
        None, "--output", "-o", help="Folder to write metrics.json, report.md, predictions.txt, errors.json, entities.html and training.png to.", file_okay=False
    ),
    label_map_value: Optional[str] = typer.Option(
        None, "--label-map", "-m", help="Map pipeline labels to data labels: PERSON=PER,GPE=LOC, or a JSON file. Map a label to O to drop it."
    ),
    strict: bool = typer.Option(
        False, "--strict", help="Read entities by strict IOB2: entities that start with I- are not counted."
    ),
    batch_size: int = typer.Option(64, "--batch-size", "-b", min=1, help="Docs per batch for the pipeline."),
    gpu_id: int = typer.Option(-1, "--gpu-id", "-g", help="GPU to run on, or -1 for the CPU."),
    training_log: Optional[Path] = typer.Option(
        None, "--training-log", help="spacy train log to plot: the JSONL output_file of spacy.ConsoleLogger.v2/v3, or the printed table. Looked for next to the pipeline if left out.", exists=True, dir_okay=False
    ),
    n_docs_html: int = typer.Option(
        10, "--n-docs-html", min=0, help="Documents with the most errors to show in entities.html. 0 writes no page."
    ),
    n_examples: int = typer.Option(10, "--n-examples", min=0, help="Examples per error category in the report."),
    scheme: Optional[str] = typer.Option(
        None, "--scheme", "-s", help="Tag scheme of a CoNLL file: IOB1, IOB2 or BIOES. Detected from the tags if left out."
    ),
    tag_column: int = typer.Option(-1, "--tag-column", "-c", help="0-based tag column of a CoNLL file. Negative values count from the end, so -1 is the last column."),
    strip_token_prefix: Optional[str] = typer.Option(
        None, "--strip-token-prefix", "-p", help="Prefix to remove from the tokens of a CoNLL file, such as en: in WikiANN."
    ),
    n_sents: int = typer.Option(
        10, "--n-sents", "-n", min=1, help="Sentences per document for a CoNLL file without -DOCSTART- lines."
    ),
) -> None:
    """Evaluate an NER pipeline on gold data with conlleval-compatible scores.

    The pipeline runs on the gold words and sentence starts, so predictions
    line up token by token with the gold entities. Entity precision, recall
    and F1 are counted per sentence as conlleval counts them, or by strict
    IOB2 with --strict. Token-level figures are reported apart.
    """
    try:
        label_map = parse_label_map(label_map_value) if label_map_value else {}
    except ValueError as err:
        fail(err)
    if gpu_id >= 0:
        try:
            spacy.require_gpu(gpu_id)
        except ValueError as err:
            fail(err)
        msg.info(f"Using GPU {gpu_id}")

    try:
        nlp = spacy.load(model)
    except OSError as err:
        fail(err)
    try:
        gold_docs, conll_data = read_gold_docs(
            data_path,
            nlp.vocab,
            scheme=scheme,
            tag_column=tag_column,
            strip_token_prefix=strip_token_prefix,
            n_sents=n_sents,
        )
    except ValueError as err:
        fail(err)
    msg.info(f"Read {len(gold_docs)} documents from {data_path}")
    if conll_data is not None:
        msg.info(f"Tag scheme of {data_path.name}: {conll_data.scheme}")

    input_docs = make_input_docs(gold_docs, nlp.vocab)
    progress = tqdm(input_docs, desc="Predicting", unit="doc", leave=False, disable=None)
    run = run_pipeline(nlp, progress, batch_size=batch_size)
    msg.info(
        f"Pipeline pass: {run.n_words} words in {run.seconds:.2f} s, "
        f"{run.words_per_second:.0f} words per second"
    )

    warnings = _label_warnings(nlp, gold_docs, run.docs, label_map)
    predicted_docs = map_entity_labels(run.docs, label_map) if label_map else run.docs
    sentences = list(tagged_sentences(gold_docs, predicted_docs))
    scores = score_sentences(sentences, strict=strict)
    errors = find_errors(sentences, strict=strict, n_examples=n_examples)
    print_scores(scores)
    print_errors(errors)
    for warning in warnings:
        msg.warn(warning)
    if output_dir is None:
        msg.info("Pass --output to write the metrics and reports.")
        return

    output_dir.mkdir(parents=True, exist_ok=True)
    details = {
        "model": model,
        "data": str(data_path),
        "documents": len(gold_docs),
        "label map": ", ".join(f"{k}={v}" for k, v in label_map.items()) or "none",
        "chunking": scores.chunking,
    }
    metrics: Dict[str, Any] = scores.as_dict()
    metrics.update(
        {
            "speed": run.words_per_second,
            "seconds": run.seconds,
            "words": run.n_words,
            "model": model,
            "data": str(data_path),
            "label_map": label_map,
            "warnings": warnings,
            "error_counts": dict(errors.counts),
        }
    )
    srsly.write_json(output_dir / METRICS_FILE, metrics)
    srsly.write_json(output_dir / ERRORS_FILE, errors.to_dict())
    write_predictions(gold_docs, predicted_docs, output_dir / PREDICTIONS_FILE)
    report = render_report(
        scores,
        title=f"Evaluation of {model} on {data_path.name}",
        details=details,
        speed=run.speed(),
        errors=errors,
        warnings_=warnings,
    )
    (output_dir / REPORT_FILE).write_text(report, encoding="utf8")
    written = [METRICS_FILE, REPORT_FILE, PREDICTIONS_FILE, ERRORS_FILE]

    if n_docs_html > 0:
        page = render_entities_html(
            gold_docs,
            predicted_docs,
            errors.docs_with_most_errors(n_docs_html),
            errors_per_doc=errors.errors_per_doc,
            title=f"Gold and predicted entities: {model} on {data_path.name}",
        )
        (output_dir / HTML_FILE).write_text(page, encoding="utf8")
        written.append(HTML_FILE)
    if _plot_training(model, training_log, output_dir / PLOT_FILE):
        written.append(PLOT_FILE)
    msg.good(f"Wrote {', '.join(written)} to {output_dir}")


def _label_warnings(
    nlp: Language, gold_docs: List[Doc], predicted_docs: List[Doc], label_map: Dict[str, str]
) -> List[str]:
    """Check that the pipeline's labels, after the label map, meet the data's."""
    pipeline_labels = pipeline_entity_labels(nlp)
    pipeline_labels.update(ent.label_ for doc in predicted_docs for ent in doc.ents)
    warnings = []
    unknown = unknown_map_labels(label_map, pipeline_labels)
    if unknown:
        warnings.append(Warnings.W201.format(labels=unknown, predicted=sorted(pipeline_labels)))
    mapped = {label_map.get(label, label) for label in pipeline_labels} - {"O", ""}
    gold_labels = {ent.label_ for doc in gold_docs for ent in doc.ents}
    overlap = label_overlap_warning(gold_labels, mapped)
    if overlap is not None:
        warnings.append(overlap)
    return warnings


def _plot_training(model: str, training_log: Optional[Path], output_path: Path) -> bool:
    """Plot the given training log, or one found next to the pipeline."""
    log_path = training_log or find_training_log(model)
    if log_path is None:
        return False
    try:
        steps = read_training_log(log_path)
    except ValueError as err:
        msg.warn(f"No training plot: {err}")
        return False
    plot_training_log(steps, output_path, title=f"Training log {log_path.name}")
    msg.info(f"Plotted {len(steps)} evaluation steps from {log_path}")
    return True

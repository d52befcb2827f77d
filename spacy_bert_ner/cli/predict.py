"""The `predict` command: annotate new text with a pipeline, as a stream."""

import os
from pathlib import Path
from typing import Optional

import spacy
import typer
from tqdm import tqdm
from wasabi import msg

from ..errors import Errors, InputRecordError
from ..precision import FP32, PRECISIONS, apply_precision
from ..prediction import (
    CONLL,
    JSONL,
    ON_ERROR_OPTIONS,
    ON_ERROR_STOP,
    TEXT,
    ConllWriter,
    InputReader,
    PredictionStats,
    count_lines,
    detect_conll_separator,
    open_writer,
    predict_records,
    resolve_input_format,
    resolve_output_format,
)
from ._app import app
from ._printing import fail


@app.command("predict")
def predict_cli(
    model: str = typer.Argument(..., help="Pipeline folder or name of an installed pipeline package."),
    input_path: Path = typer.Argument(
        ...,
        help="Input file: plain text with one document per line, JSONL with a text field, or CoNLL.",
        exists=True,
        dir_okay=False,
    ),
    output_path: Path = typer.Argument(..., help="Output file: JSONL or CoNLL.", dir_okay=False),
    input_format: Optional[str] = typer.Option(
        None,
        "--input-format",
        "-i",
        help="Input format: text, jsonl or conll. Picked from the extension if left out "
        "(.txt .text, .jsonl .ndjson, .conll .iob .bio).",
    ),
    output_format: Optional[str] = typer.Option(
        None,
        "--format",
        "-f",
        help="Output format: jsonl or conll. Picked from the extension if left out "
        "(.jsonl .ndjson, .conll .iob .bio).",
    ),
    text_key: str = typer.Option("text", "--text-key", "-k", help="Field of the text in JSONL input."),
    batch_size: Optional[int] = typer.Option(
        None, "--batch-size", "-b", min=1, help="Docs per batch. The pipeline's nlp.batch_size if left out."
    ),
    n_process: int = typer.Option(
        1, "--n-process", min=1, help="Worker processes, each running PyTorch on one thread. CPU only."
    ),
    on_error: str = typer.Option(
        ON_ERROR_STOP,
        "--on-error",
        help="What to do with an invalid input record (invalid UTF-8, invalid JSON, no string "
        "text field, text longer than nlp.max_length): stop, or skip to write an error "
        "record in its place, count it and go on.",
    ),
    strip_token_prefix: Optional[str] = typer.Option(
        None,
        "--strip-token-prefix",
        "-p",
        help="Prefix to remove from the tokens of CoNLL input, such as en: in WikiANN.",
    ),
    n_sents: int = typer.Option(
        10, "--n-sents", "-n", min=1, help="Sentences per record for CoNLL input without -DOCSTART- lines."
    ),
    gpu_id: int = typer.Option(-1, "--gpu-id", "-g", help="GPU to run on, or -1 for the CPU."),
    precision: str = typer.Option(
        FP32,
        "--precision",
        help=f"Precision of the transformer on the CPU: {', '.join(PRECISIONS)}. bf16 pays off on CPUs "
        "with bfloat16 instructions (AVX512_BF16 or AMX), int8 may cost F1; BENCHMARKS.md has both measured.",
    ),
) -> None:
    """Annotate new text with an NER pipeline and write entities and IOB2 tags.

    Reads the input lazily and writes each output record as it comes, so
    memory stays flat however long the input is. Every input record gives
    exactly one output record, in input order. JSONL output has the entities
    with character and token offsets, the tokens and one IOB2 tag per token,
    and keeps the other fields of JSONL input. CoNLL output has a -DOCSTART-
    line per record and `token tag` lines.
    """
    try:
        input_format = resolve_input_format(input_format, input_path)
        output_format = resolve_output_format(output_format, output_path)
        if on_error not in ON_ERROR_OPTIONS:
            raise ValueError(Errors.E411.format(value=on_error, options=list(ON_ERROR_OPTIONS)))
        if output_path.exists() and output_path.resolve() == input_path.resolve():
            raise ValueError(Errors.E413.format(path=input_path))
        reader = InputReader(
            input_path, input_format, text_key=text_key, strip_token_prefix=strip_token_prefix, n_sents=n_sents
        )
    except ValueError as err:
        fail(err)
    if gpu_id >= 0:
        if n_process > 1:
            fail(ValueError(Errors.E414))
        if precision != FP32:
            fail(ValueError(Errors.E417.format(precision=precision)))
        try:
            spacy.require_gpu(gpu_id)
        except ValueError as err:
            fail(err)
        msg.info(f"Using GPU {gpu_id}")
    if n_process > 1:
        # The Hugging Face tokenizers library turns its threads off in forked
        # workers anyway, and prints a warning in each unless this is set.
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

    try:
        nlp = spacy.load(model)
        apply_precision(nlp, precision)
    except (OSError, ValueError) as err:
        fail(err)
    msg.info(f"Loaded {model}: {', '.join(nlp.pipe_names)}" + (f", transformer in {precision}" if precision != FP32 else ""))

    total = count_lines(input_path) if input_format in (TEXT, JSONL) else None
    separator = detect_conll_separator(input_path) if input_format == CONLL else " "
    stats = PredictionStats()
    predictions = predict_records(
        nlp,
        reader,
        batch_size=batch_size,
        n_process=n_process,
        on_error=on_error,
        path=input_path,
        stats=stats,
    )
    try:
        with open_writer(output_path, output_format, separator=separator) as writer:
            for prediction in tqdm(predictions, total=total, desc="Predicting", unit="doc", disable=None):
                writer.write(prediction)
    except InputRecordError as err:
        msg.fail(str(err))
        msg.text(
            f"Wrote the {stats.n_records} records before it to {output_path}. Fix the line, or "
            "rerun with --on-error skip to write an error record in its place and go on."
        )
        raise typer.Exit(code=1)

    msg.good(f"Wrote {stats.n_records} records to {output_path} ({output_format})")
    msg.info(
        f"{stats.n_words} words in {stats.seconds:.1f} s: {stats.docs_per_second:.1f} docs per "
        f"second, {stats.words_per_second:.0f} words per second"
    )
    if stats.n_errors:
        msg.warn(
            f"Skipped {stats.n_errors} invalid input records, first at {stats.error_lines_text}. "
            "Each has an error record in its place."
        )
    if reader.n_blank_lines:
        msg.info(f"Skipped {reader.n_blank_lines} blank lines of the JSONL input, which hold no record.")
    if isinstance(writer, ConllWriter) and writer.n_tokens_left_out:
        msg.info(
            f"Left out {writer.n_tokens_left_out} tokens that CoNLL lines cannot represent, such as "
            "whitespace tokens. The JSONL output keeps them."
        )

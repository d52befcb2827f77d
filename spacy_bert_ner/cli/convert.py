"""The `convert` command: read a CoNLL NER file and save it as a spaCy DocBin."""

from pathlib import Path
from typing import Any, Dict, List, Optional

import srsly
import typer
from spacy.tokens import DocBin
from spacy.vocab import Vocab
from tqdm import tqdm
from wasabi import msg

from ..conll import ConllData, ConllStats, document_to_doc, read_conll
from ._app import app

# How many repairs the summary lists.
N_REPAIR_EXAMPLES = 5


@app.command("convert")
def convert_cli(
    input_path: Path = typer.Argument(
        ..., help="CoNLL file to read.", exists=True, dir_okay=False
    ),
    output_path: Path = typer.Argument(
        ..., help="DocBin file to write, usually ending in .spacy.", dir_okay=False
    ),
    scheme: Optional[str] = typer.Option(
        None,
        "--scheme",
        "-s",
        help="Tag scheme of the file: IOB1, IOB2 or BIOES (BILOU). Detected from the tags "
        "if left out.",
    ),
    tag_column: int = typer.Option(
        -1,
        "--tag-column",
        "-c",
        help="0-based column of the tags. Negative values count from the end, so -1 is the "
        "last column.",
    ),
    strip_token_prefix: Optional[str] = typer.Option(
        None,
        "--strip-token-prefix",
        "-p",
        help="Prefix to remove from every token that starts with it, such as en: in WikiANN "
        "files.",
    ),
    n_sents: int = typer.Option(
        10,
        "--n-sents",
        "-n",
        min=1,
        help="Sentences per document when the file has no -DOCSTART- lines.",
    ),
    strict: bool = typer.Option(
        False,
        "--strict",
        help="Reject entities that break the scheme's rules, such as I- starts in IOB2, "
        "instead of repairing them.",
    ),
    stats_json: Optional[Path] = typer.Option(
        None,
        "--stats-json",
        help="JSON file to write the detected format and the statistics to.",
        dir_okay=False,
    ),
) -> None:
    """Convert a CoNLL NER file to a spaCy DocBin, one Doc per document.

    Reads CoNLL-2003 files (space-separated columns, IOB1 tags, -DOCSTART-
    lines) and tab-separated files such as WikiANN. Any line whose first field
    is -DOCSTART- starts a document and is never a token. Nothing is written
    if the file has an error.
    """
    try:
        data = read_conll(
            input_path,
            scheme=scheme,
            tag_column=tag_column,
            strip_token_prefix=strip_token_prefix,
            n_sents=n_sents,
            strict=strict,
        )
    except ValueError as err:
        # ConllFormatError is a ValueError, and so are invalid option values.
        # A ConllFormatError's first line names the file and line and describes
        # the problem. Its other lines quote the offending line, printed apart
        # so that wrapping keeps the quote intact.
        first_line, *other_lines = str(err).split("\n")
        msg.fail(first_line)
        for line in other_lines:
            msg.text(line)
        raise typer.Exit(code=1) from None

    stats = data.stats()
    _print_detected(data, scheme)
    _print_stats(stats)
    _print_repairs(data)

    vocab = Vocab()
    documents = tqdm(data.documents, desc="Creating Docs", unit="doc", leave=False, disable=None)
    doc_bin = DocBin(docs=(document_to_doc(document, vocab, data.scheme) for document in documents))
    output_path.parent.mkdir(parents=True, exist_ok=True)
    doc_bin.to_disk(output_path)
    msg.good(f"Wrote {len(doc_bin)} documents to {output_path}")

    if stats_json is not None:
        stats_json.parent.mkdir(parents=True, exist_ok=True)
        srsly.write_json(stats_json, _stats_record(data, stats))
        msg.good(f"Wrote statistics to {stats_json}")


def _print_detected(data: ConllData, given_scheme: Optional[str]) -> None:
    msg.info(
        f"Read {data.path}: {data.n_columns} {data.separator}-separated columns, "
        f"tags in column {data.tag_column}"
    )
    if given_scheme is None:
        msg.info(f"Tag scheme: {data.scheme} (detected)")
    elif data.scheme == data.detected_scheme:
        msg.info(f"Tag scheme: {data.scheme} (given, and detected too)")
    else:
        msg.warn(
            f"Tag scheme: {data.scheme} (given), but the tags look like {data.detected_scheme}"
        )

    if data.has_docstart:
        msg.info(f"Documents: {len(data.documents)}, one per -DOCSTART- line")
    else:
        msg.info(
            f"Documents: {len(data.documents)}, groups of {data.n_sents} sentences, "
            "because the file has no -DOCSTART- lines"
        )
    if data.n_empty_documents:
        msg.warn(f"Skipped {data.n_empty_documents} -DOCSTART- lines that start no tokens")


def _print_stats(stats: ConllStats) -> None:
    rows: List[List[Any]] = [
        ["documents", stats.documents],
        ["sentences", stats.sentences],
        ["tokens", stats.tokens],
        ["entities", stats.entities],
    ]
    rows.extend([f"  {label}", count] for label, count in stats.entities_per_type.items())
    msg.table(rows, header=("", "count"), aligns=("l", "r"), divider=True)


def _print_repairs(data: ConllData) -> None:
    if not data.repairs:
        return
    msg.warn(
        f"Repaired {data.n_repairs} entities that break the rules of {data.scheme}, "
        "reading them by conlleval's rules. Use --strict to reject them."
    )
    for repair in data.repairs[:N_REPAIR_EXAMPLES]:
        msg.text(f"  {repair}")
    if data.n_repairs > N_REPAIR_EXAMPLES:
        msg.text(f"  ... and {data.n_repairs - N_REPAIR_EXAMPLES} more")


def _stats_record(data: ConllData, stats: ConllStats) -> Dict[str, Any]:
    return {
        "path": str(data.path),
        "n_columns": data.n_columns,
        "separator": data.separator,
        "tag_column": data.tag_column,
        "scheme": data.scheme,
        "detected_scheme": data.detected_scheme,
        "documents_from": (
            "-DOCSTART-" if data.has_docstart else f"groups of {data.n_sents} sentences"
        ),
        "repairs": data.n_repairs,
        **stats.to_dict(),
    }

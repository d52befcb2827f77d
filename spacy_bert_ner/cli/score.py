"""The `score` command: score a prediction file as conlleval does, without a model."""

from pathlib import Path
from typing import Any, Dict, List, Optional

import srsly
import typer
from wasabi import msg

from ..conll import read_conll
from ..schemes import IOB2
from ..scoring import (
    conll_tagged_sentences,
    label_overlap_warning,
    score_sentences,
    tag_labels,
)
from ._app import app
from ._printing import fail, print_scores


@app.command("score")
def score_cli(
    predictions_path: Path = typer.Argument(
        ..., help="File of `token gold predicted` lines, a blank line after each sentence.", exists=True, dir_okay=False
    ),
    output: Optional[Path] = typer.Option(
        None, "--output", "-o", help="JSON file to write the scores to, as fractions from 0 to 1.", dir_okay=False
    ),
    strict: bool = typer.Option(
        False, "--strict", help="Read entities by strict IOB2: entities that start with I- are not counted."
    ),
) -> None:
    """Score predicted IOB2 tags against gold tags, with conlleval's rules.

    The last two columns of each line are the gold and the predicted tag, as
    conlleval reads them. -DOCSTART- lines are skipped. Entities are counted
    per sentence. By default an I- tag that does not continue an entity starts
    one, as in conlleval.
    """
    try:
        data = read_conll(predictions_path, scheme=IOB2)
        sentences = conll_tagged_sentences(data)
    except ValueError as err:
        fail(err)
    scores = score_sentences(sentences, strict=strict)

    msg.info(f"Read {predictions_path}: {len(sentences)} sentences")
    print_scores(scores)
    warnings: List[str] = []
    warning = label_overlap_warning(
        tag_labels(s.gold for s in sentences), tag_labels(s.predicted for s in sentences)
    )
    if warning is not None:
        msg.warn(warning)
        warnings.append(warning)

    if output is not None:
        record: Dict[str, Any] = scores.as_dict()
        record["path"] = str(predictions_path)
        record["warnings"] = warnings
        output.parent.mkdir(parents=True, exist_ok=True)
        srsly.write_json(output, record)
        msg.good(f"Wrote scores to {output}")


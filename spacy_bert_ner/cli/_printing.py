"""Print scores, errors and failures, shared by the `score` and `evaluate` commands."""

from typing import Any, List, NoReturn, Optional

import typer
from wasabi import msg

from ..reports import ERROR_CATEGORIES, ErrorBreakdown
from ..scoring import NERScores


def print_scores(scores: NERScores) -> None:
    """Print entity scores, token accuracy and the token-level table."""
    totals = scores.totals
    msg.divider("Entity level")
    msg.text(f"Chunking rule: {scores.chunking_rule}.")
    msg.text(
        f"Processed {scores.n_tokens} tokens in {scores.n_sentences} sentences with "
        f"{scores.n_gold_entities} gold entities; found {scores.n_predicted_entities}, "
        f"correct {totals.tp}."
    )
    rows: List[List[Any]] = []
    for label, counts in [("ALL (micro)", totals)] + sorted(scores.counts.items()):
        rows.append(
            [
                label,
                _percent(counts.precision),
                _percent(counts.recall),
                _percent(counts.fscore),
                counts.tp + counts.fn,
                counts.tp + counts.fp,
                counts.tp,
            ]
        )
    if not scores.counts:
        msg.warn("No entities in gold or predictions: entity scores are undefined.")
    msg.table(
        rows,
        header=("type", "P", "R", "F", "gold", "found", "correct"),
        aligns=("l", "r", "r", "r", "r", "r", "r"),
        divider=True,
    )
    msg.text(f"Token accuracy (all tokens, O included): {_percent(scores.token_accuracy)}")

    report = scores.token_report
    if report is None:
        return
    msg.divider("Token level (each IOB2 tag scored as a class)")
    token_rows: List[List[Any]] = [
        [tag, _percent(row.precision), _percent(row.recall), _percent(row.f1), row.support]
        for tag, row in list(report.per_tag.items()) + list(report.averages.items())
    ]
    msg.table(
        token_rows,
        header=("tag", "P", "R", "F", "support"),
        aligns=("l", "r", "r", "r", "r"),
        divider=True,
    )
    msg.text(f"Averages over: {', '.join(report.averaged_tags) or '(no tags)'}")


def print_errors(errors: ErrorBreakdown) -> None:
    """Print the number of errors per category."""
    msg.divider("Errors")
    rows = [[category.replace("_", " "), errors.counts[category]] for category in ERROR_CATEGORIES]
    msg.table(rows, header=("category", "count"), aligns=("l", "r"), divider=True)


def _percent(value: Optional[float]) -> str:
    return "n/a" if value is None else f"{100 * value:.2f}"


def fail(err: Exception) -> NoReturn:
    """Print an error and exit with code 1.

    A ConllFormatError's first line names the file and line and states what
    is wrong. Its other lines quote the offending line, printed apart so that
    wrapping keeps the quote intact.
    """
    first_line, *other_lines = str(err).split("\n")
    msg.fail(first_line)
    for line in other_lines:
        msg.text(line)
    raise typer.Exit(code=1)

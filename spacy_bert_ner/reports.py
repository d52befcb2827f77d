"""Reports on NER predictions: Markdown, error breakdown, displaCy pages, plots.

The error breakdown sorts every entity error into one of four categories, with
entities read per sentence by the same rule as the scores:

- wrong type: a predicted entity has the span of a gold entity but another label.
- wrong boundary: a predicted entity overlaps a gold entity without the same
  span, with the same label or another one. Each overlapping pair counts once.
- missed: a gold entity that no predicted entity overlaps.
- spurious: a predicted entity that overlaps no gold entity.
"""

import html
import re
import warnings
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence

from spacy import displacy
from spacy.displacy.render import DEFAULT_LABEL_COLORS
from spacy.tokens import Doc

from .scoring import NERScores, TaggedSentence, TagReportRow, entity_chunks

WRONG_TYPE = "wrong_type"
WRONG_BOUNDARY = "wrong_boundary"
MISSED = "missed"
SPURIOUS = "spurious"
ERROR_CATEGORIES = (WRONG_TYPE, WRONG_BOUNDARY, MISSED, SPURIOUS)
CATEGORY_TITLES = {
    WRONG_TYPE: "Wrong type (same span, other label)",
    WRONG_BOUNDARY: "Wrong boundary (overlapping span)",
    MISSED: "Missed (no overlapping prediction)",
    SPURIOUS: "Spurious (no overlapping gold entity)",
}
# Tokens shown on each side of an error in the examples.
CONTEXT_WINDOW = 8
# Colors for the CoNLL labels that displaCy has no color for.
EXTRA_LABEL_COLORS = {"PER": DEFAULT_LABEL_COLORS["PERSON"], "MISC": "#e4e7d2"}


@dataclass(frozen=True)
class Mention:
    """An entity in a sentence: tokens `start` to `end` (exclusive)."""

    start: int
    end: int
    label: str
    text: str

    def to_dict(self) -> Dict[str, Any]:
        return {"start": self.start, "end": self.end, "label": self.label, "text": self.text}


@dataclass
class EntityError:
    """One error: a gold entity, a predicted entity, or an overlapping pair."""

    category: str
    doc_index: int
    sentence_index: int
    gold: Optional[Mention]
    predicted: Optional[Mention]
    context: str

    @property
    def label(self) -> str:
        """The gold label, or the predicted label of a spurious entity."""
        mention = self.gold if self.gold is not None else self.predicted
        return mention.label  # type: ignore[union-attr]

    def to_dict(self) -> Dict[str, Any]:
        return {
            "category": self.category,
            "doc_index": self.doc_index,
            "sentence_index": self.sentence_index,
            "gold": self.gold.to_dict() if self.gold else None,
            "predicted": self.predicted.to_dict() if self.predicted else None,
            "context": self.context,
        }


@dataclass
class ErrorBreakdown:
    """Error counts per category and label, the first examples, errors per doc."""

    counts: Dict[str, int] = field(default_factory=lambda: dict.fromkeys(ERROR_CATEGORIES, 0))
    counts_per_label: Dict[str, Dict[str, int]] = field(
        default_factory=lambda: {category: {} for category in ERROR_CATEGORIES}
    )
    examples: Dict[str, List[EntityError]] = field(
        default_factory=lambda: {category: [] for category in ERROR_CATEGORIES}
    )
    errors_per_doc: Dict[int, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def docs_with_most_errors(self, n_docs: int) -> List[int]:
        """Return the indices of the `n_docs` docs with the most errors.

        n_docs (int): The maximum number of docs.
        RETURNS (List[int]): Doc indices, most errors first, ties in doc order.
        """
        ranked = sorted(self.errors_per_doc.items(), key=lambda item: (-item[1], item[0]))
        return [doc_index for doc_index, _ in ranked[:n_docs]]

    def to_dict(self) -> Dict[str, Any]:
        return {
            "counts": dict(self.counts),
            "counts_per_label": {
                category: dict(sorted(labels.items()))
                for category, labels in self.counts_per_label.items()
            },
            "examples": {
                category: [error.to_dict() for error in errors]
                for category, errors in self.examples.items()
            },
            "errors_per_doc": {str(i): n for i, n in sorted(self.errors_per_doc.items())},
        }


def find_errors(
    sentences: Iterable[TaggedSentence], *, strict: bool = False, n_examples: int = 10
) -> ErrorBreakdown:
    """Sort the entity errors of tagged sentences into the four categories.

    sentences (Iterable[TaggedSentence]): The sentences with gold and
        predicted IOB2 tags.
    strict (bool): Read entities by strict IOB2 instead of conlleval's rule,
        as the scores did.
    n_examples (int): The number of examples kept per category, in order.
    RETURNS (ErrorBreakdown): Counts, examples and errors per doc.
    """
    breakdown = ErrorBreakdown()
    for sentence_index, sentence in enumerate(sentences):
        for error in _sentence_errors(sentence, sentence_index, strict=strict):
            breakdown.counts[error.category] += 1
            per_label = breakdown.counts_per_label[error.category]
            per_label[error.label] = per_label.get(error.label, 0) + 1
            doc_errors = breakdown.errors_per_doc.get(error.doc_index, 0)
            breakdown.errors_per_doc[error.doc_index] = doc_errors + 1
            if len(breakdown.examples[error.category]) < n_examples:
                breakdown.examples[error.category].append(error)
    return breakdown


def _sentence_errors(
    sentence: TaggedSentence, sentence_index: int, *, strict: bool
) -> Iterable[EntityError]:
    gold = [_mention(sentence.words, c) for c in entity_chunks(sentence.gold, strict=strict)]
    predicted = [
        _mention(sentence.words, c) for c in entity_chunks(sentence.predicted, strict=strict)
    ]

    def error(category: str, g: Optional[Mention], p: Optional[Mention]) -> EntityError:
        context = _context(sentence.words, [m for m in (g, p) if m is not None])
        return EntityError(category, sentence.doc_index, sentence_index, g, p, context)

    # Entities of one sequence never overlap, so an exact match on the span
    # excludes any other overlap for both entities.
    for g in gold:
        overlapping = [p for p in predicted if p.start < g.end and g.start < p.end]
        same_span = [p for p in overlapping if (p.start, p.end) == (g.start, g.end)]
        if same_span:
            if same_span[0].label != g.label:
                yield error(WRONG_TYPE, g, same_span[0])
        elif overlapping:
            for p in overlapping:
                yield error(WRONG_BOUNDARY, g, p)
        else:
            yield error(MISSED, g, None)
    for p in predicted:
        if not any(g.start < p.end and p.start < g.end for g in gold):
            yield error(SPURIOUS, None, p)


def _mention(words: Sequence[str], chunk: Any) -> Mention:
    return Mention(chunk.start, chunk.end, chunk.label, " ".join(words[chunk.start : chunk.end]))


def _context(words: Sequence[str], mentions: List[Mention]) -> str:
    """Show the words around the mentions, with the mentions' tokens in [brackets]."""
    start = min(m.start for m in mentions)
    end = max(m.end for m in mentions)
    first = max(0, start - CONTEXT_WINDOW)
    last = min(len(words), end + CONTEXT_WINDOW)
    parts = ["..."] if first > 0 else []
    parts.extend(words[first:start])
    parts.append("[" + " ".join(words[start:end]) + "]")
    parts.extend(words[end:last])
    if last < len(words):
        parts.append("...")
    return " ".join(parts)


# Markdown report


def render_report(
    scores: NERScores,
    *,
    title: str = "NER evaluation",
    details: Optional[Mapping[str, Any]] = None,
    speed: Optional[Mapping[str, float]] = None,
    errors: Optional[ErrorBreakdown] = None,
    warnings_: Sequence[str] = (),
) -> str:
    """Write the Markdown report: entity scores first, then the token level.

    scores (NERScores): The scores.
    title (str): The report's heading.
    details (Optional[Mapping[str, Any]]): Rows for the table of run details,
        such as the model and the data.
    speed (Optional[Mapping[str, float]]): "words", "seconds" and
        "words_per_second" of the evaluation pass.
    errors (Optional[ErrorBreakdown]): The error breakdown to include.
    warnings_ (Sequence[str]): Warnings to show before the scores.
    RETURNS (str): The Markdown text.
    """
    lines = [f"# {title}", ""]
    if details:
        lines += ["| | |", "|---|---|"]
        lines += [f"| {_md(key)} | {_md(value)} |" for key, value in details.items()]
        lines.append("")
    if warnings_:
        lines += ["## Warnings", ""]
        lines += [f"- {_md(text)}" for text in warnings_]
        lines.append("")
    lines += _entity_section(scores)
    lines += _token_section(scores)
    if speed:
        lines += _speed_section(speed)
    if errors is not None:
        lines += _error_section(errors)
    return "\n".join(lines).rstrip("\n") + "\n"


def _entity_section(scores: NERScores) -> List[str]:
    totals = scores.totals
    lines = [
        "## Entity level",
        "",
        f"Chunking rule: {scores.chunking_rule}.",
        "",
        f"{scores.n_sentences} sentences, {scores.n_tokens} tokens, "
        f"{scores.n_gold_entities} gold entities, "
        f"{scores.n_predicted_entities} predicted, {totals.tp} correct.",
        "",
        "| type | precision | recall | F1 | gold | predicted | correct |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    rows = [("**all (micro avg)**", totals)] + sorted(scores.counts.items())
    for label, counts in rows:
        lines.append(
            f"| {label} | {_percent(counts.precision)} | {_percent(counts.recall)} "
            f"| {_percent(counts.fscore)} | {counts.tp + counts.fn} "
            f"| {counts.tp + counts.fp} | {counts.tp} |"
        )
    if not scores.counts:
        lines.append("| no entities in gold or predictions | | | | 0 | 0 | 0 |")
    lines += [
        "",
        f"Token accuracy, over all tokens with O included as conlleval counts "
        f"it: {_percent(scores.token_accuracy)}.",
        "",
    ]
    return lines


def _token_section(scores: NERScores) -> List[str]:
    report = scores.token_report
    if report is None:
        return []
    lines = [
        "## Token level",
        "",
        "These figures score each IOB2 tag as a class of its own, token by "
        "token. They are not entity scores: a partly found entity earns "
        "credit here. The averages cover the tags "
        f"{', '.join(report.averaged_tags) or '(none)'}"
        + (", without O." if "O" in report.per_tag and "O" not in report.averaged_tags else "."),
        "",
        "| tag | precision | recall | F1 | support |",
        "|---|---:|---:|---:|---:|",
    ]
    for tag, row in report.per_tag.items():
        lines.append(_token_row(tag, row))
    for name, row in report.averages.items():
        lines.append(_token_row(f"*{name}*", row))
    lines.append("")
    return lines


def _token_row(name: str, row: TagReportRow) -> str:
    return (
        f"| {name} | {_percent(row.precision)} | {_percent(row.recall)} "
        f"| {_percent(row.f1)} | {row.support} |"
    )


def _speed_section(speed: Mapping[str, float]) -> List[str]:
    return [
        "## Speed",
        "",
        f"{int(speed['words'])} words in {speed['seconds']:.2f} s: "
        f"{speed['words_per_second']:.0f} words per second for the pipeline "
        "pass, without reading the data and scoring.",
        "",
    ]


def _error_section(errors: ErrorBreakdown) -> List[str]:
    lines = [
        "## Errors",
        "",
        "| category | count | per label |",
        "|---|---:|---|",
    ]
    for category in ERROR_CATEGORIES:
        per_label = ", ".join(
            f"{label} {n}" for label, n in sorted(errors.counts_per_label[category].items())
        )
        lines.append(f"| {CATEGORY_TITLES[category]} | {errors.counts[category]} | {per_label} |")
    lines.append("")
    for category in ERROR_CATEGORIES:
        examples = errors.examples[category]
        if not examples:
            continue
        lines += [
            f"### {CATEGORY_TITLES[category]}: first {len(examples)} examples",
            "",
            "| gold | predicted | context |",
            "|---|---|---|",
        ]
        for error in examples:
            lines.append(
                f"| {_md(_describe(error.gold))} | {_md(_describe(error.predicted))} "
                f"| {_md(error.context)} |"
            )
        lines.append("")
    return lines


def _describe(mention: Optional[Mention]) -> str:
    return "(none)" if mention is None else f"{mention.text} ({mention.label})"


def _percent(value: Optional[float]) -> str:
    return "n/a" if value is None else f"{100 * value:.2f}"


def _md(value: Any) -> str:
    """Escape text for a Markdown table cell."""
    text = str(value).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")
    return re.sub(r"([*_`<>\[\]])", r"\\\1", text)


# displaCy page


def render_entities_html(
    gold_docs: Sequence[Doc],
    predicted_docs: Sequence[Doc],
    doc_indices: Iterable[int],
    *,
    errors_per_doc: Optional[Mapping[int, int]] = None,
    title: str = "Gold and predicted entities",
) -> str:
    """Render gold and predicted entities side by side with displaCy.

    gold_docs (Sequence[Doc]): The docs with gold entities.
    predicted_docs (Sequence[Doc]): The predicted docs, in the same order.
    doc_indices (Iterable[int]): The docs to show, in this order.
    errors_per_doc (Optional[Mapping[int, int]]): Error counts to show in the
        heading of each doc.
    title (str): The page title.
    RETURNS (str): A complete HTML page.
    """
    doc_indices = list(doc_indices)
    labels = {
        ent.label_
        for i in doc_indices
        for doc in (gold_docs[i], predicted_docs[i])
        for ent in doc.ents
    }
    options = {"colors": _label_colors(labels)}
    sections = []
    for i in doc_indices:
        n_errors = (errors_per_doc or {}).get(i)
        heading = f"Document {i}" + (f": {n_errors} errors" if n_errors is not None else "")
        sections.append(
            f"<section><h2>{html.escape(heading)}</h2><div class='pair'>"
            f"<div><h3>gold</h3>{_render_ents(gold_docs[i], options)}</div>"
            f"<div><h3>predicted</h3>{_render_ents(predicted_docs[i], options)}</div>"
            "</div></section>"
        )
    if not sections:
        sections.append("<p>No documents to show.</p>")
    return _HTML_PAGE.format(title=html.escape(title), body="\n".join(sections))


def _render_ents(doc: Doc, options: Dict[str, Any]) -> str:
    # displaCy warns about docs without entities, which are expected here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return displacy.render(doc, style="ent", page=False, minify=True, jupyter=False, options=options)


def _label_colors(labels: Iterable[str]) -> Dict[str, str]:
    colors = dict(EXTRA_LABEL_COLORS)
    colors.update(DEFAULT_LABEL_COLORS)
    return {label: colors[label] for label in labels if label in colors}


_HTML_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body {{ font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 2em; }}
.pair {{ display: flex; gap: 2em; }}
.pair > div {{ flex: 1; min-width: 0; border-top: 1px solid #ddd; }}
h3 {{ color: #666; font-size: 1em; }}
</style>
</head>
<body>
<h1>{title}</h1>
{body}
</body>
</html>
"""

"""Entity-level and token-level scores that match the conlleval script.

Entities are read from IOB2 tags with `schemes.iter_chunks`, one sentence at a
time, so no entity spans a sentence boundary. conlleval's rule is the default:
an I- tag that does not continue an entity of its type starts a new entity, so
gold `B-X I-X` against predicted `I-X I-X` is one correct entity. The strict
reading drops every entity that needs this repair, in gold and predictions.

Token accuracy counts every token, O included, as conlleval does. The
token-level table gives precision, recall and F1 for each IOB2 tag, like
scikit-learn's classification report, with averages over the B- and I- tags.
"""

from dataclasses import dataclass, field
from itertools import zip_longest
from typing import Any, Dict, Iterable, Iterator, List, Mapping, NamedTuple, Optional
from typing import Sequence, Set, Tuple

from spacy.tokens import Doc, Span

from .conll import ConllData, sentence_bounds, sentence_entity_tags
from .errors import ConllFormatError, Errors, InvalidTagError, Warnings
from .schemes import IOB2, OUTSIDE, Chunk, iter_chunks, parse_tag

CONLLEVAL = "conlleval"
STRICT = "strict"
CHUNKING_RULES = {
    CONLLEVAL: (
        "conlleval: an entity starts at a B- tag and also at an I- tag that does "
        "not continue an entity of the same type, as in the conlleval script"
    ),
    STRICT: (
        "strict IOB2: an entity starts only at a B- tag, and entities that start "
        "with I- are not counted, in gold or predictions"
    ),
}


class TaggedSentence(NamedTuple):
    """One sentence with its words, gold tags and predicted tags (IOB2)."""

    doc_index: int
    words: List[str]
    gold: List[str]
    predicted: List[str]


@dataclass
class PRFCounts:
    """True positives, false positives and false negatives of one label."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return _divide(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float:
        return _divide(self.tp, self.tp + self.fn)

    @property
    def fscore(self) -> float:
        return _f1(self.precision, self.recall)

    def __iadd__(self, other: "PRFCounts") -> "PRFCounts":
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        return self

    def to_dict(self) -> Dict[str, float]:
        """Return the scores in spaCy's shape, {"p", "r", "f"}, as fractions."""
        return {"p": self.precision, "r": self.recall, "f": self.fscore}


@dataclass
class TagReportRow:
    """One row of the token-level classification report."""

    precision: float
    recall: float
    f1: float
    support: int

    def to_dict(self) -> Dict[str, Any]:
        return {
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "support": self.support,
        }


@dataclass
class TokenReport:
    """The token-level classification report: one row per tag and averages.

    `per_tag` has every tag seen in gold or predictions, O included. The
    averages in `averages` ("micro avg", "macro avg", "weighted avg") cover the
    tags in `averaged_tags`, which leaves O out unless the caller asked for it.
    """

    per_tag: Dict[str, TagReportRow]
    averages: Dict[str, TagReportRow]
    averaged_tags: List[str]

    def to_dict(self) -> Dict[str, Any]:
        return {
            "per_tag": {tag: row.to_dict() for tag, row in self.per_tag.items()},
            "averages": {name: row.to_dict() for name, row in self.averages.items()},
            "averaged_tags": list(self.averaged_tags),
        }


@dataclass
class NERScores:
    """Entity-level and token-level scores of a set of predictions.

    Scores are fractions from 0 to 1. The entity scores are None when there are
    no entities in gold or predictions, as in spaCy's scorer.
    """

    chunking: str
    n_tokens: int = 0
    n_sentences: int = 0
    n_correct_tags: int = 0
    counts: Dict[str, PRFCounts] = field(default_factory=dict)
    token_report: Optional[TokenReport] = None

    @property
    def totals(self) -> PRFCounts:
        """The counts summed over all labels, which give the micro-averages."""
        total = PRFCounts()
        for counts in self.counts.values():
            total += counts
        return total

    @property
    def n_gold_entities(self) -> int:
        return self.totals.tp + self.totals.fn

    @property
    def n_predicted_entities(self) -> int:
        return self.totals.tp + self.totals.fp

    @property
    def token_accuracy(self) -> Optional[float]:
        if self.n_tokens == 0:
            return None
        return self.n_correct_tags / self.n_tokens

    @property
    def ents_p(self) -> Optional[float]:
        return self.totals.precision if self._has_entities else None

    @property
    def ents_r(self) -> Optional[float]:
        return self.totals.recall if self._has_entities else None

    @property
    def ents_f(self) -> Optional[float]:
        return self.totals.fscore if self._has_entities else None

    @property
    def ents_per_type(self) -> Optional[Dict[str, Dict[str, float]]]:
        if not self._has_entities:
            return None
        return {label: self.counts[label].to_dict() for label in sorted(self.counts)}

    @property
    def chunking_rule(self) -> str:
        """A sentence that states how entities were read from the tags."""
        return CHUNKING_RULES[self.chunking]

    @property
    def _has_entities(self) -> bool:
        totals = self.totals
        return totals.tp + totals.fp + totals.fn > 0

    def to_spacy_scores(self) -> Dict[str, Any]:
        """Return the scores under the keys spaCy's scorer uses.

        RETURNS (Dict[str, Any]): `token_accuracy`, `ents_p`, `ents_r`,
            `ents_f` and `ents_per_type` ({label: {"p", "r", "f"}}).
        """
        return {
            "token_accuracy": self.token_accuracy,
            "ents_p": self.ents_p,
            "ents_r": self.ents_r,
            "ents_f": self.ents_f,
            "ents_per_type": self.ents_per_type,
        }

    def as_dict(self) -> Dict[str, Any]:
        """Return spaCy's keys plus the counts, the chunking rule and the token table.

        RETURNS (Dict[str, Any]): A JSON-serializable dict.
        """
        totals = self.totals
        data = self.to_spacy_scores()
        data["chunking"] = self.chunking
        data["chunking_rule"] = self.chunking_rule
        data["n_tokens"] = self.n_tokens
        data["n_sentences"] = self.n_sentences
        data["n_gold_entities"] = totals.tp + totals.fn
        data["n_predicted_entities"] = totals.tp + totals.fp
        data["n_correct_entities"] = totals.tp
        data["ents_counts"] = {
            label: {"tp": c.tp, "fp": c.fp, "fn": c.fn}
            for label, c in sorted(self.counts.items())
        }
        if self.token_report is not None:
            data["token_level"] = self.token_report.to_dict()
        return data


def entity_chunks(tags: Sequence[str], *, strict: bool = False) -> List[Chunk]:
    """Read the entities of one sentence's IOB2 tags.

    tags (Sequence[str]): One IOB2 tag per token.
    strict (bool): Drop the entities that conlleval accepts but strict IOB2
        rejects, the ones that start with an I- tag.
    RETURNS (List[Chunk]): The entities in order.
    RAISES (InvalidTagError): If a tag is not O, B-TYPE or I-TYPE.
    """
    chunks = iter_chunks(tags, IOB2)
    if strict:
        return [chunk for chunk in chunks if chunk.repair is None]
    return list(chunks)


def score_tag_sequences(
    gold: Iterable[Sequence[str]],
    predicted: Iterable[Sequence[str]],
    *,
    strict: bool = False,
) -> NERScores:
    """Score predicted IOB2 tags against gold tags, sentence by sentence.

    gold (Iterable[Sequence[str]]): The gold tags of each sentence.
    predicted (Iterable[Sequence[str]]): The predicted tags of each sentence,
        in the same order and with the same lengths.
    strict (bool): Read entities by strict IOB2 instead of conlleval's rule.
    RETURNS (NERScores): The entity-level and token-level scores.
    RAISES (ValueError): If the numbers of sentences or of tags differ.
    """
    scores = NERScores(chunking=STRICT if strict else CONLLEVAL)
    tag_counts: Dict[str, PRFCounts] = {}
    pairs = zip_longest(gold, predicted)

    for i, (gold_tags, predicted_tags) in enumerate(pairs):
        if gold_tags is None or predicted_tags is None:
            raise ValueError(Errors.E200.format(index=i))
        if len(gold_tags) != len(predicted_tags):
            raise ValueError(
                Errors.E201.format(
                    index=i, n_gold=len(gold_tags), n_predicted=len(predicted_tags)
                )
            )
        scores.n_sentences += 1
        _count_entities(scores.counts, gold_tags, predicted_tags, strict=strict)
        _count_tags(tag_counts, gold_tags, predicted_tags)
        scores.n_tokens += len(gold_tags)
        scores.n_correct_tags += sum(g == p for g, p in zip(gold_tags, predicted_tags))

    scores.token_report = _build_token_report(tag_counts)
    return scores


def classification_report(
    gold: Iterable[Sequence[str]],
    predicted: Iterable[Sequence[str]],
    *,
    include_outside: bool = False,
) -> TokenReport:
    """Compute the token-level report: precision, recall and F1 per tag.

    Each tag is scored as a class of its own, over all tokens, the way
    scikit-learn's `classification_report` scores flat tag lists.

    gold (Iterable[Sequence[str]]): The gold tags of each sentence.
    predicted (Iterable[Sequence[str]]): The predicted tags of each sentence.
    include_outside (bool): Count the O tag in the averages. O dominates the
        counts, so including it pushes every average close to the accuracy.
    RETURNS (TokenReport): Rows for every tag, and the three averages.
    """
    tag_counts: Dict[str, PRFCounts] = {}
    for gold_tags, predicted_tags in zip(gold, predicted):
        _count_tags(tag_counts, gold_tags, predicted_tags)
    return _build_token_report(tag_counts, include_outside=include_outside)


def sentence_tags(
    gold_doc: Doc, predicted_doc: Doc
) -> Iterator[Tuple[List[str], List[str], List[str]]]:
    """Split a pair of docs into sentences of words, gold tags and predicted tags.

    Sentences come from the gold doc, and a doc without sentence boundaries is
    one sentence. An entity that crosses a sentence boundary is cut into one
    entity per sentence, each starting with B-, as `write_predictions` writes
    it, so scores of docs equal scores of their prediction file.

    gold_doc (Doc): The doc with the gold entities.
    predicted_doc (Doc): The doc with the predicted entities and the same words.
    YIELDS (Tuple[List[str], List[str], List[str]]): Words, gold tags and
        predicted tags of each sentence.
    RAISES (ValueError): If the docs have different words.
    """
    words = [token.text for token in gold_doc]
    predicted_words = [token.text for token in predicted_doc]
    if words != predicted_words:
        raise ValueError(_describe_word_mismatch(words, predicted_words))

    bounds = sentence_bounds(gold_doc)
    gold_tags = sentence_entity_tags(gold_doc, bounds, IOB2)
    predicted_tags = sentence_entity_tags(predicted_doc, bounds, IOB2)
    for (start, end), gold_sentence, predicted_sentence in zip(bounds, gold_tags, predicted_tags):
        yield words[start:end], gold_sentence, predicted_sentence


def tagged_sentences(
    gold_docs: Iterable[Doc], predicted_docs: Iterable[Doc]
) -> Iterator[TaggedSentence]:
    """Split pairs of gold and predicted docs into tagged sentences.

    gold_docs (Iterable[Doc]): The docs with gold entities.
    predicted_docs (Iterable[Doc]): The predicted docs, in the same order.
    YIELDS (TaggedSentence): The sentences with the index of their doc.
    RAISES (ValueError): If the numbers of docs or their words differ.
    """
    pairs = zip_longest(gold_docs, predicted_docs)
    for doc_index, (gold_doc, predicted_doc) in enumerate(pairs):
        if gold_doc is None or predicted_doc is None:
            raise ValueError(Errors.E202.format(index=doc_index))
        for words, gold, predicted in sentence_tags(gold_doc, predicted_doc):
            yield TaggedSentence(doc_index, words, gold, predicted)


def conll_tagged_sentences(data: ConllData) -> List[TaggedSentence]:
    """Take gold and predicted tags from a prediction file read with `read_conll`.

    As in conlleval, the last two columns are the gold and the predicted tag, so
    read the file with `tag_column=-1` (the default) and `scheme="IOB2"`:

        Nadim B-PER B-PER
        Ladki I-PER I-PER

    data (ConllData): The prediction file, read with the predicted tags as tags.
    RETURNS (List[TaggedSentence]): The sentences with the index of their document.
    RAISES (ConllFormatError): For the first invalid gold tag, with its line.
    """
    if data.n_columns < 3:
        raise ConllFormatError(Errors.E209.format(found=data.n_columns), path=data.path)
    sentences = []
    checked: Set[str] = set()
    for doc_index, document in enumerate(data.documents):
        for sentence in document.sentences:
            gold = [columns[-2] for columns in sentence.columns]
            for tag, line_no, columns in zip(gold, sentence.line_numbers, sentence.columns):
                if tag not in checked:
                    _check_gold_tag(tag, data, line_no, columns)
                    checked.add(tag)
            sentences.append(
                TaggedSentence(doc_index, list(sentence.words), gold, list(sentence.tags))
            )
    return sentences


def _check_gold_tag(tag: str, data: ConllData, line_no: int, columns: Sequence[str]) -> None:
    try:
        prefix = parse_tag(tag)[0]
    except InvalidTagError:
        prefix = None
    if prefix not in (OUTSIDE, "B", "I"):
        column = len(columns) - 2
        separator = "\t" if data.separator == "tab" else " "
        raise ConllFormatError(
            Errors.E208.format(tag=tag, column=column),
            path=data.path,
            line_no=line_no,
            line=separator.join(columns),
        )


def score_sentences(sentences: Iterable[TaggedSentence], *, strict: bool = False) -> NERScores:
    """Score tagged sentences with `score_tag_sequences`.

    sentences (Iterable[TaggedSentence]): The sentences.
    strict (bool): Read entities by strict IOB2 instead of conlleval's rule.
    RETURNS (NERScores): The scores.
    """
    sentences = list(sentences)
    return score_tag_sequences(
        [sentence.gold for sentence in sentences],
        [sentence.predicted for sentence in sentences],
        strict=strict,
    )


def score_docs(
    gold_docs: Iterable[Doc], predicted_docs: Iterable[Doc], *, strict: bool = False
) -> NERScores:
    """Score the entities of predicted docs against gold docs, like conlleval.

    The docs are turned into IOB2 tags per gold sentence and scored with
    `score_tag_sequences`, so the result equals conlleval's on the same docs
    written out as a prediction file.

    gold_docs (Iterable[Doc]): The docs with gold entities.
    predicted_docs (Iterable[Doc]): The predicted docs, same order, same words.
    strict (bool): Read entities by strict IOB2 instead of conlleval's rule.
    RETURNS (NERScores): The scores.
    """
    return score_sentences(tagged_sentences(gold_docs, predicted_docs), strict=strict)


def map_entity_labels(docs: Iterable[Doc], label_map: Mapping[str, str]) -> List[Doc]:
    """Copy docs with their entity labels renamed, for example PERSON to PER.

    docs (Iterable[Doc]): The docs to relabel. They are not changed.
    label_map (Mapping[str, str]): Old label to new label. Labels not in the map
        are kept. An entity whose label maps to "O" or "" is removed.
    RETURNS (List[Doc]): The relabelled copies.
    """
    relabelled = []
    for doc in docs:
        copy = doc.copy()
        ents = []
        for ent in doc.ents:
            label = label_map.get(ent.label_, ent.label_)
            if label not in ("", OUTSIDE):
                ents.append(Span(copy, ent.start, ent.end, label=label))
        copy.ents = ents
        relabelled.append(copy)
    return relabelled


def tag_labels(sentences: Iterable[Sequence[str]]) -> Set[str]:
    """Collect the entity types that occur in tag sequences.

    sentences (Iterable[Sequence[str]]): The tags of each sentence.
    RETURNS (Set[str]): The types, without prefixes.
    """
    labels = set()
    for tags in sentences:
        for tag in tags:
            label = parse_tag(tag)[1]
            if label is not None:
                labels.add(label)
    return labels


def label_overlap_warning(gold_labels: Iterable[str], predicted_labels: Iterable[str]) -> Optional[str]:
    """Return a warning when predicted and gold labels have nothing in common.

    With disjoint label sets every entity counts as an error, so the scores are
    near 0 because of naming, not because of the model.

    gold_labels (Iterable[str]): The entity labels of the data.
    predicted_labels (Iterable[str]): The labels the pipeline predicts, after
        any label map.
    RETURNS (Optional[str]): The warning, or None if the sets overlap or either
        set is empty.
    """
    gold_set = set(gold_labels)
    predicted_set = set(predicted_labels)
    if not gold_set or not predicted_set or gold_set & predicted_set:
        return None
    return Warnings.W200.format(gold=sorted(gold_set), predicted=sorted(predicted_set))


def _count_entities(
    counts: Dict[str, PRFCounts],
    gold_tags: Sequence[str],
    predicted_tags: Sequence[str],
    *,
    strict: bool,
) -> None:
    # Entities in one sequence never overlap, so exact (start, end, label)
    # matches are the entities conlleval counts as correct.
    gold = {(c.start, c.end, c.label) for c in entity_chunks(gold_tags, strict=strict)}
    predicted = {
        (c.start, c.end, c.label) for c in entity_chunks(predicted_tags, strict=strict)
    }
    for _, _, label in gold & predicted:
        counts.setdefault(label, PRFCounts()).tp += 1
    for _, _, label in predicted - gold:
        counts.setdefault(label, PRFCounts()).fp += 1
    for _, _, label in gold - predicted:
        counts.setdefault(label, PRFCounts()).fn += 1


def _count_tags(
    counts: Dict[str, PRFCounts], gold_tags: Sequence[str], predicted_tags: Sequence[str]
) -> None:
    for gold_tag, predicted_tag in zip(gold_tags, predicted_tags):
        if gold_tag == predicted_tag:
            counts.setdefault(gold_tag, PRFCounts()).tp += 1
        else:
            counts.setdefault(gold_tag, PRFCounts()).fn += 1
            counts.setdefault(predicted_tag, PRFCounts()).fp += 1


def _build_token_report(
    counts: Dict[str, PRFCounts], *, include_outside: bool = False
) -> TokenReport:
    tags = sorted(counts, key=_tag_sort_key)
    per_tag = {tag: _report_row(counts[tag]) for tag in tags}
    averaged = [tag for tag in tags if include_outside or tag != OUTSIDE]

    rows = [per_tag[tag] for tag in averaged]
    support = sum(row.support for row in rows)
    micro = PRFCounts()
    for tag in averaged:
        micro += counts[tag]
    averages = {
        "micro avg": _report_row(micro),
        "macro avg": TagReportRow(
            precision=_mean([row.precision for row in rows]),
            recall=_mean([row.recall for row in rows]),
            f1=_mean([row.f1 for row in rows]),
            support=support,
        ),
        "weighted avg": TagReportRow(
            precision=_weighted_mean([(row.precision, row.support) for row in rows]),
            recall=_weighted_mean([(row.recall, row.support) for row in rows]),
            f1=_weighted_mean([(row.f1, row.support) for row in rows]),
            support=support,
        ),
    }
    return TokenReport(per_tag=per_tag, averages=averages, averaged_tags=averaged)


def _report_row(counts: PRFCounts) -> TagReportRow:
    return TagReportRow(
        precision=counts.precision,
        recall=counts.recall,
        f1=counts.fscore,
        support=counts.tp + counts.fn,
    )


def _tag_sort_key(tag: str) -> Tuple[int, str, str]:
    # B-LOC, I-LOC, B-MISC, ... and O last, the order of the classic tables.
    if tag == OUTSIDE:
        return (1, "", "")
    prefix, _, label = tag.partition("-")
    return (0, label, prefix)


def _describe_word_mismatch(words: List[str], predicted_words: List[str]) -> str:
    position = next(
        (i for i, (a, b) in enumerate(zip(words, predicted_words)) if a != b),
        min(len(words), len(predicted_words)),
    )
    return Errors.E203.format(
        n_gold=len(words),
        n_predicted=len(predicted_words),
        position=position,
        gold=words[position : position + 3],
        predicted=predicted_words[position : position + 3],
    )


def _divide(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 0.0


def _f1(precision: float, recall: float) -> float:
    return _divide(2 * precision * recall, precision + recall)


def _mean(values: List[float]) -> float:
    return _divide(sum(values), len(values))


def _weighted_mean(values: List[Tuple[float, int]]) -> float:
    total = sum(weight for _, weight in values)
    return _divide(sum(value * weight for value, weight in values), total)

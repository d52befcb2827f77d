"""Run a pipeline over gold data for evaluation: inputs, timing, labels, logs.

The `evaluate` command puts these steps together. The pipeline receives docs
with the gold words and sentence starts but no entities, so its predictions line up
token by token with the gold docs and are scored per gold sentence.
"""

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Set, Tuple, Union

import srsly
from spacy.language import Language
from spacy.tokens import Doc, DocBin
from spacy.vocab import Vocab

from .conll import ConllData, conll_to_docs, copy_tokens, read_conll
from .errors import Errors

logger = logging.getLogger("spacy_bert_ner")

DOCBIN_SUFFIX = ".spacy"
# Log files looked for in the pipeline folder and its parent when no training
# log is given: the JSONL file of spacy.ConsoleLogger.v2/v3, then console text.
TRAINING_LOG_NAMES = ("train.jsonl", "training_log.jsonl", "log.jsonl", "train.log", "training.log")


@dataclass
class PipelineRun:
    """The predicted docs of one pass of a pipeline, and how long it took."""

    docs: List[Doc]
    n_words: int
    seconds: float

    @property
    def words_per_second(self) -> float:
        return self.n_words / self.seconds if self.seconds > 0 else 0.0

    def speed(self) -> Dict[str, float]:
        """Return "words", "seconds" and "words_per_second" of the pass."""
        return {
            "words": self.n_words,
            "seconds": self.seconds,
            "words_per_second": self.words_per_second,
        }


def read_gold_docs(
    path: Union[str, Path], vocab: Vocab, **reader_options: Any
) -> Tuple[List[Doc], Optional[ConllData]]:
    """Read gold docs from a DocBin (`.spacy`) or a CoNLL file.

    path (Union[str, Path]): The data file.
    vocab (Vocab): The vocab of the docs, usually the pipeline's.
    **reader_options: Keyword arguments of `read_conll` for CoNLL files, such
        as `scheme`, `tag_column`, `strip_token_prefix` and `n_sents`.
    RETURNS (Tuple[List[Doc], Optional[ConllData]]): The docs, and for a CoNLL
        file what the reader found (scheme, documents, repairs).
    RAISES (FileNotFoundError): If the file does not exist.
    RAISES (ValueError): If a CoNLL file is invalid.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(Errors.E207.format(kind="Data file", path=path))
    if path.suffix == DOCBIN_SUFFIX:
        return list(DocBin().from_disk(path).get_docs(vocab)), None
    data = read_conll(path, **reader_options)
    return conll_to_docs(data, vocab), data


def make_input_docs(gold_docs: Iterable[Doc], vocab: Vocab) -> List[Doc]:
    """Copy gold docs without their annotations except words and sentence starts.

    gold_docs (Iterable[Doc]): The gold docs.
    vocab (Vocab): The pipeline's vocab.
    RETURNS (List[Doc]): New docs with the same words, spaces and sentence starts.
    """
    return [copy_tokens(doc, vocab) for doc in gold_docs]


def run_pipeline(nlp: Language, docs: Iterable[Doc], *, batch_size: int = 64) -> PipelineRun:
    """Run a pipeline over docs and time the pass.

    docs (Iterable[Doc]): Input docs from `make_input_docs`. The time includes
        drawing them from the iterable, so pass a list or a cheap wrapper.
    batch_size (int): Docs per batch for `nlp.pipe`.
    RETURNS (PipelineRun): The predicted docs, their word count and the seconds.
    """
    start = time.perf_counter()
    predicted = list(nlp.pipe(docs, batch_size=batch_size))
    seconds = time.perf_counter() - start
    n_words = sum(len(doc) for doc in predicted)
    logger.info("Pipeline pass: %d words in %.2f s", n_words, seconds)
    return PipelineRun(docs=predicted, n_words=n_words, seconds=seconds)


def pipeline_entity_labels(nlp: Language) -> Set[str]:
    """Collect the labels of the components that set `doc.ents`.

    nlp (Language): The pipeline.
    RETURNS (Set[str]): The labels of components such as `ner` and
        `entity_ruler` that declare them.
    """
    labels: Set[str] = set()
    for name, component in nlp.pipeline:
        if "doc.ents" in nlp.get_pipe_meta(name).assigns:
            labels.update(getattr(component, "labels", ()) or ())
    return labels


def parse_label_map(value: str) -> Dict[str, str]:
    """Parse a label map from `PERSON=PER,GPE=LOC` or from a JSON file.

    value (str): Comma-separated PIPELINE=DATA pairs, or the path of a JSON
        file with an object from pipeline labels to data labels.
    RETURNS (Dict[str, str]): Pipeline label to data label. "O" as the data
        label drops the pipeline's entities of that label.
    RAISES (ValueError): If the value or the file's content is invalid.
    """
    path = Path(value)
    if path.suffix.lower() == ".json" or path.is_file():
        if not path.is_file():
            raise ValueError(Errors.E207.format(kind="Label map file", path=path))
        data = srsly.read_json(path)
        valid = isinstance(data, dict) and all(
            isinstance(k, str) and isinstance(v, str) and k and v for k, v in data.items()
        )
        if not valid:
            raise ValueError(Errors.E205.format(path=path))
        return dict(data)

    label_map: Dict[str, str] = {}
    for item in value.split(","):
        source, sep, target = (part.strip() for part in item.partition("="))
        if not sep or not source or not target:
            raise ValueError(Errors.E204.format(value=value))
        label_map[source] = target
    return label_map


def unknown_map_labels(label_map: Mapping[str, str], pipeline_labels: Iterable[str]) -> List[str]:
    """Return the label map's keys that the pipeline never predicts, sorted.

    A key missing from the pipeline's labels is often a typo.
    """
    known = set(pipeline_labels)
    return sorted(label for label in label_map if label not in known)


def find_training_log(model: Union[str, Path]) -> Optional[Path]:
    """Look for a training log in a pipeline folder and in its parent.

    model (Union[str, Path]): The pipeline folder, or a package name, for
        which nothing is found.
    RETURNS (Optional[Path]): The first file of `TRAINING_LOG_NAMES` found in
        the folder, then in its parent, or None.
    """
    folder = Path(model)
    if not folder.is_dir():
        return None
    for directory in (folder, folder.resolve().parent):
        for name in TRAINING_LOG_NAMES:
            candidate = directory / name
            if candidate.is_file():
                return candidate
    return None

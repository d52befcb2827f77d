"""Run a pipeline over a stream of input records with flat memory use.

Records are processed in chunks. Each chunk goes through one `nlp.pipe` call
inside `nlp.memory_zone()`, so the strings of its Docs are freed when the
chunk is done, and each Doc is copied into a plain `Prediction` before that.
After each batch, freed heap memory is handed back to the operating system.
"""

import ctypes
import ctypes.util
import dataclasses
import logging
import re
import sys
import time
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, List, Optional, Union

from spacy.language import Language
from spacy.tokens import Doc

from ..errors import Errors, InputRecordError, Warnings
from .predictions import Prediction, pipeline_tag_scheme, prediction_from_doc
from .records import ON_ERROR_OPTIONS, ON_ERROR_STOP, InputRecord

logger = logging.getLogger("spacy_bert_ner")

# Records per `nlp.pipe` call and memory zone, rounded up to whole batches.
DEFAULT_CHUNK_SIZE = 1000
# Runs of non-whitespace characters longer than this are tokenized in slices
# of this length. spaCy's tokenizer strips prefixes and suffixes one at a time
# and searches the rest of the run each time, so its time grows with the square
# of a run's length: 10,000 brackets took 12 s (spaCy 3.8, one CPU core).
MAX_RUN_CHARS = 1000
# How many line numbers of invalid records the summary lists.
N_ERROR_EXAMPLES = 5

_RUN = re.compile(r"\S+")


@dataclass
class PredictionStats:
    """Counts of one `predict_records` pass, updated as records go through.

    n_records (int): Records yielded, invalid ones included.
    n_errors (int): Invalid records, each yielded as an error record.
    error_lines (List[int]): The lines of the first invalid records.
    n_words (int): Tokens of the valid records.
    seconds (float): Time from the start of the pass to its last record.
    """

    n_records: int = 0
    n_errors: int = 0
    error_lines: List[int] = field(default_factory=list)
    n_words: int = 0
    seconds: float = 0.0

    def add(self, prediction: Prediction, seconds: float) -> None:
        """Count one yielded prediction, `seconds` after the start of the pass."""
        self.n_records += 1
        self.seconds = seconds
        if prediction.error is None:
            self.n_words += len(prediction.tokens)
            return
        self.n_errors += 1
        if len(self.error_lines) < N_ERROR_EXAMPLES:
            self.error_lines.append(prediction.record.line_no)

    @property
    def error_lines_text(self) -> str:
        """The lines of the first invalid records, as "line 5" or "lines 2, 3"."""
        numbers = ", ".join(str(line_no) for line_no in self.error_lines)
        return f"line {numbers}" if len(self.error_lines) == 1 else f"lines {numbers}"

    @property
    def docs_per_second(self) -> float:
        return self.n_records / self.seconds if self.seconds > 0 else 0.0

    @property
    def words_per_second(self) -> float:
        return self.n_words / self.seconds if self.seconds > 0 else 0.0


def predict_records(
    nlp: Language,
    records: Iterable[InputRecord],
    *,
    batch_size: Optional[int] = None,
    n_process: int = 1,
    on_error: str = ON_ERROR_STOP,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    path: Optional[Union[str, Path]] = None,
    stats: Optional[PredictionStats] = None,
) -> Iterator[Prediction]:
    """Run a pipeline over input records and yield one Prediction per record, in order.

    The records are read lazily, so memory use does not grow with their
    number. The function opens its own `nlp.memory_zone()`, so call it outside
    of one. With `n_process` > 1, PyTorch runs on one thread in each worker
    process during the pass, because forked workers that inherit PyTorch's
    OpenMP thread pool hang. The thread count is restored afterwards.

    nlp (Language): The pipeline.
    records (Iterable[InputRecord]): The records, for example from `InputReader`.
    batch_size (Optional[int]): Docs per batch, `nlp.batch_size` if None.
    n_process (int): Worker processes for `nlp.pipe`. Use 1 on a GPU.
    on_error (str): "stop" to raise at the first invalid record, after
        yielding the records before it, or "skip" to yield an error
        Prediction in its place and go on.
    chunk_size (int): Records per `nlp.pipe` call and memory zone, rounded up
        to a multiple of `batch_size` so that the batches are those of a
        single call.
    path (Optional[Union[str, Path]]): The input file, named in errors.
    stats (Optional[PredictionStats]): Counts to update during the pass.
    YIELDS (Prediction): The result of each record, in input order.
    RAISES (InputRecordError): With `on_error="stop"`, for an invalid record.
    RAISES (ValueError): If an option is invalid.
    """
    if on_error not in ON_ERROR_OPTIONS:
        raise ValueError(Errors.E411.format(value=on_error, options=list(ON_ERROR_OPTIONS)))
    batch_size = nlp.batch_size if batch_size is None else batch_size
    for name, value in (("batch_size", batch_size), ("n_process", n_process), ("chunk_size", chunk_size)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(Errors.E412.format(name=name, value=value))
    chunk_size = -(-chunk_size // batch_size) * batch_size
    stats = PredictionStats() if stats is None else stats
    stop = on_error == ON_ERROR_STOP
    tag_scheme = pipeline_tag_scheme(nlp)
    start = time.perf_counter()

    with _single_threaded_workers(n_process):
        for chunk in _chunks(records, chunk_size, nlp.max_length, stop):
            with nlp.memory_zone():
                for prediction in _predict_chunk(nlp, chunk, batch_size, n_process, tag_scheme):
                    if prediction.error is not None and stop:
                        line_no = prediction.record.line_no
                        raise InputRecordError(prediction.error, path=path, line_no=line_no)
                    stats.add(prediction, time.perf_counter() - start)
                    yield prediction
                    # With one process, the next batch is computed on demand,
                    # so this runs between batches.
                    if stats.n_records % batch_size == 0:
                        release_free_memory()
            release_free_memory()

    if stats.n_errors:
        message = Warnings.W400.format(
            path=path or "<input>", count=stats.n_errors, lines=stats.error_lines_text
        )
        logger.warning(message)


def _chunks(
    records: Iterable[InputRecord], chunk_size: int, max_length: int, stop: bool
) -> Iterator[List[InputRecord]]:
    """Group records into chunks, marking texts that are too long as invalid.

    In stop mode a chunk ends at the first invalid record, so that every record
    before it is processed and yielded before the error is raised.
    """
    chunk: List[InputRecord] = []
    for record in records:
        if record.text is not None and len(record.text) > max_length:
            message = Errors.E406.format(length=len(record.text), max_length=max_length)
            record = dataclasses.replace(record, text=None, error=message)
        chunk.append(record)
        if record.error is not None and stop:
            yield chunk
            return
        if len(chunk) >= chunk_size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _predict_chunk(
    nlp: Language,
    chunk: List[InputRecord],
    batch_size: int,
    n_process: int,
    tag_scheme: Optional[str],
) -> Iterator[Prediction]:
    """Run one `nlp.pipe` call over the valid, non-empty records of a chunk.

    Invalid and empty records never reach the pipeline. Their Predictions,
    with an error or with no tokens, are yielded in their places, between the
    pipeline's results.
    """
    if not any(_needs_pipeline(record) for record in chunk):
        # Spares starting worker processes for nothing.
        yield from (Prediction(record=record) for record in chunk)
        return
    inputs = (
        (make_input(nlp, record), index)
        for index, record in enumerate(chunk)
        if _needs_pipeline(record)
    )
    pipe = nlp.pipe(inputs, as_tuples=True, batch_size=batch_size, n_process=n_process)
    with closing(pipe) as results:
        for index, record in enumerate(chunk):
            if not _needs_pipeline(record):
                yield Prediction(record=record)
                continue
            doc, doc_index = next(results)
            if doc_index != index:
                # nlp.pipe keeps the input order, so this is a bug.
                raise RuntimeError(f"nlp.pipe returned record {doc_index} in place of {index}.")
            yield prediction_from_doc(doc, record, tag_scheme)


def _needs_pipeline(record: InputRecord) -> bool:
    """Check that a record is valid and has a character or token to predict on.

    A Doc without tokens in a batch with others makes the listener of a
    spacy-transformers pipeline return an array of width 0 for it, which a
    model that concatenates the listener's output with other features rejects
    (spacy-transformers 1.4). Empty records therefore get their Prediction
    here, without the pipeline.
    """
    return record.error is None and bool(record.text or record.words)


def make_input(nlp: Language, record: InputRecord) -> Union[str, Doc]:
    """Turn a valid record into the input of `nlp.pipe`.

    Given tokens become a Doc, separated by one space as `document_to_doc`
    separates them, with their sentence starts. A text is returned as it is,
    unless it has a run of non-whitespace characters longer than
    `MAX_RUN_CHARS`. Such a text is tokenized here, with each long run cut
    into slices of `MAX_RUN_CHARS` that the tokenizer reads one at a time,
    which keeps the time linear in the text's length.

    nlp (Language): The pipeline, whose tokenizer and vocab are used.
    record (InputRecord): A record with `words` or `text`.
    RETURNS (Union[str, Doc]): The text, or a Doc of its tokens.
    """
    if record.words is not None:
        words = record.words
        spaces = [True] * len(words)
        if spaces:
            spaces[-1] = False
        return Doc(nlp.vocab, words=words, spaces=spaces, sent_starts=record.sent_starts or None)
    text = record.text or ""
    if len(text) <= MAX_RUN_CHARS:
        return text
    doc = _tokenize_long_runs(nlp, text)
    return text if doc is None else doc


def _tokenize_long_runs(nlp: Language, text: str) -> Optional[Doc]:
    """Tokenize a text whose long runs are cut into slices, or return None if it has none.

    NOTE: A slice boundary always separates two tokens, so a token longer
    than `MAX_RUN_CHARS`, such as a very long URL, is split there.
    """
    pieces: List[str] = []
    start = 0
    for match in _RUN.finditer(text):
        if match.end() - match.start() <= MAX_RUN_CHARS:
            continue
        pieces.append(text[start : match.start()])
        for slice_start in range(match.start(), match.end(), MAX_RUN_CHARS):
            pieces.append(text[slice_start : min(slice_start + MAX_RUN_CHARS, match.end())])
        start = match.end()
    if not pieces:
        return None
    pieces.append(text[start:])

    words: List[str] = []
    spaces: List[bool] = []
    for piece in pieces:
        if not piece:
            continue
        for token in nlp.make_doc(piece):
            words.append(token.text)
            spaces.append(bool(token.whitespace_))
    return Doc(nlp.vocab, words=words, spaces=spaces)


@contextmanager
def _single_threaded_workers(n_process: int) -> Iterator[None]:
    """Set PyTorch to one thread while worker processes are forked from this one.

    A worker forked after PyTorch's OpenMP thread pool started waits forever
    at the pool's first barrier (seen with torch 2.13 CPU on Linux), unless it
    runs OpenMP with one thread. The worker inherits the setting.
    """
    torch = _import_torch() if n_process > 1 else None
    if torch is None:
        yield
        return
    n_threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(n_threads)


def _import_torch() -> Any:
    """Import PyTorch if it is installed, else return None."""
    try:
        import torch
    except ImportError:
        return None
    return torch


def _load_malloc_trim() -> Any:
    """Return glibc's `malloc_trim`, or None on other platforms and C libraries."""
    if not sys.platform.startswith("linux"):
        return None
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        return getattr(ctypes.CDLL(name), "malloc_trim", None)
    except OSError:
        return None


_MALLOC_TRIM = _load_malloc_trim()


def release_free_memory() -> None:
    """Hand heap memory that the process freed back to the operating system.

    glibc keeps freed blocks for reuse, and the tensors of varied shapes that a
    transformer allocates per batch leave them scattered, so the resident
    memory of a stream keeps growing without this. We streamed the first
    10,000 sentences of CoNLL-2003 eng.train through the tiny test pipeline
    (batch size 64, 2 shared CPU cores) and read the resident memory every
    1,000 records. It grew from 747 to 1042 MiB without trims, and stayed
    between 572 and 675 MiB with a trim after each batch. On other platforms
    this is a no-op.
    """
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)

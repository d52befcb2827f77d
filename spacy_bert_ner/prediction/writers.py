"""Write Predictions as JSONL or CoNLL, one output record per input record.

JSONL output has one JSON object per line, as `Prediction.to_dict` builds it:

    {"text": "EU rejects German call", "ents": [{"text": "EU", "label": "ORG",
    "start_char": 0, "end_char": 2, "start_token": 0, "end_token": 1}],
    "tokens": ["EU", "rejects", "German", "call"], "iob_tags": ["B-ORG", "O", "B-MISC", "O"]}

CoNLL output is written by `docs_to_conll`: a `-DOCSTART- O` line and a blank
line start each record, then one `token tag` line per token with IOB2 tags
and a blank line after each sentence. An empty or invalid record is a
`-DOCSTART- O` line with no tokens after it, so the `-DOCSTART-` lines match
the input records one to one.
"""

import json
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, TextIO, Tuple, Union

from spacy.tokens import Doc
from spacy.vocab import Vocab

from ..conll import docs_to_conll
from ..conll.data import DOCSTART
from ..schemes import IOB2, chunks_to_tags, get_chunks
from .predictions import Prediction
from .records import JSONL

SPACE_SEPARATOR = " "


class JsonlWriter:
    """Write one JSON object per line."""

    def __init__(self, file_: TextIO) -> None:
        self.file = file_

    def write(self, prediction: Prediction) -> None:
        """Write the output record of one prediction."""
        self.file.write(dumps_json(prediction.to_dict()) + "\n")


class ConllWriter:
    """Write `token tag` lines, with a `-DOCSTART- O` line before each record.

    CoNLL lines cannot represent every token: whitespace tokens, which spaCy makes
    from line breaks and repeated spaces, tokens that contain whitespace when
    the separator is a space, and a token `-DOCSTART-`, which would read as a
    document start. They are left out and counted in `n_tokens_left_out`. An
    entity keeps its tokens that remain.
    """

    def __init__(self, file_: TextIO, *, separator: str = SPACE_SEPARATOR) -> None:
        """Set up a writer.

        file_ (TextIO): The output file, open for writing.
        separator (str): " " or "\\t" between token and tag. Tokens that
            contain spaces need "\\t".
        """
        self.file = file_
        self.separator = separator
        self.n_tokens_left_out = 0
        # The Docs built for writing use a vocab of their own, and each write
        # runs in a memory zone, so its strings do not pile up.
        self.vocab = Vocab()

    def write(self, prediction: Prediction) -> None:
        """Write the tokens and IOB2 tags of one prediction as a CoNLL document."""
        with self.vocab.memory_zone():
            doc = self._make_doc(prediction)
            text = docs_to_conll([doc], IOB2, separator=self.separator, docstart=True)
        self.file.write(text)

    def _make_doc(self, prediction: Prediction) -> Doc:
        """Build a Doc of the writable tokens, with entities from the IOB2 tags."""
        tokens = prediction.tokens
        kept_indices = [i for i, token in enumerate(tokens) if self._writable(token)]
        self.n_tokens_left_out += len(tokens) - len(kept_indices)
        new_index = {old: new for new, old in enumerate(kept_indices)}

        spans: List[Tuple[int, int, str]] = []
        for chunk in get_chunks(prediction.iob_tags, IOB2):
            inside = [new_index[i] for i in range(chunk.start, chunk.end) if i in new_index]
            if inside:
                spans.append((inside[0], inside[-1] + 1, chunk.label))

        sent_starts: Optional[List[bool]] = None
        if prediction.sent_starts is not None:
            sentence_ids = _sentence_ids(prediction.sent_starts)
            sent_starts = [
                j == 0 or sentence_ids[old] != sentence_ids[kept_indices[j - 1]]
                for j, old in enumerate(kept_indices)
            ]
        words = [tokens[i] for i in kept_indices]
        ent_tags = chunks_to_tags(len(words), spans, IOB2)
        return Doc(self.vocab, words=words, sent_starts=sent_starts, ents=ent_tags)

    def _writable(self, token: str) -> bool:
        """Check a token against the rules of `docs_to_conll`."""
        if not token.strip() or any(char in token for char in "\n\r\t"):
            return False
        if self.separator == SPACE_SEPARATOR and any(char.isspace() for char in token):
            return False
        return token.split()[0] != DOCSTART


def _sentence_ids(sent_starts: List[bool]) -> List[int]:
    """Number the sentences of tokens from their sentence starts."""
    ids: List[int] = []
    sentence = -1
    for i, start in enumerate(sent_starts):
        if start or i == 0:
            sentence += 1
        ids.append(sentence)
    return ids


def dumps_json(value: Dict[str, Any]) -> str:
    """Serialize an output record as one line of JSON.

    Non-ASCII characters are written as they are, except in a record with an
    unpaired surrogate, which UTF-8 cannot encode. That record is written
    with ASCII escapes instead.
    """
    line = json.dumps(value, ensure_ascii=False)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        line = json.dumps(value)
    return line


Writer = Union[JsonlWriter, ConllWriter]


@contextmanager
def open_writer(
    path: Union[str, Path], output_format: str, *, separator: str = SPACE_SEPARATOR
) -> Iterator[Writer]:
    """Open an output file and yield a writer for its format.

    path (Union[str, Path]): The output file, written as UTF-8 with LF line
        ends. Missing parent folders are created.
    output_format (str): "jsonl" or "conll".
    separator (str): For CoNLL output, " " or "\\t" between token and tag.
    YIELDS (Union[JsonlWriter, ConllWriter]): The writer. The file is closed
        when the block ends, also on an error.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as file_:
        if output_format == JSONL:
            yield JsonlWriter(file_)
        else:
            yield ConllWriter(file_, separator=separator)

"""Read the input of `predict` lazily, one record at a time, with line numbers.

Three formats are read. Plain text has one document per line, and every line
is a record, blank ones included:

    EU rejects German call to boycott British lamb.
    Peter Blackburn

JSONL has one JSON object per line with the text in a string field, "text"
unless named otherwise. Blank lines contain no record and are skipped and counted:

    {"id": 7, "text": "EU rejects German call to boycott British lamb."}

CoNLL files give the tokens in column 0, as `read_conll` reads them. The other
columns are ignored, so a file with tokens only works too. Each document
started by a `-DOCSTART-` line is a record. Sentences before the first
`-DOCSTART-` line, or in a file without one, are grouped into records of
`n_sents` sentences.

Lines are split at LF, a CR before the LF is dropped, and a UTF-8 byte-order
mark at the start of the file is dropped. Each line is decoded apart, so an
invalid byte spoils only its own record. An invalid record is yielded with its
`error` set, never left out.
"""

import codecs
import json
import logging
import re
from pathlib import Path
from typing import Iterator, List, Optional, Tuple, Union

from ..conll.data import DOCSTART
from ..errors import Errors
from .records import INPUT_FORMATS, JSONL, TEXT, InputRecord

logger = logging.getLogger("spacy_bert_ner")

# Code points U+D800 to U+DFFF. JSON escapes can put them into a string
# unpaired, and such a string cannot be encoded for the tokenizer.
SURROGATE = re.compile("[\ud800-\udfff]")
TAB_SEPARATOR = "\t"
SPACE_SEPARATOR = " "


def iter_lines(path: Union[str, Path]) -> Iterator[Tuple[int, Optional[str], Optional[str]]]:
    """Read a file line by line and decode each line as UTF-8.

    path (Union[str, Path]): The file.
    YIELDS (Tuple[int, Optional[str], Optional[str]]): The 1-based line number,
        the text without its line end (None if invalid), and the error
        message for a line that is not valid UTF-8 (else None).
    """
    with Path(path).open("rb") as file_:
        for line_no, raw in enumerate(file_, 1):
            if raw.endswith(b"\n"):
                raw = raw[:-1]
            if raw.endswith(b"\r"):
                raw = raw[:-1]
            if line_no == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8) :]
            try:
                yield line_no, raw.decode("utf-8"), None
            except UnicodeDecodeError as err:
                yield line_no, None, Errors.E400.format(error=err)


def count_lines(path: Union[str, Path]) -> int:
    """Count the lines of a file as `iter_lines` splits them, without decoding.

    path (Union[str, Path]): The file.
    RETURNS (int): The number of lines, a last line without LF included.
    """
    n_lines = 0
    last = b""
    with Path(path).open("rb") as file_:
        for block in iter(lambda: file_.read(1 << 20), b""):
            n_lines += block.count(b"\n")
            last = block[-1:]
    return n_lines + (1 if last not in (b"", b"\n") else 0)


def detect_conll_separator(path: Union[str, Path]) -> str:
    """Return the column separator of a CoNLL file, as its first token line shows.

    A tab anywhere in the first token line makes the file tab-separated, as
    `read_conll` decides.

    path (Union[str, Path]): The file.
    RETURNS (str): "\\t" or " ". A file without token lines gives " ".
    """
    for _, line, _ in iter_lines(path):
        if line is None or not line.strip() or line.split()[0] == DOCSTART:
            continue
        return TAB_SEPARATOR if TAB_SEPARATOR in line else SPACE_SEPARATOR
    return SPACE_SEPARATOR


class InputReader:
    """Read the records of an input file lazily, in file order.

    Iterating reads the file again from its start. Counts of the last pass are
    kept on the reader.
    """

    def __init__(
        self,
        path: Union[str, Path],
        input_format: str,
        *,
        text_key: str = "text",
        strip_token_prefix: Optional[str] = None,
        n_sents: int = 10,
    ) -> None:
        """Set up a reader. Nothing is read until iteration starts.

        path (Union[str, Path]): The input file.
        input_format (str): "text", "jsonl" or "conll".
        text_key (str): The field of the text in JSONL objects.
        strip_token_prefix (Optional[str]): For CoNLL input, a prefix removed from
            every token that starts with it, such as "en:" in WikiANN files.
        n_sents (int): For CoNLL input, the sentences per record before the
            first `-DOCSTART-` line.
        RAISES (ValueError): If an option is invalid.
        """
        if input_format not in INPUT_FORMATS:
            message = Errors.E409.format(kind="input", value=input_format, options=list(INPUT_FORMATS))
            raise ValueError(message)
        if isinstance(n_sents, bool) or not isinstance(n_sents, int) or n_sents < 1:
            raise ValueError(Errors.E412.format(name="n_sents", value=n_sents))
        self.path = Path(path)
        self.input_format = input_format
        self.text_key = text_key
        self.strip_token_prefix = strip_token_prefix
        self.n_sents = n_sents
        # Blank lines of a JSONL file, which contain no record.
        self.n_blank_lines = 0

    def __iter__(self) -> Iterator[InputRecord]:
        self.n_blank_lines = 0
        if self.input_format == TEXT:
            return self._read_text()
        if self.input_format == JSONL:
            return self._read_jsonl()
        return _ConllRecords(self.path, self.strip_token_prefix, self.n_sents).read()

    def _read_text(self) -> Iterator[InputRecord]:
        for line_no, text, error in iter_lines(self.path):
            yield InputRecord(line_no, text=text, error=error)

    def _read_jsonl(self) -> Iterator[InputRecord]:
        for line_no, line, error in iter_lines(self.path):
            if line is None:
                yield InputRecord(line_no, error=error)
            elif not line.strip():
                self.n_blank_lines += 1
            else:
                yield _parse_jsonl_line(line_no, line, self.text_key)
        if self.n_blank_lines:
            logger.info("%s: skipped %d blank lines.", self.path, self.n_blank_lines)


def _parse_jsonl_line(line_no: int, line: str, text_key: str) -> InputRecord:
    """Parse one JSONL line into a record, or an error record that keeps what parsed."""
    try:
        value = json.loads(line)
    except (ValueError, RecursionError) as err:
        # RecursionError: nesting deeper than the interpreter's recursion limit.
        return InputRecord(line_no, error=Errors.E401.format(error=err))
    if not isinstance(value, dict):
        return InputRecord(line_no, error=Errors.E402.format(key=text_key, type=_json_type(value)))
    if text_key not in value:
        return InputRecord(line_no, fields=value, error=Errors.E403.format(key=text_key))
    text = value[text_key]
    if not isinstance(text, str):
        message = Errors.E404.format(key=text_key, type=_json_type(text))
        return InputRecord(line_no, fields=value, error=message)
    match = SURROGATE.search(text)
    if match is not None:
        message = Errors.E405.format(code=ord(match.group()), index=match.start())
        return InputRecord(line_no, fields=value, error=message)
    return InputRecord(line_no, text=text, fields=value)


def _json_type(value: object) -> str:
    """Name the JSON type of a value that `json.loads` returned."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


class _ConllRecords:
    """One pass over a CoNLL file that groups token lines into records.

    The first token line fixes the separator: a tab in it means that the
    columns are tab-separated and a token may contain spaces.
    """

    def __init__(self, path: Path, strip_token_prefix: Optional[str], n_sents: int) -> None:
        self.path = path
        self.strip_token_prefix = strip_token_prefix
        self.n_sents = n_sents
        self.tab_separated: Optional[bool] = None
        # After the first -DOCSTART- line, only -DOCSTART- lines end records.
        self.by_docstart = False
        self._reset(None)

    def _reset(self, line_no: Optional[int], docstart: bool = False) -> None:
        """Start an empty record, begun at `line_no` (None until its first line)."""
        self.line_no = line_no
        self.docstart = docstart
        self.words: List[str] = []
        self.sent_starts: List[bool] = []
        self.error: Optional[str] = None
        self.error_line_no = 0
        self.in_sentence = False
        self.n_sentences = 0

    def read(self) -> Iterator[InputRecord]:
        for line_no, line, error in iter_lines(self.path):
            if line is None:
                self._set_error(line_no, error or "")
                self.in_sentence = True
                continue
            if not line.strip():
                if self._end_sentence():
                    yield from self._flush()
                continue
            if line.split()[0] == DOCSTART:
                yield from self._flush()
                self.by_docstart = True
                self._reset(line_no, docstart=True)
                continue
            self._add_token(line_no, line)
        yield from self._flush()

    def _end_sentence(self) -> bool:
        """Close the open sentence. Return whether the record is full."""
        if not self.in_sentence:
            return False
        self.in_sentence = False
        self.n_sentences += 1
        return not self.by_docstart and self.n_sentences >= self.n_sents

    def _flush(self) -> Iterator[InputRecord]:
        """Yield the record read so far, if it has a line, and start the next."""
        if self.error is not None:
            yield InputRecord(self.error_line_no, error=self.error)
        elif self.words or self.docstart:
            assert self.line_no is not None
            yield InputRecord(self.line_no, words=self.words, sent_starts=self.sent_starts)
        self._reset(None)

    def _set_error(self, line_no: int, message: str) -> None:
        """Mark the record invalid, keeping its first error."""
        if self.line_no is None:
            self.line_no = line_no
        if self.error is None:
            self.error = message
            self.error_line_no = line_no

    def _add_token(self, line_no: int, line: str) -> None:
        if self.line_no is None:
            self.line_no = line_no
        if self.tab_separated is None:
            self.tab_separated = TAB_SEPARATOR in line
        if self.tab_separated:
            token = line.split(TAB_SEPARATOR)[0]
            if not token.strip():
                self._set_error(line_no, Errors.E407)
        else:
            token = line.split()[0]
        prefix = self.strip_token_prefix
        if prefix and token.startswith(prefix):
            token = token[len(prefix) :]
            if not token.strip():
                self._set_error(line_no, Errors.E408.format(token=prefix + token, prefix=prefix))
        self.words.append(token)
        self.sent_starts.append(not self.in_sentence)
        self.in_sentence = True

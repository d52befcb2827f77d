"""Read CoNLL-style NER files into documents and sentences, with line numbers.

Two layouts are read. The original CoNLL-2003 files have four space-separated
columns (token, POS tag, chunk tag, NER tag) and mark documents with
`-DOCSTART-` lines:

    -DOCSTART- -X- -X- O

    SOCCER NN I-NP O
    JAPAN NNP I-NP I-LOC

Tab-separated files split on tabs only, so a token may contain a space:

    en:R.H.<TAB>B-ORG
    en:Saunders<TAB>I-ORG

The token is column 0 and the tag column is the last one unless the caller
picks another. A blank or whitespace-only line ends a sentence. Any line whose
first whitespace-separated field is `-DOCSTART-` starts a document, whatever
follows it, and never becomes a token. CRLF line ends and a UTF-8 byte-order
mark are accepted.
"""

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple, Union

from ..errors import ConllFormatError, Errors, InvalidTagError, Warnings
from ..schemes import (
    OUTSIDE,
    PREFIXES,
    SCHEME_PREFIXES,
    detect_scheme,
    iter_chunks,
    normalize_scheme,
    parse_tag,
)
from .data import DOCSTART, SPACE, TAB, ConllData, ConllStats, Document, Repair, Sentence

__all__ = ["ConllData", "ConllStats", "Document", "Repair", "Sentence", "read_conll"]

logger = logging.getLogger("spacy_bert_ner")

# How many repairs the log message lists.
N_REPAIR_EXAMPLES = 5


@dataclass
class _ParsedLines:
    """The documents, format and tags found by one pass over the lines, before schemes apply."""

    documents: List[Document]
    has_docstart: bool
    n_empty_documents: int
    separator: str
    n_columns: int
    tag_column: int
    # The first line of each distinct tag, for errors found after the pass.
    tag_lines: Dict[str, Tuple[int, str]]


def read_conll(
    path: Union[str, Path],
    *,
    scheme: Optional[str] = None,
    tag_column: int = -1,
    strip_token_prefix: Optional[str] = None,
    n_sents: int = 10,
    strict: bool = False,
) -> ConllData:
    """Read a CoNLL-style NER file into documents of sentences.

    path (Union[str, Path]): The file, UTF-8 with or without a byte-order mark.
    scheme (Optional[str]): The tag scheme, "IOB1", "IOB2" or "BIOES" (aliases
        such as "BIO" and "BILOU" work too). None detects it from the tags.
    tag_column (int): The 0-based column of the tags. Negative values count
        from the end, so -1 is the last column.
    strip_token_prefix (Optional[str]): A prefix removed from every token that
        starts with it, such as "en:" in WikiANN files.
    n_sents (int): Sentences per document when the file has no `-DOCSTART-`.
    strict (bool): Raise on an entity that breaks the scheme's rules, such as
        one starting with I- in IOB2, instead of repairing it by conlleval's
        rules and recording the repair.
    RETURNS (ConllData): The documents and what was detected.
    RAISES (ConllFormatError): For an empty file, a file without tokens, invalid
        UTF-8, a line with the wrong number of columns, a blank token, an
        invalid tag or a tag outside the given scheme. In strict mode, also for
        a tag sequence that needs a repair. The error names the file and line.
    RAISES (ValueError): For an unknown scheme or an invalid option value.
    """
    path = Path(path)
    if isinstance(n_sents, bool) or not isinstance(n_sents, int) or n_sents < 1:
        raise ValueError(Errors.E107.format(value=n_sents))
    given_scheme = normalize_scheme(scheme) if scheme is not None else None

    lines = _read_lines(path)
    parsed = _LineParser(path, tag_column, strip_token_prefix).parse(lines)
    sentences = [sentence for doc in parsed.documents for sentence in doc.sentences]

    detected = detect_scheme(sentence.tags for sentence in sentences)
    used = given_scheme or detected
    _check_scheme_prefixes(parsed, used, path)
    repairs = _find_repairs(sentences, used, parsed.separator, path, strict)

    if parsed.has_docstart:
        documents = parsed.documents
    else:
        documents = _group_sentences(sentences, n_sents)

    data = ConllData(
        path=path,
        documents=documents,
        scheme=used,
        detected_scheme=detected,
        n_columns=parsed.n_columns,
        separator=parsed.separator,
        tag_column=parsed.tag_column,
        has_docstart=parsed.has_docstart,
        n_sents=n_sents,
        repairs=repairs,
        n_empty_documents=parsed.n_empty_documents,
    )
    _log_summary(data, given_scheme)
    return data


def _read_lines(path: Path) -> List[str]:
    """Decode a file as UTF-8 and split it into lines without line ends.

    Line ends are normalized as Python's universal newlines do: CRLF, LF and a
    lone CR each end a line. A leading byte-order mark is dropped.
    """
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line_no = raw[: err.start].count(b"\n") + 1
        raise ConllFormatError(Errors.E008.format(error=err), path=path, line_no=line_no) from None
    if not text:
        raise ConllFormatError(Errors.E005, path=path)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.split("\n")


class _LineParser:
    """One pass over a file's lines that splits them into documents and sentences.

    Each token line is checked as it is read. The first token line fixes the
    separator (a tab anywhere in it means tab-separated) and the number of
    columns for the rest of the file.
    """

    def __init__(self, path: Path, tag_column: int, strip_token_prefix: Optional[str]) -> None:
        self.path = path
        self.tag_column = tag_column
        self.strip_token_prefix = strip_token_prefix

        self.documents: List[Document] = []
        self.doc_sentences: List[Sentence] = []
        self.doc_line_no: Optional[int] = None
        self.has_docstart = False
        self.n_empty_documents = 0
        self.sentence = Sentence()

        self.separator: Optional[str] = None
        self.n_columns = 0
        self.first_line_no = 0
        self.tag_index = 0
        self.tag_lines: Dict[str, Tuple[int, str]] = {}

    def parse(self, lines: Sequence[str]) -> _ParsedLines:
        """Read all lines, raising ConllFormatError at the first invalid one."""
        for line_no, line in enumerate(lines, 1):
            if not line or line.isspace():
                self._end_sentence()
                continue
            fields = line.split()
            if fields[0] == DOCSTART:
                self._start_document(line_no)
            else:
                self._add_token_line(line_no, line, fields)
        self._end_document()

        if self.separator is None or not self.documents:
            raise ConllFormatError(Errors.E006, path=self.path)
        return _ParsedLines(
            documents=self.documents,
            has_docstart=self.has_docstart,
            n_empty_documents=self.n_empty_documents,
            separator=self.separator,
            n_columns=self.n_columns,
            tag_column=self.tag_index,
            tag_lines=self.tag_lines,
        )

    def _end_sentence(self) -> None:
        if self.sentence.words:
            self.doc_sentences.append(self.sentence)
            self.sentence = Sentence()

    def _end_document(self) -> None:
        self._end_sentence()
        if self.doc_sentences:
            self.documents.append(Document(self.doc_sentences, self.doc_line_no))
        elif self.has_docstart:
            self.n_empty_documents += 1
        self.doc_sentences = []

    def _start_document(self, line_no: int) -> None:
        self._end_document()
        self.doc_line_no = line_no
        self.has_docstart = True

    def _read_format(self, line_no: int, line: str, fields: List[str]) -> None:
        """Fix the separator, column count and tag column from the first token line."""
        self.separator = TAB if "\t" in line else SPACE
        self.n_columns = len(line.split("\t")) if self.separator == TAB else len(fields)
        self.first_line_no = line_no
        self.tag_index = _resolve_tag_column(
            self.tag_column, self.n_columns, self.path, line_no, line
        )

    def _add_token_line(self, line_no: int, line: str, fields: List[str]) -> None:
        if self.separator is None:
            self._read_format(line_no, line, fields)
        if self.separator == TAB:
            fields = line.split("\t")
        if len(fields) != self.n_columns:
            message = Errors.E103.format(
                expected=self.n_columns,
                separator=self.separator,
                first_line=self.first_line_no,
                found=len(fields),
            )
            raise ConllFormatError(message, path=self.path, line_no=line_no, line=line)

        token = fields[0]
        if self.separator == TAB and token.strip() == "":
            raise ConllFormatError(Errors.E104, path=self.path, line_no=line_no, line=line)
        prefix = self.strip_token_prefix
        if prefix and token.startswith(prefix):
            token = token[len(prefix) :]
            if token.strip() == "":
                message = Errors.E105.format(token=fields[0], prefix=prefix)
                raise ConllFormatError(message, path=self.path, line_no=line_no, line=line)

        # Each distinct tag is validated once, on its first line.
        tag = fields[self.tag_index]
        if tag not in self.tag_lines:
            _validate_tag(tag, self.tag_index, self.path, line_no, line)
            self.tag_lines[tag] = (line_no, line)

        self.sentence.words.append(token)
        self.sentence.tags.append(tag)
        self.sentence.columns.append(tuple(fields))
        self.sentence.line_numbers.append(line_no)


def _resolve_tag_column(
    tag_column: int, n_columns: int, path: Path, line_no: int, line: str
) -> int:
    """Turn a possibly negative tag column into a 0-based index, or raise."""
    if n_columns < 2:
        raise ConllFormatError(Errors.E012, path=path, line_no=line_no, line=line)
    if not -n_columns <= tag_column < n_columns:
        message = Errors.E007.format(column=tag_column, found=n_columns)
        raise ConllFormatError(message, path=path, line_no=line_no, line=line)
    index = tag_column % n_columns
    if index == 0:
        message = Errors.E106.format(column=tag_column)
        raise ConllFormatError(message, path=path, line_no=line_no, line=line)
    return index


def _validate_tag(tag: str, column: int, path: Path, line_no: int, line: str) -> None:
    try:
        parse_tag(tag)
    except InvalidTagError:
        message = Errors.E100.format(tag=tag, column=column, prefixes=list(PREFIXES))
        raise ConllFormatError(message, path=path, line_no=line_no, line=line) from None


def _check_scheme_prefixes(parsed: _ParsedLines, scheme: str, path: Path) -> None:
    """Raise for the first line whose tag prefix the scheme does not use."""
    allowed = SCHEME_PREFIXES[scheme]
    bad_tags = []
    for tag, (line_no, line) in parsed.tag_lines.items():
        prefix = parse_tag(tag)[0]
        if prefix != OUTSIDE and prefix not in allowed:
            bad_tags.append((line_no, line, tag))
    if bad_tags:
        line_no, line, tag = min(bad_tags)
        message = Errors.E101.format(tag=tag, scheme=scheme, prefixes=list(allowed))
        raise ConllFormatError(message, path=path, line_no=line_no, line=line)


def _find_repairs(
    sentences: List[Sentence], scheme: str, separator: str, path: Path, strict: bool
) -> List[Repair]:
    """Collect the entities that need a repair, raising on the first in strict mode."""
    joiner = "\t" if separator == TAB else " "
    repairs: List[Repair] = []
    for sentence in sentences:
        for chunk in iter_chunks(sentence.tags, scheme):
            if chunk.repair is None:
                continue
            line_no = sentence.line_numbers[chunk.start]
            line = joiner.join(sentence.columns[chunk.start])
            tag = sentence.tags[chunk.start]
            if strict:
                message = Errors.E102.format(scheme=scheme, reason=chunk.repair, tag=tag)
                raise ConllFormatError(message, path=path, line_no=line_no, line=line)
            repairs.append(Repair(line_no=line_no, line=line, tag=tag, reason=chunk.repair))
    return repairs


def _group_sentences(sentences: List[Sentence], n_sents: int) -> List[Document]:
    starts = range(0, len(sentences), n_sents)
    return [Document(sentences[start : start + n_sents], None) for start in starts]


def _log_summary(data: ConllData, given_scheme: Optional[str]) -> None:
    if given_scheme is not None and given_scheme != data.detected_scheme:
        logger.warning(
            "%s: reading tags as %s as requested, but they look like %s.",
            data.path,
            given_scheme,
            data.detected_scheme,
        )
    if data.repairs:
        examples = "; ".join(str(repair) for repair in data.repairs[:N_REPAIR_EXAMPLES])
        logger.warning(
            Warnings.W100.format(
                path=data.path, count=data.n_repairs, scheme=data.scheme, examples=examples
            )
        )
    if data.n_empty_documents:
        logger.info("%s: skipped %d empty documents.", data.path, data.n_empty_documents)

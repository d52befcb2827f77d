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
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from ..errors import ConllFormatError, Errors, InvalidTagError, Warnings
from ..schemes import (
    OUTSIDE,
    PREFIXES,
    SCHEME_PREFIXES,
    detect_scheme,
    get_chunks,
    iter_chunks,
    normalize_scheme,
    parse_tag,
)

logger = logging.getLogger("spacy_bert_ner")

DOCSTART = "-DOCSTART-"
TAB = "tab"
SPACE = "space"
# How many repairs the log message lists.
N_REPAIR_EXAMPLES = 5


@dataclass
class Sentence:
    """The token lines of one sentence.

    words (List[str]): The tokens, with `strip_token_prefix` removed.
    tags (List[str]): The tags as written in the file, in the file's scheme.
    columns (List[Tuple[str, ...]]): All raw fields of each token line.
    line_numbers (List[int]): The 1-based line number of each token.
    """

    words: List[str] = field(default_factory=list)
    tags: List[str] = field(default_factory=list)
    columns: List[Tuple[str, ...]] = field(default_factory=list)
    line_numbers: List[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.words)


@dataclass
class Document:
    """The sentences of one document.

    sentences (List[Sentence]): The sentences in file order.
    line_no (Optional[int]): The line of the document's `-DOCSTART-`, or None
        for documents grouped by sentence count and for sentences that come
        before the first `-DOCSTART-` line.
    """

    sentences: List[Sentence]
    line_no: Optional[int] = None


@dataclass(frozen=True)
class Repair:
    """An entity that breaks its scheme's rules and was read by conlleval's rules.

    line_no (int): The line of the entity's first token.
    line (str): That line's fields, joined by the file's separator.
    tag (str): The tag of the entity's first token.
    reason (str): What rule the entity breaks, from `schemes.REPAIR_*`.
    """

    line_no: int
    line: str
    tag: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line_no} ({self.line!r}): {self.reason}"


@dataclass
class ConllStats:
    """Counts for one file: documents, sentences, tokens and entities."""

    documents: int
    sentences: int
    tokens: int
    entities: int
    entities_per_type: Dict[str, int]

    def to_dict(self) -> Dict[str, Any]:
        """Return the counts as a JSON-serializable dict."""
        return {
            "documents": self.documents,
            "sentences": self.sentences,
            "tokens": self.tokens,
            "entities": self.entities,
            "entities_per_type": dict(self.entities_per_type),
        }


@dataclass
class ConllData:
    """A CoNLL file read into documents, with what the reader detected.

    path (Path): The file read.
    documents (List[Document]): The documents, none of them empty.
    scheme (str): The tag scheme used to read entities, given or detected.
    detected_scheme (str): The scheme detected from the tags.
    n_columns (int): The number of columns on each token line.
    separator (str): "tab" or "space".
    tag_column (int): The 0-based index of the tag column.
    has_docstart (bool): Whether the file has `-DOCSTART-` lines. Without them,
        the documents are groups of `n_sents` sentences.
    n_sents (int): The sentences per document used when grouping.
    repairs (List[Repair]): Every entity read by a repair, in file order.
    n_empty_documents (int): `-DOCSTART-` lines followed by no token line
        before the next one or the end of the file. They give no document.
    """

    path: Path
    documents: List[Document]
    scheme: str
    detected_scheme: str
    n_columns: int
    separator: str
    tag_column: int
    has_docstart: bool
    n_sents: int
    repairs: List[Repair] = field(default_factory=list)
    n_empty_documents: int = 0

    @property
    def n_repairs(self) -> int:
        """The number of entities read by a repair."""
        return len(self.repairs)

    @property
    def sentences(self) -> List[Sentence]:
        """All sentences of all documents, in file order."""
        return [sentence for doc in self.documents for sentence in doc.sentences]

    def stats(self) -> ConllStats:
        """Count documents, sentences, tokens and entities, per entity type too.

        Entities are chunked per sentence with the scheme in `self.scheme`.
        RETURNS (ConllStats): The counts, entity types sorted by name.
        """
        n_sentences = n_tokens = 0
        per_type: Counter = Counter()
        for doc in self.documents:
            n_sentences += len(doc.sentences)
            for sentence in doc.sentences:
                n_tokens += len(sentence.words)
                per_type.update(chunk.label for chunk in get_chunks(sentence.tags, self.scheme))
        return ConllStats(
            documents=len(self.documents),
            sentences=n_sentences,
            tokens=n_tokens,
            entities=sum(per_type.values()),
            entities_per_type={label: per_type[label] for label in sorted(per_type)},
        )


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
    parsed = _parse_lines(lines, path, tag_column, strip_token_prefix)
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


def _parse_lines(
    lines: Sequence[str],
    path: Path,
    tag_column: int,
    strip_token_prefix: Optional[str],
) -> _ParsedLines:
    """Split lines into documents and sentences, validating columns and tags.

    The first token line fixes the separator (a tab anywhere in it means tab
    separated) and the number of columns for the rest of the file.
    """
    documents: List[Document] = []
    doc_sentences: List[Sentence] = []
    doc_line_no: Optional[int] = None
    has_docstart = False
    n_empty_documents = 0
    sentence = Sentence()

    separator: Optional[str] = None
    n_columns = 0
    first_line_no = 0
    tag_index = 0
    tag_lines: Dict[str, Tuple[int, str]] = {}

    for line_no, line in enumerate(lines, 1):
        if not line or line.isspace():
            if sentence.words:
                doc_sentences.append(sentence)
                sentence = Sentence()
            continue

        # A -DOCSTART- line ends the current sentence and document.
        fields = line.split()
        if fields[0] == DOCSTART:
            if sentence.words:
                doc_sentences.append(sentence)
                sentence = Sentence()
            if doc_sentences:
                documents.append(Document(doc_sentences, doc_line_no))
            elif has_docstart:
                n_empty_documents += 1
            doc_sentences = []
            doc_line_no = line_no
            has_docstart = True
            continue

        if separator is None:
            separator = TAB if "\t" in line else SPACE
            n_columns = len(line.split("\t")) if separator == TAB else len(fields)
            first_line_no = line_no
            tag_index = _resolve_tag_column(tag_column, n_columns, path, line_no, line)
        if separator == TAB:
            fields = line.split("\t")
        if len(fields) != n_columns:
            message = Errors.E103.format(
                expected=n_columns, separator=separator, first_line=first_line_no, found=len(fields)
            )
            raise ConllFormatError(message, path=path, line_no=line_no, line=line)

        token = fields[0]
        if separator == TAB and token.strip() == "":
            raise ConllFormatError(Errors.E104, path=path, line_no=line_no, line=line)
        if strip_token_prefix and token.startswith(strip_token_prefix):
            token = token[len(strip_token_prefix) :]
            if token.strip() == "":
                message = Errors.E105.format(token=fields[0], prefix=strip_token_prefix)
                raise ConllFormatError(message, path=path, line_no=line_no, line=line)

        # Each distinct tag is validated once, on its first line.
        tag = fields[tag_index]
        if tag not in tag_lines:
            _validate_tag(tag, tag_index, path, line_no, line)
            tag_lines[tag] = (line_no, line)

        sentence.words.append(token)
        sentence.tags.append(tag)
        sentence.columns.append(tuple(fields))
        sentence.line_numbers.append(line_no)

    if sentence.words:
        doc_sentences.append(sentence)
    if doc_sentences:
        documents.append(Document(doc_sentences, doc_line_no))
    elif has_docstart:
        n_empty_documents += 1

    if separator is None or not documents:
        raise ConllFormatError(Errors.E006, path=path)
    return _ParsedLines(
        documents=documents,
        has_docstart=has_docstart,
        n_empty_documents=n_empty_documents,
        separator=separator,
        n_columns=n_columns,
        tag_column=tag_index,
        tag_lines=tag_lines,
    )


def _resolve_tag_column(tag_column: int, n_columns: int, path: Path, line_no: int, line: str) -> int:
    """Turn a possibly negative tag column into a 0-based index, or raise."""
    if n_columns < 2:
        raise ConllFormatError(Errors.E012, path=path, line_no=line_no, line=line)
    if not -n_columns <= tag_column < n_columns:
        message = Errors.E007.format(column=tag_column, found=n_columns)
        raise ConllFormatError(message, path=path, line_no=line_no, line=line)
    index = tag_column % n_columns
    if index == 0:
        raise ConllFormatError(Errors.E106.format(column=tag_column), path=path, line_no=line_no, line=line)
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
    return [
        Document(sentences[start : start + n_sents], None) for start in range(0, len(sentences), n_sents)
    ]


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

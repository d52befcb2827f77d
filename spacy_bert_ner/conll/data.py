"""The contents of a CoNLL file as read: documents, sentences, repairs and counts."""

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from ..schemes import get_chunks

# The marker of a document start, in the first field of its line.
DOCSTART = "-DOCSTART-"
# Values of ConllData.separator.
TAB = "tab"
SPACE = "space"


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

"""Read CoNLL-style NER files into Docs and write Docs back to CoNLL text."""

from .data import ConllData, ConllStats, Document, Repair, Sentence
from .docs import (
    conll_to_docs,
    copy_tokens,
    document_to_doc,
    read_conll_docs,
    sentence_bounds,
    sentence_entity_tags,
)
from .reader import read_conll
from .writer import docs_to_conll, write_conll, write_predictions

__all__ = [
    "ConllData",
    "ConllStats",
    "Document",
    "Repair",
    "Sentence",
    "conll_to_docs",
    "copy_tokens",
    "docs_to_conll",
    "document_to_doc",
    "read_conll",
    "read_conll_docs",
    "sentence_bounds",
    "sentence_entity_tags",
    "write_conll",
    "write_predictions",
]

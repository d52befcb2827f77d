"""Turn documents read from CoNLL files into spaCy Docs."""

from bisect import bisect_right
from pathlib import Path
from typing import Any, List, Optional, Sequence, Tuple, Union

from spacy.tokens import Doc
from spacy.vocab import Vocab

from ..schemes import IOB2, chunks_to_tags, get_chunks
from .data import ConllData, Document
from .reader import read_conll


def document_to_doc(document: Document, vocab: Vocab, scheme: str = IOB2) -> Doc:
    """Build one Doc from a document's sentences.

    Entities are chunked one sentence at a time, so no entity crosses a
    sentence boundary. Every sentence's first token is a sentence start and
    every other token is not. Tokens are separated by one space, with no space
    after the last token.

    document (Document): The sentences, none of them empty.
    vocab (Vocab): The vocab of the Doc.
    scheme (str): The scheme of the sentences' tags.
    RETURNS (Doc): The Doc with words, sentence starts and entities.
    """
    words: List[str] = []
    sent_starts: List[bool] = []
    ent_tags: List[str] = []
    for sentence in document.sentences:
        n_words = len(sentence.words)
        chunks = get_chunks(sentence.tags, scheme)
        words.extend(sentence.words)
        sent_starts.extend([True] + [False] * (n_words - 1))
        ent_tags.extend(chunks_to_tags(n_words, chunks, IOB2))

    spaces = [True] * len(words)
    if spaces:
        spaces[-1] = False
    return Doc(vocab, words=words, spaces=spaces, sent_starts=sent_starts, ents=ent_tags)


def conll_to_docs(data: ConllData, vocab: Vocab) -> List[Doc]:
    """Build one Doc per document of a file read with `read_conll`.

    data (ConllData): The file's documents and its tag scheme.
    vocab (Vocab): The vocab of the Docs.
    RETURNS (List[Doc]): The Docs, in file order.
    """
    return [document_to_doc(document, vocab, data.scheme) for document in data.documents]


def read_conll_docs(path: Union[str, Path], vocab: Vocab, **reader_options: Any) -> List[Doc]:
    """Read a CoNLL file into Docs, one per document.

    path (Union[str, Path]): The file.
    vocab (Vocab): The vocab of the Docs.
    **reader_options: Keyword arguments of `read_conll`, such as `scheme`,
        `tag_column`, `strip_token_prefix`, `n_sents` and `strict`.
    RETURNS (List[Doc]): The Docs, in file order.
    """
    return conll_to_docs(read_conll(path, **reader_options), vocab)


def sentence_bounds(doc: Doc) -> List[Tuple[int, int]]:
    """Return the (start, end) token offsets of a Doc's sentences.

    A Doc without sentence boundaries is one sentence, and an empty Doc has none.
    """
    if len(doc) == 0:
        return []
    if not (doc.has_annotation("SENT_START") or doc.has_annotation("DEP")):
        return [(0, len(doc))]
    return [(sent.start, sent.end) for sent in doc.sents]


def sentence_entity_tags(
    doc: Doc, bounds: Sequence[Tuple[int, int]], scheme: str = IOB2
) -> List[List[str]]:
    """Tag each sentence with the Doc's entities, cut at the sentence bounds.

    An entity that crosses a boundary becomes one entity per sentence, which is
    how conlleval reads such an entity in a file with a blank line inside it.

    doc (Doc): The Doc whose `doc.ents` are tagged.
    bounds (Sequence[Tuple[int, int]]): Sentence offsets, as `sentence_bounds`
        returns them, from this Doc or from another with the same tokens.
    scheme (str): The tag scheme to write.
    RETURNS (List[List[str]]): The tags of each sentence.
    """
    starts = [start for start, _ in bounds]
    spans: List[List[Tuple[int, int, str]]] = [[] for _ in bounds]
    for ent in doc.ents:
        i = max(bisect_right(starts, ent.start) - 1, 0)
        while i < len(bounds) and bounds[i][0] < ent.end:
            start, end = bounds[i]
            spans[i].append((max(ent.start, start) - start, min(ent.end, end) - start, ent.label_))
            i += 1
    return [
        chunks_to_tags(end - start, sent_spans, scheme)
        for (start, end), sent_spans in zip(bounds, spans)
    ]


def copy_tokens(doc: Doc, vocab: Optional[Vocab] = None) -> Doc:
    """Copy a Doc's words, spaces and sentence starts, without other annotations.

    The copy is what a pipeline predicts on when the gold tokenization and
    sentence boundaries are given, as in training and evaluation.

    doc (Doc): The gold Doc.
    vocab (Optional[Vocab]): The vocab of the copy, by default the Doc's own.
    RETURNS (Doc): The new Doc.
    """
    return Doc(
        vocab if vocab is not None else doc.vocab,
        words=[token.text for token in doc],
        spaces=[bool(token.whitespace_) for token in doc],
        sent_starts=[token.is_sent_start for token in doc],
    )

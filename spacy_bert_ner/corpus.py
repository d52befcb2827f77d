"""A training corpus that keeps the gold tokens and sentence boundaries.

spaCy's `spacy.Corpus.v1` re-tokenizes each document's text for the predicted
side of an `Example`, which drops the sentence starts given in the data. The
NER then never learns or predicts under the rule that an entity cannot cross a
sentence start. This reader copies words, spaces and sentence starts to the
predicted Doc, and can cut long documents into windows of whole sentences.
"""

import random
from pathlib import Path
from typing import Callable, Iterable, Iterator, List, Optional, Union

from spacy.language import Language
from spacy.tokens import Doc, DocBin
from spacy.training import Example
from spacy.util import registry

from .conll import copy_tokens
from .errors import Errors


@registry.readers("spacy_bert_ner.DocBinCorpus.v1")
def create_docbin_corpus(
    path: Optional[Path],
    max_sents: int = 0,
    max_tokens: int = 0,
    limit: int = 0,
    shuffle: bool = False,
    seed: int = 0,
) -> Callable[[Language], Iterable[Example]]:
    """Create a reader of Examples from a DocBin, keeping gold sentence starts.

    path (Optional[Path]): The `.spacy` file. None gives an empty corpus.
    max_sents (int): Cut documents into windows of at most this many whole
        sentences. 0 keeps whole documents.
    max_tokens (int): Also close a window before it passes this many tokens.
        A single longer sentence is kept whole. 0 sets no limit.
    limit (int): Read at most this many windows. 0 reads all.
    shuffle (bool): Shuffle the windows on each pass, for training.
    seed (int): Seed of the shuffle, so runs are repeatable.
    RETURNS (Callable[[Language], Iterable[Example]]): The reader.
    """
    return DocBinCorpus(
        path, max_sents=max_sents, max_tokens=max_tokens, limit=limit, shuffle=shuffle, seed=seed
    )


class DocBinCorpus:
    """Examples from a DocBin whose predicted Docs copy the gold tokenization."""

    def __init__(
        self,
        path: Optional[Union[str, Path]],
        *,
        max_sents: int = 0,
        max_tokens: int = 0,
        limit: int = 0,
        shuffle: bool = False,
        seed: int = 0,
    ) -> None:
        self.path = Path(path) if path is not None else None
        self.max_sents = max_sents
        self.max_tokens = max_tokens
        self.limit = limit
        self.shuffle = shuffle
        self.random = random.Random(seed)

    def __call__(self, nlp: Language) -> Iterator[Example]:
        if self.path is None:
            return
        if not self.path.is_file():
            raise FileNotFoundError(Errors.E016.format(path=self.path))
        docs = DocBin().from_disk(self.path).get_docs(nlp.vocab)
        windows: Iterable[Doc] = (
            window
            for doc in docs
            for window in split_into_windows(doc, self.max_sents, self.max_tokens)
        )
        if self.shuffle:
            windows = list(windows)
            self.random.shuffle(windows)  # type: ignore[arg-type]
        for i, reference in enumerate(windows):
            if self.limit and i >= self.limit:
                break
            yield Example(copy_tokens(reference), reference)


def split_into_windows(doc: Doc, max_sents: int = 0, max_tokens: int = 0) -> List[Doc]:
    """Cut a Doc into consecutive windows of whole sentences.

    doc (Doc): A Doc with sentence boundaries.
    max_sents (int): The most sentences per window, 0 for no limit.
    max_tokens (int): The most tokens per window, 0 for no limit. A sentence
        longer than this forms a window of its own.
    RETURNS (List[Doc]): The windows, covering every token once, in order.
    """
    if (not max_sents and not max_tokens) or not doc.has_annotation("SENT_START"):
        return [doc]
    windows = []
    start = end = n_sents = 0
    for sent in doc.sents:
        too_many_sents = max_sents and n_sents >= max_sents
        too_many_tokens = max_tokens and sent.end - start > max_tokens
        if n_sents and (too_many_sents or too_many_tokens):
            windows.append(doc[start:end].as_doc())
            start, n_sents = end, 0
        end = sent.end
        n_sents += 1
    windows.append(doc[start:end].as_doc())
    return windows

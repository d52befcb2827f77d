"""Sentences and word-piece labels for the Hugging Face token-classification recipe.

Sentences are read the way the spaCy systems get them: the CoNLL file becomes
gold Docs through this library's reader, and each gold sentence gives its
words and IOB2 tags. So the recipe trains and is scored on exactly the words
and entities that the spaCy pipelines see.

The recipe labels the first word piece of each word and gives every other
piece, and the special tokens, the label -100, which the loss ignores. A
word's prediction is the label of its first piece.
"""

from pathlib import Path
from typing import Dict, List, Optional, Sequence, Union

from spacy.vocab import Vocab

from spacy_bert_ner.evaluation import read_gold_docs
from spacy_bert_ner.schemes import OUTSIDE, parse_tag
from spacy_bert_ner.scoring import TaggedSentence, tagged_sentences

# Label id that PyTorch's cross-entropy loss, and so the Trainer, ignores.
IGNORED_LABEL = -100


def read_sentences(path: Union[str, Path], limit: int = 0) -> List[TaggedSentence]:
    """Read the gold sentences of a CoNLL file or DocBin, with IOB2 tags.

    path (Union[str, Path]): The data file.
    limit (int): Keep only the first N sentences. 0 keeps all.
    RETURNS (List[TaggedSentence]): Sentences whose `gold` and `predicted` are
        both the gold tags.
    """
    gold_docs, _ = read_gold_docs(path, Vocab())
    sentences = list(tagged_sentences(gold_docs, gold_docs))
    return sentences[:limit] if limit else sentences


def label_list(sentence_sets: Sequence[Sequence[TaggedSentence]]) -> List[str]:
    """List O, then the B- and I- tag of every entity type, sorted by type.

    sentence_sets (Sequence[Sequence[TaggedSentence]]): Sentences whose types count.
    RETURNS (List[str]): The labels, O first, so O gets the id 0.
    """
    types = set()
    for sentences in sentence_sets:
        for sentence in sentences:
            for tag in sentence.gold:
                prefix, label = parse_tag(tag)
                if prefix != OUTSIDE and label is not None:
                    types.add(label)
    return [OUTSIDE] + [f"{prefix}-{label}" for label in sorted(types) for prefix in ("B", "I")]


def first_piece_labels(
    word_ids: Sequence[Optional[int]], tags: Sequence[str], label2id: Dict[str, int]
) -> List[int]:
    """Give the first word piece of each word its tag's id, and -100 to the rest.

    word_ids (Sequence[Optional[int]]): The word of each piece, None for
        special tokens, from `BatchEncoding.word_ids()`.
    tags (Sequence[str]): One tag per word.
    label2id (Dict[str, int]): Label ids.
    RETURNS (List[int]): One label id per piece.
    """
    labels = []
    previous = None
    for word_id in word_ids:
        if word_id is None or word_id == previous:
            labels.append(IGNORED_LABEL)
        else:
            labels.append(label2id[tags[word_id]])
        previous = word_id
    return labels


def first_piece_tags(
    word_ids: Sequence[Optional[int]], piece_label_ids: Sequence[int], n_words: int, id2label: Dict[int, str]
) -> List[str]:
    """Read one tag per word from the predicted label of its first piece.

    A word without pieces, such as one cut off by truncation or made only of
    characters the tokenizer drops, gets O.

    word_ids (Sequence[Optional[int]]): The word of each piece, None for special tokens.
    piece_label_ids (Sequence[int]): The predicted label id of each piece.
    n_words (int): The number of words in the sentence.
    id2label (Dict[int, str]): Label names.
    RETURNS (List[str]): One tag per word.
    """
    tags = [OUTSIDE] * n_words
    seen = set()
    for word_id, label_id in zip(word_ids, piece_label_ids):
        if word_id is not None and word_id not in seen:
            tags[word_id] = id2label[int(label_id)]
            seen.add(word_id)
    return tags

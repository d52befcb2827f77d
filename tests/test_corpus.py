"""The training corpus reader: gold tokens, sentence starts and windows."""

import pytest
import spacy
from spacy.tokens import Doc, DocBin

from spacy_bert_ner.corpus import DocBinCorpus, split_into_windows

WORDS = ["Peter", "Blackburn", "spoke", ".", "BRUSSELS", "1996-08-22", "The", "EU", "rejects", "it", "."]
SENT_STARTS = [True, False, False, False, True, False, True, False, False, False, False]
ENTS = ["B-PER", "I-PER", "O", "O", "B-LOC", "O", "O", "B-ORG", "O", "O", "O"]


def make_doc(vocab):
    return Doc(vocab, words=WORDS, sent_starts=SENT_STARTS, ents=ENTS)


def write_corpus(tmp_path, docs):
    path = tmp_path / "corpus.spacy"
    DocBin(docs=docs).to_disk(path)
    return path


def test_corpus_keeps_tokens_and_sentence_starts(tmp_path):
    nlp = spacy.blank("en")
    path = write_corpus(tmp_path, [make_doc(nlp.vocab)])
    examples = list(DocBinCorpus(path)(nlp))
    assert len(examples) == 1
    predicted = examples[0].predicted
    assert [token.text for token in predicted] == WORDS
    assert [token.is_sent_start for token in predicted] == SENT_STARTS
    assert len(predicted.ents) == 0
    assert [ent.text for ent in examples[0].reference.ents] == ["Peter Blackburn", "BRUSSELS", "EU"]


def test_windows_cover_every_token_once():
    nlp = spacy.blank("en")
    windows = split_into_windows(make_doc(nlp.vocab), max_sents=2)
    assert [len(window) for window in windows] == [6, 5]
    assert [token.text for window in windows for token in window] == WORDS
    assert [[ent.text for ent in window.ents] for window in windows] == [["Peter Blackburn", "BRUSSELS"], ["EU"]]


def test_windows_close_before_token_limit():
    nlp = spacy.blank("en")
    windows = split_into_windows(make_doc(nlp.vocab), max_tokens=5)
    # The first sentence has 4 tokens, the second 2 and the third 5.
    assert [len(window) for window in windows] == [4, 2, 5]


def test_long_sentence_forms_own_window():
    nlp = spacy.blank("en")
    windows = split_into_windows(make_doc(nlp.vocab), max_tokens=3)
    assert [len(window) for window in windows] == [4, 2, 5]


def test_corpus_limit_and_shuffle(tmp_path):
    nlp = spacy.blank("en")
    docs = [Doc(nlp.vocab, words=[f"w{i}", "x"]) for i in range(10)]
    path = write_corpus(tmp_path, docs)
    assert len(list(DocBinCorpus(path, limit=3)(nlp))) == 3
    first = [eg.reference[0].text for eg in DocBinCorpus(path, shuffle=True, seed=1)(nlp)]
    again = [eg.reference[0].text for eg in DocBinCorpus(path, shuffle=True, seed=1)(nlp)]
    assert first == again
    assert sorted(first) == sorted(f"w{i}" for i in range(10))
    assert first != [f"w{i}" for i in range(10)]


def test_corpus_missing_file(tmp_path):
    nlp = spacy.blank("en")
    corpus = DocBinCorpus(tmp_path / "missing.spacy")
    with pytest.raises(FileNotFoundError) as excinfo:
        list(corpus(nlp))
    assert "missing.spacy" in str(excinfo.value)
    assert "convert" in str(excinfo.value)

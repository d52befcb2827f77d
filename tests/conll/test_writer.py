"""Tests of writing Docs as CoNLL text and prediction files, and of round trips."""

import pytest
from spacy.tokens import Doc
from spacy.vocab import Vocab

from spacy_bert_ner.conll import (
    conll_to_docs,
    docs_to_conll,
    read_conll,
    write_conll,
    write_predictions,
)
from spacy_bert_ner.schemes import convert_tags

REAL_FILE_KEYS = (
    "eng.train",
    "eng.testa",
    "eng.testb",
    "wikiann-train",
    "wikiann-dev",
    "wikiann-test",
)


@pytest.fixture
def vocab():
    return Vocab()


def make_doc(vocab, words, ents, sent_starts=None):
    """Build a Doc from words, IOB2 entity tags and optional sentence starts."""
    return Doc(vocab, words=words, ents=ents, sent_starts=sent_starts)


def two_sentence_doc(vocab):
    words = ["Peter", "Mary", "Smith", "met", "Paris", "UN", "staff", "in", "New", "York"]
    ents = ["B-PER", "B-PER", "I-PER", "O", "B-LOC", "B-ORG", "O", "O", "B-LOC", "I-LOC"]
    starts = [True, False, False, False, False, True, False, False, False, False]
    return make_doc(vocab, words, ents, starts)


def written_lines(text):
    return text.split("\n")


# docs_to_conll


def test_docs_to_conll_iob2(vocab):
    text = docs_to_conll([two_sentence_doc(vocab)])
    assert text == (
        "-DOCSTART- O\n\n"
        "Peter B-PER\nMary B-PER\nSmith I-PER\nmet O\nParis B-LOC\n\n"
        "UN B-ORG\nstaff O\nin O\nNew B-LOC\nYork I-LOC\n\n"
    )


def test_docs_to_conll_iob1(vocab):
    text = docs_to_conll([two_sentence_doc(vocab)], "IOB1", docstart=False)
    first_sentence = ["Peter I-PER", "Mary B-PER", "Smith I-PER", "met O", "Paris I-LOC", ""]
    assert written_lines(text)[:6] == first_sentence
    assert written_lines(text)[6:11] == ["UN I-ORG", "staff O", "in O", "New I-LOC", "York I-LOC"]


def test_docs_to_conll_bioes(vocab):
    text = docs_to_conll([two_sentence_doc(vocab)], "BIOES", docstart=False)
    first_sentence = ["Peter S-PER", "Mary B-PER", "Smith E-PER", "met O", "Paris S-LOC"]
    assert written_lines(text)[:5] == first_sentence
    assert written_lines(text)[6:11] == ["UN S-ORG", "staff O", "in O", "New B-LOC", "York E-LOC"]


def test_docs_to_conll_bilou_alias(vocab):
    text = docs_to_conll([two_sentence_doc(vocab)], "BILOU", docstart=False)
    assert written_lines(text)[0] == "Peter S-PER"


def test_docs_to_conll_docstart_per_doc(vocab):
    docs = [make_doc(vocab, ["a"], ["O"]), make_doc(vocab, ["b"], ["B-PER"])]
    assert docs_to_conll(docs) == "-DOCSTART- O\n\na O\n\n-DOCSTART- O\n\nb B-PER\n\n"


def test_docs_to_conll_without_docstart(vocab):
    docs = [make_doc(vocab, ["a"], ["O"]), make_doc(vocab, ["b"], ["B-PER"])]
    assert docs_to_conll(docs, docstart=False) == "a O\n\nb B-PER\n\n"


def test_doc_without_sentences_is_one_sentence(vocab):
    doc = make_doc(vocab, ["New", "York", "rocks"], ["B-LOC", "I-LOC", "O"])
    assert not doc.has_annotation("SENT_START")
    assert docs_to_conll([doc], docstart=False) == "New B-LOC\nYork I-LOC\nrocks O\n\n"


def test_entity_across_sentences_is_split(vocab):
    doc = make_doc(vocab, ["New", "York", "City"], ["B-LOC", "I-LOC", "I-LOC"], [True, False, True])
    assert docs_to_conll([doc], docstart=False) == "New B-LOC\nYork I-LOC\n\nCity B-LOC\n\n"


def test_no_docs_give_empty_text():
    assert docs_to_conll([]) == ""


def test_empty_doc_writes_only_docstart(vocab):
    assert docs_to_conll([Doc(vocab, words=[])]) == "-DOCSTART- O\n\n"


def test_tab_separator_keeps_token_with_space(vocab):
    doc = make_doc(vocab, ["New York", "is"], ["B-LOC", "O"])
    assert docs_to_conll([doc], separator="\t", docstart=False) == "New York\tB-LOC\nis\tO\n\n"


@pytest.mark.parametrize(
    "word,separator,reason",
    [
        ("New York", " ", "contains whitespace"),
        ("New\u00a0York", " ", "contains whitespace"),
        ("-DOCSTART-", " ", "document start"),
        ("-DOCSTART-", "\t", "document start"),
        ("\n", " ", "empty or only whitespace"),
        ("a\tb", "\t", "contains a tab"),
    ],
)
def test_unwritable_token_raises(vocab, word, separator, reason):
    doc = Doc(vocab, words=["ok", word], spaces=[True, False])
    with pytest.raises(ValueError, match=reason) as excinfo:
        docs_to_conll([doc], separator=separator)
    assert "Token 1 of document 0" in str(excinfo.value)


def test_invalid_separator_raises(vocab):
    with pytest.raises(ValueError, match="Invalid separator"):
        docs_to_conll([make_doc(vocab, ["a"], ["O"])], separator=",")


def test_unknown_scheme_raises(vocab):
    with pytest.raises(ValueError, match="Unknown tag scheme"):
        docs_to_conll([make_doc(vocab, ["a"], ["O"])], "IOB3")


def test_write_conll_creates_folders(vocab, tmp_path):
    path = tmp_path / "out" / "nested" / "data.conll"
    write_conll([make_doc(vocab, ["Zürich"], ["B-LOC"])], path)
    assert path.read_bytes() == "-DOCSTART- O\n\nZürich B-LOC\n\n".encode("utf-8")


# Round trips of inline files


CONLL_SAMPLE = """\
-DOCSTART- -X- -X- O

Peter NNP I-NP I-PER
Mary NNP I-NP B-PER
met VBD I-VP O
the DT I-NP O
UN NNP I-NP I-ORG

Real NNP I-NP I-ORG
Madrid NNP I-NP I-ORG
New NNP I-NP I-LOC
York NNP I-NP I-LOC
fans NNS I-NP O

-DOCSTART- -X- -X- O

BRUSSELS NNP I-NP I-LOC
"""


@pytest.mark.parametrize("scheme", ["IOB2", "IOB1", "BIOES"])
def test_round_trip_inline_file(vocab, tmp_path, scheme):
    source = tmp_path / "source.conll"
    source.write_text(CONLL_SAMPLE, encoding="utf-8")
    data = read_conll(source)
    written = tmp_path / f"written.{scheme}"
    write_conll(conll_to_docs(data, vocab), written, scheme)
    again = read_conll(written)
    assert again.detected_scheme == scheme
    assert [len(doc.sentences) for doc in again.documents] == [2, 1]
    assert [s.words for s in again.sentences] == [s.words for s in data.sentences]
    assert [convert_tags(s.tags, scheme, "IOB2") for s in again.sentences] == [
        ["B-PER", "B-PER", "O", "O", "B-ORG"],
        ["B-ORG", "I-ORG", "B-LOC", "I-LOC", "O"],
        ["B-LOC"],
    ]


def test_round_trip_iob1_keeps_file_tags(vocab, tmp_path):
    source = tmp_path / "source.conll"
    source.write_text(CONLL_SAMPLE, encoding="utf-8")
    data = read_conll(source)
    text = docs_to_conll(conll_to_docs(data, vocab), "IOB1")
    written = tmp_path / "written.conll"
    written.write_text(text, encoding="utf-8")
    assert [s.tags for s in read_conll(written).sentences] == [s.tags for s in data.sentences]


def test_round_trip_tab_file_with_spaces(vocab, tmp_path):
    source = tmp_path / "source.tsv"
    source.write_text("en:New York\tB-LOC\nen:is\tO\n\nen:big\tO\n", encoding="utf-8")
    data = read_conll(source, strip_token_prefix="en:", n_sents=1)
    written = tmp_path / "written.tsv"
    write_conll(conll_to_docs(data, vocab), written, separator="\t")
    again = read_conll(written)
    assert [s.words for s in again.sentences] == [["New York", "is"], ["big"]]
    assert [s.tags for s in again.sentences] == [["B-LOC", "O"], ["O"]]
    assert [len(doc.sentences) for doc in again.documents] == [1, 1]


# write_predictions


def test_write_predictions_text(vocab, tmp_path):
    gold = two_sentence_doc(vocab)
    predicted_tags = ["B-PER", "I-PER", "I-PER", "O", "O", "B-ORG", "B-ORG", "O", "B-LOC", "O"]
    predicted = make_doc(vocab, [token.text for token in gold], predicted_tags)
    path = tmp_path / "predictions.txt"
    write_predictions([gold], [predicted], path)
    assert path.read_text(encoding="utf-8") == (
        "Peter B-PER B-PER\nMary B-PER I-PER\nSmith I-PER I-PER\nmet O O\nParis B-LOC O\n\n"
        "UN B-ORG B-ORG\nstaff O B-ORG\nin O O\nNew B-LOC B-LOC\nYork I-LOC O\n\n"
    )


def test_write_predictions_splits_at_gold_sentences(vocab, tmp_path):
    gold = make_doc(vocab, ["New", "York", "City"], ["B-LOC", "I-LOC", "O"], [True, False, True])
    predicted = make_doc(vocab, ["New", "York", "City"], ["B-LOC", "I-LOC", "I-LOC"])
    path = tmp_path / "predictions.txt"
    write_predictions([gold], [predicted], path)
    expected = "New B-LOC B-LOC\nYork I-LOC I-LOC\n\nCity O B-LOC\n\n"
    assert path.read_text(encoding="utf-8") == expected


def test_write_predictions_docstart_has_three_fields(vocab, tmp_path):
    docs = [make_doc(vocab, ["a"], ["O"]), make_doc(vocab, ["b"], ["B-PER"])]
    path = tmp_path / "predictions.txt"
    write_predictions(docs, docs, path, docstart=True)
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[:4] == ["-DOCSTART- O O", "", "a O O", ""]
    assert lines[4:] == ["-DOCSTART- O O", "", "b B-PER B-PER", "", ""]


def test_write_predictions_rejects_doc_count(vocab, tmp_path):
    doc = make_doc(vocab, ["a"], ["O"])
    with pytest.raises(ValueError, match="got 1 predicted and 2 gold"):
        write_predictions([doc, doc], [doc], tmp_path / "p.txt")


def test_write_predictions_rejects_other_tokens(vocab, tmp_path):
    gold = make_doc(vocab, ["New", "York"], ["B-LOC", "I-LOC"])
    predicted = make_doc(vocab, ["New", "Yorker"], ["B-LOC", "I-LOC"])
    with pytest.raises(ValueError, match="token 1 is 'York' in gold, 'Yorker' predicted"):
        write_predictions([gold], [predicted], tmp_path / "p.txt")
    assert not (tmp_path / "p.txt").exists()


def test_write_predictions_rejects_other_length(vocab, tmp_path):
    gold = make_doc(vocab, ["New", "York"], ["B-LOC", "I-LOC"])
    predicted = make_doc(vocab, ["New"], ["B-LOC"])
    with pytest.raises(ValueError, match="2 gold tokens, 1 predicted tokens"):
        write_predictions([gold], [predicted], tmp_path / "p.txt")


def test_predictions_match_conlleval_figures(conlleval_case, vocab, tmp_path):
    # conlleval read the fixture file and counted its tokens, gold phrases
    # and predicted phrases. Our file must give the same counts.
    source, figures = conlleval_case
    gold = conll_to_docs(read_conll(source, tag_column=1, scheme="IOB2"), vocab)
    predicted = conll_to_docs(read_conll(source, tag_column=2, scheme="IOB2"), vocab)
    path = tmp_path / "predictions.txt"
    write_predictions(gold, predicted, path)

    written = path.read_text(encoding="utf-8").split("\n")
    original = source.read_text(encoding="utf-8").split("\n")
    rows = [line.split(" ") for line in written if line]
    assert [line == "" for line in written] == [line == "" for line in original]
    assert [row[:2] for row in rows] == [line.split(" ")[:2] for line in original if line]
    assert len(rows) == figures["tokens"]
    assert sum(row[1].startswith("B-") for row in rows) == figures["phrases"]
    assert sum(row[2].startswith("B-") for row in rows) == figures["found"]


# Round trips of real files


@pytest.mark.parametrize("key", REAL_FILE_KEYS)
def test_real_file_round_trip_iob2(read_real_file, vocab, tmp_path, key):
    data = read_real_file(key)
    path = tmp_path / "round-trip.conll"
    write_conll(conll_to_docs(data, vocab), path)
    again = read_conll(path)
    written_tags = [s.tags for s in again.sentences]
    assert again.n_repairs == 0
    assert [len(d.sentences) for d in again.documents] == [len(d.sentences) for d in data.documents]
    assert [s.words for s in again.sentences] == [s.words for s in data.sentences]
    assert written_tags == [convert_tags(s.tags, data.scheme, "IOB2") for s in data.sentences]
    if data.scheme == "IOB2":
        # WikiANN is IOB2 already, so the written tags equal the file's own.
        assert written_tags == [s.tags for s in data.sentences]


@pytest.mark.parametrize("key", ["eng.testa", "eng.testb"])
def test_conll2003_round_trip_iob1_keeps_file_tags(read_real_file, vocab, tmp_path, key):
    # eng.train is left out: two of its entities start with B- after O, which
    # canonical IOB1 writes as I-, so its tags differ there though its
    # entities are the same.
    data = read_real_file(key)
    path = tmp_path / "round-trip.conll"
    write_conll(conll_to_docs(data, vocab), path, "IOB1")
    assert [s.tags for s in read_conll(path).sentences] == [s.tags for s in data.sentences]

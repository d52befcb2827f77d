import pytest
from spacy.tokens import Doc
from spacy.vocab import Vocab

from spacy_bert_ner.reports import (
    MISSED,
    SPURIOUS,
    WRONG_BOUNDARY,
    WRONG_TYPE,
    find_errors,
    render_entities_html,
    render_report,
)
from spacy_bert_ner.scoring import TaggedSentence, score_sentences


def sentence(words, gold, predicted, doc_index=0):
    return TaggedSentence(doc_index, words.split(), gold.split(), predicted.split())


def test_errors_wrong_type():
    errors = find_errors([sentence("Anna Smith left", "B-PER I-PER O", "B-ORG I-ORG O")])
    assert errors.counts == {WRONG_TYPE: 1, WRONG_BOUNDARY: 0, MISSED: 0, SPURIOUS: 0}
    example = errors.examples[WRONG_TYPE][0]
    assert example.gold.text == "Anna Smith"
    assert example.gold.label == "PER"
    assert example.predicted.label == "ORG"
    assert example.context == "[Anna Smith] left"
    assert errors.counts_per_label[WRONG_TYPE] == {"PER": 1}


@pytest.mark.parametrize(
    "gold,predicted,n_pairs",
    [
        # Too short, same label.
        ("B-PER I-PER O", "B-PER O O", 1),
        # Too long, other label.
        ("B-PER I-PER O", "B-ORG I-ORG I-ORG", 1),
        # One gold entity split into two predictions: two pairs.
        ("B-PER I-PER O", "B-PER B-PER O", 2),
    ],
)
def test_errors_wrong_boundary(gold, predicted, n_pairs):
    errors = find_errors([sentence("Anna Smith left", gold, predicted)])
    assert errors.counts[WRONG_BOUNDARY] == n_pairs
    assert errors.counts[WRONG_TYPE] == 0
    assert errors.counts[MISSED] == 0
    assert errors.counts[SPURIOUS] == 0


def test_errors_missed_and_spurious():
    errors = find_errors(
        [sentence("Anna met Bob in Rome", "B-PER O B-PER O O", "B-PER O O O B-LOC")]
    )
    assert errors.counts == {WRONG_TYPE: 0, WRONG_BOUNDARY: 0, MISSED: 1, SPURIOUS: 1}
    assert errors.examples[MISSED][0].gold.text == "Bob"
    assert errors.examples[MISSED][0].predicted is None
    assert errors.examples[SPURIOUS][0].predicted.text == "Rome"
    assert errors.examples[SPURIOUS][0].gold is None
    assert errors.counts_per_label[SPURIOUS] == {"LOC": 1}


def test_errors_follow_chunking_rule():
    # The I- start is a correct entity by conlleval's rule, and a missed one
    # by the strict rule, which also drops the prediction.
    sentences = [sentence("Anna Smith", "B-PER I-PER", "I-PER I-PER")]
    assert find_errors(sentences).total == 0
    strict = find_errors(sentences, strict=True)
    assert strict.counts[MISSED] == 1
    assert strict.total == 1


def test_errors_add_up_to_scores():
    sentences = [
        sentence("a b c d e f", "B-X I-X O B-Y O B-Z", "B-X O O B-X O O"),
        sentence("g h i", "O O O", "B-Y I-Y O", doc_index=1),
        sentence("j k", "B-X I-X", "B-X I-X", doc_index=1),
    ]
    errors = find_errors(sentences)
    totals = score_sentences(sentences).totals
    # Each missed gold entity is a false negative, each spurious prediction a
    # false positive, and here each other error involves one of each.
    assert errors.counts[MISSED] + errors.counts[WRONG_TYPE] + errors.counts[WRONG_BOUNDARY] == totals.fn
    assert errors.counts[SPURIOUS] + errors.counts[WRONG_TYPE] + errors.counts[WRONG_BOUNDARY] == totals.fp
    assert errors.errors_per_doc == {0: 3, 1: 1}
    assert errors.docs_with_most_errors(1) == [0]
    assert errors.docs_with_most_errors(5) == [0, 1]


def test_errors_keep_first_examples():
    sentences = [sentence("a b", "B-X O", "O O") for _ in range(5)]
    errors = find_errors(sentences, n_examples=2)
    assert errors.counts[MISSED] == 5
    assert [e.sentence_index for e in errors.examples[MISSED]] == [0, 1]


def test_errors_context_is_cut():
    words = " ".join(f"w{i}" for i in range(30))
    gold = " ".join(["O"] * 15 + ["B-X"] + ["O"] * 14)
    errors = find_errors([sentence(words, gold, " ".join(["O"] * 30))])
    context = errors.examples[MISSED][0].context
    assert context.startswith("... w7 ")
    assert "[w15]" in context
    assert context.endswith(" w23 ...")


def test_report_sections():
    sentences = [sentence("Anna Smith left Rome", "B-PER I-PER O B-LOC", "I-PER I-PER O O")]
    scores = score_sentences(sentences)
    text = render_report(
        scores,
        title="Test run",
        details={"model": "tiny|model"},
        speed={"words": 4, "seconds": 0.5, "words_per_second": 8.0},
        errors=find_errors(sentences),
        warnings_=["labels differ"],
    )
    assert text.startswith("# Test run\n")
    assert "tiny\\|model" in text
    assert "## Warnings" in text
    assert "Chunking rule: conlleval" in text
    assert "| PER | 100.00 | 100.00 | 100.00 | 1 | 1 | 1 |" in text
    assert "| LOC | 0.00 | 0.00 | 0.00 | 1 | 0 | 0 |" in text
    assert "## Token level" in text
    assert text.index("## Entity level") < text.index("## Token level")
    assert "8 words per second" in text
    assert "Missed (no overlapping prediction): first 1 examples" in text


def test_report_states_strict_rule():
    scores = score_sentences([sentence("a", "B-X", "B-X")], strict=True)
    assert "Chunking rule: strict IOB2" in render_report(scores)


def test_report_without_entities():
    scores = score_sentences([])
    text = render_report(scores)
    assert "no entities in gold or predictions" in text
    assert "n/a" in text


def test_entities_html_shows_gold_and_predicted(tmp_path):
    vocab = Vocab()
    words = ["Anna", "lives", "in", "Rome"]
    gold = [
        Doc(vocab, words=words, ents=["B-PER", "O", "O", "B-LOC"]),
        Doc(vocab, words=["No", "entities"], ents=["O", "O"]),
    ]
    predicted = [
        Doc(vocab, words=words, ents=["B-ORG", "O", "O", "O"]),
        Doc(vocab, words=["No", "entities"], ents=["O", "O"]),
    ]
    page = render_entities_html(gold, predicted, [1, 0], errors_per_doc={0: 2})
    path = tmp_path / "entities.html"
    path.write_text(page, encoding="utf8")

    text = path.read_text(encoding="utf8")
    assert text.startswith("<!DOCTYPE html>")
    assert text.count("<h3>gold</h3>") == 2
    assert text.count("<h3>predicted</h3>") == 2
    assert "Document 0: 2 errors" in text
    assert text.index("Document 1") < text.index("Document 0")
    doc_0 = text.split("Document 0: 2 errors")[1]
    gold_part, predicted_part = doc_0.split("<h3>predicted</h3>")
    assert "PER</span>" in gold_part
    assert "LOC</span>" in gold_part
    assert "ORG</span>" not in gold_part
    assert "ORG</span>" in predicted_part
    assert "PER</span>" not in predicted_part

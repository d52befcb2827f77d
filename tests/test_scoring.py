import pytest
from spacy.tokens import Doc
from spacy.vocab import Vocab

from spacy_bert_ner.conll import read_conll, write_predictions
from spacy_bert_ner.errors import InvalidTagError
from spacy_bert_ner.scoring import (
    CONLLEVAL,
    STRICT,
    classification_report,
    conll_tagged_sentences,
    entity_chunks,
    label_overlap_warning,
    map_entity_labels,
    score_docs,
    score_sentences,
    score_tag_sequences,
    tag_labels,
    tagged_sentences,
)


def percent(value: float) -> str:
    return f"{100 * value:.2f}"


def read_prediction_columns(path):
    sentences = conll_tagged_sentences(read_conll(path, scheme="IOB2"))
    return [s.gold for s in sentences], [s.predicted for s in sentences]


def counts_of(scores, label):
    counts = scores.counts[label]
    return counts.tp, counts.fp, counts.fn


def test_i_start_counts_as_entity_by_conlleval():
    scores = score_tag_sequences([["B-X", "I-X"]], [["I-X", "I-X"]])
    assert scores.chunking == CONLLEVAL
    assert counts_of(scores, "X") == (1, 0, 0)
    assert scores.ents_p == 1.0
    assert scores.ents_r == 1.0
    assert scores.ents_f == 1.0
    assert scores.token_accuracy == 0.5


def test_i_start_dropped_in_strict_mode():
    scores = score_tag_sequences([["B-X", "I-X"]], [["I-X", "I-X"]], strict=True)
    assert scores.chunking == STRICT
    assert counts_of(scores, "X") == (0, 0, 1)
    assert scores.ents_p == 0.0
    assert scores.ents_r == 0.0
    assert scores.ents_f == 0.0
    assert scores.token_accuracy == 0.5


def test_chunking_rule_is_stated():
    lenient = score_tag_sequences([["O"]], [["O"]])
    strict = score_tag_sequences([["O"]], [["O"]], strict=True)
    assert "conlleval" in lenient.chunking_rule
    assert "strict IOB2" in strict.chunking_rule
    assert lenient.as_dict()["chunking"] == "conlleval"
    assert strict.as_dict()["chunking"] == "strict"


@pytest.mark.parametrize(
    "gold,predicted,expected",
    [
        # Two adjacent entities against one long one: no match.
        (["B-PER", "B-PER"], ["B-PER", "I-PER"], (0, 1, 2)),
        # Two adjacent entities predicted exactly.
        (["B-PER", "B-PER"], ["B-PER", "B-PER"], (2, 0, 0)),
        # One entity against two adjacent ones.
        (["B-PER", "I-PER"], ["B-PER", "B-PER"], (0, 2, 1)),
        # An I- start followed by B- is two entities by conlleval's rule.
        (["B-PER", "B-PER"], ["I-PER", "B-PER"], (2, 0, 0)),
        (["B-PER", "I-PER", "B-PER"], ["B-PER", "I-PER", "B-PER"], (2, 0, 0)),
    ],
)
def test_adjacent_entities_of_one_type(gold, predicted, expected):
    scores = score_tag_sequences([gold], [predicted])
    assert counts_of(scores, "PER") == expected


def test_right_span_wrong_type():
    scores = score_tag_sequences([["B-PER", "I-PER", "O"]], [["B-ORG", "I-ORG", "O"]])
    assert counts_of(scores, "PER") == (0, 0, 1)
    assert counts_of(scores, "ORG") == (0, 1, 0)
    assert scores.ents_f == 0.0
    assert scores.ents_per_type == {
        "ORG": {"p": 0.0, "r": 0.0, "f": 0.0},
        "PER": {"p": 0.0, "r": 0.0, "f": 0.0},
    }
    assert scores.token_accuracy == pytest.approx(1 / 3)


def test_type_switch_inside_entity():
    # conlleval reads B-X I-Y as two entities: X, then Y starting at an I-.
    gold, predicted = [["B-X", "I-X"]], [["B-X", "I-Y"]]
    lenient = score_tag_sequences(gold, predicted)
    strict = score_tag_sequences(gold, predicted, strict=True)
    assert counts_of(lenient, "X") == (0, 1, 1)
    assert counts_of(lenient, "Y") == (0, 1, 0)
    assert counts_of(strict, "X") == (0, 1, 1)
    assert "Y" not in strict.counts


def test_entities_do_not_cross_sentences():
    # As separate sentences, the I- tag starts a second entity.
    split = score_tag_sequences([["B-X"], ["I-X"]], [["B-X"], ["I-X"]])
    joined = score_tag_sequences([["B-X", "I-X"]], [["B-X", "I-X"]])
    assert counts_of(split, "X") == (2, 0, 0)
    assert counts_of(joined, "X") == (1, 0, 0)


def test_no_sentences_gives_no_scores():
    scores = score_tag_sequences([], [])
    assert scores.n_tokens == 0
    assert scores.n_sentences == 0
    assert scores.token_accuracy is None
    assert scores.ents_p is None
    assert scores.ents_r is None
    assert scores.ents_f is None
    assert scores.ents_per_type is None


def test_empty_sentences_are_counted():
    scores = score_tag_sequences([[], ["O"]], [[], ["O"]])
    assert scores.n_sentences == 2
    assert scores.n_tokens == 1
    assert scores.token_accuracy == 1.0
    assert scores.ents_f is None


def test_only_predicted_entities():
    scores = score_tag_sequences([["O", "O"]], [["B-X", "O"]])
    assert scores.ents_p == 0.0
    assert scores.ents_r == 0.0
    assert scores.ents_f == 0.0


@pytest.mark.parametrize(
    "gold,predicted",
    [([["O"]], []), ([], [["O"]]), ([["O", "O"]], [["O"]])],
)
def test_mismatched_inputs_raise(gold, predicted):
    with pytest.raises(ValueError):
        score_tag_sequences(gold, predicted)


def test_invalid_tag_raises():
    with pytest.raises(InvalidTagError):
        score_tag_sequences([["B-X"]], [["E-X"]])


def test_entity_chunks_strict_drops_repairs():
    tags = ["I-X", "O", "B-Y", "I-Y", "I-Z"]
    lenient = [(c.start, c.end, c.label) for c in entity_chunks(tags)]
    strict = [(c.start, c.end, c.label) for c in entity_chunks(tags, strict=True)]
    assert lenient == [(0, 1, "X"), (2, 4, "Y"), (4, 5, "Z")]
    assert strict == [(2, 4, "Y")]


def test_token_report_small_case():
    # Counts by hand: B-LOC has tp 1 and fn 1, B-PER tp 1 and fp 1, I-PER
    # fn 1, and O tp 1 and fp 1.
    gold = [["B-PER", "I-PER", "O", "B-LOC"], ["B-LOC"]]
    predicted = [["B-PER", "O", "O", "B-PER"], ["B-LOC"]]
    report = classification_report(gold, predicted)

    assert list(report.per_tag) == ["B-LOC", "B-PER", "I-PER", "O"]
    assert report.averaged_tags == ["B-LOC", "B-PER", "I-PER"]
    expected_rows = {
        "B-LOC": (1.0, 0.5, 2 / 3, 2),
        "B-PER": (0.5, 1.0, 2 / 3, 1),
        "I-PER": (0.0, 0.0, 0.0, 1),
        "O": (0.5, 1.0, 2 / 3, 1),
    }
    for tag, (precision, recall, f1, support) in expected_rows.items():
        row = report.per_tag[tag]
        assert row.precision == pytest.approx(precision), tag
        assert row.recall == pytest.approx(recall), tag
        assert row.f1 == pytest.approx(f1), tag
        assert row.support == support, tag

    expected_averages = {
        "micro avg": (2 / 3, 1 / 2, 4 / 7, 4),
        "macro avg": (1 / 2, 1 / 2, 4 / 9, 4),
        "weighted avg": (5 / 8, 1 / 2, 1 / 2, 4),
    }
    for name, (precision, recall, f1, support) in expected_averages.items():
        row = report.averages[name]
        assert row.precision == pytest.approx(precision), name
        assert row.recall == pytest.approx(recall), name
        assert row.f1 == pytest.approx(f1), name
        assert row.support == support, name

    scores = score_tag_sequences(gold, predicted)
    assert scores.token_accuracy == pytest.approx(3 / 5)
    assert scores.token_report == report


def test_token_report_can_average_outside_tag():
    report = classification_report([["O", "B-X"]], [["O", "O"]], include_outside=True)
    assert report.averaged_tags == ["B-X", "O"]
    assert report.averages["micro avg"].precision == pytest.approx(0.5)
    assert report.averages["micro avg"].support == 2


def test_fixture_matches_conlleval(conlleval_case):
    path, expected = conlleval_case
    gold, predicted = read_prediction_columns(path)
    scores = score_tag_sequences(gold, predicted)

    assert scores.n_tokens == expected["tokens"]
    assert scores.n_gold_entities == expected["phrases"]
    assert scores.n_predicted_entities == expected["found"]
    assert scores.totals.tp == expected["correct"]
    assert percent(scores.token_accuracy) == expected["accuracy"]
    assert percent(scores.ents_p) == expected["precision"]
    assert percent(scores.ents_r) == expected["recall"]
    assert percent(scores.ents_f) == expected["FB1"]
    assert set(scores.ents_per_type) == set(expected["types"])
    for label, figures in expected["types"].items():
        per_type = scores.ents_per_type[label]
        assert percent(per_type["p"]) == figures["precision"], label
        assert percent(per_type["r"]) == figures["recall"], label
        assert percent(per_type["f"]) == figures["FB1"], label
        counts = scores.counts[label]
        assert counts.tp + counts.fp == figures["found"], label


def test_fixture_strict_counts_fewer_predictions(conlleval_case):
    path, expected = conlleval_case
    gold, predicted = read_prediction_columns(path)
    lenient = score_tag_sequences(gold, predicted)
    strict = score_tag_sequences(gold, predicted, strict=True)
    n_i_starts = sum(
        1
        for tags in predicted
        for chunk in entity_chunks(tags)
        if chunk.repair is not None
    )

    assert n_i_starts > 0
    assert strict.n_predicted_entities == lenient.n_predicted_entities - n_i_starts
    # The gold column is valid IOB2, so the strict rule keeps every gold entity.
    assert strict.n_gold_entities == expected["phrases"]
    assert strict.token_accuracy == lenient.token_accuracy


def test_fixture_token_report_matches_sklearn(conlleval_case):
    metrics = pytest.importorskip("sklearn.metrics")
    path, _ = conlleval_case
    gold, predicted = read_prediction_columns(path)
    report = score_tag_sequences(gold, predicted).token_report

    flat_gold = [tag for tags in gold for tag in tags]
    flat_predicted = [tag for tags in predicted for tag in tags]
    expected = metrics.classification_report(
        flat_gold,
        flat_predicted,
        labels=report.averaged_tags,
        output_dict=True,
        zero_division=0,
    )
    for tag in report.averaged_tags:
        row = report.per_tag[tag]
        assert row.precision == pytest.approx(expected[tag]["precision"]), tag
        assert row.recall == pytest.approx(expected[tag]["recall"]), tag
        assert row.f1 == pytest.approx(expected[tag]["f1-score"]), tag
        assert row.support == expected[tag]["support"], tag
    for name in ("micro avg", "macro avg", "weighted avg"):
        row = report.averages[name]
        assert row.precision == pytest.approx(expected[name]["precision"]), name
        assert row.recall == pytest.approx(expected[name]["recall"]), name
        assert row.f1 == pytest.approx(expected[name]["f1-score"]), name
        assert row.support == expected[name]["support"], name


def test_spacy_scores_shape():
    scores = score_tag_sequences([["B-PER", "O"]], [["B-PER", "B-LOC"]])
    data = scores.to_spacy_scores()
    assert set(data) == {"token_accuracy", "ents_p", "ents_r", "ents_f", "ents_per_type"}
    assert data["ents_p"] == 0.5
    assert data["ents_r"] == 1.0
    assert data["ents_per_type"]["PER"] == {"p": 1.0, "r": 1.0, "f": 1.0}
    full = scores.as_dict()
    assert full["ents_counts"]["LOC"] == {"tp": 0, "fp": 1, "fn": 0}
    assert full["token_level"]["per_tag"]["B-LOC"]["support"] == 0


def make_doc(vocab, words, ents, sent_starts=None):
    return Doc(vocab, words=words, ents=ents, sent_starts=sent_starts)


def test_score_docs_uses_gold_sentences():
    vocab = Vocab()
    words = ["Anna", "Smith", "left", "Berlin", "Paris", "."]
    starts = [True, False, False, False, True, False]
    gold = make_doc(vocab, words, ["B-PER", "I-PER", "O", "B-LOC", "B-LOC", "O"], starts)
    # A predicted entity across the sentence boundary is cut into one entity
    # per sentence, as the prediction file writes it.
    predicted = make_doc(vocab, words, ["B-PER", "I-PER", "O", "B-LOC", "I-LOC", "O"])

    sentences = list(tagged_sentences([gold], [predicted]))
    assert [s.words for s in sentences] == [words[:4], words[4:]]
    assert [s.predicted for s in sentences] == [
        ["B-PER", "I-PER", "O", "B-LOC"],
        ["B-LOC", "O"],
    ]
    for strict in (False, True):
        scores = score_docs([gold], [predicted], strict=strict)
        assert scores.n_sentences == 2
        assert counts_of(scores, "LOC") == (2, 0, 0)
        assert counts_of(scores, "PER") == (1, 0, 0)


def test_score_docs_matches_prediction_file(tmp_path):
    vocab = Vocab()
    words = ["Anna", "Smith", "left", "Berlin", "Paris", "."]
    starts = [True, False, False, True, False, False]
    gold = make_doc(vocab, words, ["B-PER", "I-PER", "O", "B-LOC", "B-LOC", "O"], starts)
    predicted = make_doc(vocab, words, ["B-PER", "I-PER", "I-PER", "I-PER", "O", "B-ORG"])
    path = tmp_path / "predictions.txt"
    write_predictions([gold], [predicted], path)
    from_file = score_sentences(conll_tagged_sentences(read_conll(path, scheme="IOB2")))
    from_docs = score_docs([gold], [predicted])
    assert from_docs.as_dict() == from_file.as_dict()
    assert from_docs.counts["PER"].fp == 2


def test_score_docs_without_sentences_is_one_sentence():
    vocab = Vocab()
    gold = make_doc(vocab, ["New", "York"], ["B-LOC", "I-LOC"])
    predicted = make_doc(vocab, ["New", "York"], ["B-LOC", "O"])
    scores = score_docs([gold], [predicted])
    assert scores.n_sentences == 1
    assert counts_of(scores, "LOC") == (0, 1, 1)


def test_score_docs_empty_docs():
    vocab = Vocab()
    empty = Doc(vocab, words=[])
    scores = score_docs([empty, empty], [Doc(vocab, words=[]), Doc(vocab, words=[])])
    assert scores.n_tokens == 0
    assert scores.n_sentences == 0
    assert scores.ents_f is None


def test_score_docs_rejects_other_words():
    vocab = Vocab()
    gold = make_doc(vocab, ["New", "York"], ["B-LOC", "I-LOC"])
    predicted = make_doc(vocab, ["New", "York", "City"], ["B-LOC", "I-LOC", "I-LOC"])
    with pytest.raises(ValueError, match="first difference at token 2"):
        score_docs([gold], [predicted])


def test_score_docs_rejects_missing_docs():
    vocab = Vocab()
    gold = make_doc(vocab, ["Paris"], ["B-LOC"])
    with pytest.raises(ValueError, match="doc 1"):
        score_docs([gold, gold], [gold])


def test_map_entity_labels():
    vocab = Vocab()
    doc = make_doc(vocab, ["Anna", "in", "Paris", "today"], ["B-PERSON", "O", "B-GPE", "B-DATE"])
    mapped = map_entity_labels([doc], {"PERSON": "PER", "GPE": "LOC", "DATE": "O"})[0]
    assert [(e.text, e.label_) for e in mapped.ents] == [("Anna", "PER"), ("Paris", "LOC")]
    assert [e.label_ for e in doc.ents] == ["PERSON", "GPE", "DATE"]


def test_tag_labels():
    assert tag_labels([["B-PER", "O"], ["I-LOC"]]) == {"PER", "LOC"}


def test_label_overlap_warning():
    assert label_overlap_warning({"PER", "LOC"}, {"PERSON", "GPE"}) is not None
    assert label_overlap_warning({"PER", "LOC"}, {"PER", "GPE"}) is None
    assert label_overlap_warning({"PER"}, set()) is None

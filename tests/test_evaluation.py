import json

import pytest
import spacy
from spacy.tokens import Doc, DocBin

from spacy_bert_ner.evaluation import (
    find_training_log,
    make_input_docs,
    parse_label_map,
    pipeline_entity_labels,
    read_gold_docs,
    run_pipeline,
    unknown_map_labels,
)


def test_parse_label_map_pairs():
    assert parse_label_map("PERSON=PER, GPE=LOC,NORP=O") == {
        "PERSON": "PER",
        "GPE": "LOC",
        "NORP": "O",
    }


def test_parse_label_map_json(tmp_path):
    path = tmp_path / "labels.json"
    path.write_text(json.dumps({"PERSON": "PER"}), encoding="utf8")
    assert parse_label_map(str(path)) == {"PERSON": "PER"}


@pytest.mark.parametrize("value", ["PERSON", "PERSON=", "=PER", "PERSON=PER,,GPE=LOC"])
def test_parse_label_map_rejects_pairs(value):
    with pytest.raises(ValueError, match="Invalid label map"):
        parse_label_map(value)


@pytest.mark.parametrize("content", ['["PERSON", "PER"]', '{"PERSON": 1}', '{"PERSON": ""}'])
def test_parse_label_map_rejects_json(tmp_path, content):
    path = tmp_path / "labels.json"
    path.write_text(content, encoding="utf8")
    with pytest.raises(ValueError, match="Invalid label map in"):
        parse_label_map(str(path))


def test_parse_label_map_missing_file(tmp_path):
    with pytest.raises(ValueError, match="Label map file not found"):
        parse_label_map(str(tmp_path / "labels.json"))


def test_make_input_docs_keeps_words_and_sentences():
    nlp = spacy.blank("en")
    gold = Doc(
        nlp.vocab,
        words=["Anna", "left", ".", "Bob", "stayed"],
        spaces=[True, False, True, True, False],
        sent_starts=[True, False, False, True, False],
        ents=["B-PER", "O", "O", "B-PER", "O"],
    )
    [copy] = make_input_docs([gold], nlp.vocab)
    assert copy.text == gold.text
    assert [t.is_sent_start for t in copy] == [True, False, False, True, False]
    assert copy.ents == ()


def test_run_pipeline_times_the_pass():
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "PERSON", "pattern": "Anna"}])
    docs = make_input_docs([nlp.make_doc("Anna met Bob"), nlp.make_doc("Anna")], nlp.vocab)
    run = run_pipeline(nlp, docs, batch_size=1)
    assert [[e.text for e in doc.ents] for doc in run.docs] == [["Anna"], ["Anna"]]
    assert run.n_words == 4
    assert run.seconds > 0
    assert run.speed()["words_per_second"] == pytest.approx(4 / run.seconds)


def test_pipeline_entity_labels():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "PERSON", "pattern": "Anna"}, {"label": "GPE", "pattern": "Rome"}])
    assert pipeline_entity_labels(nlp) == {"PERSON", "GPE"}
    assert unknown_map_labels({"PERSON": "PER", "ORGANIZATION": "ORG"}, {"PERSON"}) == ["ORGANIZATION"]


def test_read_gold_docs_from_docbin(tmp_path):
    nlp = spacy.blank("en")
    doc = Doc(nlp.vocab, words=["Rome"], ents=["B-LOC"])
    path = tmp_path / "gold.spacy"
    DocBin(docs=[doc]).to_disk(path)
    docs, conll_data = read_gold_docs(path, nlp.vocab)
    assert conll_data is None
    assert [(e.text, e.label_) for e in docs[0].ents] == [("Rome", "LOC")]


def test_read_gold_docs_from_conll(tmp_path):
    nlp = spacy.blank("en")
    path = tmp_path / "gold.conll"
    path.write_text("-DOCSTART- -X- -X- O\n\nRome NNP I-NP I-LOC\nis VBZ I-VP O\n", encoding="utf8")
    docs, conll_data = read_gold_docs(path, nlp.vocab)
    assert conll_data.scheme == "IOB1"
    assert [(e.text, e.label_) for e in docs[0].ents] == [("Rome", "LOC")]


def test_read_gold_docs_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="Data file not found"):
        read_gold_docs(tmp_path / "gold.spacy", spacy.blank("en").vocab)


def test_find_training_log(tmp_path):
    model = tmp_path / "training" / "model-best"
    model.mkdir(parents=True)
    assert find_training_log(model) is None
    log = tmp_path / "training" / "train.jsonl"
    log.write_text("{}\n", encoding="utf8")
    assert find_training_log(model) == log.resolve()
    assert find_training_log("en_core_web_sm") is None

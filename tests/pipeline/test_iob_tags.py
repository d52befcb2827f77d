"""Tests of the `iob_tags` component: tags, ids, settings and serialization."""

import json
import subprocess
import sys
import textwrap
import warnings
from importlib.metadata import entry_points
from pathlib import Path

import pytest
import spacy
import srsly
from spacy.cli.package import package
from spacy.tokens import Doc, Span
from thinc.api import ConfigValidationError

from spacy_bert_ner.conll import conll_to_docs, read_conll
from spacy_bert_ner.errors import SpacyBertNerWarning
from spacy_bert_ner.pipeline.iob_tags import IOBTagger
from spacy_bert_ner.pipeline.tag_lists import CONLL2003_TAGS, PER_ORG_LOC_TAGS
from spacy_bert_ner.schemes import convert_tags

# The ids of the E- and S- tags that the component adds after the nine
# CoNLL-2003 tags for the scheme BIOES: E- then S- for each type in list order.
BIOES_ADDED = ["E-PER", "S-PER", "E-ORG", "S-ORG", "E-LOC", "S-LOC", "E-MISC", "S-MISC"]


@pytest.fixture
def nlp():
    return spacy.blank("en")


def make_doc(nlp, words, ents):
    """Build a Doc from words and (start, end, label) entity spans."""
    doc = Doc(nlp.vocab, words=words)
    doc.ents = [Span(doc, start, end, label=label) for start, end, label in ents]
    return doc


def ruler_pipeline(config):
    """Build a pipeline of an entity ruler with OntoNotes labels and iob_tags."""
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(
        [
            {"label": "PERSON", "pattern": "Angela Merkel"},
            {"label": "GPE", "pattern": "Paris"},
            {"label": "ORG", "pattern": "the United Nations"},
            {"label": "DATE", "pattern": "Monday"},
        ]
    )
    nlp.add_pipe("iob_tags", config=config)
    return nlp


ONTONOTES_MAP = {"PERSON": "PER", "GPE": "LOC", "DATE": "O"}
RULER_TEXT = "Angela Merkel met the United Nations in Paris on Monday"
RULER_TAGS = ["B-PER", "I-PER", "O", "B-ORG", "I-ORG", "I-ORG", "O", "B-LOC", "O", "O"]


# Each case: words, entity spans, IOB2 tags, BIOES tags.
CASES = {
    "entity at start": (
        ["Obama", "spoke", "."],
        [(0, 1, "PER")],
        ["B-PER", "O", "O"],
        ["S-PER", "O", "O"],
    ),
    "entity at end": (
        ["He", "visited", "New", "York"],
        [(2, 4, "LOC")],
        ["O", "O", "B-LOC", "I-LOC"],
        ["O", "O", "B-LOC", "E-LOC"],
    ),
    "adjacent same type": (
        ["Merkel", "Macron", "met"],
        [(0, 1, "PER"), (1, 2, "PER")],
        ["B-PER", "B-PER", "O"],
        ["S-PER", "S-PER", "O"],
    ),
    "adjacent two-token same type": (
        ["Angela", "Merkel", "Emmanuel", "Macron"],
        [(0, 2, "PER"), (2, 4, "PER")],
        ["B-PER", "I-PER", "B-PER", "I-PER"],
        ["B-PER", "E-PER", "B-PER", "E-PER"],
    ),
    "long entity": (
        ["the", "United", "Nations", "Security", "Council", "met"],
        [(1, 5, "ORG")],
        ["O", "B-ORG", "I-ORG", "I-ORG", "I-ORG", "O"],
        ["O", "B-ORG", "I-ORG", "I-ORG", "E-ORG", "O"],
    ),
    "whole doc one entity": (
        ["World", "Cup"],
        [(0, 2, "MISC")],
        ["B-MISC", "I-MISC"],
        ["B-MISC", "E-MISC"],
    ),
    "mixed types": (
        ["Germans", "at", "Siemens", "in", "Munich"],
        [(0, 1, "MISC"), (2, 3, "ORG"), (4, 5, "LOC")],
        ["B-MISC", "O", "B-ORG", "O", "B-LOC"],
        ["S-MISC", "O", "S-ORG", "O", "S-LOC"],
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=list(CASES))
def test_iob2_tags_and_ids(nlp, case):
    words, ents, iob2_tags, _ = case
    tagger = nlp.add_pipe("iob_tags")
    doc = tagger(make_doc(nlp, words, ents))
    assert doc._.iob_tags == iob2_tags
    assert doc._.iob_tag_ids == [CONLL2003_TAGS.index(tag) for tag in iob2_tags]
    assert [token._.iob_tag for token in doc] == iob2_tags
    assert [token._.iob_tag_id for token in doc] == doc._.iob_tag_ids


@pytest.mark.parametrize("case", CASES.values(), ids=list(CASES))
def test_bioes_tags_and_ids(nlp, case):
    words, ents, _, bioes_tags = case
    tagger = nlp.add_pipe("iob_tags", config={"scheme": "BIOES"})
    doc = tagger(make_doc(nlp, words, ents))
    assert doc._.iob_tags == bioes_tags
    full_list = CONLL2003_TAGS + BIOES_ADDED
    assert doc._.iob_tag_ids == [full_list.index(tag) for tag in bioes_tags]


def test_default_ids_follow_conll2003_order(nlp):
    tagger = nlp.add_pipe("iob_tags")
    doc = tagger(make_doc(nlp, ["x"] * 8, [(0, 1, "PER"), (1, 3, "ORG"), (3, 5, "LOC"), (6, 8, "MISC")]))
    assert doc._.iob_tags == ["B-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "O", "B-MISC", "I-MISC"]
    assert doc._.iob_tag_ids == [1, 3, 4, 5, 6, 0, 7, 8]
    assert tagger.tags == ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC"]


def test_seven_tag_list_ids(nlp):
    tagger = nlp.add_pipe("iob_tags", config={"tags": PER_ORG_LOC_TAGS})
    doc = tagger(make_doc(nlp, ["Merkel", "visited", "New", "York"], [(0, 1, "PER"), (2, 4, "LOC")]))
    assert doc._.iob_tags == ["B-PER", "O", "B-LOC", "I-LOC"]
    assert doc._.iob_tag_ids == [1, 0, 5, 6]
    assert tagger.tags == ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC"]


def test_seven_tags_misc_becomes_o(nlp):
    tagger = nlp.add_pipe("iob_tags", config={"tags": PER_ORG_LOC_TAGS})
    doc = make_doc(nlp, ["German", "Merkel"], [(0, 1, "MISC"), (1, 2, "PER")])
    with pytest.warns(SpacyBertNerWarning, match=r"\['MISC'\]"):
        tagger(doc)
    assert doc._.iob_tags == ["O", "B-PER"]
    assert doc._.iob_tag_ids == [0, 1]


def test_unknown_label_error_names_label_and_tags(nlp):
    tagger = nlp.add_pipe("iob_tags", config={"tags": PER_ORG_LOC_TAGS, "unknown_label": "error"})
    doc = make_doc(nlp, ["German", "Merkel"], [(0, 1, "MISC"), (1, 2, "PER")])
    with pytest.raises(ValueError, match=r"'MISC'") as error:
        tagger(doc)
    assert "'German'" in str(error.value)
    assert str(PER_ORG_LOC_TAGS) in str(error.value)


def test_unknown_labels_warn_once_per_label(nlp):
    tagger = nlp.add_pipe("iob_tags")
    docs = [
        make_doc(nlp, ["Paris", "on", "Monday"], [(0, 1, "GPE"), (2, 3, "DATE")]),
        make_doc(nlp, ["Rome", "on", "Friday"], [(0, 1, "GPE"), (2, 3, "DATE")]),
        make_doc(nlp, ["three", "Italians"], [(0, 1, "CARDINAL"), (1, 2, "NORP")]),
        make_doc(nlp, ["Lyon"], [(0, 1, "GPE")]),
    ]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for doc in docs:
            tagger(doc)
    messages = [str(warning.message) for warning in caught]
    assert len(messages) == 2
    assert all(warning.category is SpacyBertNerWarning for warning in caught)
    assert "['DATE', 'GPE']" in messages[0]
    assert "['CARDINAL', 'NORP']" in messages[1]
    assert all(doc._.iob_tags == ["O"] * len(doc) for doc in docs)


def test_unknown_labels_warn_again_in_new_component(nlp):
    doc = make_doc(nlp, ["Paris"], [(0, 1, "GPE")])
    for name in ("first", "second"):
        tagger = nlp.add_pipe("iob_tags", name=name)
        with pytest.warns(SpacyBertNerWarning, match=f"'{name}'"):
            tagger(doc)


def test_label_map_follows_ontonotes_labels():
    nlp = ruler_pipeline({"label_map": ONTONOTES_MAP})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        doc = nlp(RULER_TEXT)
    assert doc._.iob_tags == RULER_TAGS
    assert doc._.iob_tag_ids == [1, 2, 0, 3, 4, 4, 0, 5, 0, 0]
    # The upstream entities keep their own labels.
    assert [ent.label_ for ent in doc.ents] == ["PERSON", "ORG", "GPE", "DATE"]


def test_label_map_overrides_label_in_tag_list(nlp):
    tagger = nlp.add_pipe("iob_tags", config={"label_map": {"ORG": "MISC", "LOC": "O"}})
    doc = tagger(make_doc(nlp, ["Reuters", "in", "London"], [(0, 1, "ORG"), (2, 3, "LOC")]))
    assert doc._.iob_tags == ["B-MISC", "O", "O"]


def test_bioes_accepts_full_tag_list(nlp):
    tags = ["O", "S-LOC", "B-LOC", "I-LOC", "E-LOC", "B-PER", "I-PER", "E-PER", "S-PER"]
    tagger = nlp.add_pipe("iob_tags", config={"tags": tags, "scheme": "BIOES"})
    doc = tagger(make_doc(nlp, ["New", "York", "and", "Paris", "."], [(0, 2, "LOC"), (3, 4, "LOC")]))
    assert tagger.tags == tags
    assert doc._.iob_tags == ["B-LOC", "E-LOC", "O", "S-LOC", "O"]
    assert doc._.iob_tag_ids == [2, 4, 0, 1, 0]


def test_bioes_adds_tags_after_seven_tag_list(nlp):
    tagger = nlp.add_pipe("iob_tags", config={"tags": PER_ORG_LOC_TAGS, "scheme": "bilou"})
    expected = PER_ORG_LOC_TAGS + ["E-PER", "S-PER", "E-ORG", "S-ORG", "E-LOC", "S-LOC"]
    assert tagger.tags == expected
    assert tagger.cfg["scheme"] == "BIOES"
    assert tagger.cfg["tags"] == PER_ORG_LOC_TAGS


@pytest.mark.parametrize(
    "text,length",
    [("", 0), ("   ", 1), ("\n\n\t", 1), ("no entities here .", 4)],
    ids=["empty", "spaces", "newlines and tab", "no entities"],
)
@pytest.mark.parametrize("scheme", ["IOB2", "BIOES"])
def test_docs_without_entities_are_all_o(text, length, scheme):
    nlp = ruler_pipeline({"scheme": scheme})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        doc = nlp(text)
    assert len(doc) == length
    assert doc._.iob_tags == ["O"] * length
    assert doc._.iob_tag_ids == [0] * length


def test_token_attributes_none_before_tagging(nlp):
    nlp.add_pipe("iob_tags")
    doc = make_doc(nlp, ["Paris"], [(0, 1, "LOC")])
    assert doc._.iob_tags is None
    assert doc._.iob_tag_ids is None
    assert doc[0]._.iob_tag is None
    assert doc[0]._.iob_tag_id is None


INVALID_SETTINGS = {
    "tags without O": ({"tags": ["B-PER", "I-PER"]}, "'tags'", "outside tag 'O'"),
    "B- without I-": ({"tags": ["O", "B-PER", "I-PER", "B-LOC"]}, "'tags'", "'B-LOC' has no twin 'I-LOC'"),
    "I- without B-": ({"tags": ["O", "I-PER"]}, "'tags'", "'I-PER' has no twin 'B-PER'"),
    "duplicate tag": ({"tags": ["O", "B-PER", "I-PER", "B-PER"]}, "'tags'", "'B-PER' occurs more than once"),
    "duplicate O": ({"tags": ["O", "B-PER", "I-PER", "O"]}, "'tags'", "'O' occurs more than once"),
    "tag without prefix": ({"tags": ["O", "PER"]}, "'tags'", "Invalid tag 'PER'"),
    "E- tag in IOB2": ({"tags": ["O", "B-PER", "I-PER", "E-PER"]}, "'tags'", "'E-PER' is not part of the scheme IOB2"),
    "BILOU prefix": (
        {"tags": ["O", "B-PER", "I-PER", "L-PER", "U-PER"], "scheme": "BIOES"},
        "'tags'",
        "'L-PER' uses a BILOU prefix",
    ),
    "incomplete BIOES type": (
        {"tags": ["O", "B-PER", "I-PER", "E-PER", "S-PER", "B-LOC", "I-LOC"], "scheme": "BIOES"},
        "'tags'",
        "type 'LOC' has only ['B-LOC', 'I-LOC']",
    ),
    "IOB1 scheme": ({"scheme": "IOB1"}, "'scheme'", "'IOB1'"),
    "unknown scheme": ({"scheme": "BIOLU-X"}, "'scheme'", "'BIOLU-X'"),
    "label_map to missing type": (
        {"tags": PER_ORG_LOC_TAGS, "label_map": {"NORP": "MISC"}},
        "'label_map'",
        "'NORP' is mapped to 'MISC'",
    ),
    "unknown_label option": ({"unknown_label": "skip"}, "'unknown_label'", "'skip'"),
}


@pytest.mark.parametrize("config,setting,detail", INVALID_SETTINGS.values(), ids=list(INVALID_SETTINGS))
def test_invalid_setting_rejected_at_build(nlp, config, setting, detail):
    with pytest.raises(ValueError) as error:
        nlp.add_pipe("iob_tags", config=config)
    message = str(error.value)
    assert f"Invalid value for setting {setting}" in message
    assert detail in message
    assert "iob_tags" not in nlp.pipe_names


def test_config_types_checked_by_spacy(nlp):
    # spaCy checks the factory's type hints before the component receives the value.
    with pytest.raises(ConfigValidationError, match="iob_tags -> tags") as error:
        nlp.add_pipe("iob_tags", config={"tags": "O B-PER I-PER"})
    assert "'O B-PER I-PER'" in str(error.value)


@pytest.mark.parametrize(
    "setting,value,detail",
    [("tags", "O B-PER I-PER", "list of tag strings"), ("label_map", ["PER"], "Expected a dict")],
)
def test_invalid_type_rejected_by_constructor(nlp, setting, value, detail):
    settings = {"tags": CONLL2003_TAGS, "scheme": "IOB2", "label_map": {}, "unknown_label": "O"}
    settings[setting] = value
    with pytest.raises(ValueError, match=f"Invalid value for setting '{setting}'") as error:
        IOBTagger(nlp, "iob_tags", **settings)
    assert detail in str(error.value)


SAVED_CONFIG = {
    "tags": PER_ORG_LOC_TAGS,
    "scheme": "BIOES",
    "label_map": {"PERSON": "PER", "GPE": "LOC", "DATE": "O"},
    "unknown_label": "error",
}
SAVED_CFG = {**SAVED_CONFIG, "tags": list(PER_ORG_LOC_TAGS)}
SAVED_TAGS = ["B-PER", "E-PER", "O", "B-ORG", "I-ORG", "E-ORG", "O", "S-LOC", "O", "O"]


def test_to_disk_and_spacy_load_keep_settings(tmp_path):
    nlp = ruler_pipeline(SAVED_CONFIG)
    nlp.to_disk(tmp_path)
    assert srsly.read_json(tmp_path / "iob_tags" / "cfg") == SAVED_CFG

    loaded = spacy.load(tmp_path)
    tagger = loaded.get_pipe("iob_tags")
    assert tagger.cfg == SAVED_CFG
    assert tagger.tags == nlp.get_pipe("iob_tags").tags
    assert loaded(RULER_TEXT)._.iob_tags == SAVED_TAGS
    assert loaded.meta["labels"]["iob_tags"] == tagger.tags


def test_from_disk_replaces_settings(tmp_path, nlp):
    ruler_pipeline(SAVED_CONFIG).get_pipe("iob_tags").to_disk(tmp_path)
    tagger = nlp.add_pipe("iob_tags")
    tagger.from_disk(tmp_path)
    assert tagger.cfg == SAVED_CFG
    assert tagger.tags == PER_ORG_LOC_TAGS + ["E-PER", "S-PER", "E-ORG", "S-ORG", "E-LOC", "S-LOC"]


def test_from_disk_honours_exclude(tmp_path, nlp):
    ruler_pipeline(SAVED_CONFIG).get_pipe("iob_tags").to_disk(tmp_path)
    tagger = nlp.add_pipe("iob_tags")
    tagger.from_disk(tmp_path, exclude=["cfg"])
    assert tagger.cfg["tags"] == CONLL2003_TAGS
    assert tagger.cfg["scheme"] == "IOB2"


def test_to_disk_honours_exclude(tmp_path, nlp):
    nlp.add_pipe("iob_tags").to_disk(tmp_path, exclude=["cfg"])
    assert not (tmp_path / "cfg").exists()


def test_bytes_round_trip(nlp):
    data = ruler_pipeline(SAVED_CONFIG).get_pipe("iob_tags").to_bytes()
    tagger = nlp.add_pipe("iob_tags")
    tagger.from_bytes(data)
    assert tagger.cfg == SAVED_CFG
    assert nlp.from_bytes(nlp.to_bytes()).get_pipe("iob_tags").cfg == SAVED_CFG


def test_from_disk_rejects_invalid_cfg(tmp_path, nlp):
    tagger = nlp.add_pipe("iob_tags")
    tagger.to_disk(tmp_path)
    srsly.write_json(tmp_path / "cfg", {**tagger.cfg, "tags": ["B-PER", "I-PER"]})
    with pytest.raises(ValueError, match="outside tag 'O'"):
        tagger.from_disk(tmp_path)


LOAD_SCRIPT = textwrap.dedent(
    """
    import json, sys
    import spacy
    imported_before = "spacy_bert_ner" in sys.modules
    nlp = spacy.load(sys.argv[1])
    doc = nlp(sys.argv[2])
    print(json.dumps({
        "imported_before": imported_before,
        "tags": doc._.iob_tags,
        "ids": doc._.iob_tag_ids,
        "token_tags": [token._.iob_tag for token in doc],
    }))
    """
)


def test_packaged_pipeline_loads_in_fresh_process(tmp_path):
    factories = {entry.name for entry in entry_points(group="spacy_factories")}
    if "iob_tags" not in factories:
        pytest.skip("spacy-bert-ner is not installed, so its entry points are missing: run pip install -e .")

    model_path = tmp_path / "model"
    ruler_pipeline(SAVED_CONFIG).to_disk(model_path)
    package(model_path, tmp_path, name="iob_test", version="0.0.1", create_sdist=False, silent=True)
    package_root = tmp_path / "en_iob_test-0.0.1"
    assert "spacy-bert-ner" in srsly.read_json(package_root / "meta.json")["requirements"][0]

    # The subprocess never imports spacy_bert_ner itself: spaCy finds the
    # factory through the entry point.
    data_path = package_root / "en_iob_test" / "en_iob_test-0.0.1"
    result = subprocess.run(
        [sys.executable, "-c", LOAD_SCRIPT, str(data_path), RULER_TEXT],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout.strip().splitlines()[-1])
    assert output["imported_before"] is False
    assert output["tags"] == SAVED_TAGS
    assert output["token_tags"] == SAVED_TAGS
    assert output["ids"][:2] == [1, 7]


def test_eng_testb_gold_entities_give_file_tags(shared_data_dir):
    path = shared_data_dir / "conll2003" / "eng.testb"
    data = read_conll(path, scheme="IOB1")
    nlp = spacy.blank("en")
    nlp.add_pipe("iob_tags")
    docs = list(nlp.pipe(conll_to_docs(data, nlp.vocab)))
    assert len(docs) == len(data.documents) == 231

    # The first sentence, with the IOB1 tags I-LOC and I-PER written as B-.
    assert [token.text for token in docs[0][:4]] == ["SOCCER", "-", "JAPAN", "GET"]
    assert docs[0]._.iob_tags[:12] == ["O", "O", "B-LOC", "O", "O", "O", "O", "B-PER", "O", "O", "O", "O"]

    n_tokens = 0
    for doc, document in zip(docs, data.documents):
        expected = []
        for sentence in document.sentences:
            expected.extend(convert_tags(sentence.tags, "IOB1", "IOB2"))
        assert doc._.iob_tags == expected, f"document at line {document.line_no}"
        assert doc._.iob_tag_ids == [CONLL2003_TAGS.index(tag) for tag in expected]
        n_tokens += len(doc)
    assert n_tokens == 46435

"""The configs in configs/: valid, and the recipe's settings where they are promised."""

from pathlib import Path

import pytest
from spacy.cli.debug_config import debug_config
from spacy.util import load_config, load_model_from_config, registry

from helpers import REPO_DIR

CONFIGS_DIR = REPO_DIR / "configs"
TRAINING_CONFIGS = ["default", "tiny", "bert-base-cased"]


@pytest.mark.parametrize("name", TRAINING_CONFIGS)
def test_config_passes_debug_config(name):
    # debug_config exits with an error for an invalid config.
    debug_config(CONFIGS_DIR / f"{name}.cfg", overrides={})


def test_finetune_config_passes_debug_config(tiny_pipeline_path):
    debug_config(CONFIGS_DIR / "finetune.cfg", overrides={"paths.base_model": str(tiny_pipeline_path)})


@pytest.mark.parametrize("name", TRAINING_CONFIGS)
def test_config_pipeline_ends_with_iob_tags(name):
    config = load_config(CONFIGS_DIR / f"{name}.cfg")
    assert config["nlp"]["pipeline"] == ["transformer", "ner", "iob_tags"]


@pytest.mark.parametrize("name", TRAINING_CONFIGS)
def test_config_uses_strided_spans_and_gold_sentences(name):
    config = load_config(CONFIGS_DIR / f"{name}.cfg")
    get_spans = config["components"]["transformer"]["model"]["get_spans"]
    assert get_spans["@span_getters"] == "spacy-transformers.strided_spans.v1"
    assert get_spans["stride"] <= get_spans["window"]
    for corpus in ("train", "dev"):
        assert config["corpora"][corpus]["@readers"] == "spacy_bert_ner.DocBinCorpus.v1"


def test_default_config_has_no_machine_path():
    text = (CONFIGS_DIR / "default.cfg").read_text(encoding="utf8")
    assert "site-packages" not in text
    assert "/home/" not in text
    assert "/work/" not in text
    config = load_config(CONFIGS_DIR / "default.cfg")
    name = config["components"]["transformer"]["model"]["name"]
    assert name["@misc"] == "spacy_bert_ner.packaged_model_path.v1"


def test_bert_base_cased_follows_recipe():
    config = load_config(CONFIGS_DIR / "bert-base-cased.cfg")
    resolved = registry.resolve(config["training"], validate=True)
    model = config["components"]["transformer"]["model"]
    assert model["name"] == "bert-base-cased"
    assert config["training"]["dropout"] == 0.1
    assert config["training"]["max_epochs"] == 5
    assert config["training"]["patience"] > 0
    assert config["training"]["score_weights"]["ents_f"] == 1.0
    optimizer = config["training"]["optimizer"]
    assert optimizer["L2_is_weight_decay"] is True
    assert optimizer["learn_rate"]["initial_rate"] == pytest.approx(2e-5)
    # Batches of 16 sentences: windows of 16 sentences, one window a batch.
    assert config["corpora"]["train"]["max_sents"] == 16
    assert config["training"]["batcher"]["@batchers"] == "spacy.batch_by_sequence.v1"
    assert config["training"]["batcher"]["size"] == 1
    assert resolved["optimizer"] is not None


def test_bert_base_cased_builds_offline():
    # Building the pipeline does not load weights, so it works without the
    # model files; spacy train downloads them when it initializes.
    config = load_config(CONFIGS_DIR / "bert-base-cased.cfg")
    nlp = load_model_from_config(config, auto_fill=True, validate=True)
    assert nlp.pipe_names == ["transformer", "ner", "iob_tags"]

"""The packaged model lookup, its checksum, layer freezing and empty Docs."""

import hashlib
from pathlib import Path

import pytest
import spacy

from spacy_bert_ner.models import (
    PACKAGED_MODEL_SHA256,
    configure_packaged_model_path,
    create_freeze_transformer_layers,
    verify_file_sha256,
)


def test_packaged_model_path_has_model_files():
    folder = Path(configure_packaged_model_path())
    assert (folder / "config.json").is_file()
    assert (folder / "model.safetensors").is_file()


def test_packaged_model_weights_are_genuine():
    weights = Path(configure_packaged_model_path(verify_checksum=False)) / "model.safetensors"
    digest = hashlib.sha256(weights.read_bytes()).hexdigest()
    assert digest == PACKAGED_MODEL_SHA256


def test_checksum_mismatch_names_file(tmp_path):
    weights = tmp_path / "model.safetensors"
    weights.write_bytes(b"not the genuine weights")
    with pytest.raises(ValueError) as excinfo:
        verify_file_sha256(weights, PACKAGED_MODEL_SHA256)
    message = str(excinfo.value)
    assert str(weights) in message
    assert hashlib.sha256(b"not the genuine weights").hexdigest() in message
    assert PACKAGED_MODEL_SHA256 in message


def test_checksum_detects_replaced_file(tmp_path):
    weights = tmp_path / "model.safetensors"
    weights.write_bytes(b"first")
    verify_file_sha256(weights, hashlib.sha256(b"first").hexdigest())
    weights.write_bytes(b"second, longer")
    with pytest.raises(ValueError):
        verify_file_sha256(weights, hashlib.sha256(b"first").hexdigest())


def test_checksum_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="not found"):
        verify_file_sha256(tmp_path / "missing.safetensors", PACKAGED_MODEL_SHA256)


def torch_model(nlp):
    pipe = nlp.get_pipe("transformer")
    return next(shim._model for node in pipe.model.walk() for shim in node.shims)


def test_freeze_layers_stops_gradients(tiny_pipeline_path):
    nlp = spacy.load(tiny_pipeline_path)
    create_freeze_transformer_layers(1)(nlp)
    model = torch_model(nlp)
    assert not any(p.requires_grad for p in model.embeddings.parameters())
    assert not any(p.requires_grad for p in model.encoder.layer[0].parameters())


def test_freeze_zero_layers_keeps_gradients(tiny_pipeline_path):
    nlp = spacy.load(tiny_pipeline_path)
    create_freeze_transformer_layers(0)(nlp)
    assert all(p.requires_grad for p in torch_model(nlp).parameters())


def test_freeze_too_many_layers(tiny_pipeline_path):
    nlp = spacy.load(tiny_pipeline_path)
    with pytest.raises(ValueError, match="Cannot freeze 2 layers: the transformer has 1"):
        create_freeze_transformer_layers(2)(nlp)


def test_empty_docs_in_batch(tiny_pipeline_path):
    nlp = spacy.load(tiny_pipeline_path)
    texts = ["Angela Merkel visited Paris .", "", "   ", "John Smith"]
    batched = list(nlp.pipe(texts, batch_size=4))
    assert batched[1]._.iob_tags == []
    assert batched[2]._.iob_tags == ["O"]
    for text, doc in zip(texts, batched):
        assert nlp(text)._.iob_tags == doc._.iob_tags

"""Lower-precision inference on a trained pipeline and real sentences."""

import numpy
import pytest
import spacy

from helpers import SHARED_DATA_DIR
from spacy_bert_ner.conll import read_conll
from spacy_bert_ner.precision import BF16, INT8, apply_precision

N_TEXTS = 12


def hidden_states(nlp, texts):
    return [doc._.trf_data.tensors[0] for doc in nlp.pipe(texts)]


@pytest.fixture(scope="module")
def texts():
    path = SHARED_DATA_DIR / "conll2003" / "eng.testb"
    if not path.exists():
        pytest.skip(f"Real data file not found: {path}")
    return [" ".join(sentence.words) for sentence in read_conll(path).sentences[:N_TEXTS]]


# int8 rounds every Linear layer's weights and inputs, so it moves the states
# far more than bf16. A broken conversion would give errors near 1 or above.
@pytest.mark.parametrize("precision,max_relative_error", [(BF16, 0.05), (INT8, 0.5)])
def test_precision_keeps_hidden_states_close(tiny_pipeline_path, texts, precision, max_relative_error):
    reference = hidden_states(spacy.load(tiny_pipeline_path), texts)
    nlp = spacy.load(tiny_pipeline_path)
    apply_precision(nlp, precision)
    lowered = hidden_states(nlp, texts)

    assert len(lowered) == len(reference)
    for low, full in zip(lowered, reference):
        assert low.dtype == numpy.float32
        assert low.shape == full.shape
        error = numpy.linalg.norm(low - full) / numpy.linalg.norm(full)
        # A run that did nothing would match exactly.
        assert 0.0 < error < max_relative_error


def test_precision_rejects_unknown_value(tiny_pipeline_path):
    nlp = spacy.load(tiny_pipeline_path)
    with pytest.raises(ValueError, match="Invalid precision 'fp16'"):
        apply_precision(nlp, "fp16")


def test_precision_needs_transformer():
    nlp = spacy.blank("en")
    with pytest.raises(ValueError, match="no component 'transformer'"):
        apply_precision(nlp, BF16)

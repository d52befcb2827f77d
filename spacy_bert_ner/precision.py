"""Lower-precision inference for the transformer inside a spaCy pipeline, on CPU.

`predict --precision` and the benchmark's inference sweep use it.

Two settings are offered: dynamic int8 quantization of the transformer's
Linear layers (`torch.ao.quantization.quantize_dynamic`, weights stored as int8
and activations quantized per batch), and bfloat16 autocast, which pays off on
CPUs with native bfloat16 instructions (AVX512_BF16 or AMX). Both only change
the Hugging Face model that spacy-transformers calls, so the NER and the rest
of the pipeline run as before.

NOTE: torch 2.13 warns that the quantized tensor functions behind
`quantize_dynamic` are deprecated and will be removed in a later release.
"""

from typing import Any

import torch
from spacy.language import Language

from .errors import Errors

FP32 = "fp32"
INT8 = "int8"
BF16 = "bf16"
PRECISIONS = (FP32, INT8, BF16)


class Bfloat16Autocast(torch.nn.Module):
    """A Hugging Face model run under bfloat16 autocast, with float32 outputs.

    spacy-transformers turns the output tensors into NumPy arrays, and NumPy
    has no bfloat16 type, so every floating-point output is cast back.
    """

    def __init__(self, model: torch.nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        with torch.autocast("cpu", dtype=torch.bfloat16):
            output = self.model(*args, **kwargs)
        for key, value in output.items():
            if isinstance(value, torch.Tensor) and value.is_floating_point():
                output[key] = value.float()
        return output


def apply_precision(nlp: Language, precision: str, component: str = "transformer") -> None:
    """Switch the transformer of a spaCy pipeline to int8 or bfloat16 inference.

    Only prediction is supported afterwards: the replaced model is not trained
    and the pipeline should not be saved.

    nlp (Language): A pipeline with a spacy-transformers `transformer` component.
    precision (str): "fp32" (no change), "int8" or "bf16".
    component (str): The name of the transformer component.
    RAISES (ValueError): For an unknown precision or a pipeline without the component.
    """
    if precision not in PRECISIONS:
        raise ValueError(Errors.E415.format(value=precision, options=list(PRECISIONS)))
    if precision == FP32:
        return
    if component not in nlp.pipe_names:
        raise ValueError(Errors.E416.format(component=component, names=nlp.pipe_names, precision=precision))

    # TransformerModel's first layer wraps the Hugging Face model in an HFShim
    # (spacy-transformers 1.x). The shim calls `_model`; `_hfmodel.transformer`
    # is only read for its device, so it keeps the original model.
    shim = nlp.get_pipe(component).model.layers[0].shims[0]
    if precision == INT8:
        shim._model = torch.ao.quantization.quantize_dynamic(
            shim._model, {torch.nn.Linear}, dtype=torch.qint8
        )
    else:
        shim._model = Bfloat16Autocast(shim._model)

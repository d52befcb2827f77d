"""Annotate new text with a pipeline: read records lazily, predict, write JSONL or CoNLL.

    reader = InputReader("news.jsonl", "jsonl")
    with open_writer("news.ents.jsonl", "jsonl") as writer:
        for prediction in predict_records(nlp, reader, on_error="skip"):
            writer.write(prediction)
"""

from .predictions import Prediction, pipeline_tag_scheme, prediction_from_doc
from .readers import InputReader, count_lines, detect_conll_separator, iter_lines
from .records import (
    CONLL,
    INPUT_FORMATS,
    JSONL,
    ON_ERROR_OPTIONS,
    ON_ERROR_SKIP,
    ON_ERROR_STOP,
    OUTPUT_FORMATS,
    TEXT,
    InputRecord,
    resolve_input_format,
    resolve_output_format,
)
from .stream import PredictionStats, make_input, predict_records, release_free_memory
from .writers import ConllWriter, JsonlWriter, dumps_json, open_writer

__all__ = [
    "CONLL",
    "INPUT_FORMATS",
    "JSONL",
    "ON_ERROR_OPTIONS",
    "ON_ERROR_SKIP",
    "ON_ERROR_STOP",
    "OUTPUT_FORMATS",
    "TEXT",
    "ConllWriter",
    "InputReader",
    "InputRecord",
    "JsonlWriter",
    "Prediction",
    "PredictionStats",
    "count_lines",
    "detect_conll_separator",
    "dumps_json",
    "iter_lines",
    "make_input",
    "open_writer",
    "pipeline_tag_scheme",
    "predict_records",
    "prediction_from_doc",
    "release_free_memory",
    "resolve_input_format",
    "resolve_output_format",
]

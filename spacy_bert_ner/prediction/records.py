"""Input records of `predict`, and the names of the formats it reads and writes."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

from ..errors import Errors

TEXT = "text"
JSONL = "jsonl"
CONLL = "conll"
INPUT_FORMATS = (TEXT, JSONL, CONLL)
OUTPUT_FORMATS = (JSONL, CONLL)

# The values of `on_error`: raise at an invalid input record, or write an
# error record in its place and go on.
ON_ERROR_STOP = "stop"
ON_ERROR_SKIP = "skip"
ON_ERROR_OPTIONS = (ON_ERROR_STOP, ON_ERROR_SKIP)

# A .json file contains one JSON value, not one per line, so it maps to no format.
INPUT_SUFFIXES = {
    ".txt": TEXT,
    ".text": TEXT,
    ".jsonl": JSONL,
    ".ndjson": JSONL,
    ".conll": CONLL,
    ".iob": CONLL,
    ".bio": CONLL,
}
OUTPUT_SUFFIXES = {
    ".jsonl": JSONL,
    ".ndjson": JSONL,
    ".conll": CONLL,
    ".iob": CONLL,
    ".bio": CONLL,
}


@dataclass
class InputRecord:
    """One input record: a line of text, a JSON object, or a CoNLL document.

    line_no (int): The 1-based line where the record starts. For an invalid
        record, the line with its first error.
    text (Optional[str]): The text to tokenize, for text and JSONL input.
    words (Optional[List[str]]): The given tokens, for CoNLL input.
    sent_starts (Optional[List[bool]]): Whether each of `words` starts a sentence.
    fields (Optional[Dict[str, Any]]): The JSON object of a JSONL line, kept in
        the output record.
    error (Optional[str]): Why the record is invalid, or None.
    """

    line_no: int
    text: Optional[str] = None
    words: Optional[List[str]] = None
    sent_starts: Optional[List[bool]] = None
    fields: Optional[Dict[str, Any]] = None
    error: Optional[str] = None


def resolve_format(
    value: Optional[str],
    path: Union[str, Path],
    *,
    kind: str,
    options: Sequence[str],
    suffixes: Mapping[str, str],
    option: str,
) -> str:
    """Check a format name, or pick the format from the file's extension.

    value (Optional[str]): The format named by the user, or None.
    path (Union[str, Path]): The file, whose extension decides when `value` is None.
    kind (str): "input" or "output", for messages.
    options (Sequence[str]): The valid format names.
    suffixes (Mapping[str, str]): Lowercase extensions to format names.
    option (str): The command-line option that names the format, for messages.
    RETURNS (str): The format name.
    RAISES (ValueError): If `value` is invalid, or None and the extension unknown.
    """
    if value is not None:
        if value not in options:
            raise ValueError(Errors.E409.format(kind=kind, value=value, options=list(options)))
        return value
    suffix = Path(path).suffix.lower()
    if suffix not in suffixes:
        message = Errors.E410.format(
            kind=kind, path=path, suffix=suffix, option=option, options=", ".join(options)
        )
        raise ValueError(message)
    return suffixes[suffix]


def resolve_input_format(value: Optional[str], path: Union[str, Path]) -> str:
    """Check an input format name, or pick it from the extension (.txt, .jsonl, .conll)."""
    return resolve_format(
        value, path, kind="input", options=INPUT_FORMATS, suffixes=INPUT_SUFFIXES, option="--input-format"
    )


def resolve_output_format(value: Optional[str], path: Union[str, Path]) -> str:
    """Check an output format name, or pick it from the extension (.jsonl, .conll)."""
    return resolve_format(
        value, path, kind="output", options=OUTPUT_FORMATS, suffixes=OUTPUT_SUFFIXES, option="--format"
    )

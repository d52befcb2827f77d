"""The result of `predict` for one input record, as plain data that outlives its Doc."""

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from spacy.language import Language
from spacy.tokens import Doc

from ..pipeline.iob_tags import IOBTagger
from ..schemes import IOB2, chunks_to_tags, convert_tags
from .records import InputRecord


@dataclass
class Prediction:
    """The entities and IOB2 tags predicted for one record, or the record's error.

    record (InputRecord): The input record.
    text (str): The Doc's text. Character offsets count in it.
    tokens (List[str]): The tokens, whitespace tokens included.
    sent_starts (Optional[List[bool]]): Whether each token starts a sentence,
        or None if the Doc has no sentence boundaries.
    ents (List[Dict[str, Any]]): One dict per entity: "text", "label",
        "start_char", "end_char", "start_token" and "end_token", ends exclusive.
    iob_tags (List[str]): One IOB2 tag per token.
    """

    record: InputRecord
    text: str = ""
    tokens: List[str] = field(default_factory=list)
    sent_starts: Optional[List[bool]] = None
    ents: List[Dict[str, Any]] = field(default_factory=list)
    iob_tags: List[str] = field(default_factory=list)

    @property
    def error(self) -> Optional[str]:
        """Why the record is invalid, or None."""
        return self.record.error

    def to_dict(self) -> Dict[str, Any]:
        """Return the JSONL output record.

        The fields of a JSONL input record come first, and the predicted
        fields "ents", "tokens" and "iob_tags" replace any of the same name.
        Text and CoNLL input records get a "text" field too. An invalid record
        gives the fields that parsed, "line" and "error".
        RETURNS (Dict[str, Any]): The output record.
        """
        record = self.record
        output: Dict[str, Any] = dict(record.fields) if record.fields is not None else {}
        if record.error is not None:
            output["line"] = record.line_no
            output["error"] = record.error
            return output
        if record.fields is None:
            output["text"] = self.text
        output["ents"] = self.ents
        output["tokens"] = self.tokens
        output["iob_tags"] = self.iob_tags
        return output


def pipeline_tag_scheme(nlp: Language) -> Optional[str]:
    """Return the scheme of the pipeline's `iob_tags` component, or None without one.

    nlp (Language): The pipeline.
    RETURNS (Optional[str]): "IOB2" or "BIOES", or None.
    """
    for _, component in nlp.pipeline:
        if isinstance(component, IOBTagger):
            return component.cfg["scheme"]
    return None


def prediction_from_doc(doc: Doc, record: InputRecord, tag_scheme: Optional[str]) -> Prediction:
    """Copy the predicted entities and tags of a Doc into a Prediction.

    doc (Doc): The Doc the pipeline returned for the record.
    record (InputRecord): The record.
    tag_scheme (Optional[str]): The scheme of the pipeline's `iob_tags`
        component, from `pipeline_tag_scheme`. With a component, its tags are
        used, so its tag list and label map apply, converted to IOB2 if need
        be. Without one, the tags are written from `doc.ents`.
    RETURNS (Prediction): The prediction.
    """
    tags = doc._.iob_tags if tag_scheme is not None else None
    if tags is None:
        spans = [(ent.start, ent.end, ent.label_) for ent in doc.ents]
        tags = chunks_to_tags(len(doc), spans, IOB2)
    elif tag_scheme != IOB2:
        tags = convert_tags(tags, tag_scheme, IOB2)

    sent_starts = None
    if doc.has_annotation("SENT_START") or doc.has_annotation("DEP"):
        sent_starts = [bool(token.is_sent_start) for token in doc]
    ents = [
        {
            "text": ent.text,
            "label": ent.label_,
            "start_char": ent.start_char,
            "end_char": ent.end_char,
            "start_token": ent.start,
            "end_token": ent.end,
        }
        for ent in doc.ents
    ]
    return Prediction(
        record=record,
        text=doc.text,
        tokens=[token.text for token in doc],
        sent_starts=sent_starts,
        ents=ents,
        iob_tags=list(tags),
    )

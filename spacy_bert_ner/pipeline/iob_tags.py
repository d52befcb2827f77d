"""The `iob_tags` component: one tag and one tag id per token, from `doc.ents`.

The component reads the entities that any earlier component set (a trained
`ner`, an `entity_ruler`, spans set by hand) and writes them in a fixed tag
list, as token-classification applications built on BERT expect:

    doc._.iob_tags     ["B-PER", "I-PER", "O", "B-LOC"]
    doc._.iob_tag_ids  [1, 2, 0, 5]

The tags and ids are stored on the Doc. `Token._.iob_tag` and
`Token._.iob_tag_id` read them from there, so they are None until the
component has run.
"""

import warnings
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional, Set, Union

import srsly
from spacy import util
from spacy.language import Language
from spacy.tokens import Doc, Token

from ..errors import Errors, SpacyBertNerWarning, Warnings
from ..schemes import OUTSIDE, chunks_to_tags, parse_tag
from .tag_lists import CONLL2003_TAGS, expand_tags, validate_output_scheme

UNKNOWN_LABEL_OPTIONS = (OUTSIDE, "error")

DEFAULT_CONFIG = {
    "tags": list(CONLL2003_TAGS),
    "scheme": "IOB2",
    "label_map": {},
    "unknown_label": OUTSIDE,
}


def _get_token_tag(token: Token) -> Optional[str]:
    tags = token.doc._.iob_tags
    return None if tags is None else tags[token.i]


def _get_token_tag_id(token: Token) -> Optional[int]:
    tag_ids = token.doc._.iob_tag_ids
    return None if tag_ids is None else tag_ids[token.i]


def install_extensions() -> None:
    """Register the Doc and Token attributes that the component writes.

    Registering again is a no-op, so importing this module twice or building
    several components is safe.
    """
    if not Doc.has_extension("iob_tags"):
        Doc.set_extension("iob_tags", default=None)
    if not Doc.has_extension("iob_tag_ids"):
        Doc.set_extension("iob_tag_ids", default=None)
    if not Token.has_extension("iob_tag"):
        Token.set_extension("iob_tag", getter=_get_token_tag)
    if not Token.has_extension("iob_tag_id"):
        Token.set_extension("iob_tag_id", getter=_get_token_tag_id)


install_extensions()


@Language.factory(
    "iob_tags",
    assigns=["doc._.iob_tags", "doc._.iob_tag_ids", "token._.iob_tag", "token._.iob_tag_id"],
    requires=["doc.ents"],
    default_config=DEFAULT_CONFIG,
)
def make_iob_tags(
    nlp: Language,
    name: str,
    tags: List[str],
    scheme: str,
    label_map: Dict[str, str],
    unknown_label: str,
) -> "IOBTagger":
    """Build the `iob_tags` component. The settings are those of `IOBTagger`."""
    return IOBTagger(
        nlp, name, tags=tags, scheme=scheme, label_map=label_map, unknown_label=unknown_label
    )


class IOBTagger:
    """Write the entities of a Doc as IOB2 or BIOES tags from a fixed tag list.

    Entities are written with `schemes.chunks_to_tags`. Entity labels go through
    `label_map` first, and entities whose label maps to "O" are dropped without
    a warning. An entity whose label the tag list lacks is tagged "O", or
    raises if `unknown_label` is "error". Each such label is named in one
    warning per component, when it first occurs.
    """

    def __init__(
        self,
        nlp_or_vocab: Any,
        name: str,
        *,
        tags: List[str],
        scheme: str,
        label_map: Dict[str, str],
        unknown_label: str,
    ) -> None:
        """Build the component and validate its settings.

        The defaults of the settings are those of the `iob_tags` factory.

        nlp_or_vocab (Language or Vocab): The pipeline or its vocab. Unused, but
            part of spaCy's component signature.
        name (str): The component's name in the pipeline.
        tags (List[str]): The tags in id order: "O", then the B- and I- tags of
            each type. With the scheme BIOES, E- and S- tags may be listed too,
            else they are added after the given tags (see `expand_tags`).
        scheme (str): "IOB2" or "BIOES".
        label_map (Dict[str, str]): Upstream labels to types of the tag list or
            to "O", for example {"PERSON": "PER", "GPE": "LOC", "DATE": "O"}.
            Labels not in the map are used as they are.
        unknown_label (str): "O" to tag entities with labels that have no tags
            as "O" and warn, or "error" to raise.
        RAISES (ValueError): If a setting is invalid, naming it and its value.
        """
        self.name = name
        self.cfg: Dict[str, Any] = {}
        self._reported_labels: Set[str] = set()
        self._configure(
            {"tags": tags, "scheme": scheme, "label_map": label_map, "unknown_label": unknown_label}
        )

    @property
    def tags(self) -> List[str]:
        """The tags in id order, with any E- and S- tags added for BIOES."""
        return list(self._tags)

    @property
    def labels(self) -> List[str]:
        """The tags in id order, under the name spaCy reads into `nlp.meta`."""
        return self.tags

    def __call__(self, doc: Doc) -> Doc:
        """Write the tags and tag ids of a Doc.

        doc (Doc): The Doc, with its entities set.
        RETURNS (Doc): The same Doc, with `doc._.iob_tags` and `doc._.iob_tag_ids`.
        RAISES (ValueError): If `unknown_label` is "error" and an entity's
            label has no tags.
        """
        spans = []
        unknown = []
        for ent in doc.ents:
            label = self._label_map.get(ent.label_, ent.label_)
            if label == OUTSIDE:
                continue
            if label not in self._types:
                if self._raise_on_unknown:
                    message = Errors.E010.format(text=ent.text, label=ent.label_, tags=self._tags)
                    raise ValueError(message)
                unknown.append(ent.label_)
                continue
            spans.append((ent.start, ent.end, label))

        doc_tags = chunks_to_tags(len(doc), spans, self._scheme)
        doc._.iob_tags = doc_tags
        doc._.iob_tag_ids = [self._tag_ids[tag] for tag in doc_tags]
        self._report_unknown(unknown)
        return doc

    def to_bytes(self, *, exclude: Iterable[str] = util.SimpleFrozenList()) -> bytes:
        """Serialize the settings to a bytestring.

        exclude (Iterable[str]): String names of serialization fields to exclude.
        RETURNS (bytes): The serialized settings.
        """
        serializers = {"cfg": lambda: srsly.json_dumps(self.cfg)}
        return util.to_bytes(serializers, exclude)

    def from_bytes(
        self, bytes_data: bytes, *, exclude: Iterable[str] = util.SimpleFrozenList()
    ) -> "IOBTagger":
        """Load the settings from a bytestring.

        bytes_data (bytes): The data from `to_bytes`.
        exclude (Iterable[str]): String names of serialization fields to exclude.
        RETURNS (IOBTagger): The component, with its settings validated again.
        """
        deserializers = {
            "cfg": lambda b: self._configure({**self.cfg, **srsly.json_loads(b)})
        }
        util.from_bytes(bytes_data, deserializers, exclude)
        return self

    def to_disk(
        self, path: Union[str, Path], *, exclude: Iterable[str] = util.SimpleFrozenList()
    ) -> None:
        """Write the settings to a directory, as the JSON file `cfg`.

        path (str / Path): The directory, created if missing.
        exclude (Iterable[str]): String names of serialization fields to exclude.
        """
        serializers = {"cfg": lambda p: srsly.write_json(p, self.cfg)}
        util.to_disk(path, serializers, exclude)

    def from_disk(
        self, path: Union[str, Path], *, exclude: Iterable[str] = util.SimpleFrozenList()
    ) -> "IOBTagger":
        """Load the settings from a directory written by `to_disk`.

        path (str / Path): The directory.
        exclude (Iterable[str]): String names of serialization fields to exclude.
        RETURNS (IOBTagger): The component, with its settings validated again.
        """
        deserializers: Dict[str, Callable[[Path], Any]] = {
            "cfg": lambda p: self._configure({**self.cfg, **srsly.read_json(p)})
        }
        util.from_disk(path, deserializers, exclude)
        return self

    def _configure(self, cfg: Dict[str, Any]) -> None:
        """Validate the settings and derive the lookup tables from them."""
        scheme = validate_output_scheme(cfg["scheme"])
        tags = expand_tags(cfg["tags"], scheme)
        types = {parse_tag(tag)[1] for tag in tags if tag != OUTSIDE}
        label_map = _validate_label_map(cfg["label_map"], tags, types)
        unknown_label = cfg["unknown_label"]
        if unknown_label not in UNKNOWN_LABEL_OPTIONS:
            raise ValueError(Errors.E310.format(value=unknown_label))

        # Store the settings as given, so a saved component rebuilds the same
        # added BIOES tags, and the scheme by its canonical name.
        self.cfg = {
            "tags": list(cfg["tags"]),
            "scheme": scheme,
            "label_map": dict(label_map),
            "unknown_label": unknown_label,
        }
        self._scheme = scheme
        self._tags = tags
        self._tag_ids = {tag: i for i, tag in enumerate(tags)}
        self._types = types
        self._label_map = label_map
        self._raise_on_unknown = unknown_label == "error"

    def _report_unknown(self, labels: List[str]) -> None:
        """Warn about labels without tags, each one once per component."""
        new_labels = sorted(set(labels) - self._reported_labels)
        if not new_labels:
            return
        self._reported_labels.update(new_labels)
        warnings.warn(Warnings.W001.format(name=self.name, labels=new_labels), SpacyBertNerWarning)


def _validate_label_map(label_map: Any, tags: List[str], types: Set[str]) -> Dict[str, str]:
    """Check that every label maps to a type of the tag list or to "O"."""
    if not isinstance(label_map, dict):
        raise ValueError(Errors.E311.format(value=label_map))
    for label, target in label_map.items():
        if not isinstance(label, str) or not isinstance(target, str):
            raise ValueError(Errors.E311.format(value=label_map))
        if target != OUTSIDE and target not in types:
            message = Errors.E309.format(
                value=label_map, label=label, target=target, tags=tags, types=sorted(types)
            )
            raise ValueError(message)
    return dict(label_map)

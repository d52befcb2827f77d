"""Tag schemes: parsing tags, chunking tag sequences into entities and back.

This module is the single implementation of IOB1, IOB2 and BIOES (BILOU) used
by the reader, the writer, the `iob_tags` component and the scorer.

Chunking follows the rules of the classic conlleval script: an entity starts at
a B- or S- tag, and also at an I- or E- tag that does not continue an entity of
the same type. IOB1 allows such I- starts by design. In IOB2 and BIOES they are
accepted as repairs. Every `Chunk` records whether its scheme's rules had to be
bent to read it, so strict readers can reject it.
"""

from dataclasses import dataclass
from typing import Iterable, Iterator, List, Optional, Sequence, Tuple

from .errors import Errors, InvalidTagError, InvalidTagSequenceError

IOB1 = "IOB1"
IOB2 = "IOB2"
BIOES = "BIOES"
SCHEMES = (IOB1, IOB2, BIOES)
SCHEME_ALIASES = {"BIO": IOB2, "IOB": IOB2, "BILOU": BIOES, "IOBES": BIOES}

OUTSIDE = "O"

# L (last) and U (unit) of BILOU are E (end) and S (single) of BIOES.
PREFIX_ALIASES = {"L": "E", "U": "S"}
PREFIXES = ("B", "I", "E", "S", "L", "U")
SCHEME_PREFIXES = {IOB1: ("B", "I"), IOB2: ("B", "I"), BIOES: ("B", "I", "E", "S")}

# Reasons recorded on repaired chunks, also shown in reader summaries.
REPAIR_I_START = "entity starts with I- instead of B-"
REPAIR_E_START = "entity starts with E- instead of B- or S-"
REPAIR_UNCLOSED = "entity is not closed by E-"


@dataclass(frozen=True)
class Chunk:
    """An entity read from a tag sequence: tokens `start` to `end` (exclusive).

    `repair` is None for a chunk that follows the scheme, else the reason the
    chunk needed a repair to be read.
    """

    start: int
    end: int
    label: str
    repair: Optional[str] = None


def normalize_scheme(scheme: str) -> str:
    """Return the canonical name of a tag scheme, accepting aliases and any case.

    scheme (str): A name such as "iob2", "BIO", "BILOU".
    RETURNS (str): One of "IOB1", "IOB2", "BIOES".
    """
    name = scheme.strip().upper()
    name = SCHEME_ALIASES.get(name, name)
    if name not in SCHEMES:
        options = list(SCHEMES) + list(SCHEME_ALIASES)
        raise ValueError(Errors.E002.format(scheme=scheme, schemes=options))
    return name


def parse_tag(tag: str) -> Tuple[str, Optional[str]]:
    """Split a tag into its prefix and entity type.

    tag (str): A tag such as "B-PER", "I-LOC", "U-ORG" or "O".
    RETURNS (Tuple[str, Optional[str]]): ("O", None) for the outside tag, else
        the prefix (BILOU's L and U read as E and S) and the type.
    RAISES (InvalidTagError): If the tag is not "O" or PREFIX-TYPE.
    """
    if tag == OUTSIDE:
        return OUTSIDE, None
    prefix, sep, label = tag.partition("-")
    if not sep or prefix not in PREFIXES or not label or label != label.strip():
        raise InvalidTagError(Errors.E001.format(tag=tag, prefixes=list(PREFIXES)))
    return PREFIX_ALIASES.get(prefix, prefix), label


def iter_chunks(tags: Sequence[str], scheme: str = IOB2) -> Iterator[Chunk]:
    """Read the entities of one sentence's tags, repairing by conlleval's rules.

    tags (Sequence[str]): One tag per token.
    scheme (str): The scheme of `tags`: "IOB1", "IOB2" or "BIOES".
    YIELDS (Chunk): The entities in order, each with its repair reason or None.
    RAISES (InvalidTagError): If a tag is invalid or its prefix is not part of
        the scheme (E- in an IOB2 sequence, for example).
    """
    scheme = normalize_scheme(scheme)
    allowed = SCHEME_PREFIXES[scheme]
    start: Optional[int] = None
    label: Optional[str] = None
    repair: Optional[str] = None

    for i, tag in enumerate(tags):
        prefix, tag_label = parse_tag(tag)
        if prefix != OUTSIDE and prefix not in allowed:
            raise InvalidTagError(Errors.E001.format(tag=tag, prefixes=list(allowed)))
        continues = start is not None and tag_label == label
        if start is not None and not (continues and prefix in ("I", "E")):
            # The open entity ends here. BIOES requires it to end with E-.
            if scheme == BIOES and repair is None:
                repair = REPAIR_UNCLOSED
            yield Chunk(start, i, label, repair)  # type: ignore[arg-type]
            start = label = repair = None
        if prefix == OUTSIDE:
            continue
        if start is None:
            start, label = i, tag_label
            if prefix == "I" and scheme != IOB1:
                repair = REPAIR_I_START
            elif prefix == "E":
                repair = REPAIR_E_START
        if prefix in ("E", "S"):
            yield Chunk(start, i + 1, label, repair)  # type: ignore[arg-type]
            start = label = repair = None

    if start is not None:
        if scheme == BIOES and repair is None:
            repair = REPAIR_UNCLOSED
        yield Chunk(start, len(tags), label, repair)  # type: ignore[arg-type]


def get_chunks(tags: Sequence[str], scheme: str = IOB2, *, strict: bool = False) -> List[Chunk]:
    """Return the entities of one sentence's tags.

    tags (Sequence[str]): One tag per token.
    scheme (str): The scheme of `tags`.
    strict (bool): Raise on any chunk that needs a repair instead of repairing.
    RETURNS (List[Chunk]): The entities in order.
    RAISES (InvalidTagSequenceError): In strict mode, for the first repair.
    """
    chunks = list(iter_chunks(tags, scheme))
    if strict:
        for chunk in chunks:
            if chunk.repair is not None:
                raise InvalidTagSequenceError(
                    Errors.E003.format(
                        scheme=normalize_scheme(scheme),
                        reason=chunk.repair,
                        tag=tags[chunk.start],
                        position=chunk.start,
                    )
                )
    return chunks


def chunks_to_tags(
    length: int, spans: Iterable[Tuple[int, int, str]], scheme: str = IOB2
) -> List[str]:
    """Write entity spans as one tag per token.

    length (int): The number of tokens.
    spans (Iterable[Tuple[int, int, str]]): (start, end, label) triples with
        exclusive ends, not overlapping. `Chunk` objects work too.
    scheme (str): The scheme to write.
    RETURNS (List[str]): The tags.
    """
    scheme = normalize_scheme(scheme)
    tags = [OUTSIDE] * length
    previous_end, previous_label = -1, None
    for span in sorted(_as_triples(spans)):
        start, end, label = span
        if start < 0 or end > length or start >= end or start < previous_end:
            raise ValueError(f"Invalid or overlapping span {span} for {length} tokens.")
        if scheme == IOB1:
            adjacent = start == previous_end and label == previous_label
            tags[start:end] = ["I-" + label] * (end - start)
            if adjacent:
                tags[start] = "B-" + label
        elif scheme == IOB2:
            tags[start:end] = ["B-" + label] + ["I-" + label] * (end - start - 1)
        elif end - start == 1:
            tags[start] = "S-" + label
        else:
            inside = ["I-" + label] * (end - start - 2)
            tags[start:end] = ["B-" + label] + inside + ["E-" + label]
        previous_end, previous_label = end, label
    return tags


def convert_tags(tags: Sequence[str], source: str, target: str) -> List[str]:
    """Convert one sentence's tags from one scheme to another, repairing by rule."""
    return chunks_to_tags(len(tags), iter_chunks(tags, source), target)


def detect_scheme(sentences: Iterable[Sequence[str]]) -> str:
    """Guess the tag scheme of a corpus from its tag sequences.

    E-/S-/L-/U- prefixes mean BIOES. Otherwise IOB1 and IOB2 differ in how an
    entity after O (or after another type) starts: with I- in IOB1, with B- in
    IOB2. The more frequent of the two wins, and IOB2 wins a tie.

    sentences (Iterable[Sequence[str]]): The tags of each sentence.
    RETURNS (str): "IOB1", "IOB2" or "BIOES".
    """
    b_starts = i_starts = 0
    for tags in sentences:
        previous: Tuple[str, Optional[str]] = (OUTSIDE, None)
        for tag in tags:
            prefix, label = parse_tag(tag)
            if prefix in ("E", "S"):
                return BIOES
            starts_entity = previous[0] == OUTSIDE or previous[1] != label
            if prefix == "B" and starts_entity:
                b_starts += 1
            elif prefix == "I" and starts_entity:
                i_starts += 1
            previous = (prefix, label)
    return IOB1 if i_starts > b_starts else IOB2


def _as_triples(spans: Iterable) -> Iterator[Tuple[int, int, str]]:
    for span in spans:
        if isinstance(span, Chunk):
            yield span.start, span.end, span.label
        else:
            start, end, label = span
            yield start, end, label

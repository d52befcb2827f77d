"""Tag lists for token classification: the standard lists and their validation.

A tag list fixes the tag ids: the id of a tag is its position in the list. The
`iob_tags` component writes these ids, so an application trained on the same
list can read them.
"""

from typing import Dict, List, Sequence

from ..errors import Errors, InvalidTagError
from ..schemes import BIOES, IOB2, OUTSIDE, normalize_scheme, parse_tag

# The CoNLL-2003 types in the order of the classic BERT token-classification
# recipe, which gives "O" the id 0.
CONLL2003_TAGS = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC"]
# The same without MISC, for corpora such as WikiANN that tag only these types.
PER_ORG_LOC_TAGS = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC"]

OUTPUT_SCHEMES = (IOB2, BIOES)


def validate_output_scheme(scheme: str) -> str:
    """Check the scheme setting of a tag list and return its canonical name.

    scheme (str): "IOB2" or "BIOES", or an alias such as "BIO" or "BILOU".
    RETURNS (str): "IOB2" or "BIOES".
    RAISES (ValueError): If the scheme is unknown or is IOB1.
    """
    try:
        name = normalize_scheme(scheme)
    except (ValueError, AttributeError):
        name = None
    if name not in OUTPUT_SCHEMES:
        raise ValueError(Errors.E300.format(value=scheme, schemes=list(OUTPUT_SCHEMES)))
    return name


def expand_tags(tags: Sequence[str], scheme: str) -> List[str]:
    """Validate a tag list for a scheme and return the full list that defines the ids.

    For IOB2 the list must contain "O" once and the B- and I- tags of each type,
    with no duplicates. For BIOES it may contain all four of B-, I-, E- and S-
    for every type, or only B- and I- tags. In the second case the E- and S-
    tags are added after the given tags, E- then S- for each type in the order
    of its B- tag, so the given tags keep their ids.

    tags (Sequence[str]): The tags in id order.
    scheme (str): "IOB2" or "BIOES" (aliases accepted).
    RETURNS (List[str]): The tags in id order, including any added ones.
    RAISES (ValueError): If the list is invalid, naming the tag at fault.
    """
    scheme = validate_output_scheme(scheme)
    prefixes_by_type = _group_by_type(tags, scheme)

    # Every type needs both B- and I-, because IOB2 writes entities of two or
    # more tokens with both, and BIOES those of three or more.
    for label, prefixes in prefixes_by_type.items():
        for prefix, twin in (("B", "I"), ("I", "B")):
            if prefix in prefixes and twin not in prefixes:
                message = Errors.E307.format(
                    value=list(tags), tag=f"{prefix}-{label}", twin=f"{twin}-{label}"
                )
                raise ValueError(message)
    if scheme == IOB2:
        return list(tags)

    # BIOES: all types complete, or all types given as B- and I- only.
    has_e_or_s = {label for label, prefixes in prefixes_by_type.items() if prefixes & {"E", "S"}}
    if not has_e_or_s:
        added = []
        for label in prefixes_by_type:
            added.extend([f"E-{label}", f"S-{label}"])
        return list(tags) + added
    for label, prefixes in prefixes_by_type.items():
        if prefixes != {"B", "I", "E", "S"}:
            present = [f"{prefix}-{label}" for prefix in "BIES" if prefix in prefixes]
            raise ValueError(Errors.E308.format(value=list(tags), label=label, present=present))
    return list(tags)


def _group_by_type(tags: Sequence[str], scheme: str) -> Dict[str, set]:
    """Check each tag on its own and collect the prefixes of each type, in list order."""
    if isinstance(tags, str) or not isinstance(tags, Sequence):
        raise ValueError(Errors.E301.format(value=tags))
    seen = set()
    prefixes_by_type: Dict[str, set] = {}
    for tag in tags:
        if not isinstance(tag, str):
            raise ValueError(Errors.E301.format(value=list(tags)))
        if tag in seen:
            raise ValueError(Errors.E303.format(value=list(tags), tag=tag))
        seen.add(tag)
        try:
            prefix, label = parse_tag(tag)
        except InvalidTagError as error:
            raise ValueError(Errors.E302.format(value=list(tags), error=error)) from error
        if prefix == OUTSIDE:
            continue

        # parse_tag reads BILOU's L- and U- as E- and S-, but the component
        # writes E- and S-, which would then have no id.
        if tag[0] in ("L", "U"):
            raise ValueError(Errors.E305.format(value=list(tags), tag=tag))
        if scheme == IOB2 and prefix not in ("B", "I"):
            raise ValueError(Errors.E306.format(value=list(tags), tag=tag))
        prefixes_by_type.setdefault(label, set()).add(prefix)
    if OUTSIDE not in seen:
        raise ValueError(Errors.E304.format(value=list(tags)))
    return prefixes_by_type

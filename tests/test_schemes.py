"""Tests of tag parsing, chunking, conversion and scheme detection."""

import pytest

from spacy_bert_ner.errors import InvalidTagError, InvalidTagSequenceError
from spacy_bert_ner.schemes import (
    REPAIR_E_START,
    REPAIR_I_START,
    REPAIR_UNCLOSED,
    Chunk,
    chunks_to_tags,
    convert_tags,
    detect_scheme,
    get_chunks,
    iter_chunks,
    normalize_scheme,
    parse_tag,
)


def spans(chunks):
    return [(chunk.start, chunk.end, chunk.label) for chunk in chunks]


def repairs(chunks):
    return [chunk.repair for chunk in chunks]


@pytest.mark.parametrize(
    "name,expected",
    [
        ("IOB1", "IOB1"),
        ("iob2", "IOB2"),
        ("BIO", "IOB2"),
        ("IOB", "IOB2"),
        ("bioes", "BIOES"),
        ("BILOU", "BIOES"),
        ("IOBES", "BIOES"),
        (" IOB2 ", "IOB2"),
    ],
)
def test_normalize_scheme_aliases(name, expected):
    assert normalize_scheme(name) == expected


def test_normalize_scheme_unknown_name():
    with pytest.raises(ValueError, match="Unknown tag scheme 'BIOLU'"):
        normalize_scheme("BIOLU")


@pytest.mark.parametrize(
    "tag,expected",
    [
        ("O", ("O", None)),
        ("B-PER", ("B", "PER")),
        ("I-LOC", ("I", "LOC")),
        ("E-ORG", ("E", "ORG")),
        ("S-MISC", ("S", "MISC")),
        ("L-ORG", ("E", "ORG")),
        ("U-MISC", ("S", "MISC")),
        ("B-WORK-OF-ART", ("B", "WORK-OF-ART")),
    ],
)
def test_parse_tag_valid(tag, expected):
    assert parse_tag(tag) == expected


@pytest.mark.parametrize(
    "tag", ['"', "-", "B-", "B", "X-PER", "b-PER", "B- PER", "B-PER ", "", "o", "-PER"]
)
def test_parse_tag_invalid(tag):
    with pytest.raises(InvalidTagError):
        parse_tag(tag)


def test_iob1_adjacent_entities_of_one_type():
    tags = ["I-PER", "I-PER", "B-PER"]
    chunks = get_chunks(tags, "IOB1")
    assert spans(chunks) == [(0, 2, "PER"), (2, 3, "PER")]
    assert repairs(chunks) == [None, None]


def test_iob1_type_change_starts_entity():
    chunks = get_chunks(["B-ORG", "I-PER", "I-PER", "O", "I-LOC"], "IOB1")
    assert spans(chunks) == [(0, 1, "ORG"), (1, 3, "PER"), (4, 5, "LOC")]
    assert repairs(chunks) == [None, None, None]


def test_iob2_type_change_is_repaired():
    chunks = get_chunks(["B-ORG", "I-PER", "I-PER"], "IOB2")
    assert spans(chunks) == [(0, 1, "ORG"), (1, 3, "PER")]
    assert repairs(chunks) == [None, REPAIR_I_START]


def test_iob2_entity_starting_with_i():
    chunks = get_chunks(["O", "I-PER", "I-PER", "O", "B-LOC", "I-LOC"], "IOB2")
    assert spans(chunks) == [(1, 3, "PER"), (4, 6, "LOC")]
    assert repairs(chunks) == [REPAIR_I_START, None]


def test_iob2_adjacent_b_tags():
    chunks = get_chunks(["B-PER", "B-PER", "I-PER"], "IOB2")
    assert spans(chunks) == [(0, 1, "PER"), (1, 3, "PER")]
    assert repairs(chunks) == [None, None]


def test_iob2_rejects_bioes_prefix():
    with pytest.raises(InvalidTagError):
        get_chunks(["B-PER", "E-PER"], "IOB2")


@pytest.mark.parametrize(
    "tags",
    [
        ["B-PER", "I-PER", "E-PER", "O", "S-LOC", "B-ORG", "E-ORG"],
        ["B-PER", "I-PER", "L-PER", "O", "U-LOC", "B-ORG", "L-ORG"],
    ],
    ids=["BIOES", "BILOU"],
)
def test_bioes_and_bilou_chunks(tags):
    chunks = get_chunks(tags, "BIOES")
    assert spans(chunks) == [(0, 3, "PER"), (4, 5, "LOC"), (5, 7, "ORG")]
    assert repairs(chunks) == [None, None, None]


def test_bioes_adjacent_singles():
    chunks = get_chunks(["S-PER", "S-PER", "B-PER", "E-PER"], "BIOES")
    assert spans(chunks) == [(0, 1, "PER"), (1, 2, "PER"), (2, 4, "PER")]
    assert repairs(chunks) == [None, None, None]


@pytest.mark.parametrize(
    "tags,expected_spans,expected_repairs",
    [
        (["B-PER", "I-PER", "O"], [(0, 2, "PER")], [REPAIR_UNCLOSED]),
        (["B-PER"], [(0, 1, "PER")], [REPAIR_UNCLOSED]),
        (["B-PER", "B-PER", "E-PER"], [(0, 1, "PER"), (1, 3, "PER")], [REPAIR_UNCLOSED, None]),
        (["O", "E-PER"], [(1, 2, "PER")], [REPAIR_E_START]),
        (["I-PER", "E-PER"], [(0, 2, "PER")], [REPAIR_I_START]),
        (["B-PER", "E-LOC"], [(0, 1, "PER"), (1, 2, "LOC")], [REPAIR_UNCLOSED, REPAIR_E_START]),
    ],
)
def test_bioes_repairs(tags, expected_spans, expected_repairs):
    chunks = get_chunks(tags, "BIOES")
    assert spans(chunks) == expected_spans
    assert repairs(chunks) == expected_repairs


def test_get_chunks_strict_raises_on_repair():
    with pytest.raises(InvalidTagSequenceError, match="starts with I-"):
        get_chunks(["O", "I-PER"], "IOB2", strict=True)


def test_get_chunks_strict_accepts_valid_tags():
    chunks = get_chunks(["I-PER", "I-PER", "B-PER"], "IOB1", strict=True)
    assert spans(chunks) == [(0, 2, "PER"), (2, 3, "PER")]


def test_iter_chunks_rejects_invalid_tag():
    with pytest.raises(InvalidTagError):
        list(iter_chunks(["O", "B-"], "IOB2"))


def test_chunks_end_at_sequence_end():
    assert spans(get_chunks(["O", "B-LOC", "I-LOC"], "IOB2")) == [(1, 3, "LOC")]


@pytest.mark.parametrize(
    "scheme,expected",
    [
        ("IOB1", ["I-PER", "I-PER", "B-PER", "O", "I-LOC", "I-ORG"]),
        ("IOB2", ["B-PER", "I-PER", "B-PER", "O", "B-LOC", "B-ORG"]),
        ("BIOES", ["B-PER", "E-PER", "S-PER", "O", "S-LOC", "S-ORG"]),
    ],
)
def test_chunks_to_tags(scheme, expected):
    entity_spans = [(0, 2, "PER"), (2, 3, "PER"), (4, 5, "LOC"), (5, 6, "ORG")]
    assert chunks_to_tags(6, entity_spans, scheme) == expected


def test_chunks_to_tags_accepts_chunks():
    chunks = [Chunk(0, 1, "PER"), Chunk(1, 3, "LOC", REPAIR_I_START)]
    assert chunks_to_tags(3, chunks, "IOB2") == ["B-PER", "B-LOC", "I-LOC"]


@pytest.mark.parametrize(
    "entity_spans", [[(0, 2, "PER"), (1, 3, "LOC")], [(0, 4, "PER")], [(1, 1, "PER")]]
)
def test_chunks_to_tags_rejects_invalid_spans(entity_spans):
    with pytest.raises(ValueError):
        chunks_to_tags(3, entity_spans, "IOB2")


def test_convert_iob1_to_iob2_and_back():
    iob1 = ["I-PER", "I-PER", "B-PER", "O", "I-LOC", "I-ORG"]
    iob2 = ["B-PER", "I-PER", "B-PER", "O", "B-LOC", "B-ORG"]
    assert convert_tags(iob1, "IOB1", "IOB2") == iob2
    assert convert_tags(iob2, "IOB2", "IOB1") == iob1


def test_convert_repairs_iob2_i_start():
    assert convert_tags(["O", "I-PER", "I-LOC"], "IOB2", "IOB2") == ["O", "B-PER", "B-LOC"]


def test_convert_bilou_to_iob2():
    assert convert_tags(["U-PER", "B-LOC", "L-LOC"], "BILOU", "IOB2") == ["B-PER", "B-LOC", "I-LOC"]


@pytest.mark.parametrize(
    "sentences,expected",
    [
        ([["O", "I-PER", "I-PER"], ["I-LOC", "O", "I-ORG", "B-ORG"]], "IOB1"),
        ([["O", "B-PER", "I-PER"], ["B-LOC", "O", "B-ORG", "B-ORG"]], "IOB2"),
        ([["B-PER", "E-PER"], ["O"]], "BIOES"),
        ([["U-PER", "O"], ["B-LOC", "L-LOC"]], "BIOES"),
        ([["O", "O"], ["O"]], "IOB2"),
        ([["B-PER"], ["I-LOC"]], "IOB2"),
        ([], "IOB2"),
    ],
    ids=["iob1", "iob2", "bioes", "bilou", "no-entities", "tie", "empty"],
)
def test_detect_scheme(sentences, expected):
    assert detect_scheme(sentences) == expected


def test_detect_scheme_ignores_continuations():
    # Many I- continuations after B- starts are IOB2, not IOB1.
    sentences = [["B-ORG", "I-ORG", "I-ORG", "I-ORG"], ["O", "B-PER", "I-PER"]]
    assert detect_scheme(sentences) == "IOB2"


def test_detect_scheme_rejects_invalid_tag():
    with pytest.raises(InvalidTagError):
        detect_scheme([["O", '"']])

"""Tests of reading CoNLL files: formats, schemes, documents, errors and real corpora."""

import logging

import pytest
from spacy.vocab import Vocab

from spacy_bert_ner.conll import conll_to_docs, read_conll, read_conll_docs
from spacy_bert_ner.errors import ConllFormatError
from spacy_bert_ner.schemes import REPAIR_E_START, REPAIR_I_START, REPAIR_UNCLOSED

CONLL2003_FILES = ("eng.train", "eng.testa", "eng.testb")
WIKIANN_FILES = ("train", "dev", "test")

CONLL2003_SAMPLE = """\
-DOCSTART- -X- -X- O

EU NNP I-NP I-ORG
rejects VBZ I-VP O
German JJ I-NP I-MISC
call NN I-NP O

Peter NNP I-NP I-PER
Blackburn NNP I-NP I-PER

-DOCSTART- -X- O O

BRUSSELS NNP I-NP I-LOC
1996-08-22 CD I-NP O
"""

WIKIANN_SAMPLE = """\
en:R.H.\tB-ORG
en:Saunders\tI-ORG
en:(\tO
en:St.\tB-ORG
en:Lawrence\tI-ORG
en:)\tO

en:New York\tB-LOC
en:is\tO

en:Paris\tB-LOC

en:Berlin\tB-LOC
en:and\tO
en:Bonn\tB-LOC
"""


def write(tmp_path, text, name="data.conll", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def words_of(data):
    return [sentence.words for sentence in data.sentences]


def tags_of(data):
    return [sentence.tags for sentence in data.sentences]


def read_error(tmp_path, text, **options):
    path = write(tmp_path, text)
    with pytest.raises(ConllFormatError) as excinfo:
        read_conll(path, **options)
    return path, excinfo.value


# Formats


def test_conll2003_documents_and_sentences(tmp_path):
    data = read_conll(write(tmp_path, CONLL2003_SAMPLE))
    assert data.n_columns == 4
    assert data.separator == "space"
    assert data.tag_column == 3
    assert data.has_docstart
    assert [doc.line_no for doc in data.documents] == [1, 11]
    assert [len(doc.sentences) for doc in data.documents] == [2, 1]
    assert words_of(data) == [
        ["EU", "rejects", "German", "call"],
        ["Peter", "Blackburn"],
        ["BRUSSELS", "1996-08-22"],
    ]
    assert tags_of(data)[0] == ["I-ORG", "O", "I-MISC", "O"]


def test_conll2003_columns_and_line_numbers(tmp_path):
    data = read_conll(write(tmp_path, CONLL2003_SAMPLE))
    first = data.sentences[0]
    assert first.columns[0] == ("EU", "NNP", "I-NP", "I-ORG")
    assert first.line_numbers == [3, 4, 5, 6]
    assert data.sentences[2].line_numbers == [13, 14]


def test_conll2003_detects_iob1(tmp_path):
    data = read_conll(write(tmp_path, CONLL2003_SAMPLE))
    assert data.detected_scheme == "IOB1"
    assert data.scheme == "IOB1"
    assert data.repairs == []


def test_conll2003_stats(tmp_path):
    stats = read_conll(write(tmp_path, CONLL2003_SAMPLE)).stats()
    assert stats.documents == 2
    assert stats.sentences == 3
    assert stats.tokens == 8
    assert stats.entities == 4
    assert stats.entities_per_type == {"LOC": 1, "MISC": 1, "ORG": 1, "PER": 1}


def test_stats_to_dict(tmp_path):
    stats = read_conll(write(tmp_path, CONLL2003_SAMPLE)).stats()
    assert stats.to_dict() == {
        "documents": 2,
        "sentences": 3,
        "tokens": 8,
        "entities": 4,
        "entities_per_type": {"LOC": 1, "MISC": 1, "ORG": 1, "PER": 1},
    }


def test_tab_separated_with_prefix(tmp_path):
    data = read_conll(write(tmp_path, WIKIANN_SAMPLE), strip_token_prefix="en:")
    assert data.separator == "tab"
    assert data.n_columns == 2
    assert data.detected_scheme == "IOB2"
    assert words_of(data)[0] == ["R.H.", "Saunders", "(", "St.", "Lawrence", ")"]
    assert data.sentences[0].columns[0] == ("en:R.H.", "B-ORG")


def test_tab_separated_token_with_space(tmp_path):
    data = read_conll(write(tmp_path, WIKIANN_SAMPLE), strip_token_prefix="en:")
    assert data.sentences[1].words == ["New York", "is"]
    assert data.sentences[1].tags == ["B-LOC", "O"]


def test_tab_separated_keeps_prefix_by_default(tmp_path):
    data = read_conll(write(tmp_path, WIKIANN_SAMPLE))
    assert data.sentences[0].words[0] == "en:R.H."


def test_prefix_stripped_only_where_present(tmp_path):
    data = read_conll(write(tmp_path, "en:Paris B-LOC\nLondon B-LOC\n"), strip_token_prefix="en:")
    assert data.sentences[0].words == ["Paris", "London"]


def test_file_without_docstart_grouped_by_n_sents(tmp_path):
    data = read_conll(write(tmp_path, WIKIANN_SAMPLE), n_sents=3)
    assert not data.has_docstart
    assert data.n_sents == 3
    assert [len(doc.sentences) for doc in data.documents] == [3, 1]
    assert [doc.line_no for doc in data.documents] == [None, None]


def test_default_groups_ten_sentences(tmp_path):
    text = "".join(f"word{i} O\n\n" for i in range(25))
    data = read_conll(write(tmp_path, text))
    assert [len(doc.sentences) for doc in data.documents] == [10, 10, 5]


def test_tag_column_option(tmp_path):
    text = "Paris B-LOC NNP\nis O VBZ\n"
    data = read_conll(write(tmp_path, text), tag_column=1)
    assert data.tag_column == 1
    assert data.sentences[0].tags == ["B-LOC", "O"]


def test_negative_tag_column(tmp_path):
    text = "Paris NNP B-LOC X\nis VBZ O X\n"
    data = read_conll(write(tmp_path, text), tag_column=-2)
    assert data.tag_column == 2
    assert data.sentences[0].tags == ["B-LOC", "O"]


def test_prediction_file_repairs_predicted_column(tmp_path):
    text = "Nadim B-PER I-PER\nLadki I-PER I-PER\nin O O\nBeirut B-LOC I-LOC\n"
    data = read_conll(write(tmp_path, text), tag_column=2, scheme="IOB2")
    sentence = data.sentences[0]
    assert sentence.tags == ["I-PER", "I-PER", "O", "I-LOC"]
    assert [columns[1] for columns in sentence.columns] == ["B-PER", "I-PER", "O", "B-LOC"]
    assert [repair.line_no for repair in data.repairs] == [1, 4]


# Tag schemes


def test_detects_iob2(tmp_path):
    data = read_conll(write(tmp_path, "New B-LOC\nYork I-LOC\nis O\nbig O\n"))
    assert data.detected_scheme == "IOB2"


@pytest.mark.parametrize(
    "text",
    [
        "New B-LOC\nYork E-LOC\nParis S-LOC\nis O\n",
        "New B-LOC\nYork L-LOC\nParis U-LOC\nis O\n",
    ],
    ids=["BIOES", "BILOU"],
)
def test_detects_bioes_and_bilou(tmp_path, text):
    data = read_conll(write(tmp_path, text))
    assert data.detected_scheme == "BIOES"
    assert data.scheme == "BIOES"
    assert data.repairs == []
    assert data.stats().entities == 2


def test_scheme_override_is_used(tmp_path):
    # IOB1 tags read as IOB2: the I- starts become repairs.
    data = read_conll(write(tmp_path, CONLL2003_SAMPLE), scheme="IOB2")
    assert data.scheme == "IOB2"
    assert data.detected_scheme == "IOB1"
    assert data.n_repairs == 4
    assert data.repairs[0].line_no == 3
    assert data.repairs[0].reason == REPAIR_I_START


def test_scheme_alias_bilou(tmp_path):
    data = read_conll(write(tmp_path, "New B-LOC\nYork L-LOC\n"), scheme="bilou")
    assert data.scheme == "BIOES"


def test_unknown_scheme_raises(tmp_path):
    with pytest.raises(ValueError, match="Unknown tag scheme"):
        read_conll(write(tmp_path, "a O\n"), scheme="BIOLU")


def test_iob1_adjacent_same_type_entities(tmp_path):
    text = "Peter I-PER\nJohn I-PER\nMary B-PER\nsaid O\n"
    data = read_conll(write(tmp_path, text), scheme="IOB1")
    assert data.stats().entities_per_type == {"PER": 2}
    doc = conll_to_docs(data, Vocab())[0]
    assert [(ent.start, ent.end, ent.label_) for ent in doc.ents] == [(0, 2, "PER"), (2, 3, "PER")]


@pytest.mark.parametrize("scheme,n_repairs", [("IOB1", 0), ("IOB2", 1)])
def test_type_change_starts_entity(tmp_path, scheme, n_repairs):
    text = "Real B-ORG\nMadrid I-LOC\nwins O\n"
    data = read_conll(write(tmp_path, text), scheme=scheme)
    doc = conll_to_docs(data, Vocab())[0]
    assert [(ent.start, ent.end, ent.label_) for ent in doc.ents] == [(0, 1, "ORG"), (1, 2, "LOC")]
    assert data.n_repairs == n_repairs


def test_iob2_repairs_recorded_with_lines(tmp_path):
    text = "a O\nb I-PER\nc I-PER\n\nd B-LOC\ne I-ORG\n"
    data = read_conll(write(tmp_path, text), scheme="IOB2")
    assert [(r.line_no, r.line, r.tag, r.reason) for r in data.repairs] == [
        (2, "b I-PER", "I-PER", REPAIR_I_START),
        (6, "e I-ORG", "I-ORG", REPAIR_I_START),
    ]


@pytest.mark.parametrize(
    "text,reason",
    [
        ("a B-PER\nb I-PER\nc O\n", REPAIR_UNCLOSED),
        ("a O\nb E-PER\nc S-LOC\n", REPAIR_E_START),
    ],
)
def test_bioes_repairs_recorded(tmp_path, text, reason):
    data = read_conll(write(tmp_path, text), scheme="BIOES")
    assert [(repair.line_no, repair.reason) for repair in data.repairs] == [
        (1 if reason == REPAIR_UNCLOSED else 2, reason)
    ]


def test_repairs_logged_once(tmp_path, caplog):
    text = "a I-PER\n\nb I-PER\n\nc I-PER\n"
    with caplog.at_level(logging.WARNING, logger="spacy_bert_ner"):
        data = read_conll(write(tmp_path, text), scheme="IOB2")
    assert data.n_repairs == 3
    messages = [record.getMessage() for record in caplog.records]
    messages = [message for message in messages if "repaired" in message]
    assert len(messages) == 1
    assert "repaired 3 entities" in messages[0]
    assert "line 1" in messages[0]


def test_strict_rejects_repair(tmp_path):
    path, err = read_error(tmp_path, "a O\nb B-PER\n\nc I-LOC\n", strict=True)
    assert err.line_no == 4
    assert err.line == "c I-LOC"
    assert "starts with I-" in str(err)
    assert "--strict" in str(err)


def test_strict_rejects_unclosed_bioes(tmp_path):
    path, err = read_error(tmp_path, "a O\nb B-PER\nc I-PER\nd O\n", scheme="BIOES", strict=True)
    assert err.line_no == 2


def test_strict_accepts_valid_file(tmp_path):
    data = read_conll(write(tmp_path, CONLL2003_SAMPLE), strict=True)
    assert data.n_repairs == 0


# Documents, sentences and line ends


@pytest.mark.parametrize(
    "docstart_line",
    ["-DOCSTART- -X- -X- O", "-DOCSTART- -X- O O", "-DOCSTART-", "-DOCSTART- O", "-DOCSTART-\tO"],
)
def test_any_docstart_line_starts_document(tmp_path, docstart_line):
    text = f"{docstart_line}\n\na O\nb B-PER\n\n{docstart_line}\n\nc O\n"
    data = read_conll(write(tmp_path, text))
    assert len(data.documents) == 2
    assert words_of(data) == [["a", "b"], ["c"]]
    assert data.stats().tokens == 3


def test_docstart_without_blank_line_ends_sentence(tmp_path):
    text = "a O\nb O\n-DOCSTART- -X- -X- O\nc O\n"
    data = read_conll(write(tmp_path, text))
    assert [doc.line_no for doc in data.documents] == [None, 3]
    assert words_of(data) == [["a", "b"], ["c"]]


def test_empty_documents_are_skipped(tmp_path):
    text = "-DOCSTART- O\n\n-DOCSTART- O\n\na O\n\n-DOCSTART- O\n\n"
    data = read_conll(write(tmp_path, text))
    assert [doc.line_no for doc in data.documents] == [3]
    assert data.n_empty_documents == 2


def test_whitespace_only_lines_break_sentences(tmp_path):
    text = "a O\nb O\n   \nc O\n\t\nd O\n \t \n\n\ne O\n"
    data = read_conll(write(tmp_path, text))
    assert words_of(data) == [["a", "b"], ["c"], ["d"], ["e"]]


def test_whitespace_only_lines_in_tab_file(tmp_path):
    text = "a\tO\n\t\nb\tO\n"
    data = read_conll(write(tmp_path, text))
    assert words_of(data) == [["a"], ["b"]]


def test_crlf_reads_like_lf(tmp_path):
    lf = read_conll(write(tmp_path, CONLL2003_SAMPLE, "lf.conll"))
    crlf_bytes = CONLL2003_SAMPLE.replace("\n", "\r\n").encode("utf-8")
    assert b"\r\n" in crlf_bytes
    crlf = read_conll(write(tmp_path, crlf_bytes, "crlf.conll"))
    assert words_of(crlf) == words_of(lf)
    assert tags_of(crlf) == tags_of(lf)
    assert [s.line_numbers for s in crlf.sentences] == [s.line_numbers for s in lf.sentences]


def test_crlf_tab_file_has_clean_tags(tmp_path):
    data = read_conll(write(tmp_path, b"en:Paris\tB-LOC\r\nen:is\tO\r\n"))
    assert data.sentences[0].tags == ["B-LOC", "O"]


def test_bom_reads_like_plain_file(tmp_path):
    plain = read_conll(write(tmp_path, CONLL2003_SAMPLE, "plain.conll"))
    bom_bytes = b"\xef\xbb\xbf" + CONLL2003_SAMPLE.encode("utf-8")
    with_bom = read_conll(write(tmp_path, bom_bytes, "bom.conll"))
    assert with_bom.documents[0].line_no == 1
    assert words_of(with_bom) == words_of(plain)
    assert tags_of(with_bom) == tags_of(plain)


def test_bom_with_crlf_tab_file(tmp_path):
    data = read_conll(write(tmp_path, b"\xef\xbb\xbfParis\tB-LOC\r\n\r\nis\tO\r\n"))
    assert words_of(data) == [["Paris"], ["is"]]


def test_file_without_final_newline(tmp_path):
    data = read_conll(write(tmp_path, "a O\nb B-PER"))
    assert words_of(data) == [["a", "b"]]


def test_non_ascii_tokens(tmp_path):
    data = read_conll(write(tmp_path, "Zürich B-LOC\nist O\n東京 B-LOC\n"))
    assert data.sentences[0].words == ["Zürich", "ist", "東京"]


# Errors


@pytest.mark.parametrize(
    "bad_line",
    ['b "', "b -", "b B-", "b X-PER", "b b-PER", "b PER", "b I_PER", "b O-PER"],
    ids=[
        "quote",
        "dash",
        "no-type",
        "unknown-prefix",
        "lowercase",
        "no-prefix",
        "underscore",
        "outside-with-type",
    ],
)
def test_invalid_tag_names_line(tmp_path, bad_line):
    path, err = read_error(tmp_path, f"-DOCSTART- O\n\na O\n{bad_line}\nc O\n")
    assert err.line_no == 4
    assert err.line == bad_line
    assert err.path == path
    assert f"{path}, line 4" in str(err)
    assert "Invalid tag" in str(err)
    assert "expected 'O' or PREFIX-TYPE" in str(err)


def test_invalid_tag_on_later_sentence(tmp_path):
    path, err = read_error(tmp_path, "a O\nb B-PER\n\nc O\nd B-\n")
    assert err.line_no == 5


def test_invalid_tag_in_tab_file_with_trailing_space(tmp_path):
    path, err = read_error(tmp_path, "a\tO\nb\tB-PER \n")
    assert err.line_no == 2


def test_tag_outside_given_scheme(tmp_path):
    path, err = read_error(tmp_path, "a O\nb B-PER\nc E-PER\n", scheme="IOB2")
    assert err.line_no == 3
    assert "not part of the scheme IOB2" in str(err)


def test_column_count_mismatch(tmp_path):
    text = "a NN I-NP O\nb NN I-NP O\n\nc NN O\n"
    path, err = read_error(tmp_path, text)
    assert err.line_no == 4
    assert err.line == "c NN O"
    assert "Expected 4 space-separated columns, as on line 1, but found 3" in str(err)


def test_column_count_mismatch_in_tab_file(tmp_path):
    path, err = read_error(tmp_path, "a\tO\nb O\n")
    assert err.line_no == 2
    assert "Expected 2 tab-separated columns" in str(err)


def test_docstart_line_exempt_from_column_count(tmp_path):
    data = read_conll(write(tmp_path, "-DOCSTART- -X- -X- O\n\na O\n"))
    assert data.n_columns == 2


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf"], ids=["empty", "bom-only"])
def test_empty_file(tmp_path, content):
    path, err = read_error(tmp_path, content)
    assert err.path == path
    assert "The file is empty" in str(err)


@pytest.mark.parametrize(
    "text",
    ["\n\n  \n", "-DOCSTART- -X- -X- O\n\n", "-DOCSTART- O\n\n-DOCSTART- O\n"],
    ids=["blank-lines", "one-docstart", "two-docstarts"],
)
def test_file_without_tokens(tmp_path, text):
    path, err = read_error(tmp_path, text)
    assert "contains no tokens" in str(err)


def test_single_column_file(tmp_path):
    path, err = read_error(tmp_path, "\nword\nother\n")
    assert err.line_no == 2
    assert "needs a token and a tag" in str(err)


@pytest.mark.parametrize("tag_column", [4, -5])
def test_tag_column_out_of_range(tmp_path, tag_column):
    path, err = read_error(tmp_path, "a NN I-NP O\n", tag_column=tag_column)
    assert err.line_no == 1
    assert f"Tag column {tag_column} does not exist" in str(err)


@pytest.mark.parametrize("tag_column", [0, -4])
def test_tag_column_of_tokens(tmp_path, tag_column):
    path, err = read_error(tmp_path, "a NN I-NP O\n", tag_column=tag_column)
    assert "column 0 contains the tokens" in str(err)


def test_blank_token_in_tab_file(tmp_path):
    path, err = read_error(tmp_path, "a\tO\n \tO\n")
    assert err.line_no == 2
    assert "token column is blank" in str(err)


def test_token_empty_after_prefix(tmp_path):
    path, err = read_error(tmp_path, "en:a\tO\nen:\tO\n", strip_token_prefix="en:")
    assert err.line_no == 2
    assert "empty after removing the prefix 'en:'" in str(err)


def test_invalid_utf8(tmp_path):
    path, err = read_error(tmp_path, b"a O\nb O\nc\xff O\n")
    assert err.line_no == 3
    assert "not valid UTF-8" in str(err)


@pytest.mark.parametrize("n_sents", [0, -1, 1.5])
def test_invalid_n_sents(tmp_path, n_sents):
    with pytest.raises(ValueError, match="sentences per document"):
        read_conll(write(tmp_path, "a O\n"), n_sents=n_sents)


# Docs


def test_docs_have_sentences_and_entities(tmp_path):
    docs = conll_to_docs(read_conll(write(tmp_path, CONLL2003_SAMPLE)), Vocab())
    assert len(docs) == 2
    doc = docs[0]
    words = ["EU", "rejects", "German", "call", "Peter", "Blackburn"]
    ents = [("EU", "ORG"), ("German", "MISC"), ("Peter Blackburn", "PER")]
    assert [token.text for token in doc] == words
    assert [sent.text for sent in doc.sents] == ["EU rejects German call", "Peter Blackburn"]
    assert [(ent.text, ent.label_) for ent in doc.ents] == ents
    assert [token.whitespace_ for token in doc] == [" ", " ", " ", " ", " ", ""]
    assert doc.has_annotation("SENT_START")


def test_docs_entities_do_not_cross_sentences(tmp_path):
    # Without the sentence break, IOB1 would read one four-token entity.
    text = "New I-LOC\nYork I-LOC\n\nNew I-LOC\nJersey I-LOC\n"
    doc = conll_to_docs(read_conll(write(tmp_path, text)), Vocab())[0]
    assert [(ent.start, ent.end) for ent in doc.ents] == [(0, 2), (2, 4)]


def test_docs_from_bioes(tmp_path):
    text = "New B-LOC\nYork E-LOC\nand O\nParis S-LOC\n"
    doc = conll_to_docs(read_conll(write(tmp_path, text)), Vocab())[0]
    assert [(ent.text, ent.label_) for ent in doc.ents] == [("New York", "LOC"), ("Paris", "LOC")]


def test_read_conll_docs_passes_options(tmp_path):
    path = write(tmp_path, WIKIANN_SAMPLE)
    docs = read_conll_docs(path, Vocab(), strip_token_prefix="en:", n_sents=2)
    assert len(docs) == 2
    assert [token.text for token in docs[1]][:1] == ["Paris"]
    assert [ent.text for ent in docs[0].ents] == ["R.H. Saunders", "St. Lawrence", "New York"]


# Real corpora


CONLL2003_COUNTS = {
    # documents, sentences, tokens, entities, -DOCSTART- lines + sentences
    "eng.train": (946, 14041, 203621, 23499, 14987),
    "eng.testa": (216, 3250, 51362, 5942, 3466),
    "eng.testb": (231, 3453, 46435, 5648, 3684),
}

CONLL2003_ENTITIES_PER_TYPE = {
    "eng.train": {"LOC": 7140, "MISC": 3438, "ORG": 6321, "PER": 6600},
    "eng.testb": {"LOC": 1668, "MISC": 702, "ORG": 1661, "PER": 1617},
}


@pytest.mark.parametrize("name", CONLL2003_FILES)
def test_conll2003_exact_counts(read_real_file, name):
    data = read_real_file(name)
    stats = data.stats()
    documents, sentences, tokens, entities, familiar_sentences = CONLL2003_COUNTS[name]
    assert stats.documents == documents
    assert stats.sentences == sentences
    assert stats.tokens == tokens
    assert stats.entities == entities
    assert stats.sentences + stats.documents == familiar_sentences


@pytest.mark.parametrize("name", sorted(CONLL2003_ENTITIES_PER_TYPE))
def test_conll2003_entities_per_type(read_real_file, name):
    assert read_real_file(name).stats().entities_per_type == CONLL2003_ENTITIES_PER_TYPE[name]


@pytest.mark.parametrize("name", CONLL2003_FILES)
def test_conll2003_format_detected(read_real_file, name):
    data = read_real_file(name)
    assert data.detected_scheme == "IOB1"
    assert data.n_columns == 4
    assert data.separator == "space"
    assert data.has_docstart
    assert data.n_repairs == 0


@pytest.mark.parametrize("name", CONLL2003_FILES)
def test_conll2003_documents_match_docstart_lines(read_real_file, name):
    data = read_real_file(name)
    lines = data.path.read_text(encoding="utf-8").split("\n")
    docstart_lines = [i for i, line in enumerate(lines, 1) if line.startswith("-DOCSTART-")]
    assert [doc.line_no for doc in data.documents] == docstart_lines


@pytest.mark.parametrize("name", CONLL2003_FILES)
def test_conll2003_has_no_docstart_token(read_real_file, name):
    data = read_real_file(name)
    assert all("-DOCSTART-" not in sentence.words for sentence in data.sentences)


def test_conll2003_testb_starts_with_docstart(read_real_file):
    # The test file's marker line is "-DOCSTART- -X- -X- O", unlike train and dev.
    data = read_real_file("eng.testb")
    first_line = data.path.read_text(encoding="utf-8").split("\n")[0]
    assert first_line == "-DOCSTART- -X- -X- O"
    assert data.documents[0].line_no == 1
    assert data.sentences[0].words[:3] == ["SOCCER", "-", "JAPAN"]


@pytest.mark.parametrize("name", WIKIANN_FILES)
def test_wikiann_reads(read_real_file, name):
    data = read_real_file(f"wikiann-{name}")
    lines = data.path.read_text(encoding="utf-8").split("\n")
    token_lines = [line for line in lines if line.strip()]
    stats = data.stats()
    assert data.separator == "tab"
    assert data.detected_scheme == "IOB2"
    assert not data.has_docstart
    assert stats.tokens == len(token_lines)
    # WikiANN starts every entity with B-, so its B- lines count the entities.
    assert stats.entities == sum(line.split("\t")[1].startswith("B-") for line in token_lines)
    assert stats.documents == -(-stats.sentences // 10)
    assert not any(word.startswith("en:") for sentence in data.sentences for word in sentence.words)


@pytest.mark.parametrize("name", WIKIANN_FILES)
def test_wikiann_converts_to_docs(read_real_file, name):
    data = read_real_file(f"wikiann-{name}")
    docs = conll_to_docs(data, Vocab())
    stats = data.stats()
    assert len(docs) == stats.documents
    assert sum(len(doc) for doc in docs) == stats.tokens
    assert sum(len(doc.ents) for doc in docs) == stats.entities
    assert sum(len(list(doc.sents)) for doc in docs) == stats.sentences

"""Tests of the `convert` command on inline files and on the CoNLL-2003 test file."""

import re
from pathlib import Path

import pytest
import srsly
from spacy.tokens import DocBin
from spacy.vocab import Vocab
from typer.testing import CliRunner

from spacy_bert_ner.cli import app

SHARED_DATA_DIR = Path(__file__).resolve().parents[3] / "shared" / "data"
ANSI_CODE = re.compile(r"\x1b\[[0-9;]*m")

runner = CliRunner()

CONLL_SAMPLE = """\
-DOCSTART- -X- -X- O

EU NNP I-NP I-ORG
rejects VBZ I-VP O
German JJ I-NP I-MISC

Peter NNP I-NP I-PER
Blackburn NNP I-NP I-PER

-DOCSTART- -X- O O

BRUSSELS NNP I-NP I-LOC
"""

TAB_SAMPLE = "en:New York\tB-LOC\nen:is\tO\n\nen:Paris\tB-LOC\n\nen:Rome\tI-LOC\n"


def run_convert(*args):
    """Run `convert` and return the exit code and the output as one line of plain text."""
    result = runner.invoke(app, ["convert", *[str(arg) for arg in args]])
    # wasabi colours and wraps its messages, so compare text without both.
    text = " ".join(ANSI_CODE.sub("", result.output).split())
    return result.exit_code, text


def load_docs(path):
    return list(DocBin().from_disk(path).get_docs(Vocab()))


def test_convert_conll2003_file(tmp_path):
    source = tmp_path / "sample.conll"
    source.write_text(CONLL_SAMPLE, encoding="utf-8")
    output = tmp_path / "sample.spacy"
    exit_code, text = run_convert(source, output)
    assert exit_code == 0, text
    assert "4 space-separated columns" in text
    assert "Tag scheme: IOB1 (detected)" in text
    assert "Documents: 2, one per -DOCSTART- line" in text
    docs = load_docs(output)
    assert [len(doc) for doc in docs] == [5, 1]
    ents = [("EU", "ORG"), ("German", "MISC"), ("Peter Blackburn", "PER")]
    assert [(ent.text, ent.label_) for ent in docs[0].ents] == ents
    assert [sent.text for sent in docs[0].sents] == ["EU rejects German", "Peter Blackburn"]


def test_convert_prints_stats_table(tmp_path):
    source = tmp_path / "sample.conll"
    source.write_text(CONLL_SAMPLE, encoding="utf-8")
    exit_code, text = run_convert(source, tmp_path / "sample.spacy")
    assert exit_code == 0, text
    rows = ["documents 2", "sentences 3", "tokens 6", "entities 4"]
    rows += ["LOC 1", "MISC 1", "ORG 1", "PER 1"]
    for row in rows:
        assert row in text


def test_convert_tab_file_with_options(tmp_path):
    source = tmp_path / "sample.tsv"
    source.write_text(TAB_SAMPLE, encoding="utf-8")
    output = tmp_path / "sample.spacy"
    options = ["--strip-token-prefix", "en:", "--n-sents", "2", "--scheme", "BIO"]
    exit_code, text = run_convert(source, output, *options)
    assert exit_code == 0, text
    assert "2 tab-separated columns" in text
    assert "Documents: 2, groups of 2 sentences, because the file has no -DOCSTART- lines" in text
    docs = load_docs(output)
    words = [[token.text for token in doc] for doc in docs]
    assert words == [["New York", "is", "Paris"], ["Rome"]]
    assert [ent.text for ent in docs[1].ents] == ["Rome"]


def test_convert_repair_summary_printed_once(tmp_path):
    source = tmp_path / "sample.tsv"
    source.write_text(TAB_SAMPLE, encoding="utf-8")
    exit_code, text = run_convert(source, tmp_path / "out.spacy")
    assert exit_code == 0, text
    assert text.count("Repaired 1 entities") == 1
    assert "line 6 ('en:Rome\\tI-LOC'): entity starts with I- instead of B-" in text


def test_convert_strict_rejects_repair(tmp_path):
    source = tmp_path / "sample.tsv"
    source.write_text(TAB_SAMPLE, encoding="utf-8")
    output = tmp_path / "out.spacy"
    exit_code, text = run_convert(source, output, "--strict")
    assert exit_code == 1
    assert f"{source}, line 6" in text
    assert not output.exists()


def test_convert_tag_column(tmp_path):
    source = tmp_path / "predictions.txt"
    source.write_text("Nadim B-PER O\nLadki I-PER O\n", encoding="utf-8")
    output = tmp_path / "gold.spacy"
    exit_code, text = run_convert(source, output, "--tag-column", "1")
    assert exit_code == 0, text
    assert "tags in column 1" in text
    assert [ent.text for ent in load_docs(output)[0].ents] == ["Nadim Ladki"]


def test_convert_negative_tag_column(tmp_path):
    source = tmp_path / "predictions.txt"
    source.write_text("Nadim B-PER O\nLadki I-PER O\n", encoding="utf-8")
    exit_code, text = run_convert(source, tmp_path / "gold.spacy", "--tag-column=-2")
    assert exit_code == 0, text
    assert "tags in column 1" in text


def test_convert_given_scheme_differs_from_detected(tmp_path):
    source = tmp_path / "sample.conll"
    source.write_text(CONLL_SAMPLE, encoding="utf-8")
    exit_code, text = run_convert(source, tmp_path / "out.spacy", "--scheme", "IOB2")
    assert exit_code == 0, text
    assert "Tag scheme: IOB2 (given), but the tags look like IOB1" in text
    assert "Repaired 4 entities" in text


def test_convert_writes_stats_json(tmp_path):
    source = tmp_path / "sample.conll"
    source.write_text(CONLL_SAMPLE, encoding="utf-8")
    stats_path = tmp_path / "stats" / "sample.json"
    exit_code, text = run_convert(source, tmp_path / "out.spacy", "--stats-json", stats_path)
    assert exit_code == 0, text
    stats = srsly.read_json(stats_path)
    assert stats["documents"] == 2
    assert stats["sentences"] == 3
    assert stats["tokens"] == 6
    assert stats["entities"] == 4
    assert stats["entities_per_type"] == {"LOC": 1, "MISC": 1, "ORG": 1, "PER": 1}
    assert stats["scheme"] == "IOB1"
    assert stats["separator"] == "space"
    assert stats["n_columns"] == 4
    assert stats["repairs"] == 0


@pytest.mark.parametrize(
    "content,line_no,expected",
    [
        (b'EU I-ORG\nrejects "\n', 2, "Invalid tag '\"'"),
        (b"EU I-ORG\nrejects -\n", 2, "Invalid tag '-'"),
        (b"EU I-ORG\n\nrejects B-\n", 3, "Invalid tag 'B-'"),
        (b"EU NNP I-ORG\nrejects O\n", 2, "Expected 3 space-separated columns"),
    ],
    ids=["quote", "dash", "no-type", "columns"],
)
def test_convert_error_names_line(tmp_path, content, line_no, expected):
    source = tmp_path / "bad.conll"
    source.write_bytes(content)
    output = tmp_path / "bad.spacy"
    stats_path = tmp_path / "bad.json"
    exit_code, text = run_convert(source, output, "--stats-json", stats_path)
    assert exit_code == 1
    assert f"{source}, line {line_no}" in text
    assert expected in text
    assert "line: " in text
    assert not output.exists()
    assert not stats_path.exists()


@pytest.mark.parametrize(
    "content,expected", [(b"", "The file is empty"), (b"\n \n", "contains no tokens")]
)
def test_convert_rejects_file_without_tokens(tmp_path, content, expected):
    source = tmp_path / "empty.conll"
    source.write_bytes(content)
    exit_code, text = run_convert(source, tmp_path / "out.spacy")
    assert exit_code == 1
    assert expected in text


def test_convert_error_keeps_previous_output(tmp_path):
    source = tmp_path / "bad.conll"
    source.write_bytes(b"EU I-ORG\nrejects X-ORG\n")
    output = tmp_path / "out.spacy"
    output.write_bytes(b"previous")
    exit_code, text = run_convert(source, output)
    assert exit_code == 1
    assert output.read_bytes() == b"previous"


def test_convert_rejects_unknown_scheme(tmp_path):
    source = tmp_path / "sample.conll"
    source.write_text(CONLL_SAMPLE, encoding="utf-8")
    exit_code, text = run_convert(source, tmp_path / "out.spacy", "--scheme", "IOB3")
    assert exit_code == 1
    assert "Unknown tag scheme 'IOB3'" in text


def test_convert_crlf_bom_file(tmp_path):
    source = tmp_path / "windows.conll"
    source.write_bytes(b"\xef\xbb\xbf" + CONLL_SAMPLE.replace("\n", "\r\n").encode("utf-8"))
    output = tmp_path / "windows.spacy"
    exit_code, text = run_convert(source, output)
    assert exit_code == 0, text
    docs = load_docs(output)
    assert [token.text for token in docs[0]] == ["EU", "rejects", "German", "Peter", "Blackburn"]


def test_convert_real_conll2003_testb(tmp_path):
    source = SHARED_DATA_DIR / "conll2003" / "eng.testb"
    if not source.exists():
        pytest.skip(f"Real data file not found: {source}")
    output = tmp_path / "test.spacy"
    stats_path = tmp_path / "test.json"
    exit_code, text = run_convert(source, output, "--stats-json", stats_path)
    assert exit_code == 0, text
    assert "Documents: 231, one per -DOCSTART- line" in text

    docs = load_docs(output)
    assert len(docs) == 231
    assert sum(len(doc) for doc in docs) == 46435
    assert sum(len(list(doc.sents)) for doc in docs) == 3453
    assert sum(len(doc.ents) for doc in docs) == 5648
    assert not any(token.text == "-DOCSTART-" for doc in docs for token in doc)

    stats = srsly.read_json(stats_path)
    assert stats["entities_per_type"] == {"LOC": 1668, "MISC": 702, "ORG": 1661, "PER": 1617}

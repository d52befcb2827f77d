"""Tests of the predict command on the tiny pipeline: formats, errors and processes."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from helpers import SHARED_DATA_DIR, write_conll_head
from spacy_bert_ner.cli import app
from spacy_bert_ner.conll import read_conll
from spacy_bert_ner.errors import Errors

runner = CliRunner()

TESTB = SHARED_DATA_DIR / "conll2003" / "eng.testb"
N_DOCS = 8


@pytest.fixture(scope="module")
def testb_head(tmp_path_factory) -> Path:
    """The first documents of eng.testb as a CoNLL file."""
    if not TESTB.exists():
        pytest.skip(f"Real data file not found: {TESTB}")
    return write_conll_head(TESTB, tmp_path_factory.mktemp("data") / "testb-head.conll", N_DOCS)


@pytest.fixture(scope="module")
def sentences(testb_head) -> list:
    return [" ".join(sentence.words) for sentence in read_conll(testb_head).sentences]


def _predict(*args: str):
    result = runner.invoke(app, ["predict", *map(str, args)])
    return result


def _read_jsonl(path: Path) -> list:
    return [json.loads(line) for line in path.read_text(encoding="utf8").splitlines()]


def test_text_to_jsonl(tiny_pipeline_path, tmp_path, sentences):
    texts = sentences[:20] + ["", "   ", "Emoji 🤖 in Paris", "مرحبا بالعالم في القاهرة"]
    input_path = tmp_path / "input.txt"
    input_path.write_text("\n".join(texts) + "\n", encoding="utf8")
    output_path = tmp_path / "output.jsonl"
    result = _predict(tiny_pipeline_path, input_path, output_path)
    assert result.exit_code == 0, result.output
    assert f"Wrote {len(texts)} records" in result.output

    records = _read_jsonl(output_path)
    assert [record["text"] for record in records] == texts
    for record in records:
        assert set(record) == {"text", "ents", "tokens", "iob_tags"}
        assert len(record["iob_tags"]) == len(record["tokens"])
        for ent in record["ents"]:
            assert record["text"][ent["start_char"] : ent["end_char"]] == ent["text"]
    # Non-ASCII text is written as it is, not as escapes.
    assert "مرحبا" in output_path.read_text(encoding="utf8")


def test_invalid_utf8_stops_by_default(tiny_pipeline_path, tmp_path):
    input_path = tmp_path / "input.txt"
    input_path.write_bytes(b"Peter Blackburn\nJapan\nBad \xff byte\nLast line\n")
    output_path = tmp_path / "output.jsonl"
    result = _predict(tiny_pipeline_path, input_path, output_path)
    assert result.exit_code == 1
    assert f"{input_path}, line 3: Invalid UTF-8" in result.output.replace("\n", " ")
    assert "--on-error skip" in result.output
    assert [record["text"] for record in _read_jsonl(output_path)] == ["Peter Blackburn", "Japan"]


def test_invalid_utf8_skipped_with_error_record(tiny_pipeline_path, tmp_path):
    input_path = tmp_path / "input.txt"
    input_path.write_bytes(b"Peter Blackburn\nBad \xff byte\n\xc3\x28\nLast line\n")
    output_path = tmp_path / "output.jsonl"
    result = _predict(tiny_pipeline_path, input_path, output_path, "--on-error", "skip")
    assert result.exit_code == 0, result.output
    assert "Skipped 2 invalid input records, first at lines 2, 3" in result.output.replace("\n", " ")

    records = _read_jsonl(output_path)
    assert len(records) == 4
    assert records[1]["line"] == 2
    assert records[1]["error"].startswith("Invalid UTF-8")
    assert records[2]["line"] == 3
    assert records[3]["text"] == "Last line"


def test_jsonl_keeps_fields_and_reports_errors(tiny_pipeline_path, tmp_path):
    lines = [
        '{"id": 1, "body": "Peter Blackburn", "meta": {"source": "news"}}',
        '{"id": 2, "text": "no body"}',
        "{broken",
        "",
        '{"id": 3, "body": "Japan beat Syria"}',
    ]
    input_path = tmp_path / "input.jsonl"
    input_path.write_text("\n".join(lines) + "\n", encoding="utf8")
    output_path = tmp_path / "output.jsonl"
    result = _predict(
        tiny_pipeline_path, input_path, output_path, "--text-key", "body", "--on-error", "skip"
    )
    assert result.exit_code == 0, result.output
    assert "Skipped 1 blank lines" in result.output

    records = _read_jsonl(output_path)
    assert len(records) == 4
    assert records[0]["id"] == 1
    assert records[0]["meta"] == {"source": "news"}
    assert records[0]["body"] == "Peter Blackburn"
    assert "text" not in records[0]
    assert records[0]["tokens"] == ["Peter", "Blackburn"]
    assert records[1] == {
        "id": 2,
        "text": "no body",
        "line": 2,
        "error": Errors.E403.format(key="body"),
    }
    assert records[2]["line"] == 3
    assert records[2]["error"].startswith("Invalid JSON")
    assert records[3]["id"] == 3


def test_conll_to_conll_round_trip(tiny_pipeline_path, tmp_path, testb_head):
    output_path = tmp_path / "output.conll"
    result = _predict(tiny_pipeline_path, testb_head, output_path, "--input-format", "conll")
    assert result.exit_code == 0, result.output
    assert f"Wrote {N_DOCS} records" in result.output

    gold = read_conll(testb_head)
    predicted = read_conll(output_path)
    assert predicted.scheme in ("IOB2", "IOB1")
    assert len(predicted.documents) == len(gold.documents) == N_DOCS
    assert [s.words for s in predicted.sentences] == [s.words for s in gold.sentences]
    assert predicted.n_repairs == 0


def test_conll_to_jsonl_keeps_given_tokens(tiny_pipeline_path, tmp_path, testb_head):
    output_path = tmp_path / "output.jsonl"
    result = _predict(tiny_pipeline_path, testb_head, output_path, "-i", "conll")
    assert result.exit_code == 0, result.output
    records = _read_jsonl(output_path)
    gold = read_conll(testb_head)
    assert [record["tokens"] for record in records] == [
        [word for sentence in document.sentences for word in sentence.words]
        for document in gold.documents
    ]
    assert all(record["text"] == " ".join(record["tokens"]) for record in records)


def test_text_to_conll_one_docstart_per_line(tiny_pipeline_path, tmp_path, sentences):
    texts = [sentences[0], "", "Two  spaces and a\ttab", "-DOCSTART- as a word", "   ", sentences[1]]
    input_path = tmp_path / "input.txt"
    input_path.write_text("\n".join(texts) + "\n", encoding="utf8")
    output_path = tmp_path / "output.conll"
    result = _predict(tiny_pipeline_path, input_path, output_path, "--on-error", "skip")
    assert result.exit_code == 0, result.output
    assert "Left out 4 tokens" in result.output

    lines = output_path.read_text(encoding="utf8").splitlines()
    assert sum(line.startswith("-DOCSTART-") for line in lines) == len(texts)
    data = read_conll(output_path)
    assert [s.words for s in data.sentences] == [
        sentences[0].split(" "),
        ["Two", "spaces", "and", "a", "tab"],
        ["as", "a", "word"],
        sentences[1].split(" "),
    ]
    assert data.n_empty_documents == 2


def test_tab_separated_conll_keeps_tokens_with_spaces(tiny_pipeline_path, tmp_path):
    input_path = tmp_path / "input.conll"
    input_path.write_text("New York\tB-LOC\nis\tO\nbig\tO\n", encoding="utf8")
    output_path = tmp_path / "output.conll"
    result = _predict(tiny_pipeline_path, input_path, output_path)
    assert result.exit_code == 0, result.output
    data = read_conll(output_path)
    assert data.separator == "tab"
    assert data.sentences[0].words == ["New York", "is", "big"]


@pytest.mark.parametrize(
    "args,message",
    [
        (["input.csv", "output.jsonl"], "--input-format"),
        (["input.txt", "output.json"], "--format"),
        (["input.txt", "output.jsonl", "--format", "xml"], "Invalid output format 'xml'"),
        (["input.txt", "output.jsonl", "--on-error", "ignore"], "Invalid value for on_error"),
        (["input.txt", "input.txt", "--format", "jsonl"], "same file"),
        (["input.txt", "output.jsonl", "--gpu-id", "0", "--n-process", "2"], "CPU only"),
        (["input.txt", "output.jsonl", "--precision", "fp16"], "Invalid precision 'fp16'"),
        (["input.txt", "output.jsonl", "--precision", "bf16", "--gpu-id", "0"], "is for the CPU"),
    ],
)
def test_invalid_options(tiny_pipeline_path, tmp_path, args, message):
    for name in ("input.csv", "input.txt"):
        (tmp_path / name).write_text("Peter Blackburn\n", encoding="utf8")
    paths = [str(tmp_path / arg) if arg.startswith(("input", "output")) else arg for arg in args]
    result = _predict(tiny_pipeline_path, *paths)
    assert result.exit_code == 1
    assert message in result.output.replace("\n", " ")
    assert (tmp_path / "input.txt").read_text(encoding="utf8") == "Peter Blackburn\n"


def test_two_processes_match_one(tiny_pipeline_path, tmp_path, sentences):
    input_path = tmp_path / "input.txt"
    texts = sentences[:150] + ["", "   "]
    input_path.write_text("\n".join(texts) + "\n", encoding="utf8")
    outputs = {}
    for n_process in (1, 2):
        output_path = tmp_path / f"output-{n_process}.jsonl"
        command = [
            sys.executable, "-m", "spacy_bert_ner", "predict", str(tiny_pipeline_path),
            str(input_path), str(output_path), "--n-process", str(n_process), "--batch-size", "16",
        ]
        result = subprocess.run(command, capture_output=True, text=True, timeout=300, env=dict(os.environ))
        assert result.returncode == 0, result.stdout + result.stderr
        outputs[n_process] = output_path.read_text(encoding="utf8")
    assert len(outputs[1].splitlines()) == len(texts)
    assert outputs[2] == outputs[1]


def test_bf16_writes_every_record(tiny_pipeline_path, tmp_path, sentences):
    input_path = tmp_path / "input.txt"
    texts = sentences[:40]
    input_path.write_text("\n".join(texts) + "\n", encoding="utf8")
    output_path = tmp_path / "output.jsonl"
    result = _predict(tiny_pipeline_path, input_path, output_path, "--precision", "bf16")
    assert result.exit_code == 0, result.output
    assert "transformer in bf16" in result.output
    records = _read_jsonl(output_path)
    assert len(records) == len(texts)
    for record, text in zip(records, texts):
        assert record["text"] == text
        assert len(record["iob_tags"]) == len(record["tokens"])

"""Tests of streaming prediction: input readers, odd inputs, invariance and memory."""

import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import List, Tuple

import pytest
import spacy

from spacy_bert_ner.conll import read_conll
from spacy_bert_ner.errors import Errors, InputRecordError
from spacy_bert_ner.pipeline.iob_tags import install_extensions
from spacy_bert_ner.prediction import (
    CONLL,
    JSONL,
    TEXT,
    ConllWriter,
    InputReader,
    InputRecord,
    Prediction,
    PredictionStats,
    count_lines,
    detect_conll_separator,
    dumps_json,
    make_input,
    pipeline_tag_scheme,
    predict_records,
    prediction_from_doc,
    resolve_input_format,
    resolve_output_format,
)
from spacy_bert_ner.prediction.stream import MAX_RUN_CHARS
from spacy_bert_ner.schemes import get_chunks

REPO_DIR = Path(__file__).resolve().parents[1]
SHARED_DATA_DIR = REPO_DIR.parent / "shared" / "data"
TESTB = SHARED_DATA_DIR / "conll2003" / "eng.testb"
TRAIN = SHARED_DATA_DIR / "conll2003" / "eng.train"
WIKIANN_TEST = SHARED_DATA_DIR / "wikiann-en" / "test"


def _require(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"Real data file not found: {path}")
    return path


@pytest.fixture(scope="module")
def nlp(tiny_pipeline_path):
    return spacy.load(tiny_pipeline_path)


@pytest.fixture(scope="module")
def testb_sentences() -> List[str]:
    """The sentences of eng.testb as texts, tokens joined by spaces."""
    data = read_conll(_require(TESTB))
    return [" ".join(sentence.words) for sentence in data.sentences]


def _records(texts: List[str]) -> List[InputRecord]:
    return [InputRecord(line_no, text=text) for line_no, text in enumerate(texts, 1)]


def _summary(predictions) -> List[Tuple]:
    """What must not change between runs: tokens, tags and entities of each record."""
    return [
        (p.tokens, p.iob_tags, [(e["start_char"], e["end_char"], e["label"]) for e in p.ents])
        for p in predictions
    ]


# Readers


def test_text_reader_keeps_every_line(tmp_path):
    path = tmp_path / "input.txt"
    path.write_bytes(
        b"\xef\xbb\xbfFirst line\r\n\n   \nBad \xff byte\nLast line without LF"
    )
    records = list(InputReader(path, TEXT))
    assert [record.line_no for record in records] == [1, 2, 3, 4, 5]
    assert [record.text for record in records] == ["First line", "", "   ", None, "Last line without LF"]
    assert records[3].error is not None
    assert "0xff" in records[3].error
    assert all(record.error is None for i, record in enumerate(records) if i != 3)
    assert count_lines(path) == len(records)


def test_count_lines_with_final_lf(tmp_path):
    path = tmp_path / "input.txt"
    path.write_bytes(b"a\n\nb\n")
    assert count_lines(path) == 3
    assert len(list(InputReader(path, TEXT))) == 3


def test_text_reader_keeps_odd_characters(tmp_path):
    # Line separators other than LF are text inside the line.
    texts = ["tab\there", "form\x0cfeed", "nul\x00byte", "line\u2028separator", "next\x85line", "lone\rCR"]
    path = tmp_path / "input.txt"
    path.write_text("\n".join(texts) + "\n", encoding="utf8", newline="")
    assert [record.text for record in InputReader(path, TEXT)] == texts


def test_jsonl_reader_records_and_errors(tmp_path):
    lines = [
        '{"id": 1, "text": "Peter Blackburn", "meta": {"source": "news"}}',
        "",
        '{"id": 2}',
        "not json",
        "[1, 2]",
        '{"id": 3, "text": null}',
        '{"id": 4, "text": "a\\ud800b"}',
        "[" * 100000 + "]" * 100000,
        '{"id": 5, "text": "big", "n": 123456789012345678901234567890}',
        "   ",
    ]
    path = tmp_path / "input.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf8")
    reader = InputReader(path, JSONL)
    records = list(reader)

    assert reader.n_blank_lines == 2
    assert [record.line_no for record in records] == [1, 3, 4, 5, 6, 7, 8, 9]
    assert records[0].text == "Peter Blackburn"
    assert records[0].fields == {"id": 1, "text": "Peter Blackburn", "meta": {"source": "news"}}
    assert records[1].error == Errors.E403.format(key="text")
    assert records[1].fields == {"id": 2}
    assert records[2].error.startswith("Invalid JSON")
    assert records[3].error == Errors.E402.format(key="text", type="array")
    assert records[4].error == Errors.E404.format(key="text", type="null")
    assert records[5].error == Errors.E405.format(code=0xD800, index=1)
    assert records[6].error.startswith("Invalid JSON")
    assert records[7].error is None
    assert records[7].fields["n"] == 123456789012345678901234567890


def test_jsonl_reader_text_key(tmp_path):
    path = tmp_path / "input.jsonl"
    path.write_text('{"body": "Japan beat Syria", "text": 3}\n', encoding="utf8")
    (record,) = InputReader(path, JSONL, text_key="body")
    assert record.error is None
    assert record.text == "Japan beat Syria"


def test_conll_reader_matches_read_conll_on_testb():
    path = _require(TESTB)
    records = list(InputReader(path, CONLL))
    documents = read_conll(path).documents
    assert len(records) == len(documents) == 231
    for record, document in zip(records, documents):
        assert record.error is None
        assert record.line_no == document.line_no
        assert record.words == [word for sentence in document.sentences for word in sentence.words]
        expected_starts = [i == 0 for sentence in document.sentences for i in range(len(sentence))]
        assert record.sent_starts == expected_starts


def test_conll_reader_groups_wikiann_like_read_conll():
    path = _require(WIKIANN_TEST)
    records = list(InputReader(path, CONLL, strip_token_prefix="en:", n_sents=7))
    documents = read_conll(path, strip_token_prefix="en:", n_sents=7).documents
    assert detect_conll_separator(path) == "\t"
    assert len(records) == len(documents)
    for record, document in zip(records, documents):
        assert record.words == [word for sentence in document.sentences for word in sentence.words]
        assert sum(record.sent_starts) == len(document.sentences)


def test_conll_reader_odd_documents(tmp_path):
    path = tmp_path / "input.conll"
    path.write_bytes(
        b"-DOCSTART- -X- -X- O\n\n"
        b"EU NNP B-NP B-ORG\nrejects VBZ B-VP O\n\n"
        b"-DOCSTART- -X- -X- O\n\n"
        b"-DOCSTART- -X- -X- O\n\n"
        b"Bad\xff NN I-NP O\nword NN I-NP O\n\n"
        b"-DOCSTART- -X- -X- O\n\n"
        b"Peter\nBlackburn\n"
    )
    records = list(InputReader(path, CONLL))
    assert [record.line_no for record in records] == [1, 6, 10, 13]
    assert records[0].words == ["EU", "rejects"]
    assert records[1].words == []
    assert records[1].error is None
    assert records[2].error is not None
    assert "Invalid UTF-8" in records[2].error
    assert records[3].words == ["Peter", "Blackburn"]
    assert records[3].sent_starts == [True, False]


def test_conll_reader_blank_token_is_an_error(tmp_path):
    path = tmp_path / "input.conll"
    path.write_text("Peter\tB-PER\n \tO\n\nJapan\tB-LOC\n", encoding="utf8")
    records = list(InputReader(path, CONLL, n_sents=1))
    assert [record.error for record in records] == [Errors.E407, None]
    assert records[0].line_no == 2
    assert records[1].words == ["Japan"]


@pytest.mark.parametrize(
    "path,expected",
    [("a.txt", TEXT), ("a.TEXT", TEXT), ("a.jsonl", JSONL), ("a.ndjson", JSONL), ("a.conll", CONLL), ("a.iob", CONLL)],
)
def test_resolve_input_format_by_extension(path, expected):
    assert resolve_input_format(None, path) == expected


@pytest.mark.parametrize("path", ["a.json", "eng.testb", "a.csv"])
def test_resolve_input_format_unknown_extension(path):
    with pytest.raises(ValueError, match="--input-format"):
        resolve_input_format(None, path)


def test_resolve_output_format():
    assert resolve_output_format(None, "out.jsonl") == JSONL
    assert resolve_output_format(None, "out.conll") == CONLL
    assert resolve_output_format(CONLL, "out.txt") == CONLL
    with pytest.raises(ValueError, match="--format"):
        resolve_output_format(None, "out.txt")
    with pytest.raises(ValueError, match="Invalid output format"):
        resolve_output_format("text", "out.jsonl")


# Writers


def _write_conll(prediction: Prediction, separator: str = " ") -> Tuple[str, int]:
    buffer = io.StringIO()
    writer = ConllWriter(buffer, separator=separator)
    writer.write(prediction)
    return buffer.getvalue(), writer.n_tokens_left_out


def test_conll_writer_drops_whitespace_inside_entity():
    prediction = Prediction(
        record=InputRecord(1, text="New\nYork is"),
        tokens=["New", "\n", "York", "is"],
        iob_tags=["B-LOC", "I-LOC", "I-LOC", "O"],
    )
    text, n_left_out = _write_conll(prediction)
    assert text == "-DOCSTART- O\n\nNew B-LOC\nYork I-LOC\nis O\n\n"
    assert n_left_out == 1


def test_conll_writer_keeps_sentence_starts():
    prediction = Prediction(
        record=InputRecord(1, text="Paris .\nRome"),
        tokens=["Paris", ".", "\n", "Rome"],
        sent_starts=[True, False, True, False],
        iob_tags=["B-LOC", "O", "O", "B-LOC"],
    )
    text, _ = _write_conll(prediction)
    assert text == "-DOCSTART- O\n\nParis B-LOC\n. O\n\nRome B-LOC\n\n"


def test_conll_writer_error_record_is_empty_document():
    text, n_left_out = _write_conll(Prediction(record=InputRecord(3, error="Invalid JSON: test.")))
    assert text == "-DOCSTART- O\n\n"
    assert n_left_out == 0


def test_conll_writer_tab_separator_keeps_spaces():
    prediction = Prediction(
        record=InputRecord(1, words=["New York", "-DOCSTART-x"]),
        tokens=["New York", "-DOCSTART-x"],
        iob_tags=["B-LOC", "O"],
    )
    assert _write_conll(prediction, "\t") == ("-DOCSTART-\tO\n\nNew York\tB-LOC\n-DOCSTART-x\tO\n\n", 0)
    assert _write_conll(prediction, " ")[1] == 1


def test_dumps_json_escapes_only_surrogates():
    assert dumps_json({"text": "Köln 🤖"}) == '{"text": "Köln 🤖"}'
    assert dumps_json({"text": "a\ud800b", "city": "Köln"}) == '{"text": "a\\ud800b", "city": "K\\u00f6ln"}'


# Odd inputs through the tiny pipeline


@pytest.mark.parametrize(
    "text",
    [
        "a" * 10000,
        "(" * 10000,
        "x." * 5000,
        "🤖" * 3000 + " Paris " + "(" * 3000,
        "short " + "b" * 2500 + "  \n" + "c" * 999 + "\u00a0" + "d" * 1001,
    ],
)
def test_make_input_slices_long_runs(nlp, text):
    doc = make_input(nlp, InputRecord(1, text=text))
    assert not isinstance(doc, str)
    assert doc.text == text
    assert max(len(token.text) for token in doc) <= MAX_RUN_CHARS


def test_make_input_keeps_normal_text(nlp):
    text = "Peter Blackburn " * 200
    assert make_input(nlp, InputRecord(1, text=text)) == text


def test_odd_inputs_give_one_record_each(nlp, testb_sentences):
    long_doc = " ".join(testb_sentences)
    words = long_doc.split(" ")
    fifty_thousand_words = " ".join((words * (50000 // len(words) + 1))[:50000])
    texts = [
        "",
        "   ",
        "\t \x0b",
        "a" * 10000,
        "(" * 10000,
        "Control \x00\x01\x07\x1b[31m characters\x7f and \x1c separators",
        "Emoji 🤖👩‍👩‍👧 and flags 🇫🇷 next to Paris",
        "مرحبا بالعالم في القاهرة",
        "שלום עולם מירושלים",
        "Mixed עברית and English with \u202eRTL override\u202c",
        fifty_thousand_words,
        testb_sentences[0],
    ]
    stats = PredictionStats()
    start = time.perf_counter()
    predictions = list(predict_records(nlp, _records(texts), batch_size=4, stats=stats))
    seconds = time.perf_counter() - start

    assert len(predictions) == len(texts)
    assert stats.n_records == len(texts)
    assert stats.n_errors == 0
    for text, prediction in zip(texts, predictions):
        assert prediction.error is None
        assert prediction.text == text
        assert len(prediction.iob_tags) == len(prediction.tokens)
        for ent in prediction.ents:
            assert text[ent["start_char"] : ent["end_char"]] == ent["text"]
    assert predictions[0].tokens == []
    # spaCy splits some CoNLL tokens further, such as 'U.S.-based'.
    assert len(texts[10].split(" ")) == 50000
    assert len(predictions[10].tokens) >= 50000
    # About 10 s for the 50,000 words on 2 shared CPU cores. Without slicing,
    # the 10,000 brackets alone take over 10 s more.
    assert seconds < 120


def test_tags_agree_with_entities(nlp, testb_sentences):
    predictions = list(predict_records(nlp, _records(testb_sentences[:100])))
    assert pipeline_tag_scheme(nlp) == "IOB2"
    assert sum(len(p.ents) for p in predictions) > 0
    for prediction in predictions:
        chunks = [(c.start, c.end, c.label) for c in get_chunks(prediction.iob_tags)]
        ents = [(e["start_token"], e["end_token"], e["label"]) for e in prediction.ents]
        assert chunks == ents


def test_tags_without_iob_tags_component(tiny_pipeline_path, nlp, testb_sentences):
    nlp_without = spacy.load(tiny_pipeline_path, exclude=["iob_tags"])
    assert pipeline_tag_scheme(nlp_without) is None
    records = _records(testb_sentences[:50])
    with_component = _summary(predict_records(nlp, records))
    without_component = _summary(predict_records(nlp_without, records))
    assert without_component == with_component


def test_bioes_component_tags_are_converted_to_iob2():
    install_extensions()
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "PER", "pattern": "Peter Blackburn"}, {"label": "LOC", "pattern": "Paris"}])
    nlp.add_pipe("iob_tags", config={"scheme": "BIOES"})
    doc = nlp("Peter Blackburn lives in Paris")
    assert doc._.iob_tags == ["B-PER", "E-PER", "O", "O", "S-LOC"]
    prediction = prediction_from_doc(doc, InputRecord(1, text=doc.text), pipeline_tag_scheme(nlp))
    assert prediction.iob_tags == ["B-PER", "I-PER", "O", "O", "B-LOC"]


# Error policy


def test_stop_raises_after_the_records_before(nlp):
    records = _records(["Peter Blackburn", "Japan beat Syria"])
    records.insert(1, InputRecord(2, error="Invalid UTF-8: test."))
    seen = []
    with pytest.raises(InputRecordError) as excinfo:
        for prediction in predict_records(nlp, records, path="input.txt"):
            seen.append(prediction)
    assert len(seen) == 1
    assert seen[0].text == "Peter Blackburn"
    assert excinfo.value.line_no == 2
    assert str(excinfo.value) == "input.txt, line 2: Invalid UTF-8: test."


def test_skip_yields_error_records_in_place(nlp):
    records = _records(["Peter Blackburn", "", "Japan beat Syria"])
    records.insert(1, InputRecord(9, error="Invalid JSON: test."))
    stats = PredictionStats()
    predictions = list(predict_records(nlp, records, on_error="skip", stats=stats))
    assert [p.error for p in predictions] == [None, "Invalid JSON: test.", None, None]
    assert predictions[1].to_dict() == {"line": 9, "error": "Invalid JSON: test."}
    assert stats.n_errors == 1
    assert stats.error_lines == [9]
    assert stats.n_records == 4


def test_text_longer_than_max_length(nlp):
    max_length = nlp.max_length
    nlp.max_length = 50
    try:
        records = _records(["Peter Blackburn", "x " * 30])
        predictions = list(predict_records(nlp, records, on_error="skip"))
    finally:
        nlp.max_length = max_length
    assert predictions[0].error is None
    assert predictions[1].error == Errors.E406.format(length=60, max_length=50)


@pytest.mark.parametrize(
    "options",
    [{"on_error": "ignore"}, {"batch_size": 0}, {"n_process": 0}, {"chunk_size": -1}],
)
def test_predict_records_rejects_invalid_options(nlp, options):
    with pytest.raises(ValueError):
        list(predict_records(nlp, _records(["a"]), **options))


def test_output_record_keeps_jsonl_fields(nlp):
    record = InputRecord(1, text="Peter Blackburn", fields={"id": 7, "text": "Peter Blackburn", "ents": "old"})
    (prediction,) = predict_records(nlp, [record])
    output = prediction.to_dict()
    assert list(output) == ["id", "text", "ents", "tokens", "iob_tags"]
    assert output["id"] == 7
    assert output["ents"] == prediction.ents
    assert output["tokens"] == ["Peter", "Blackburn"]


# Invariance


def test_same_results_for_any_batch_size(nlp, testb_sentences):
    records = _records(testb_sentences[:200])
    results = {
        batch_size: _summary(predict_records(nlp, records, batch_size=batch_size, chunk_size=100))
        for batch_size in (1, 8, 64)
    }
    assert sum(len(ents) for _, _, ents in results[1]) > 0
    assert results[8] == results[1]
    assert results[64] == results[1]


def test_same_results_alone_and_in_batch(nlp, testb_sentences):
    texts = testb_sentences[300:360] + ["", "   ", "(" * 1500]
    batched = _summary(predict_records(nlp, _records(texts), batch_size=32))
    alone = []
    for record in _records(texts):
        doc = nlp(make_input(nlp, record))
        alone.append(prediction_from_doc(doc, record, pipeline_tag_scheme(nlp)))
    assert _summary(alone) == batched


def test_same_results_for_conll_documents_any_batch_size(nlp):
    records = list(InputReader(_require(TESTB), CONLL))[:20]
    single = _summary(predict_records(nlp, records, batch_size=1))
    batched = _summary(predict_records(nlp, records, batch_size=16))
    assert batched == single
    assert [tokens for tokens, _, _ in single] == [record.words for record in records]


# Worker processes and memory, each in a fresh interpreter


N_PROCESS_SCRIPT = """
import json, sys
import spacy
from spacy_bert_ner.prediction import InputReader, predict_records
nlp = spacy.load(sys.argv[1])
reader = InputReader(sys.argv[2], "text")
# The parent runs PyTorch first, so its OpenMP threads exist before the fork.
single = [p.to_dict() for p in predict_records(nlp, reader, batch_size=16)]
workers = [p.to_dict() for p in predict_records(nlp, reader, batch_size=16, n_process=2, chunk_size=100)]
single_again = [p.to_dict() for p in predict_records(nlp, reader, batch_size=16)]
print(json.dumps({"n": len(single), "same": single == workers, "same_again": single == single_again}))
"""


def test_two_processes_give_the_same_output(tiny_pipeline_path, testb_sentences, tmp_path):
    path = tmp_path / "sentences.txt"
    path.write_text("\n".join(testb_sentences[:200] + ["", "   "]) + "\n", encoding="utf8")
    result = subprocess.run(
        [sys.executable, "-c", N_PROCESS_SCRIPT, str(tiny_pipeline_path), str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "TOKENIZERS_PARALLELISM": "false"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    output = json.loads(result.stdout.strip().splitlines()[-1])
    assert output == {"n": 202, "same": True, "same_again": True}


MEMORY_SCRIPT = """
import json, sys
import spacy
from spacy_bert_ner.prediction import InputReader, open_writer, predict_records

def rss_mib():
    with open("/proc/self/status") as file_:
        for line in file_:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024

nlp = spacy.load(sys.argv[1])
reader = InputReader(sys.argv[2], "text")
rss_per_1000 = []
with open_writer(sys.argv[3], "jsonl") as writer:
    for i, prediction in enumerate(predict_records(nlp, reader), 1):
        writer.write(prediction)
        if i % 1000 == 0:
            rss_per_1000.append(rss_mib())
print(json.dumps({"n": i, "rss_per_1000": rss_per_1000, "end": rss_mib()}))
"""


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="Reads VmRSS from /proc")
def test_memory_stays_flat_over_10000_docs(tiny_pipeline_path, tmp_path):
    data = read_conll(_require(TRAIN))
    sentences = [" ".join(sentence.words) for sentence in data.sentences][:10000]
    input_path = tmp_path / "sentences.txt"
    input_path.write_text("\n".join(sentences) + "\n", encoding="utf8")
    result = subprocess.run(
        [sys.executable, "-c", MEMORY_SCRIPT, str(tiny_pipeline_path), str(input_path), str(tmp_path / "out.jsonl")],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    output = json.loads(result.stdout.strip().splitlines()[-1])
    print(output)
    assert output["n"] == 10000
    after_first_1000 = output["rss_per_1000"][0]
    assert output["end"] <= 1.10 * after_first_1000
    assert max(output["rss_per_1000"]) <= 1.10 * after_first_1000

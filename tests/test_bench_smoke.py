"""The benchmark scripts on a slice of real CoNLL-2003 data: the Hugging Face
recipe trains a one-layer model for one epoch, its inference is timed and
scored, and the report renders from the results.

The full benchmark runs as `spacy project run bench`. This test only proves
that the scripts run, write every field the report reads, and agree with the
library's scorer.
"""

import subprocess
import sys
from pathlib import Path

import pytest
import srsly

from helpers import REPO_DIR, SHARED_DATA_DIR, write_docbin_slice
from spacy_bert_ner.conll import read_conll
from spacy_bert_ner.schemes import IOB2
from spacy_bert_ner.scoring import conll_tagged_sentences, score_sentences

BENCH_DIR = REPO_DIR / "bench"
# The first three documents of eng.train hold 37 sentences.
TRAIN_DOCS = 3
TEST_DOCS = 2
TRAIN_FIELDS = (
    "wall_seconds", "peak_rss_bytes", "epochs", "train_words", "train_words_per_second",
    "model_size_bytes", "details", "date", "machine", "argv",
)
INFERENCE_FIELDS = (
    "name", "kind", "settings", "words", "seconds", "words_per_second", "scores",
    "peak_rss_bytes", "model_size_bytes", "predictions", "date", "machine", "argv",
)
SCORE_FIELDS = ("ents_p", "ents_r", "ents_f", "ents_per_type", "token_accuracy")


def run_script(*args: str) -> None:
    result = subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=REPO_DIR)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]


@pytest.fixture(scope="module")
def bench_run(tmp_path_factory):
    """Train the Hugging Face recipe on a slice, time its inference and write the report."""
    if not SHARED_DATA_DIR.exists():
        pytest.skip(f"Real data folder not found: {SHARED_DATA_DIR}")
    conll_dir = SHARED_DATA_DIR / "conll2003"
    work_dir = tmp_path_factory.mktemp("bench")
    train_path = write_docbin_slice(conll_dir / "eng.train", work_dir / "train.spacy", TRAIN_DOCS)
    dev_path = write_docbin_slice(conll_dir / "eng.testa", work_dir / "dev.spacy", 1)
    test_path = write_docbin_slice(conll_dir / "eng.testb", work_dir / "test.spacy", TEST_DOCS)
    results_dir = work_dir / "results"
    hf_dir = work_dir / "hf"
    predictions = work_dir / "hf-predictions.txt"

    run_script(
        str(BENCH_DIR / "measure.py"),
        "--name", "hf",
        "--output", str(results_dir / "train-hf.json"),
        "--epochs", "1",
        "--train-data", str(train_path),
        "--model-dir", str(hf_dir / "model"),
        "--details", str(hf_dir / "training.json"),
        "--",
        "python", str(BENCH_DIR / "hf_recipe.py"), str(hf_dir),
        "--train", str(train_path),
        "--dev", str(dev_path),
        "--config", str(REPO_DIR / "configs" / "default.cfg"),
        "--n-layers", "1",
        "--epochs", "1",
    )
    run_script(
        str(BENCH_DIR / "hf_inference.py"), str(hf_dir / "model"), str(test_path),
        "--name", "hf",
        "--output", str(results_dir / "inference-hf.json"),
        "--predictions", str(predictions),
    )
    report_path = work_dir / "BENCHMARKS.md"
    run_script(str(BENCH_DIR / "report.py"), str(results_dir), "--output", str(report_path))
    return {
        "train": srsly.read_json(results_dir / "train-hf.json"),
        "inference": srsly.read_json(results_dir / "inference-hf.json"),
        "predictions": predictions,
        "report": report_path.read_text(encoding="utf8"),
        "train_path": train_path,
        "test_path": test_path,
    }


@pytest.mark.slow
def test_hf_train_result_fields(bench_run):
    train = bench_run["train"]
    for field in TRAIN_FIELDS:
        assert field in train, field
    assert train["wall_seconds"] > 0
    assert train["peak_rss_bytes"] > 0
    assert train["model_size_bytes"] > 0
    assert train["details"]["hyperparameters"]["n_layers"] == 1
    assert train["details"]["train_words"] == train["train_words"]
    assert train["train_words_per_second"] == pytest.approx(train["train_words"] / train["wall_seconds"])


@pytest.mark.slow
def test_hf_inference_result_fields(bench_run):
    inference = bench_run["inference"]
    for field in INFERENCE_FIELDS:
        assert field in inference, field
    for field in SCORE_FIELDS:
        assert field in inference["scores"], field
    assert inference["words_per_second"] == pytest.approx(inference["words"] / inference["seconds"])
    assert inference["machine"]["cpus"] >= 1


@pytest.mark.slow
def test_hf_inference_covers_test_words(bench_run):
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    docs = list(DocBin().from_disk(bench_run["test_path"]).get_docs(Vocab()))
    assert bench_run["inference"]["words"] == sum(len(doc) for doc in docs)
    assert bench_run["inference"]["scores"]["n_gold_entities"] == sum(len(doc.ents) for doc in docs)


@pytest.mark.slow
def test_hf_predictions_match_scores(bench_run):
    """The prediction file, scored as the `score` command scores it, gives the JSON's figures."""
    data = read_conll(bench_run["predictions"], scheme=IOB2)
    scores = score_sentences(conll_tagged_sentences(data))
    recorded = bench_run["inference"]["scores"]
    assert scores.ents_f == pytest.approx(recorded["ents_f"])
    assert scores.n_gold_entities == recorded["n_gold_entities"]
    assert scores.n_predicted_entities == recorded["n_predicted_entities"]


@pytest.mark.slow
def test_report_renders_hf_row(bench_run):
    report = bench_run["report"]
    f1 = f"{bench_run['inference']['scores']['ents_f'] * 100:.2f}"
    hf_rows = [line for line in report.splitlines() if line.startswith("| Hugging Face Trainer")]
    assert len(hf_rows) == 1
    assert f"| {f1} |" in hf_rows[0]
    assert "## Systems" in report
    assert "## Hugging Face recipe settings" in report


@pytest.mark.slow
def test_report_lists_missing_results(bench_run):
    report = bench_run["report"]
    missing = report.split("## Missing results", 1)[1]
    assert "`train-ours.json`" in missing
    assert "`flops.json`" in missing
    assert "`train-hf.json`" not in missing

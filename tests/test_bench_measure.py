"""bench/measure.py reading the training figures of a workflow run, and the
shape ablation of bench/shape_ablation.py on a slice of real data."""

import subprocess
import sys

import pytest
import srsly
from spacy.util import load_config

from helpers import REPO_DIR, SHARED_DATA_DIR, TINY_CONFIG, write_docbin_slice

BENCH_DIR = REPO_DIR / "bench"
sys.path.insert(0, str(REPO_DIR / "scripts"))
from run_workflow import run_timed  # noqa: E402

ALLOCATED_MIB = 200


def run_script(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=REPO_DIR)


@pytest.fixture(scope="module")
def train_slice(tmp_path_factory):
    if not SHARED_DATA_DIR.exists():
        pytest.skip(f"Real data folder not found: {SHARED_DATA_DIR}")
    work_dir = tmp_path_factory.mktemp("measure")
    return write_docbin_slice(SHARED_DATA_DIR / "conll2003" / "eng.train", work_dir / "train.spacy", 3)


@pytest.fixture(scope="module")
def timing_path(tmp_path_factory):
    """A timing file as run_workflow.py writes it, from a step that really runs."""
    step = run_timed("train", [sys.executable, "-c", f"block = bytearray({ALLOCATED_MIB} * 2**20); block[::4096] = b'x' * len(block[::4096])"])
    path = tmp_path_factory.mktemp("workflow") / "default-workflow.json"
    srsly.write_json(path, {"command": "python scripts/run_workflow.py --config default", "steps": [step]})
    return path


def test_measure_takes_figures_from_workflow_step(timing_path, train_slice, tmp_path):
    output = tmp_path / "train-ours.json"
    result = run_script(
        str(BENCH_DIR / "measure.py"),
        "--name", "ours",
        "--output", str(output),
        "--epochs", "2",
        "--train-data", str(train_slice),
        "--from-workflow", str(timing_path),
        "--step", "train",
    )
    assert result.returncode == 0, result.stdout + result.stderr

    recorded = srsly.read_json(timing_path)["steps"][0]
    measured = srsly.read_json(output)
    assert measured["wall_seconds"] == recorded["seconds"]
    assert measured["peak_rss_bytes"] >= ALLOCATED_MIB * 2**20
    assert measured["train_words_per_second"] == pytest.approx(measured["train_words"] * 2 / recorded["seconds"])


def test_measure_names_missing_workflow_step(timing_path, tmp_path):
    result = run_script(
        str(BENCH_DIR / "measure.py"), "--name", "ours", "--output", str(tmp_path / "out.json"),
        "--from-workflow", str(timing_path), "--step", "evaluate",
    )
    # wasabi wraps long messages, so compare with the line breaks removed.
    output = " ".join(result.stdout.split())
    assert result.returncode != 0
    assert "has no step 'evaluate'; it has: train" in output
    assert not (tmp_path / "out.json").exists()


def test_measure_rejects_command_with_workflow(timing_path, tmp_path):
    result = run_script(
        str(BENCH_DIR / "measure.py"), "--name", "ours", "--output", str(tmp_path / "out.json"),
        "--from-workflow", str(timing_path), "--", "python", "-c", "pass",
    )
    assert result.returncode != 0
    assert "not both" in " ".join(result.stdout.split())


@pytest.mark.slow
def test_shape_ablation_compares_same_steps(tmp_path):
    """Train tiny.cfg with and without shape features on real documents and render the comparison."""
    if not SHARED_DATA_DIR.exists():
        pytest.skip(f"Real data folder not found: {SHARED_DATA_DIR}")
    conll_dir = SHARED_DATA_DIR / "conll2003"
    train_path = write_docbin_slice(conll_dir / "eng.train", tmp_path / "train.spacy", 20)
    dev_path = write_docbin_slice(conll_dir / "eng.testa", tmp_path / "dev.spacy", 3)
    reference_dir = tmp_path / "reference"
    log_path = reference_dir / "train.jsonl"
    result = run_script(
        "-m", "spacy", "train", str(TINY_CONFIG), "--output", str(reference_dir),
        "--paths.train", str(train_path), "--paths.dev", str(dev_path),
        "--training.eval_frequency", "10", "--training.max_steps", "20",
        "--training.logger.output_file", str(log_path),
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]

    results_dir = tmp_path / "results"
    ablated_dir = tmp_path / "no-shape"
    result = run_script(
        str(BENCH_DIR / "shape_ablation.py"), str(TINY_CONFIG), str(ablated_dir),
        "--train", str(train_path), "--dev", str(dev_path),
        "--reference-log", str(log_path), "--max-steps", "20",
        "--output", str(results_dir / "shape-ablation.json"),
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]

    ablated_tok2vec = load_config(ablated_dir / "config.cfg", interpolate=False)["components"]["ner"]["model"]["tok2vec"]
    original_tok2vec = load_config(TINY_CONFIG, interpolate=False)["components"]["ner"]["model"]["tok2vec"]
    assert ablated_tok2vec == original_tok2vec["transformer"]

    ablation = srsly.read_json(results_dir / "shape-ablation.json")
    assert [row["step"] for row in ablation["steps"]] == [10, 20]
    reference = {row["step"]: row["scores"]["ents_f"] / 100 for row in srsly.read_jsonl(log_path)}
    for row in ablation["steps"]:
        assert row["with_shape_f"] == pytest.approx(reference[row["step"]])
        assert 0.0 <= row["without_shape_f"] <= 1.0

    report_path = tmp_path / "BENCHMARKS.md"
    result = run_script(str(BENCH_DIR / "report.py"), str(results_dir), "--output", str(report_path))
    assert result.returncode == 0, result.stdout + result.stderr
    section = report_path.read_text(encoding="utf8").split("## What the shape features are worth", 1)[1]
    assert f"| 20 | {ablation['steps'][1]['with_shape_f'] * 100:.2f} |" in section

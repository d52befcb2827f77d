"""The project workflow end to end on real data, with the tiny config.

`spacy project run all` fetches the real CoNLL-2003 files (copied from the
shared data folder), converts them, trains configs/tiny.cfg on 30 documents
for a few steps, evaluates on the whole test set, builds the en_bert_ner
wheel, installs it into a new virtual environment and loads it there.
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import srsly

from helpers import REPO_DIR, SHARED_DATA_DIR

PROJECT_FILES = ["project.yml", "configs", "scripts"]


def run_project(project_dir: Path, command_name: str, *overrides: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "spacy", "project", "run", command_name, str(project_dir), *overrides]
    result = subprocess.run(command, capture_output=True, text=True, cwd=project_dir)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return result


@pytest.fixture(scope="module")
def project_dir(tmp_path_factory) -> Path:
    if not SHARED_DATA_DIR.exists():
        pytest.skip(f"Real data folder not found: {SHARED_DATA_DIR}")
    target = tmp_path_factory.mktemp("project")
    for name in PROJECT_FILES:
        source = REPO_DIR / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copy(source, target / name)
    return target


@pytest.fixture(scope="module")
def workflow_run(project_dir: Path) -> subprocess.CompletedProcess:
    return run_project(
        project_dir,
        "all",
        "--vars.config=tiny",
        f"--vars.conll_source={SHARED_DATA_DIR / 'conll2003'}",
        f"--vars.plugin_source={REPO_DIR}",
        "--vars.check_package_env=system",
    )


@pytest.mark.slow
def test_workflow_converts_real_data(project_dir, workflow_run):
    test_stats = srsly.read_json(project_dir / "corpus" / "test.stats.json")
    assert test_stats["documents"] == 231
    assert test_stats["tokens"] == 46435


@pytest.mark.slow
def test_workflow_evaluates_test_set(project_dir, workflow_run):
    metrics_dir = project_dir / "metrics" / "tiny"
    metrics = srsly.read_json(metrics_dir / "metrics.json")
    for key in ("ents_p", "ents_r", "ents_f", "ents_per_type", "token_accuracy"):
        assert key in metrics
    assert (metrics_dir / "report.md").exists()
    predictions = (metrics_dir / "predictions.txt").read_text(encoding="utf8")
    assert len([line for line in predictions.splitlines() if line.strip()]) == 46435


@pytest.mark.slow
def test_workflow_packages_and_loads(project_dir, workflow_run):
    wheels = list((project_dir / "packages").glob("en_bert_ner-*/dist/*.whl"))
    assert len(wheels) == 1
    meta = json.loads(next((project_dir / "packages").glob("en_bert_ner-*/meta.json")).read_text())
    requirements = " ".join(meta["requirements"])
    assert "spacy-transformers" in requirements
    assert "spacy-bert-ner" in requirements
    assert "Loaded en_bert_ner" in workflow_run.stdout


@pytest.mark.slow
def test_workflow_finetunes_trained_pipeline(project_dir, workflow_run):
    run_project(
        project_dir,
        "finetune",
        "--vars.base_model=training/tiny/model-best",
        "--vars.finetune_max_steps=4",
        "--vars.finetune_limit=5",
    )
    finetuned_dir = project_dir / "training" / "finetune" / "model-last"
    meta = srsly.read_json(finetuned_dir / "meta.json")
    assert meta["pipeline"] == ["transformer", "ner", "iob_tags"]
    assert set(meta["labels"]["ner"]) == {"LOC", "MISC", "ORG", "PER"}
    # The sourced weights were updated, not trained from scratch or left as they were.
    base_ner = (project_dir / "training" / "tiny" / "model-best" / "ner" / "model").read_bytes()
    finetuned_ner = (finetuned_dir / "ner" / "model").read_bytes()
    assert len(finetuned_ner) == len(base_ner)
    assert finetuned_ner != base_ner


def test_fetch_names_missing_file_and_fix(tmp_path):
    shutil.copy(REPO_DIR / "project.yml", tmp_path / "project.yml")
    missing_source = tmp_path / "no-such-folder"
    command = [
        sys.executable,
        str(REPO_DIR / "scripts" / "fetch_assets.py"),
        str(tmp_path / "project.yml"),
        "--source",
        str(missing_source),
    ]
    result = subprocess.run(command, capture_output=True, text=True)
    # wasabi wraps long messages, so compare with whitespace collapsed.
    output = " ".join((result.stdout + result.stderr).split())
    assert result.returncode == 1
    for name in ("eng.train", "eng.testa", "eng.testb"):
        assert f"Could not fetch assets/{name} from {missing_source}/{name}" in output
    assert "Place the file by hand" in output
    assert not (tmp_path / "assets" / "eng.train").exists()


def test_fetch_copies_local_files_with_checksums(tmp_path):
    if not SHARED_DATA_DIR.exists():
        pytest.skip(f"Real data folder not found: {SHARED_DATA_DIR}")
    shutil.copy(REPO_DIR / "project.yml", tmp_path / "project.yml")
    command = [
        sys.executable,
        str(REPO_DIR / "scripts" / "fetch_assets.py"),
        str(tmp_path / "project.yml"),
        "--source",
        str(SHARED_DATA_DIR / "conll2003"),
    ]
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    for name in ("eng.train", "eng.testa", "eng.testb"):
        assert (tmp_path / "assets" / name).stat().st_size == (SHARED_DATA_DIR / "conll2003" / name).stat().st_size

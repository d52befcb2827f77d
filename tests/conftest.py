"""Fixtures shared by the tests: paths to test data and the conlleval figures."""

import re
from pathlib import Path
from typing import Dict

import pytest

from helpers import CONLLEVAL_FIXTURE_DIR, SHARED_DATA_DIR, TINY_CONFIG, write_docbin_slice

# The two summary lines and the per-type lines of conlleval's output.
_TOTALS = re.compile(
    r"processed (\d+) tokens with (\d+) phrases; found: (\d+) phrases; correct: (\d+)\."
)
_OVERALL = re.compile(
    r"accuracy:\s+([\d.]+)%; precision:\s+([\d.]+)%; recall:\s+([\d.]+)%; FB1:\s+([\d.]+)"
)
_PER_TYPE = re.compile(
    r"^\s*(\S+): precision:\s+([\d.]+)%; recall:\s+([\d.]+)%; FB1:\s+([\d.]+)\s+(\d+)$"
)


def parse_conlleval_output(text: str) -> Dict:
    """Read the figures the conlleval script printed, as the strings it printed.

    RETURNS (Dict): "tokens", "phrases", "found", "correct" (ints), "accuracy",
        "precision", "recall", "FB1" (strings with two decimals) and "types",
        {type: {"precision", "recall", "FB1", "found"}}.
    """
    totals = _TOTALS.search(text)
    overall = _OVERALL.search(text)
    assert totals is not None and overall is not None, text
    result: Dict = {
        "tokens": int(totals.group(1)),
        "phrases": int(totals.group(2)),
        "found": int(totals.group(3)),
        "correct": int(totals.group(4)),
        "accuracy": overall.group(1),
        "precision": overall.group(2),
        "recall": overall.group(3),
        "FB1": overall.group(4),
        "types": {},
    }
    for line in text.splitlines():
        match = _PER_TYPE.match(line)
        if match:
            label, precision, recall, fb1, found = match.groups()
            result["types"][label] = {
                "precision": precision,
                "recall": recall,
                "FB1": fb1,
                "found": int(found),
            }
    return result


@pytest.fixture(params=["minilm", "noisy"])
def conlleval_case(request):
    """A prediction file of the conlleval fixture and conlleval's figures for it.

    "minilm" contains a trained pipeline's predictions on eng.testb. "noisy" holds
    the same predictions with messy tags (I- starts, type switches), where the
    chunking rule changes the counts.
    """
    path = CONLLEVAL_FIXTURE_DIR / f"{request.param}-eng.testb.txt"
    output = CONLLEVAL_FIXTURE_DIR / f"{request.param}-eng.testb.conlleval.txt"
    return path, parse_conlleval_output(output.read_text(encoding="utf8"))


@pytest.fixture
def shared_data_dir() -> Path:
    """The folder of real corpora next to the repository, or skip."""
    if not SHARED_DATA_DIR.exists():
        pytest.skip(f"Real data folder not found: {SHARED_DATA_DIR}")
    return SHARED_DATA_DIR





@pytest.fixture(scope="session")
def tiny_pipeline_path(tmp_path_factory) -> Path:
    """A tiny pipeline trained for a few steps on real CoNLL-2003 documents.

    It runs configs/tiny.cfg (all-MiniLM-L6-v2 cut to one layer), so it is
    quick to build and run. Its predictions are poor, which is fine for tests
    of behaviour, not of accuracy.
    """
    from spacy.cli.train import train

    if not SHARED_DATA_DIR.exists():
        pytest.skip(f"Real data folder not found: {SHARED_DATA_DIR}")
    work_dir = tmp_path_factory.mktemp("tiny-pipeline")
    conll_dir = SHARED_DATA_DIR / "conll2003"
    train_path = write_docbin_slice(conll_dir / "eng.train", work_dir / "train.spacy", 30)
    dev_path = write_docbin_slice(conll_dir / "eng.testa", work_dir / "dev.spacy", 5)
    output_dir = work_dir / "training"
    train(
        TINY_CONFIG,
        output_dir,
        overrides={"paths.train": str(train_path), "paths.dev": str(dev_path)},
    )
    return output_dir / "model-last"

"""Real corpora for the CoNLL reader and writer tests, each parsed once per session."""

from pathlib import Path
from typing import Callable, Dict

import pytest

from spacy_bert_ner.conll import ConllData, read_conll

SHARED_DATA_DIR = Path(__file__).resolve().parents[3] / "shared" / "data"

# Relative path and reader options of each real file.
REAL_FILES: Dict[str, tuple] = {
    "eng.train": ("conll2003/eng.train", {}),
    "eng.testa": ("conll2003/eng.testa", {}),
    "eng.testb": ("conll2003/eng.testb", {}),
    "wikiann-train": ("wikiann-en/train", {"strip_token_prefix": "en:"}),
    "wikiann-dev": ("wikiann-en/dev", {"strip_token_prefix": "en:"}),
    "wikiann-test": ("wikiann-en/test", {"strip_token_prefix": "en:"}),
}


@pytest.fixture(scope="session")
def real_data_dir() -> Path:
    """The folder of real corpora next to the repository, or skip."""
    if not SHARED_DATA_DIR.exists():
        pytest.skip(f"Real data folder not found: {SHARED_DATA_DIR}")
    return SHARED_DATA_DIR


@pytest.fixture(scope="session")
def read_real_file(real_data_dir: Path) -> Callable[[str], ConllData]:
    """A function that reads a real file by its key in REAL_FILES, once per session."""
    cache: Dict[str, ConllData] = {}

    def read(key: str) -> ConllData:
        if key not in cache:
            relative_path, options = REAL_FILES[key]
            cache[key] = read_conll(real_data_dir / relative_path, **options)
        return cache[key]

    return read

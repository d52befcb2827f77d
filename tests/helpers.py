"""Paths and small helpers shared by the tests.

They live here, not in conftest.py, because tests/conll has a conftest.py of
its own and `import conftest` would find either.
"""

from pathlib import Path

TESTS_DIR = Path(__file__).parent
REPO_DIR = TESTS_DIR.parent
CONLLEVAL_FIXTURE_DIR = TESTS_DIR / "data" / "conlleval-fixture"
SHARED_DATA_DIR = REPO_DIR.parent / "shared" / "data"
TINY_CONFIG = REPO_DIR / "configs" / "tiny.cfg"


def write_docbin_slice(source: Path, output: Path, n_docs: int) -> Path:
    """Convert the first `n_docs` documents of a CoNLL file into a DocBin."""
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    from spacy_bert_ner.conll import read_conll_docs

    docs = read_conll_docs(source, Vocab())[:n_docs]
    DocBin(docs=docs, store_user_data=False).to_disk(output)
    return output


def write_conll_head(source: Path, output: Path, n_docs: int) -> Path:
    """Copy the lines of the first `n_docs` documents of a CoNLL file, as written."""
    lines = []
    n_seen = 0
    for line in source.read_text(encoding="utf8").splitlines():
        if line.startswith("-DOCSTART-"):
            n_seen += 1
            if n_seen > n_docs:
                break
        lines.append(line)
    output.write_text("\n".join(lines) + "\n", encoding="utf8")
    return output

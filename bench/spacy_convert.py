"""Convert CoNLL-2003 with `spacy convert -c ner` and compare the DocBins with ours.

    python bench/spacy_convert.py assets bench/corpus/spacy-convert \\
        --ours corpus --output bench/results/corpora.json

spaCy's converter splits documents only at the exact line `-DOCSTART- -X- O O`.
The test file eng.testb writes `-DOCSTART- -X- -X- O`, so there the converter
falls back to one document per sentence and keeps each -DOCSTART- line as a
one-token sentence. The comparison counts what each converter produced, so the
report can show what that costs.
"""

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Dict, List, Tuple

import typer
from spacy.tokens import Doc, DocBin
from spacy.vocab import Vocab
from wasabi import msg

from common import write_result

# Split name, CoNLL-2003 file and the name of our converter's DocBin.
SPLITS = (("train", "eng.train"), ("dev", "eng.testa"), ("test", "eng.testb"))
DOCSTART = "-DOCSTART-"
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


def main(
    assets_dir: Path = typer.Argument(..., help="Folder with eng.train, eng.testa and eng.testb.", exists=True, file_okay=False),
    output_dir: Path = typer.Argument(..., help="Folder to write train.spacy, dev.spacy and test.spacy to.", file_okay=False),
    ours_dir: Path = typer.Option(Path("corpus"), "--ours", help="Folder with our converter's train.spacy, dev.spacy and test.spacy."),
    output: Path = typer.Option(..., "--output", "-o", help="JSON file to write the comparison to.", dir_okay=False),
) -> None:
    """Run `spacy convert -c ner` with its default options on each CoNLL-2003
    file and count documents, sentences, tokens, -DOCSTART- tokens and entities
    against our converter's DocBins.
    """
    output_dir.mkdir(parents=True, exist_ok=True)
    splits: Dict[str, Any] = {}
    for split, file_name in SPLITS:
        target = output_dir / f"{split}.spacy"
        messages = _spacy_convert(assets_dir / file_name, target)
        theirs = _read_docs(target)
        record: Dict[str, Any] = {
            "source": str(assets_dir / file_name),
            "spacy_convert": {"path": str(target), **_describe(theirs)},
            "spacy_convert_messages": messages,
            "ours": None,
        }
        ours_path = ours_dir / f"{split}.spacy"
        if ours_path.is_file():
            ours = _read_docs(ours_path)
            record["ours"] = {"path": str(ours_path), **_describe(ours)}
            record["same_words"] = _flat_words(ours) == _flat_words(theirs)
            record["same_entities"] = _flat_entities(ours) == _flat_entities(theirs)
        else:
            msg.warn(f"Our DocBin {ours_path} not found: run `spacy project run convert` to compare")
        splits[split] = record
        msg.info(
            f"{split}: spacy convert made {record['spacy_convert']['documents']} docs with "
            f"{record['spacy_convert']['docstart_tokens']} -DOCSTART- tokens"
        )
    write_result(output, {"command": "python -m spacy convert FILE DIR -c ner", "splits": splits})
    msg.good(f"Wrote {output}")


def _spacy_convert(source: Path, target: Path) -> List[str]:
    """Run the spaCy CLI on one file and move its output to `target`.

    spacy convert names its output after the input's stem, which is "eng"
    for all three CoNLL-2003 files, so each file goes through its own folder.
    """
    with tempfile.TemporaryDirectory() as folder:
        command = [sys.executable, "-m", "spacy", "convert", str(source), folder, "-c", "ner"]
        process = subprocess.run(command, capture_output=True, text=True)
        if process.returncode != 0:
            msg.fail(f"spacy convert failed on {source}:\n{process.stdout}{process.stderr}", exits=1)
        produced = list(Path(folder).glob("*.spacy"))
        if len(produced) != 1:
            msg.fail(f"Expected one DocBin from spacy convert in {folder}, found {produced}", exits=1)
        shutil.move(str(produced[0]), target)
    # The messages name the temporary output file, which no longer exists.
    text = process.stdout.replace(str(produced[0]), str(target))
    return [ANSI_ESCAPE.sub("", line) for line in text.splitlines() if line.strip()]


def _read_docs(path: Path) -> List[Doc]:
    return list(DocBin().from_disk(path).get_docs(Vocab()))


def _describe(docs: List[Doc]) -> Dict[str, Any]:
    """Count documents, sentences, tokens, -DOCSTART- tokens and entities."""
    per_label: Dict[str, int] = {}
    for doc in docs:
        for ent in doc.ents:
            per_label[ent.label_] = per_label.get(ent.label_, 0) + 1
    n_tokens = sum(len(doc) for doc in docs)
    return {
        "documents": len(docs),
        # A doc's first token always starts a sentence, set or not.
        "sentences": sum(1 for doc in docs for token in doc if token.i == 0 or token.is_sent_start),
        "tokens": n_tokens,
        "tokens_per_document": n_tokens / len(docs) if docs else None,
        "docstart_tokens": sum(1 for doc in docs for token in doc if token.text == DOCSTART),
        "entities": sum(per_label.values()),
        "entities_per_label": dict(sorted(per_label.items())),
    }


def _flat_words(docs: List[Doc]) -> List[str]:
    return [token.text for doc in docs for token in doc]


def _flat_entities(docs: List[Doc]) -> List[Tuple[int, int, str]]:
    """List every entity with its offsets in the concatenation of all docs."""
    entities = []
    offset = 0
    for doc in docs:
        entities.extend((offset + ent.start, offset + ent.end, ent.label_) for ent in doc.ents)
        offset += len(doc)
    return entities


if __name__ == "__main__":
    typer.run(main)

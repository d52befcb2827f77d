import json
import shutil

import pytest
import spacy
from spacy.tokens import DocBin
from typer.testing import CliRunner

from helpers import SHARED_DATA_DIR, write_conll_head
from spacy_bert_ner.cli import app
from spacy_bert_ner.conll import read_conll_docs

runner = CliRunner()

EVAL_DOCS = 20
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
OUTPUT_FILES = (
    "metrics.json",
    "report.md",
    "predictions.txt",
    "errors.json",
    "entities.html",
    "training.png",
)
# Names from the first documents of eng.testb, with OntoNotes-style labels so
# that the label map has work to do.
RULER_PATTERNS = [
    {"label": "PERSON", "pattern": name}
    for name in ("Nadim Ladki", "Takuya Takagi", "Salem Bitar", "Bitar", "Brian Lara", "Lara")
] + [
    {"label": "GPE", "pattern": name}
    for name in ("Japan", "JAPAN", "Syria", "Australia", "Italy", "England", "Scotland")
] + [{"label": "GPE", "pattern": [{"TEXT": "West"}, {"TEXT": "Indies"}]}]
LABEL_MAP = "PERSON=PER,GPE=LOC"


@pytest.fixture(scope="module")
def eval_data(tmp_path_factory):
    """The first documents of eng.testb, as a CoNLL file and as a DocBin."""
    testb = SHARED_DATA_DIR / "conll2003" / "eng.testb"
    if not testb.exists():
        pytest.skip(f"Real data file not found: {testb}")
    folder = tmp_path_factory.mktemp("data")
    conll_path = write_conll_head(testb, folder / "testb-head.conll", EVAL_DOCS)
    docbin_path = folder / "testb-head.spacy"
    nlp = spacy.blank("en")
    DocBin(docs=read_conll_docs(conll_path, nlp.vocab)).to_disk(docbin_path)
    return conll_path, docbin_path


@pytest.fixture(scope="module")
def ruler_model(tmp_path_factory):
    """A pipeline folder with an entity ruler that matches a few names."""
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(RULER_PATTERNS)
    path = tmp_path_factory.mktemp("models") / "ruler"
    nlp.to_disk(path)
    return path


def write_training_log(path):
    rows = [(0, 0, 40.0, 5.0), (0, 200, 12.0, 60.0), (1, 400, 6.0, 80.0)]
    with path.open("w", encoding="utf8") as file_:
        for epoch, step, loss, f_score in rows:
            record = {
                "epoch": epoch,
                "step": step,
                "losses": {"ner": loss},
                "scores": {"ents_f": f_score, "ents_p": f_score, "ents_r": f_score},
                "score": f_score / 100,
            }
            file_.write(json.dumps(record) + "\n")


def run_evaluate(model, data, output, *options):
    result = runner.invoke(
        app, ["evaluate", str(model), str(data), "--output", str(output), *options]
    )
    assert result.exit_code == 0, result.output
    return result


def read_json(path):
    return json.loads(path.read_text(encoding="utf8"))


def test_evaluate_writes_all_outputs(ruler_model, eval_data, tmp_path):
    conll_path, _ = eval_data
    log_path = tmp_path / "log.jsonl"
    write_training_log(log_path)
    output = tmp_path / "eval"
    result = run_evaluate(
        ruler_model, conll_path, output, "--label-map", LABEL_MAP, "--training-log", str(log_path)
    )

    for name in OUTPUT_FILES:
        assert (output / name).is_file(), name
    metrics = read_json(output / "metrics.json")
    for key in ("ents_p", "ents_r", "ents_f", "ents_per_type", "token_accuracy", "token_level"):
        assert key in metrics, key
    assert metrics["ents_per_type"]["PER"]["p"] > 0
    assert metrics["ents_per_type"]["LOC"]["p"] > 0
    assert "PERSON" not in metrics["ents_per_type"]
    assert metrics["warnings"] == []
    assert metrics["words"] > 0
    assert metrics["seconds"] > 0
    assert metrics["speed"] == pytest.approx(metrics["words"] / metrics["seconds"])
    assert metrics["chunking"] == "conlleval"

    report = (output / "report.md").read_text(encoding="utf8")
    assert "Chunking rule: conlleval" in report
    assert "## Token level" in report
    assert "words per second" in report
    assert "## Errors" in report
    errors = read_json(output / "errors.json")
    assert set(errors["counts"]) == {"wrong_type", "wrong_boundary", "missed", "spurious"}
    assert errors["counts"] == metrics["error_counts"]
    page = (output / "entities.html").read_text(encoding="utf8")
    assert page.count("<h3>gold</h3>") == 10
    assert page.count("<h3>predicted</h3>") == 10
    assert (output / "training.png").read_bytes().startswith(PNG_SIGNATURE)
    assert "Entity level" in result.output


def test_evaluate_agrees_with_score(ruler_model, eval_data, tmp_path):
    conll_path, _ = eval_data
    output = tmp_path / "eval"
    run_evaluate(ruler_model, conll_path, output, "--label-map", LABEL_MAP, "--n-docs-html", "0")
    assert not (output / "entities.html").exists()
    assert not (output / "training.png").exists()

    scores_path = tmp_path / "scores.json"
    result = runner.invoke(
        app, ["score", str(output / "predictions.txt"), "--output", str(scores_path)]
    )
    assert result.exit_code == 0, result.output
    metrics = read_json(output / "metrics.json")
    scores = read_json(scores_path)
    for key in (
        "token_accuracy",
        "ents_p",
        "ents_r",
        "ents_f",
        "ents_per_type",
        "ents_counts",
        "n_tokens",
        "n_sentences",
        "token_level",
    ):
        assert metrics[key] == scores[key], key


def test_evaluate_docbin_matches_conll(ruler_model, eval_data, tmp_path):
    conll_path, docbin_path = eval_data
    # A training log next to the pipeline folder is found without the option.
    model = tmp_path / "training" / "model-best"
    shutil.copytree(ruler_model, model)
    write_training_log(tmp_path / "training" / "training_log.jsonl")

    run_evaluate(model, docbin_path, tmp_path / "from_docbin", "--label-map", LABEL_MAP)
    run_evaluate(ruler_model, conll_path, tmp_path / "from_conll", "--label-map", LABEL_MAP)

    from_docbin = read_json(tmp_path / "from_docbin" / "metrics.json")
    from_conll = read_json(tmp_path / "from_conll" / "metrics.json")
    for key in ("token_accuracy", "ents_p", "ents_r", "ents_f", "ents_per_type", "n_sentences"):
        assert from_docbin[key] == from_conll[key], key
    assert (tmp_path / "from_docbin" / "training.png").is_file()
    assert not (tmp_path / "from_conll" / "training.png").exists()


def test_evaluate_label_map_from_json(ruler_model, eval_data, tmp_path):
    conll_path, _ = eval_data
    map_path = tmp_path / "labels.json"
    map_path.write_text(json.dumps({"PERSON": "PER", "GPE": "LOC"}), encoding="utf8")
    run_evaluate(ruler_model, conll_path, tmp_path / "from_json", "--label-map", str(map_path))
    run_evaluate(ruler_model, conll_path, tmp_path / "from_text", "--label-map", LABEL_MAP)
    from_json = read_json(tmp_path / "from_json" / "metrics.json")
    from_text = read_json(tmp_path / "from_text" / "metrics.json")
    assert from_json["label_map"] == {"PERSON": "PER", "GPE": "LOC"}
    assert from_json["ents_per_type"] == from_text["ents_per_type"]


def test_evaluate_warns_without_label_overlap(ruler_model, eval_data, tmp_path):
    conll_path, _ = eval_data
    output = tmp_path / "eval"
    result = run_evaluate(ruler_model, conll_path, output)

    metrics = read_json(output / "metrics.json")
    assert len(metrics["warnings"]) == 1
    assert "no label in common" in metrics["warnings"][0]
    assert "--label-map" in metrics["warnings"][0]
    assert metrics["ents_f"] == 0.0
    assert "no label in common" in result.output
    report = (output / "report.md").read_text(encoding="utf8")
    assert "## Warnings" in report


def test_evaluate_warns_on_unknown_map_label(ruler_model, eval_data, tmp_path):
    conll_path, _ = eval_data
    output = tmp_path / "eval"
    run_evaluate(ruler_model, conll_path, output, "--label-map", LABEL_MAP + ",ORGANIZATION=ORG")
    warnings = read_json(output / "metrics.json")["warnings"]
    assert len(warnings) == 1
    assert "ORGANIZATION" in warnings[0]


def test_evaluate_strict_option(ruler_model, eval_data, tmp_path):
    conll_path, _ = eval_data
    output = tmp_path / "eval"
    run_evaluate(ruler_model, conll_path, output, "--label-map", LABEL_MAP, "--strict")
    assert read_json(output / "metrics.json")["chunking"] == "strict"
    assert "Chunking rule: strict IOB2" in (output / "report.md").read_text(encoding="utf8")


@pytest.mark.parametrize("label_map", ["PERSON", "PERSON=", "=PER", "missing.json"])
def test_evaluate_rejects_invalid_label_map(ruler_model, eval_data, tmp_path, label_map):
    conll_path, _ = eval_data
    result = runner.invoke(
        app, ["evaluate", str(ruler_model), str(conll_path), "--label-map", label_map]
    )
    assert result.exit_code == 1
    assert "label map" in result.output.lower()


def test_evaluate_rejects_unknown_model(eval_data):
    conll_path, _ = eval_data
    result = runner.invoke(app, ["evaluate", "no_such_pipeline_package", str(conll_path)])
    assert result.exit_code == 1
    assert "no_such_pipeline_package" in result.output

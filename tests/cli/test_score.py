import json

from typer.testing import CliRunner

from spacy_bert_ner.cli import app

runner = CliRunner()


def percent(value: float) -> str:
    return f"{100 * value:.2f}"


def test_score_matches_conlleval(conlleval_case, tmp_path):
    path, expected = conlleval_case
    output = tmp_path / "scores.json"
    result = runner.invoke(app, ["score", str(path), "--output", str(output)])
    assert result.exit_code == 0, result.output

    scores = json.loads(output.read_text(encoding="utf8"))
    for key in ("token_accuracy", "ents_p", "ents_r", "ents_f", "ents_per_type"):
        assert key in scores, key
    assert scores["chunking"] == "conlleval"
    assert scores["n_tokens"] == expected["tokens"]
    assert scores["n_gold_entities"] == expected["phrases"]
    assert scores["n_predicted_entities"] == expected["found"]
    assert scores["n_correct_entities"] == expected["correct"]
    assert percent(scores["token_accuracy"]) == expected["accuracy"]
    assert percent(scores["ents_p"]) == expected["precision"]
    assert percent(scores["ents_r"]) == expected["recall"]
    assert percent(scores["ents_f"]) == expected["FB1"]
    assert set(scores["ents_per_type"]) == set(expected["types"])
    for label, figures in expected["types"].items():
        per_type = scores["ents_per_type"][label]
        assert percent(per_type["p"]) == figures["precision"], label
        assert percent(per_type["r"]) == figures["recall"], label
        assert percent(per_type["f"]) == figures["FB1"], label
    assert scores["warnings"] == []

    # The printed table shows conlleval's overall figures too.
    assert expected["FB1"] in result.output
    assert "Token level" in result.output


def test_score_strict_option(tmp_path):
    path = tmp_path / "predictions.txt"
    path.write_text("Nadim B-PER I-PER\nLadki I-PER I-PER\n", encoding="utf8")
    lenient_path = tmp_path / "lenient.json"
    strict_path = tmp_path / "strict.json"

    result = runner.invoke(app, ["score", str(path), "-o", str(lenient_path)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["score", str(path), "--strict", "-o", str(strict_path)])
    assert result.exit_code == 0, result.output

    lenient = json.loads(lenient_path.read_text(encoding="utf8"))
    strict = json.loads(strict_path.read_text(encoding="utf8"))
    assert lenient["ents_f"] == 1.0
    assert strict["ents_f"] == 0.0
    assert strict["chunking"] == "strict"
    assert "strict IOB2" in result.output


def test_score_skips_docstart_lines(tmp_path):
    path = tmp_path / "predictions.txt"
    path.write_text(
        "-DOCSTART- O O\n\nRome B-LOC B-LOC\nis O O\n\n-DOCSTART- O O\n\nParis B-LOC O\n",
        encoding="utf8",
    )
    output = tmp_path / "scores.json"
    result = runner.invoke(app, ["score", str(path), "-o", str(output)])
    assert result.exit_code == 0, result.output
    scores = json.loads(output.read_text(encoding="utf8"))
    assert scores["n_tokens"] == 3
    assert scores["n_sentences"] == 2
    assert scores["ents_p"] == 1.0
    assert scores["ents_r"] == 0.5


def test_score_warns_without_shared_labels(tmp_path):
    path = tmp_path / "predictions.txt"
    path.write_text("Anna B-PER B-PERSON\nleft O O\n", encoding="utf8")
    output = tmp_path / "scores.json"
    result = runner.invoke(app, ["score", str(path), "-o", str(output)])
    assert result.exit_code == 0, result.output
    scores = json.loads(output.read_text(encoding="utf8"))
    assert len(scores["warnings"]) == 1
    assert "no label in common" in scores["warnings"][0]
    assert "no label in common" in result.output


def test_score_rejects_invalid_gold_tag(tmp_path):
    path = tmp_path / "predictions.txt"
    path.write_text("Anna B-PER B-PER\nleft X-PER O\n", encoding="utf8")
    result = runner.invoke(app, ["score", str(path)])
    assert result.exit_code == 1
    assert "line 2" in result.output
    assert "X-PER" in result.output


def test_score_rejects_two_columns(tmp_path):
    path = tmp_path / "predictions.txt"
    path.write_text("Anna B-PER\nleft O\n", encoding="utf8")
    result = runner.invoke(app, ["score", str(path)])
    assert result.exit_code == 1
    assert "at least 3 columns" in result.output

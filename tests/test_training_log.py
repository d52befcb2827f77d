import io

import pytest
import spacy
from spacy.training.loggers import console_logger_v3

from spacy_bert_ner.training_log import plot_training_log, read_training_log

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def write_spacy_logs(tmp_path, rows):
    """Log steps with spaCy's own console logger, as the table and as JSONL."""
    nlp = spacy.blank("en")
    nlp.add_pipe("ner")
    nlp.config["training"]["score_weights"] = {"ents_f": 1.0, "ents_p": 0.0, "ents_r": 0.0}
    jsonl_path = tmp_path / "training_log.jsonl"
    console = io.StringIO()
    log_step, finalize = console_logger_v3(output_file=jsonl_path)(nlp, console, console)
    for epoch, step, loss, f_score in rows:
        log_step(
            {
                "epoch": epoch,
                "step": step,
                "losses": {"ner": loss},
                "other_scores": {"ents_f": f_score, "ents_p": f_score, "ents_r": f_score},
                "score": f_score,
            }
        )
    finalize()
    console_path = tmp_path / "train.log"
    console_path.write_text(console.getvalue(), encoding="utf8")
    return jsonl_path, console_path


def test_training_log_formats_agree(tmp_path):
    rows = [(0, 0, 52.5, 0.1), (0, 200, 20.25, 0.55), (1, 400, 8.5, 0.75)]
    jsonl_path, console_path = write_spacy_logs(tmp_path, rows)
    from_jsonl = read_training_log(jsonl_path)
    from_console = read_training_log(console_path)

    assert [s.step for s in from_jsonl] == [0, 200, 400]
    assert [s.epoch for s in from_jsonl] == [0, 0, 1]
    assert [s.losses["ner"] for s in from_jsonl] == [52.5, 20.25, 8.5]
    assert [s.scores["ents_f"] for s in from_jsonl] == pytest.approx([10.0, 55.0, 75.0])
    assert from_console == from_jsonl


def test_training_log_without_steps(tmp_path):
    path = tmp_path / "empty.log"
    path.write_text("Nothing logged yet\n", encoding="utf8")
    with pytest.raises(ValueError, match="contains no evaluation steps"):
        read_training_log(path)


def test_training_plot_written(tmp_path):
    jsonl_path, _ = write_spacy_logs(tmp_path, [(0, 0, 30.0, 0.2), (0, 100, 10.0, 0.6)])
    png_path = tmp_path / "plots" / "training.png"
    plot_training_log(read_training_log(jsonl_path), png_path)
    data = png_path.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    assert len(data) > 5000

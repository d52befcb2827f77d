"""Read `spacy train` logs and plot dev scores and losses over training steps.

Two formats are read: the JSONL file that spaCy's `spacy.ConsoleLogger.v2` and
`v3` write when their `output_file` is set (checked with spaCy 3.8), and the table
that the console logger prints.
"""

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple, Union

from .errors import Errors

_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class TrainingStep:
    """One evaluation step of a training log.

    Scores are in percent, as spaCy logs them, except "speed" (words per
    second). `score` is the weighted score from 0 to 1.
    """

    epoch: int
    step: int
    losses: Dict[str, float]
    scores: Dict[str, float]
    score: Optional[float] = None


def read_training_log(path: Union[str, Path]) -> List[TrainingStep]:
    """Read the evaluation steps of a `spacy train` log.

    Two formats are read. The JSONL file that `spacy.ConsoleLogger.v2` and
    `v3` write to their `output_file` has one object per step:

        {"epoch": 0, "step": 200, "losses": {"ner": 15.2}, "scores": {"ents_f": 71.3}, "score": 0.71}

    The table the console logger prints has a header, a line of dashes and one
    row per step. Long column names are cut to 10 characters and "...":

        E    #       LOSS TRANS...  LOSS NER  ENTS_F  ENTS_P  ENTS_R  SCORE
        ---  ------  -------------  --------  ------  ------  ------  ------
          0     200          10.56     15.23   71.30   70.10   72.55    0.71

    path (Union[str, Path]): The log file.
    RETURNS (List[TrainingStep]): The steps in file order.
    RAISES (ValueError): If the file contains no evaluation step.
    """
    path = Path(path)
    text = _ANSI_ESCAPE.sub("", path.read_text(encoding="utf8"))
    lines = text.splitlines()
    first = next((line.strip() for line in lines if line.strip()), "")
    steps = _read_jsonl_log(lines) if first.startswith("{") else _read_console_log(lines)
    if not steps:
        raise ValueError(Errors.E206.format(path=path))
    return steps


def _read_jsonl_log(lines: Sequence[str]) -> List[TrainingStep]:
    steps = []
    for line in lines:
        if not line.strip():
            continue
        data = json.loads(line)
        if not isinstance(data, dict) or "step" not in data:
            continue
        steps.append(
            TrainingStep(
                epoch=int(data.get("epoch", 0)),
                step=int(data["step"]),
                losses={k: float(v) for k, v in data.get("losses", {}).items()},
                scores={k: float(v) for k, v in data.get("scores", {}).items()},
                score=float(data["score"]) if data.get("score") is not None else None,
            )
        )
    return steps


def _read_console_log(lines: Sequence[str]) -> List[TrainingStep]:
    steps: List[TrainingStep] = []
    columns: Optional[List[Tuple[str, int, int]]] = None
    for previous, line in zip([""] + list(lines), lines):
        if re.fullmatch(r"\s*-+(\s+-+)+\s*", line) and previous.split()[:2] == ["E", "#"]:
            # The dashes give each column's span in the header and the rows.
            spans = [(m.start(), m.end()) for m in re.finditer(r"-+", line)]
            columns = [(previous[a:b].strip(), a, b) for a, b in spans]
            continue
        if columns is None:
            continue
        step = _parse_console_row(line, columns)
        if step is not None:
            steps.append(step)
    return steps


def _parse_console_row(
    line: str, columns: List[Tuple[str, int, int]]
) -> Optional[TrainingStep]:
    values = [line[start:end].strip() for _, start, end in columns]
    if len(line.split()) != len(columns):
        return None
    try:
        epoch, step = int(values[0]), int(values[1])
        numbers = [float(value) for value in values[2:]]
    except ValueError:
        return None
    losses: Dict[str, float] = {}
    scores: Dict[str, float] = {}
    score = None
    for (name, _, _), number in zip(columns[2:], numbers):
        if name.startswith("LOSS "):
            losses[name[len("LOSS ") :].lower()] = number
        elif name == "SCORE":
            score = number
        else:
            scores[name.lower()] = number
    return TrainingStep(epoch=epoch, step=step, losses=losses, scores=scores, score=score)


def plot_training_log(
    steps: Sequence[TrainingStep], path: Union[str, Path], *, title: str = "Training"
) -> None:
    """Plot dev scores and training losses over steps into a PNG file.

    The upper panel shows the entity F1, precision and recall on the dev set
    when the log has them (`ents_f`, `ents_p`, `ents_r`), else every logged
    score except speed. The lower panel shows the loss of each component.

    steps (Sequence[TrainingStep]): The steps, from `read_training_log`.
    path (Union[str, Path]): The PNG file to write.
    title (str): The figure title.
    """
    # The Agg canvas renders without a display and leaves pyplot's state alone.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 6.5), dpi=100)
    FigureCanvasAgg(figure)
    score_axes, loss_axes = figure.subplots(2, 1, sharex=True)
    x = [step.step for step in steps]

    names = [name for name in ("ents_f", "ents_p", "ents_r") if _has_key(steps, "scores", name)]
    if not names:
        names = sorted({k for s in steps for k in s.scores if k != "speed"})
    for name in names:
        style = {"linewidth": 2.0} if name == "ents_f" else {"linewidth": 1.0, "alpha": 0.7}
        score_axes.plot(x, [s.scores.get(name, float("nan")) for s in steps], label=name, **style)
    score_axes.set_ylabel("dev score (%)")
    score_axes.set_title(title)
    score_axes.grid(True, alpha=0.3)
    if names:
        score_axes.legend(loc="lower right")

    loss_names = sorted({k for s in steps for k in s.losses})
    for name in loss_names:
        loss_axes.plot(x, [s.losses.get(name, float("nan")) for s in steps], label=f"loss {name}")
    loss_axes.set_xlabel("step")
    loss_axes.set_ylabel("training loss")
    loss_axes.grid(True, alpha=0.3)
    if loss_names:
        loss_axes.legend(loc="upper right")

    figure.tight_layout()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(str(path), format="png")


def _has_key(steps: Sequence[TrainingStep], attribute: str, key: str) -> bool:
    return any(key in getattr(step, attribute) for step in steps)

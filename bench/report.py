"""Write BENCHMARKS.md from the JSON results of the benchmark scripts.

    python bench/report.py bench/results --output BENCHMARKS.md

Every figure on the page is read from a result file or computed from those
figures. The text around them only states facts of the setups. A result that
is missing leaves a dash in its table and a line in the list of missing files.
"""

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional

import typer
from wasabi import msg

from report_format import (
    MISSING,
    date_range,
    describe_machines,
    gibibytes,
    load_results,
    markdown_table,
    mebibytes,
    minutes,
    number,
    percent,
    ratio,
)

RERUN_ALL = "python -m spacy project run bench --force"
# Names of two runs of bench/inference_sweep.py.
DEFAULT_SETTING = "default"
COMBINED_SETTING = "combined"


@dataclass(frozen=True)
class System:
    """A system of the comparison: the key of its result files, its label and its project command."""

    key: str
    label: str
    command: str


SYSTEMS = (
    System("ours", "spacy-bert-ner (transformer + NER, default config)", "bench-ours"),
    System("hf", "Hugging Face Trainer token-classification recipe", "bench-hf"),
    System("spacy-cnn", "spaCy CNN NER (`init config`, efficiency, no vectors)", "bench-spacy-cnn"),
    System("spacy-convert", "spacy-bert-ner trained on `spacy convert` DocBins", "bench-spacy-convert"),
)


def main(
    results_dir: Path = typer.Argument(Path("bench/results"), help="Folder of the JSON results.", exists=True, file_okay=False),
    output: Path = typer.Option(Path("BENCHMARKS.md"), "--output", "-o", help="Markdown file to write.", dir_okay=False),
) -> None:
    """Collect the benchmark results into one Markdown page."""
    results = load_results(results_dir)
    if not results:
        msg.fail(f"No JSON results found in {results_dir}: run `{RERUN_ALL}` first", exits=1)
    page = render_report(results, results_dir)
    output.write_text(page, encoding="utf8")
    msg.good(f"Wrote {output} from {len(results)} result files")


def render_report(results: Dict[str, Dict[str, Any]], results_dir: Path) -> str:
    """Render the whole page from the results, keyed as `load_results` keys them."""
    today = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
    sections = [
        "# Benchmarks",
        (
            f"Written on {today} by `python bench/report.py {results_dir.as_posix()}` from the JSON files in "
            f"`{results_dir.as_posix()}/`. Every figure was measured by the scripts in `bench/`, and none is "
            f"typed by hand. Rerun everything, then this page, with:\n\n"
            f"    {RERUN_ALL}"
        ),
        "## Machine",
        date_range(results),
        "\n".join(describe_machines(results)),
        _systems_section(results),
        _versus_section(results),
        _sweep_section(results),
        _flops_section(results),
        _converter_section(results),
        _shape_section(results),
        _hf_settings_section(results),
        _missing_section(results),
    ]
    return "\n\n".join(section for section in sections if section) + "\n"


def _systems_section(results: Dict[str, Dict[str, Any]]) -> str:
    rows = []
    for system in SYSTEMS:
        train = results.get(f"train-{system.key}", {})
        inference = results.get(f"inference-{system.key}", {})
        scores = inference.get("scores") or {}
        model_size = inference.get("model_size_bytes") or train.get("model_size_bytes")
        rows.append(
            [
                system.label,
                percent(scores.get("ents_f")),
                percent(scores.get("ents_p")),
                percent(scores.get("ents_r")),
                minutes(train.get("wall_seconds")),
                number(train.get("train_words_per_second")),
                number(inference.get("words_per_second")),
                gibibytes(train.get("peak_rss_bytes")),
                gibibytes(inference.get("peak_rss_bytes")),
                number(model_size / 1e6 if model_size else None),
            ]
        )
    table = markdown_table(
        (
            "System", "Test F1", "P", "R", "Train min", "Train words/s", "Inference words/s",
            "Train peak RSS GiB", "Inference peak RSS GiB", "Model size MB",
        ),
        rows,
        "lrrrrrrrrr",
    )
    ours = results.get("inference-ours", {})
    hf = results.get("inference-hf", {})
    length = _training_length(results.get("train-ours", {}))
    notes = [
        f"Rerun: `{RERUN_ALL}` (each system alone: " + ", ".join(f"`{s.command}`" for s in SYSTEMS) + ").",
        "",
        f"- Every system fine-tunes or trains {length} on eng.train, picks its best model on eng.testa "
        "and is scored on eng.testb by the same conlleval-compatible scorer of `spacy_bert_ner.scoring` "
        f"(micro-averaged entity P, R and F1, in %), on the same {number(ours.get('words'))} words.",
        "- Train min and train words/s: wall time of the whole training command, loading and dev evaluations "
        "included; words/s is training words times epochs over that time.",
        f"- Inference words/s: eng.testb words over the seconds of the timed pass. spaCy pipelines run "
        f"`nlp.pipe` with {ours.get('settings', {}).get('batch_size', MISSING)} documents per batch; the Hugging Face "
        f"model runs tokenization and a batched forward pass with {hf.get('settings', {}).get('batch_size', MISSING)} "
        "sentences per batch, in file order.",
        "- Peak RSS: the largest resident set size of the training command's processes, and of the inference "
        "process (which includes loading the model and the data).",
        "- Model size: the saved model folder on disk (spaCy `model-best`, Hugging Face `save_pretrained`).",
    ]
    commands = ["", "Commands that produced these figures:", ""]
    for system in SYSTEMS:
        for kind in ("train", "inference"):
            result = results.get(f"{kind}-{system.key}")
            if result:
                commands.append(f"- {system.key}, {kind}: `python {' '.join(result.get('argv', []))}`")
    return "## Systems\n\n" + table + "\n\n" + "\n".join(notes + commands)


def _training_length(train: Dict[str, Any]) -> str:
    """Say how long the systems trained, from our training result."""
    if train.get("epochs") and not train.get("max_steps"):
        return f"for {train['epochs']} epochs"
    if train.get("max_steps"):
        return (
            f"for at most {train['max_steps']} steps (a short run: each system counts steps in its own "
            "batches, so train words/s is not given)"
        )
    return "for an unknown length"


def _versus_section(results: Dict[str, Dict[str, Any]]) -> str:
    ours = results.get("inference-ours")
    hf = results.get("inference-hf")
    if not ours or not hf:
        return ""
    lines = ["## Ours against the Hugging Face recipe", "", f"Rerun: `python -m spacy project run bench-ours` and `python -m spacy project run bench-hf`.", ""]
    lines += _accuracy_lines(ours, hf)
    lines.append("")
    lines += _speed_lines(results, ours, hf)
    return "\n".join(lines)


def _accuracy_lines(ours: Dict[str, Any], hf: Dict[str, Any]) -> List[str]:
    ours_f1 = ours["scores"]["ents_f"] or 0.0
    hf_f1 = hf["scores"]["ents_f"] or 0.0
    difference = (ours_f1 - hf_f1) * 100
    lines = [
        f"**Accuracy.** Ours reaches {percent(ours_f1)} entity F1 on eng.testb, the Hugging Face recipe "
        f"{percent(hf_f1)}: a difference of {difference:+.2f} points."
    ]
    if ours_f1 >= hf_f1:
        lines[0] += " Ours is at least as accurate with the same transformer and epochs."
        return lines
    lines[0] += " Ours is less accurate. The per-type scores show where the difference is:"
    rows = []
    labels = sorted(set(ours["scores"].get("ents_per_type") or {}) | set(hf["scores"].get("ents_per_type") or {}))
    for label in labels:
        ours_type = (ours["scores"].get("ents_per_type") or {}).get(label, {})
        hf_type = (hf["scores"].get("ents_per_type") or {}).get(label, {})
        gap = None
        if "f" in ours_type and "f" in hf_type:
            gap = (ours_type["f"] - hf_type["f"]) * 100
        rows.append([label, percent(ours_type.get("f")), percent(hf_type.get("f")), MISSING if gap is None else f"{gap:+.2f}"])
    lines += ["", markdown_table(("Type", "Ours F1", "Hugging Face F1", "Difference"), rows, "lrrr"), ""]
    lines.append(
        "The two setups differ in these ways, each a candidate cause: the Hugging Face recipe classifies "
        "each word from its first word piece with a softmax over one sentence at a time, while ours runs a "
        "transition-based NER over the whole document, reads the transformer through strided windows that "
        "cross sentence boundaries, adds hashed word-shape features, and follows its own learning-rate "
        "schedule and batch size in words. An ablation of one difference at a time would tell which matters."
    )
    return lines


def _speed_lines(results: Dict[str, Dict[str, Any]], ours: Dict[str, Any], hf: Dict[str, Any]) -> List[str]:
    ours_speed = ours["words_per_second"]
    hf_speed = hf["words_per_second"]
    hf_sorted = results.get("inference-hf-sorted", {}).get("words_per_second")
    speedup = ratio(ours_speed, hf_speed)
    text = (
        f"**Speed.** On the same {number(ours['words'])} words, ours runs at {number(ours_speed)} words/s and the "
        f"Hugging Face forward pass at {number(hf_speed)} words/s"
    )
    if hf_sorted is not None:
        text += f" ({number(hf_sorted)} words/s with sentences sorted by length)"
    text += f": ours runs at {speedup:.2f} times its speed." if speedup is not None else "."
    if ours["words"] != hf["words"]:
        text += (
            f" **Warning:** ours was measured on {number(ours['words'])} words and the Hugging Face recipe on "
            f"{number(hf['words'])}, so the two passes did not see the same text."
        )
    if ours_speed >= hf_speed:
        return [text + " Ours is at least as fast."]

    lines = [text + " Ours is slower, for these measured reasons:", ""]
    flops = results.get("flops", {})
    ours_flops = flops.get("ours") or {}
    hf_flops = flops.get("hf") or {}
    if ours_flops and hf_flops:
        getter = ours_flops.get("span_getter", {})
        flops_ratio = ratio(ours_flops["flops_per_word"], hf_flops["flops_per_word"]) or 0.0
        amount = "More" if flops_ratio > 1 else "Not more"
        lines.append(
            f"- {amount} transformer work per word: {ours_flops['flops_per_word'] / 1e6:.1f} MFLOP against "
            f"{hf_flops['flops_per_word'] / 1e6:.1f} MFLOP ({flops_ratio:.2f} times). "
            f"Windows of {getter.get('window', MISSING)} tokens with a stride of {getter.get('stride', MISSING)} send each word "
            f"through the transformer {ours_flops['overlap_factor']:.2f} times on average, and the sequences hold "
            f"{ours_flops['mean_sequence_length']:.0f} word pieces on average against {hf_flops['mean_sequence_length']:.0f} "
            "for single sentences, which makes attention costlier per piece."
        )
    # Both speeds come from the same sweep, so they share its conditions.
    sweep_default = results.get(f"sweep/{DEFAULT_SETTING}", {}).get("words_per_second")
    transformer_only = results.get("sweep/transformer-only", {}).get("words_per_second")
    if sweep_default and transformer_only:
        share = 1 - sweep_default / transformer_only
        if share > 0:
            after = f"so the NER and iob_tags components take {share * 100:.0f}% of the pipeline's time"
        else:
            after = "so the work after it is lost in the run-to-run noise"
        lines.append(
            f"- Work after the transformer: in the settings sweep the transformer component alone runs at "
            f"{number(transformer_only)} words/s and the whole pipeline at {number(sweep_default)} words/s, {after}."
        )
    combined = results.get(f"sweep/{COMBINED_SETTING}")
    if combined:
        combined_ratio = ratio(combined["words_per_second"], hf_speed) or 0.0
        effect = "closes the gap" if combined_ratio >= 1 else "closes part of the gap"
        lines.append(
            f"- What {effect} without retraining: the inference settings that helped "
            f"(`{' '.join(combined.get('sweep_args', []))}`) reach {number(combined['words_per_second'])} words/s, "
            f"{combined_ratio:.2f} times the Hugging Face forward pass, at "
            f"{percent((combined.get('scores') or {}).get('ents_f'))} F1."
        )
    lines.append(
        "- Further speed-ups need retraining and were not measured here: a stride equal to the window "
        "removes the overlap and so divides the transformer's work by the overlap factor above, and a smaller "
        "NER hidden width or no shape features shortens the work after the transformer; each may cost F1."
    )
    return lines


def _sweep_section(results: Dict[str, Dict[str, Any]]) -> str:
    sweep = {key.split("/", 1)[1]: result for key, result in results.items() if key.startswith("sweep/")}
    # Run order, with the default first and the combined run last.
    names = sorted(sweep, key=lambda name: (name != DEFAULT_SETTING, name == COMBINED_SETTING, sweep[name].get("date", "")))
    sweep = {name: sweep[name] for name in names}
    default = sweep.get(DEFAULT_SETTING)
    if not default:
        return ""

    base_speed = default["words_per_second"]
    base_f1 = (default.get("scores") or {}).get("ents_f")
    rows = []
    for name, result in sweep.items():
        f1 = (result.get("scores") or {}).get("ents_f")
        f1_change = MISSING if f1 is None or base_f1 is None else f"{(f1 - base_f1) * 100:+.2f}"
        # nlp.pipe with n_process > 1 starts that many workers, each with its own
        # copy of the model; the largest worker's peak stands for all of them.
        n_process = result["settings"]["n_process"]
        workers = n_process * result.get("peak_rss_children_bytes", 0) if n_process > 1 else 0
        memory = result["peak_rss_bytes"] + workers

        rows.append(
            [
                name,
                "`" + (" ".join(result.get("sweep_args", [])) or "defaults") + "`",
                number(result["words_per_second"]),
                f"{result['words_per_second'] / base_speed:.2f}",
                percent(f1),
                f1_change,
                mebibytes(memory),
            ]
        )

    settings = default["settings"]
    text = [
        "## Inference settings for ours",
        "",
        "Rerun: `python -m spacy project run bench-inference`.",
        "",
        f"Each row changes one setting of the default (batch size {settings['batch_size']} documents, file order, "
        f"{settings['threads']} torch threads, fp32, one process) and runs in a new process over eng.testb. "
        "`combined` keeps every change that made inference faster, and a lower precision only if it cost at "
        "most the sweep's --max-f1-drop in F1. `transformer-only` runs just the transformer component, so it "
        "has no F1. For several processes the memory column adds the largest worker's peak once per worker.",
        "",
        markdown_table(("Setting", "Arguments", "Words/s", "Speed vs default", "F1", "F1 change", "Peak RSS MiB"), rows, "llrrrrr"),
    ]
    return "\n".join(text)


def _flops_section(results: Dict[str, Dict[str, Any]]) -> str:
    flops = results.get("flops")
    if not flops:
        return ""
    matmul = flops["matmul"]
    rate = matmul["fp32_square"]["flops_per_second"]
    runs = [
        ("ours", flops.get("ours"), results.get("inference-ours")),
        ("ours, combined settings", flops.get("ours"), results.get(f"sweep/{COMBINED_SETTING}")),
        ("hf", flops.get("hf"), results.get("inference-hf")),
        ("hf, sorted by length", flops.get("hf"), results.get("inference-hf-sorted")),
    ]
    rows = []
    for name, counts, inference in runs:
        if not counts or not inference:
            continue
        achieved = counts["flops_per_word"] * inference["words_per_second"]
        rows.append(
            [
                name,
                counts["layers"],
                f"{counts['pieces_per_word']:.2f}",
                f"{counts['mean_sequence_length']:.0f}",
                f"{counts['flops_per_word'] / 1e6:.1f}",
                number(inference["words_per_second"]),
                f"{achieved / 1e9:.1f}",
                f"{achieved / rate * 100:.1f}",
            ]
        )
    size = matmul["fp32_square"]["shape"][0]
    feed_forward = matmul["fp32_feed_forward"]
    text = [
        "## Physical limit",
        "",
        "Rerun: `python -m spacy project run bench-flops`.",
        "",
        f"The machine multiplies {size}x{size} fp32 matrices at {rate / 1e9:.1f} GFLOP/s and bf16 matrices at "
        f"{matmul['bf16_square']['flops_per_second'] / 1e9:.1f} GFLOP/s with {matmul['threads']} torch threads; the "
        f"model's own feed-forward shape ({'x'.join(str(n) for n in feed_forward['shape'])}) runs at "
        f"{feed_forward['flops_per_second'] / 1e9:.1f} GFLOP/s. Each is the best of repeated runs. The operations "
        "per word count the encoder's matrix multiplications over the real, unpadded sequences of eng.testb "
        "(see `bench/flops.py`), so the fraction of the fp32 rate is a lower bound on how busy the CPU is kept.",
        "",
        markdown_table(
            ("Run", "Layers", "Pieces per word", "Mean sequence length", "MFLOP per word", "Words/s", "Achieved GFLOP/s", "% of fp32 matmul rate"),
            rows,
            "lrrrrrrr",
        ),
    ]
    return "\n".join(text)


def _shape_section(results: Dict[str, Dict[str, Any]]) -> str:
    ablation = results.get("shape-ablation")
    if not ablation:
        return ""
    rows = [
        [number(row["step"]), percent(row["with_shape_f"]), percent(row["without_shape_f"]), percent(row["with_shape_f"] - row["without_shape_f"])]
        for row in ablation["steps"]
    ]
    text = [
        "## What the shape features are worth",
        "",
        "Rerun: `python -m spacy project run bench-shape` (after `bench-ours`).",
        "",
        "all-MiniLM-L6-v2 lowercases its input, so our NER also reads hash embeddings of each token's SHAPE, PREFIX and "
        "SUFFIX (`spacy_bert_ner.TransformerWithShape.v1`). `bench/shape_ablation.py` trains the same config without them "
        f"for {number(ablation['max_steps'])} steps, with the same data order, seed and learning-rate schedule, and reads "
        "the dev F1 of `bench-ours`'s training at the same steps.",
        "",
        markdown_table(["Step", "Dev F1 with shape", "Dev F1 without", "Difference"], rows, "rrrr"),
    ]
    return "\n".join(text)


def _converter_section(results: Dict[str, Dict[str, Any]]) -> str:
    corpora = results.get("corpora")
    if not corpora:
        return ""
    rows = []
    for split, record in corpora["splits"].items():
        for converter in ("ours", "spacy_convert"):
            counts = record.get(converter)
            if not counts:
                continue
            same = MISSING
            if converter == "spacy_convert" and "same_words" in record:
                same = f"words {'yes' if record['same_words'] else 'no'}, entities {'yes' if record['same_entities'] else 'no'}"
            rows.append(
                [
                    split,
                    "spacy_bert_ner convert" if converter == "ours" else "spacy convert -c ner",
                    number(counts["documents"]),
                    number(counts["sentences"]),
                    number(counts["tokens"]),
                    number(counts["docstart_tokens"]),
                    number(counts["entities"]),
                    same,
                ]
            )
    f1_rows = []
    for key, model, data in (
        ("inference-ours", "ours (our DocBins)", "eng.testb, our reader"),
        ("inference-ours-spacy-convert-test", "ours (our DocBins)", "test.spacy from spacy convert"),
        ("inference-spacy-convert", "trained on spacy convert DocBins", "eng.testb, our reader"),
        ("inference-spacy-convert-own-test", "trained on spacy convert DocBins", "test.spacy from spacy convert"),
    ):
        result = results.get(key)
        if result:
            f1_rows.append([model, data, number(result["documents"]), percent((result.get("scores") or {}).get("ents_f"))])
    text = [
        "## What the converter fix is worth",
        "",
        "Rerun: `python -m spacy project run bench-spacy-convert`.",
        "",
        "spaCy's converter splits documents only at the exact line `-DOCSTART- -X- O O`; eng.testb writes "
        "`-DOCSTART- -X- -X- O`. The counts come from the DocBins each converter wrote with its default options.",
        "",
        markdown_table(("Split", "Converter", "Docs", "Sentences", "Tokens", "-DOCSTART- tokens", "Entities", "Same as ours"), rows, "llrrrrrl"),
    ]
    same_splits = [
        split for split, record in corpora["splits"].items() if record.get("same_words") and record.get("same_entities")
    ]
    if "train" in same_splits and "dev" in same_splits:
        # Training reads only these two files, so the model's input is the same
        # with either converter and only the test file can differ.
        text += [
            "",
            "Both converters give the same words and entities for train and dev, so training on either set of DocBins "
            "sees the same data, and the fix only changes how the test file is read.",
        ]
    if f1_rows:
        text += [
            "",
            "Entity F1 of the default config depending on which converter made the training and the test data. "
            "Rows on the `spacy convert` test file score what a user of that converter would measure.",
            "",
            markdown_table(("Model", "Test data", "Docs", "F1"), f1_rows, "llrr"),
        ]
    return "\n".join(text)


def _display_model_path(model: str) -> str:
    """Shorten a model folder inside site-packages to the part after it, which is the same on every machine."""
    parts = Path(model).parts
    if "site-packages" in parts:
        return "site-packages/" + "/".join(parts[parts.index("site-packages") + 1 :])
    return model


def _hf_settings_section(results: Dict[str, Dict[str, Any]]) -> str:
    details = results.get("train-hf", {}).get("details")
    if not details:
        return ""
    rows = [[name, value] for name, value in details["hyperparameters"].items()]
    rows.append(["steps", details.get("steps")])
    rows.append(["best dev F1", percent(details.get("best_dev_f1"))])
    return "\n".join(
        [
            "## Hugging Face recipe settings",
            "",
            "Rerun: `python -m spacy project run bench-hf`.",
            "",
            f"Model `{_display_model_path(details['model'])}`; learning rate, weight decay, gradient clipping, seed and epochs come from "
            f"`{details['config']}`, the batch size from the transformers token-classification guide.",
            "",
            markdown_table(("Setting", "Value"), rows, "lr"),
        ]
    )


def _missing_section(results: Dict[str, Dict[str, Any]]) -> str:
    expected = [f"{kind}-{system.key}" for system in SYSTEMS for kind in ("train", "inference")]
    # sweep/combined is absent when no setting beat the default, which is a result, not a gap.
    expected += ["inference-hf-sorted", "corpora", "flops", "sweep/default", "sweep/transformer-only"]
    missing = [key for key in expected if key not in results]
    if not missing:
        return ""
    return "## Missing results\n\n" + "\n".join(f"- `{key}.json`" for key in missing)


if __name__ == "__main__":
    typer.run(main)

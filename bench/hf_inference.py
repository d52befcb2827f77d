"""Time a batched forward pass of a Hugging Face token-classification model and score it.

    python bench/hf_inference.py bench/training/hf/model assets/eng.testb \\
        --name hf --output bench/results/inference-hf.json

The timed pass covers what a user's inference loop does for each batch of
sentences: tokenizing the words, the forward pass, the arg-max and reading
one tag per word from its first word piece. Reading the data and loading the
model are not timed, and one batch runs untimed first, as in
`spacy_inference.py`. The words and gold tags are those the spaCy systems are
scored on, and the scorer is the same.
"""

import time
from pathlib import Path
from typing import Any, Dict, List, Optional

import torch
import typer
from spacy.util import minibatch
from transformers import AutoModelForTokenClassification, AutoTokenizer
from wasabi import msg

from common import folder_size_bytes, peak_rss_bytes, write_result
from hf_data import first_piece_tags, read_sentences
from spacy_bert_ner.scoring import TaggedSentence, score_sentences


def main(
    model_dir: Path = typer.Argument(..., help="Saved Hugging Face model folder with its tokenizer.", exists=True, file_okay=False),
    data: Path = typer.Argument(..., help="Gold data: a CoNLL file or a DocBin.", exists=True, dir_okay=False),
    name: str = typer.Option(..., "--name", help="System or setting name for the report."),
    output: Path = typer.Option(..., "--output", "-o", help="JSON file to write the figures to.", dir_okay=False),
    batch_size: int = typer.Option(64, "--batch-size", "-b", min=1, help="Sentences per forward pass."),
    sort_by_length: bool = typer.Option(False, "--sort-by-length", help="Feed the sentences longest first, so batches need less padding."),
    threads: int = typer.Option(0, "--threads", min=0, help="torch.set_num_threads value. 0 keeps torch's default."),
    limit: int = typer.Option(0, "--limit", min=0, help="Use only the first N sentences. 0 uses all."),
    predictions: Optional[Path] = typer.Option(
        None, "--predictions", help="Write `token gold predicted` lines (IOB2) to this file.", dir_okay=False
    ),
    gpu_id: int = typer.Option(-1, "--gpu-id", "-g", help="GPU to run on, or -1 for the CPU."),
) -> None:
    """Predict tags for gold sentences in batched forward passes and record
    words per second, entity scores, peak memory and the model's size on disk.
    """
    if threads:
        torch.set_num_threads(threads)
    device = torch.device(f"cuda:{gpu_id}" if gpu_id >= 0 else "cpu")
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForTokenClassification.from_pretrained(model_dir).to(device).eval()
    id2label = {int(i): label for i, label in model.config.id2label.items()}

    sentences = read_sentences(data, limit)
    order = list(range(len(sentences)))
    if sort_by_length:
        order.sort(key=lambda i: len(sentences[i].words), reverse=True)
    batches = [list(batch) for batch in minibatch(order, batch_size)]

    _predict_batch([sentences[i].words for i in batches[0]], tokenizer, model, id2label, device)
    predicted: List[List[str]] = [[] for _ in sentences]
    start = time.perf_counter()
    for batch in batches:
        batch_tags = _predict_batch([sentences[i].words for i in batch], tokenizer, model, id2label, device)
        for index, tags in zip(batch, batch_tags):
            predicted[index] = tags
    seconds = time.perf_counter() - start
    n_words = sum(len(sentence.words) for sentence in sentences)

    tagged = [
        TaggedSentence(sentence.doc_index, sentence.words, sentence.gold, tags)
        for sentence, tags in zip(sentences, predicted)
    ]
    scores: Dict[str, Any] = score_sentences(tagged).as_dict()
    scores.pop("token_level", None)
    if predictions is not None:
        _write_predictions(tagged, predictions)

    result: Dict[str, Any] = {
        "name": name,
        "kind": "huggingface",
        "model": str(model_dir),
        "data": str(data),
        "settings": {
            "batch_size": batch_size,
            "sort_by_length": sort_by_length,
            "threads": torch.get_num_threads(),
            "threads_option": threads,
            "precision": "fp32",
            "n_process": 1,
            "limit": limit,
            "gpu_id": gpu_id,
        },
        "sentences": len(sentences),
        "words": n_words,
        "seconds": seconds,
        "words_per_second": n_words / seconds if seconds > 0 else None,
        "scores": scores,
        "peak_rss_bytes": peak_rss_bytes(),
        "peak_rss_children_bytes": peak_rss_bytes(children=True),
        "model_size_bytes": folder_size_bytes(model_dir),
        "predictions": str(predictions) if predictions is not None else None,
    }
    write_result(output, result)
    f_score = scores["ents_f"] * 100 if scores["ents_f"] is not None else 0.0
    msg.good(f"{name}: {n_words} words in {seconds:.1f} s, {result['words_per_second']:.0f} words/s, entity F1 {f_score:.2f}; wrote {output}")


def _predict_batch(
    batch_words: List[List[str]], tokenizer: Any, model: Any, id2label: Dict[int, str], device: torch.device
) -> List[List[str]]:
    """Tag a batch of sentences: tokenize, run the model, read first-piece labels."""
    encoding = tokenizer(batch_words, is_split_into_words=True, truncation=True, padding=True, return_tensors="pt")
    with torch.inference_mode():
        logits = model(**{key: value.to(device) for key, value in encoding.items()}).logits
    label_ids = logits.argmax(dim=-1).cpu().numpy()
    return [
        first_piece_tags(encoding.word_ids(i), label_ids[i], len(words), id2label)
        for i, words in enumerate(batch_words)
    ]


def _write_predictions(sentences: List[TaggedSentence], path: Path) -> None:
    """Write `token gold predicted` lines with a blank line after each sentence."""
    lines = []
    for sentence in sentences:
        for word, gold, predicted in zip(sentence.words, sentence.gold, sentence.predicted):
            lines.append(f"{word} {gold} {predicted}")
        lines.append("")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf8")


if __name__ == "__main__":
    typer.run(main)

"""Count the transformer's floating-point operations per word and measure the machine's matmul rate.

    python bench/flops.py training/default/model-best assets/eng.testb \\
        --hf-model bench/training/hf/model --output bench/results/flops.json

A BERT encoder layer over a sequence of S word pieces with hidden size H and
feed-forward size I does these matrix multiplications, each multiply-add
counted as two operations:

    query, key, value and output projections   8 * S * H * H
    feed-forward up and down projections        4 * S * H * I
    attention scores and weighted values        4 * S * S * H

Embeddings, layer norms, softmax, biases and the classification head are left
out: they are small next to these. The counts use the real sequence lengths,
so padding is not counted, and the fraction of the matmul rate that a system
reaches is a lower bound on how busy it keeps the CPU.

For our pipeline the sequences are the strided windows that spacy-transformers
cuts from each document and tokenizes, so tokens in the overlap of two windows
run twice. For the Hugging Face recipe each sentence is one sequence.
"""

import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import spacy
import torch
import typer
from transformers import AutoConfig, AutoTokenizer
from wasabi import msg

from common import write_result
from hf_data import read_sentences
from spacy_bert_ner.evaluation import make_input_docs, read_gold_docs


def main(
    pipeline: str = typer.Argument(..., help="Our spaCy pipeline folder, with a `transformer` component."),
    data: Path = typer.Argument(..., help="Data to count word pieces on: a CoNLL file or a DocBin.", exists=True, dir_okay=False),
    output: Path = typer.Option(..., "--output", "-o", help="JSON file to write the figures to.", dir_okay=False),
    hf_model: Optional[Path] = typer.Option(
        None, "--hf-model", help="Saved model of the Hugging Face recipe, to count its operations too.", file_okay=False
    ),
    limit: int = typer.Option(0, "--limit", min=0, help="Use only the first N documents. 0 uses all."),
    matmul_size: int = typer.Option(2048, "--matmul-size", min=16, help="Side of the square matrices of the matmul benchmark."),
    matmul_seconds: float = typer.Option(3.0, "--matmul-seconds", min=0.1, help="Seconds to run each matmul benchmark for."),
    threads: int = typer.Option(0, "--threads", min=0, help="torch.set_num_threads value. 0 keeps torch's default."),
) -> None:
    """Count floating-point operations per word of the transformer forward pass
    for our pipeline and the Hugging Face recipe, and measure the matrix-multiply
    rate of this machine with torch.
    """
    if threads:
        torch.set_num_threads(threads)
    nlp = spacy.load(pipeline)
    transformer = nlp.get_pipe("transformer").model
    tokenizer = transformer.tokenizer
    gold_docs, _ = read_gold_docs(data, nlp.vocab)
    if limit:
        gold_docs = gold_docs[:limit]
    docs = make_input_docs(gold_docs, nlp.vocab)

    # The span getter is the one the pipeline runs, and the tokenizer call
    # mirrors spacy-transformers' huggingface_tokenize without the padding.
    spans = [span for doc_spans in transformer.attrs["get_spans"](docs) for span in doc_spans]
    encoding = tokenizer([span.text for span in spans], add_special_tokens=True)
    lengths = [len(ids) for ids in encoding["input_ids"]]
    n_words = sum(len(doc) for doc in docs)
    ours = _count(transformer.transformer.config, lengths, n_words)
    ours["window_tokens"] = sum(len(span) for span in spans)
    ours["overlap_factor"] = ours["window_tokens"] / n_words if n_words else None
    span_getter = nlp.config["components"]["transformer"]["model"]["get_spans"]
    ours["span_getter"] = {key: value for key, value in span_getter.items() if not isinstance(value, dict)}
    msg.info(f"Ours: {len(spans)} windows, {ours['flops_per_word'] / 1e6:.1f} MFLOP per word")

    result: Dict[str, Any] = {"data": str(data), "pipeline": pipeline, "ours": ours, "hf": None}
    if hf_model is not None:
        hf_tokenizer = AutoTokenizer.from_pretrained(hf_model)
        sentences = read_sentences(data)
        if limit:
            last_doc = len(gold_docs) - 1
            sentences = [sentence for sentence in sentences if sentence.doc_index <= last_doc]
        hf_encoding = hf_tokenizer([s.words for s in sentences], is_split_into_words=True, truncation=True)
        hf_lengths = [len(ids) for ids in hf_encoding["input_ids"]]
        hf_words = sum(len(s.words) for s in sentences)
        result["hf"] = _count(AutoConfig.from_pretrained(hf_model), hf_lengths, hf_words)
        msg.info(f"Hugging Face recipe: {len(sentences)} sentences, {result['hf']['flops_per_word'] / 1e6:.1f} MFLOP per word")

    config = transformer.transformer.config
    result["matmul"] = {
        "threads": torch.get_num_threads(),
        "fp32_square": _matmul_rate(matmul_size, matmul_size, matmul_size, torch.float32, matmul_seconds),
        "bf16_square": _matmul_rate(matmul_size, matmul_size, matmul_size, torch.bfloat16, matmul_seconds),
        # The feed-forward projection of a batch of 4096 word pieces: the
        # largest matmul the model itself runs.
        "fp32_feed_forward": _matmul_rate(4096, config.hidden_size, config.intermediate_size, torch.float32, matmul_seconds),
    }
    write_result(output, result)
    rate = result["matmul"]["fp32_square"]["flops_per_second"]
    msg.good(f"fp32 matmul rate {rate / 1e9:.1f} GFLOP/s with {torch.get_num_threads()} threads; wrote {output}")


def encoder_flops(n_layers: int, hidden: int, intermediate: int, length: int) -> int:
    """Count the matmul operations of a BERT encoder on one sequence.

    n_layers (int): Transformer layers.
    hidden (int): Hidden size H.
    intermediate (int): Feed-forward size I.
    length (int): Word pieces S in the sequence, special tokens included.
    RETURNS (int): Floating-point operations, a multiply-add counted as two.
    """
    per_layer = 8 * length * hidden * hidden + 4 * length * hidden * intermediate + 4 * length * length * hidden
    return n_layers * per_layer


def _count(config: Any, lengths: Sequence[int], n_words: int) -> Dict[str, Any]:
    """Sum the encoder operations over sequences and divide by the words."""
    total = sum(
        encoder_flops(config.num_hidden_layers, config.hidden_size, config.intermediate_size, length)
        for length in lengths
    )
    n_pieces = sum(lengths)
    return {
        "layers": config.num_hidden_layers,
        "hidden_size": config.hidden_size,
        "intermediate_size": config.intermediate_size,
        "sequences": len(lengths),
        "pieces": n_pieces,
        "words": n_words,
        "mean_sequence_length": n_pieces / len(lengths) if lengths else None,
        "max_sequence_length": max(lengths) if lengths else None,
        "pieces_per_word": n_pieces / n_words if n_words else None,
        "flops": total,
        "flops_per_word": total / n_words if n_words else None,
    }


def _matmul_rate(rows: int, inner: int, columns: int, dtype: torch.dtype, seconds: float) -> Dict[str, Any]:
    """Multiply two random matrices for about `seconds` and return the best rate."""
    left = torch.randn(rows, inner).to(dtype)
    right = torch.randn(inner, columns).to(dtype)
    flops = 2 * rows * inner * columns
    torch.matmul(left, right)
    timings: List[float] = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline or len(timings) < 3:
        start = time.perf_counter()
        torch.matmul(left, right)
        timings.append(time.perf_counter() - start)
    best = min(timings)
    return {
        "shape": [rows, inner, columns],
        "dtype": str(dtype).replace("torch.", ""),
        "runs": len(timings),
        "best_seconds": best,
        "flops_per_second": flops / best,
    }


if __name__ == "__main__":
    typer.run(main)

"""Train the Hugging Face `Trainer` token-classification recipe on CoNLL-2003.

    python bench/hf_recipe.py bench/training/hf --train assets/eng.train \\
        --dev assets/eng.testa --config configs/default.cfg

The recipe follows the transformers token-classification guide and its
run_ner.py example:

- words tokenized with `is_split_into_words`, the first word piece of each
  word labelled and the other pieces ignored (-100);
- `AutoModelForTokenClassification`, a linear head over the transformer;
- dynamic padding by `DataCollatorForTokenClassification`;
- `Trainer` with AdamW and a linear decay, evaluating after each epoch and
  keeping the checkpoint with the best dev entity F1.

That F1 comes from this library's conlleval-compatible scorer. The guide uses
seqeval, whose default mode is compatible with conlleval too (seqeval 1.2.2
README).

The model, epochs, learning rate, weight decay, gradient clipping, seed and
number of layers come from the spaCy config that our system trains with, so
both train the same transformer for the same number of epochs. The batch size
is the guide's 16 sentences.
"""

import shutil
from pathlib import Path
from typing import Any, Dict, List, Optional

import numpy
import srsly
import typer
from spacy.util import load_config
from transformers import (
    AutoModelForTokenClassification,
    AutoTokenizer,
    DataCollatorForTokenClassification,
    EvalPrediction,
    Trainer,
    TrainingArguments,
)
from wasabi import msg

from common import read_training_length
from hf_data import IGNORED_LABEL, first_piece_labels, label_list, read_sentences
from spacy_bert_ner.models import configure_packaged_model_path
from spacy_bert_ner.scoring import TaggedSentence, score_tag_sequences

MODEL_DIR = "model"
CHECKPOINT_DIR = "checkpoints"
DETAILS_FILE = "training.json"


def main(
    output_dir: Path = typer.Argument(..., help="Folder for the trained model (in model/) and training.json.", file_okay=False),
    train_path: Path = typer.Option(..., "--train", help="Training data: CoNLL file or DocBin.", exists=True, dir_okay=False),
    dev_path: Path = typer.Option(..., "--dev", help="Development data: CoNLL file or DocBin.", exists=True, dir_okay=False),
    config: Path = typer.Option(
        Path("configs/default.cfg"), "--config", help="spaCy config to take epochs, learning rate, weight decay, seed and layers from.", exists=True, dir_okay=False
    ),
    model: Optional[str] = typer.Option(None, "--model", help="Hugging Face model folder. Default: the packaged all-MiniLM-L6-v2."),
    batch_size: int = typer.Option(16, "--batch-size", min=1, help="Training sentences per batch."),
    eval_batch_size: int = typer.Option(64, "--eval-batch-size", min=1, help="Sentences per batch when evaluating."),
    epochs: Optional[float] = typer.Option(None, "--epochs", min=0.0, help="Epochs. Default: training.max_epochs of the config."),
    max_steps: Optional[int] = typer.Option(None, "--max-steps", min=0, help="Stop after this many steps. Default: training.max_steps of the config; 0 sets no limit."),
    learning_rate: Optional[float] = typer.Option(None, "--learning-rate", help="Peak learning rate. Default: the config's initial_rate."),
    warmup_ratio: float = typer.Option(0.0, "--warmup-ratio", min=0.0, max=1.0, help="Fraction of the steps to warm up the learning rate over."),
    n_layers: Optional[int] = typer.Option(None, "--n-layers", min=1, help="Keep only the first N transformer layers. Default: the config's num_hidden_layers, else all."),
    limit: int = typer.Option(0, "--limit", min=0, help="Use only the first N sentences of each file. 0 uses all."),
    gpu_id: int = typer.Option(-1, "--gpu-id", "-g", help="GPU to train on, or -1 for the CPU."),
) -> None:
    """Fine-tune a transformer with the Hugging Face Trainer recipe for token
    classification and save it with its tokenizer and training details.
    """
    settings = _settings_from_config(config)
    length = read_training_length(config)
    if epochs is None:
        epochs = float(length["max_epochs"] or 1)
    if max_steps is None:
        max_steps = length["max_steps"]
    if learning_rate is None:
        learning_rate = settings["learning_rate"]
    if n_layers is None:
        n_layers = settings["n_layers"]
    model_path = model or configure_packaged_model_path()

    train_sentences = read_sentences(train_path, limit)
    dev_sentences = read_sentences(dev_path, limit)
    labels = label_list([train_sentences, dev_sentences])
    label2id = {label: i for i, label in enumerate(labels)}
    id2label = {i: label for label, i in label2id.items()}
    msg.info(f"Read {len(train_sentences)} training and {len(dev_sentences)} dev sentences; labels: {', '.join(labels)}")

    tokenizer = AutoTokenizer.from_pretrained(model_path)
    model_options: Dict[str, Any] = {"num_labels": len(labels), "id2label": id2label, "label2id": label2id}
    if n_layers:
        model_options["num_hidden_layers"] = n_layers
    hf_model = AutoModelForTokenClassification.from_pretrained(model_path, **model_options)
    train_features = _encode(train_sentences, tokenizer, label2id)
    dev_features = _encode(dev_sentences, tokenizer, label2id)

    args = TrainingArguments(
        output_dir=str(output_dir / CHECKPOINT_DIR),
        learning_rate=learning_rate,
        per_device_train_batch_size=batch_size,
        per_device_eval_batch_size=eval_batch_size,
        num_train_epochs=epochs,
        max_steps=max_steps if max_steps > 0 else -1,
        weight_decay=settings["weight_decay"],
        max_grad_norm=settings["max_grad_norm"],
        warmup_ratio=warmup_ratio,
        eval_strategy="epoch",
        save_strategy="epoch",
        save_total_limit=1,
        load_best_model_at_end=True,
        metric_for_best_model="f1",
        seed=settings["seed"],
        use_cpu=gpu_id < 0,
        logging_steps=50,
        report_to=[],
    )
    trainer = Trainer(
        model=hf_model,
        args=args,
        train_dataset=train_features,
        eval_dataset=dev_features,
        data_collator=DataCollatorForTokenClassification(tokenizer),
        processing_class=tokenizer,
        compute_metrics=lambda prediction: _compute_metrics(prediction, id2label),
    )
    train_output = trainer.train()

    model_dir = output_dir / MODEL_DIR
    trainer.save_model(str(model_dir))
    tokenizer.save_pretrained(str(model_dir))
    # Checkpoints hold optimizer states: they are not part of the model.
    shutil.rmtree(output_dir / CHECKPOINT_DIR, ignore_errors=True)

    details = {
        "recipe": "transformers Trainer, token classification, first word piece labelled",
        "model": model_path,
        "config": str(config),
        "labels": labels,
        "train_sentences": len(train_sentences),
        "train_words": sum(len(sentence.words) for sentence in train_sentences),
        "dev_sentences": len(dev_sentences),
        "hyperparameters": {
            "epochs": epochs,
            "max_steps": max_steps,
            "learning_rate": learning_rate,
            "batch_size": batch_size,
            "weight_decay": settings["weight_decay"],
            "max_grad_norm": settings["max_grad_norm"],
            "warmup_ratio": warmup_ratio,
            "seed": settings["seed"],
            "n_layers": hf_model.config.num_hidden_layers,
        },
        "steps": train_output.global_step,
        "train_runtime_seconds": train_output.metrics.get("train_runtime"),
        "best_dev_f1": trainer.state.best_metric,
        "log_history": trainer.state.log_history,
    }
    srsly.write_json(output_dir / DETAILS_FILE, details)
    best = f"{trainer.state.best_metric * 100:.2f}" if trainer.state.best_metric is not None else "not evaluated"
    msg.good(f"Saved the model to {model_dir}; best dev entity F1 {best}")


def _settings_from_config(config_path: Path) -> Dict[str, Any]:
    """Read the learning rate, weight decay, clipping, seed and layers of a spaCy config."""
    config = load_config(config_path, interpolate=True)
    training = config["training"]
    optimizer = training["optimizer"]
    learn_rate = optimizer.get("learn_rate", 0.001)
    # A schedule is a block such as warmup_linear.v1 with its initial_rate.
    if isinstance(learn_rate, dict):
        learn_rate = learn_rate.get("initial_rate", 0.001)
    weight_decay = optimizer.get("L2", 0.0) if optimizer.get("L2_is_weight_decay", False) else 0.0
    transformer_config = (
        config.get("components", {}).get("transformer", {}).get("model", {}).get("transformer_config", {})
    )
    return {
        "learning_rate": float(learn_rate),
        "weight_decay": float(weight_decay),
        "max_grad_norm": float(optimizer.get("grad_clip", 1.0)),
        "seed": int(training.get("seed", 0)),
        "n_layers": transformer_config.get("num_hidden_layers"),
    }


def _encode(sentences: List[TaggedSentence], tokenizer: Any, label2id: Dict[str, int]) -> List[Dict[str, List[int]]]:
    """Tokenize sentences into word pieces, with the first piece of each word labelled."""
    encoding = tokenizer([sentence.words for sentence in sentences], is_split_into_words=True, truncation=True)
    features = []
    for i, sentence in enumerate(sentences):
        feature = {key: values[i] for key, values in encoding.items()}
        feature["labels"] = first_piece_labels(encoding.word_ids(i), sentence.gold, label2id)
        features.append(feature)
    return features


def _compute_metrics(prediction: EvalPrediction, id2label: Dict[int, str]) -> Dict[str, float]:
    """Score the first-piece predictions of the dev set with conlleval's rules."""
    predicted_ids = numpy.argmax(prediction.predictions, axis=-1)
    gold_tags = []
    predicted_tags = []
    for predicted_row, label_row in zip(predicted_ids, prediction.label_ids):
        first_pieces = label_row != IGNORED_LABEL
        gold_tags.append([id2label[int(i)] for i in label_row[first_pieces]])
        predicted_tags.append([id2label[int(i)] for i in predicted_row[first_pieces]])
    scores = score_tag_sequences(gold_tags, predicted_tags)
    return {
        "f1": scores.ents_f or 0.0,
        "precision": scores.ents_p or 0.0,
        "recall": scores.ents_r or 0.0,
    }


if __name__ == "__main__":
    typer.run(main)

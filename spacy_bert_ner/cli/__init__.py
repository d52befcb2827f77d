"""Command-line interface: `python -m spacy_bert_ner COMMAND`."""

from ._app import app

# Importing the command modules registers their commands on `app`.
from . import convert, evaluate, predict, score  # noqa: E402,F401

__all__ = ["app"]

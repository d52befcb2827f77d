"""Fine-tune BERT-family transformers for named-entity recognition in spaCy."""

import logging

__version__ = "0.1.0"

logging.getLogger("spacy_bert_ner").addHandler(logging.NullHandler())

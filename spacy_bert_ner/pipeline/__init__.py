"""spaCy pipeline components of spacy_bert_ner."""

from .iob_tags import IOBTagger, make_iob_tags
from .tag_lists import CONLL2003_TAGS, PER_ORG_LOC_TAGS

__all__ = ["CONLL2003_TAGS", "PER_ORG_LOC_TAGS", "IOBTagger", "make_iob_tags"]

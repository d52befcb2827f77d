"""Adding the trained transformer, NER and iob_tags to another spaCy pipeline."""

import spacy

from spacy_bert_ner.schemes import chunks_to_tags

TEXT = "Acme Corp hired John Smith in London. He moved to Berlin in May."


def build_app_pipeline(trained_path):
    """A pipeline as an existing app might have it, with our components added."""
    trained = spacy.load(trained_path)
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "ORG", "pattern": "Acme Corp"}])
    nlp.add_pipe("transformer", source=trained)
    nlp.add_pipe("ner", source=trained)
    nlp.add_pipe("iob_tags", source=trained)
    return nlp


def test_embedding_keeps_pipeline_order(tiny_pipeline_path):
    nlp = build_app_pipeline(tiny_pipeline_path)
    assert nlp.pipe_names == ["sentencizer", "entity_ruler", "transformer", "ner", "iob_tags"]


def test_embedding_keeps_ruler_entities(tiny_pipeline_path):
    nlp = build_app_pipeline(tiny_pipeline_path)
    doc = nlp(TEXT)
    entities = [(ent.text, ent.label_) for ent in doc.ents]
    assert ("Acme Corp", "ORG") in entities


def test_embedding_keeps_sentencizer_boundaries(tiny_pipeline_path):
    nlp = build_app_pipeline(tiny_pipeline_path)
    doc = nlp(TEXT)
    sentences = [sent.text for sent in doc.sents]
    assert sentences == ["Acme Corp hired John Smith in London.", "He moved to Berlin in May."]
    for ent in doc.ents:
        assert ent.sent.start <= ent.start, ent.text
        assert ent.end <= ent.sent.end, ent.text


def test_embedding_tags_match_entities(tiny_pipeline_path):
    nlp = build_app_pipeline(tiny_pipeline_path)
    doc = nlp(TEXT)
    spans = [(ent.start, ent.end, ent.label_) for ent in doc.ents]
    assert doc._.iob_tags == chunks_to_tags(len(doc), spans, "IOB2")
    assert len(doc._.iob_tag_ids) == len(doc)


def test_embedding_matches_trained_pipeline(tiny_pipeline_path):
    # Without the ruler, the sourced components predict what the trained
    # pipeline predicts on the same tokens and sentence starts.
    trained = spacy.load(tiny_pipeline_path)
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("transformer", source=trained)
    nlp.add_pipe("ner", source=trained)
    nlp.add_pipe("iob_tags", source=trained)
    embedded = nlp(TEXT)
    reference = trained(nlp.get_pipe("sentencizer")(nlp.make_doc(TEXT)))
    assert embedded._.iob_tags == reference._.iob_tags

import typer

app = typer.Typer(
    name="spacy_bert_ner",
    help="Convert CoNLL data, score and evaluate NER pipelines, and annotate new text.",
    no_args_is_help=True,
    add_completion=False,
)

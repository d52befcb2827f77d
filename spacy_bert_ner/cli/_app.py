import typer

app = typer.Typer(
    name="spacy_bert_ner",
    help="Convert CoNLL data, score and evaluate NER pipelines, and annotate new text.",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def main() -> None:
    """Convert CoNLL data, score and evaluate NER pipelines, and annotate new text."""
    # A callback keeps `app` a group of subcommands. Without one, typer runs a
    # lone registered command as the whole program and `convert` stops
    # being a valid first argument.

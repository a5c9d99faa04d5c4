"""Train any registered back end on the corpus, tune on dev, save. Test is never touched."""

from __future__ import annotations

import hashlib
import time
from dataclasses import replace
from pathlib import Path

from scr_nlp.corpus.io import corpus_path, labelled_sentences, load_documents
from scr_nlp.models.base import SentenceInput
from scr_nlp.models.evaluation import choose_thresholds, evaluate_scores, label_matrix
from scr_nlp.models.registry import get_model_type
from scr_nlp.models.store import ThemeModel, save_model


def as_inputs(sentences) -> list[SentenceInput]:
    return [SentenceInput(s.text, s.prev_text, s.next_text) for s in sentences]


def _file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def train_model(
    model_type: str,
    out: Path,
    corpus: Path | None = None,
    seed: int = 13,
    config_overrides: dict | None = None,
    progress=None,
    log=lambda message: None,
) -> dict:
    """Fit on train, pick config and thresholds on dev, save to ``out``; return a summary."""
    started = time.perf_counter()
    mtype = get_model_type(model_type)
    path = corpus_path(corpus)
    docs = load_documents(path)
    train_docs = [d for d in docs if d.split == "train"]
    dev_docs = [d for d in docs if d.split == "dev"]
    if not train_docs or not dev_docs:
        from scr_nlp.errors import DataError

        raise DataError(f"{path}: needs documents in both the train and dev splits")
    log(f"segmenting {len(train_docs)} train and {len(dev_docs)} dev documents")
    train = labelled_sentences(train_docs)
    dev = labelled_sentences(dev_docs)
    dev_gold = label_matrix([s.labels for s in dev])
    config_cls = mtype.load_config_class()
    base = config_cls(seed=seed, **(config_overrides or {}))
    candidates = [replace(base, **c) for c in config_cls.tuning_grid] or [base]
    best = None
    for i, config in enumerate(candidates, start=1):
        log(f"fitting {mtype.registered_name} candidate {i}/{len(candidates)}: {config}")
        classifier = mtype.load_class()(config)
        classifier.fit(as_inputs(train), [s.labels for s in train], progress=progress)
        scores = classifier.predict_proba(as_inputs(dev))
        thresholds = choose_thresholds(dev_gold, scores)
        metrics = evaluate_scores(
            dev_gold, scores, thresholds, [s.doc_id for s in dev], [s.hard_negative for s in dev]
        )
        macro = metrics["sentence"]["macro_f1"]
        log(f"  dev sentence macro-F1 {macro:.3f}")
        if best is None or macro > best[0]:
            best = (macro, classifier, thresholds, metrics)
    _, classifier, thresholds, metrics = best
    meta = {
        "type": mtype.name,
        "seed": seed,
        "training_data": {
            "path": str(path.name),
            "sha256": _file_sha256(path),
            "train_documents": len(train_docs),
            "train_sentences": len(train),
            "dev_documents": len(dev_docs),
            "dev_sentences": len(dev),
        },
        "metrics": {"dev": metrics},
        "training_seconds": round(time.perf_counter() - started, 1),
    }
    model = ThemeModel(classifier, thresholds, meta)
    save_model(model, Path(out))
    return {
        "out": str(out),
        "type": mtype.registered_name,
        "config": model.meta["config"],
        "thresholds": model.meta["thresholds"],
        "dev": metrics,
        "training_seconds": meta["training_seconds"],
    }

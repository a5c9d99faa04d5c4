"""Train any registered back end, choose its config and thresholds on dev, save it.

Training data: the corpus train split, plus the train part of the real-text set when
its CSV is available. Model choice and thresholds: the corpus dev split and the real
dev part together (mean of their F1s, so neither dominates). Test parts are never read.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, replace
from pathlib import Path

from scr_nlp.corpus.io import LabelledSentence, corpus_path, labelled_sentences, load_documents
from scr_nlp.errors import DataError
from scr_nlp.models.metrics import (
    REAL_MIN_SUPPORT,
    choose_document_thresholds,
    choose_thresholds_multi,
    evaluate_scores,
    label_matrix,
    macro_over_supported,
)
from scr_nlp.models.registry import get_model_type
from scr_nlp.models.store import ThemeModel, save_model
from scr_nlp.settings import SEED

# Documents with a theme needed before a dev set's error rates are used to correct prevalence.
MIN_DOCUMENTS_FOR_ERROR_RATES = 10


@dataclass(frozen=True)
class LabelledSet:
    """A named set of labelled sentences (their doc_ids group them into documents)."""

    name: str
    sentences: list[LabelledSentence]

    @property
    def gold(self):
        return label_matrix([s.labels for s in self.sentences])

    @property
    def doc_ids(self) -> list[str]:
        return [s.doc_id for s in self.sentences]

    def inputs(self):
        return [s.input for s in self.sentences]


def training_sets(
    corpus: Path | None = None, real_csv: Path | None = None, include_real: bool = True
) -> tuple[list[LabelledSentence], list[LabelledSet], dict]:
    """(train sentences, dev sets, a description of the data) for training and tuning."""
    path = corpus_path(corpus)
    docs = load_documents(path)
    train_docs = [d for d in docs if d.split == "train"]
    dev_docs = [d for d in docs if d.split == "dev"]
    if not train_docs or not dev_docs:
        raise DataError(f"{path}: needs documents in both the train and dev splits")
    train = labelled_sentences(train_docs)
    dev_sets = [LabelledSet("corpus_dev", labelled_sentences(dev_docs))]
    described = {
        "path": path.name,
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "train_documents": len(train_docs),
        "train_sentences": len(train),
        "dev_documents": len(dev_docs),
        "dev_sentences": len(dev_sets[0].sentences),
    }
    real = _real_parts(real_csv) if include_real else None
    if real is not None:
        real_train, real_dev = real
        train = train + real_train
        dev_sets.append(LabelledSet("real_dev", real_dev))
        described |= {
            "real_train_reports": len({s.doc_id for s in real_train}),
            "real_train_sentences": len(real_train),
            "real_dev_reports": len({s.doc_id for s in real_dev}),
            "real_dev_sentences": len(real_dev),
        }
    return train, dev_sets, described


def _real_parts(real_csv: Path | None):
    from scr_nlp.corpus.real import load_real_reports, real_labelled_sentences
    from scr_nlp.settings import get_settings

    if real_csv is None and get_settings().pfd_csv is None:
        return None
    train = real_labelled_sentences(load_real_reports(real_csv, "train"))
    dev = real_labelled_sentences(load_real_reports(real_csv, "dev"))
    return train, dev


def set_score(metrics: dict, name: str) -> float:
    """The figure model choice maximises for one dev set: sentence macro-F1, over the
    themes with enough support on real text."""
    block = metrics["sentence"]
    if name.startswith("real"):
        return macro_over_supported(block, REAL_MIN_SUPPORT) or 0.0
    return block["macro_f1"]


def train_model(
    model_type: str,
    out: Path,
    corpus: Path | None = None,
    seed: int = SEED,
    config_overrides: dict | None = None,
    progress=None,
    log=lambda message: None,
    real_csv: Path | None = None,
    include_real: bool = True,
) -> dict:
    """Fit on train, pick config and thresholds on the dev sets, save to ``out`` (refused
    before any training when it cannot be written)."""
    from scr_nlp.outputs import check_output_dir

    started = time.perf_counter()
    mtype = get_model_type(model_type)
    check_output_dir(Path(out))
    train, dev_sets, described = training_sets(corpus, real_csv, include_real)
    log(
        f"training on {len(train)} sentences; tuning on "
        + ", ".join(f"{d.name} ({len(d.sentences)})" for d in dev_sets)
    )
    config_cls = mtype.load_config_class()
    overrides = dict(config_overrides or {})
    seed = overrides.pop("seed", seed)
    # Settings the user fixed are left out of the tuning grid.
    grid = {
        tuple(sorted((k, v) for k, v in c.items() if k not in overrides))
        for c in config_cls.tuning_grid
    }
    try:
        base = config_cls(seed=seed, **overrides)
        candidates = [replace(base, **dict(c)) for c in sorted(grid) if c] or [base]
    except (TypeError, ValueError) as exc:
        raise DataError(f"invalid {config_cls.__name__}: {exc}") from None
    best = None
    for i, config in enumerate(candidates, start=1):
        log(f"fitting {mtype.registered_name} candidate {i}/{len(candidates)}: {config}")
        classifier = mtype.load_class()(config)
        classifier.fit([s.input for s in train], [s.labels for s in train], progress=progress)
        scored = [(d, classifier.predict_proba(d.inputs())) for d in dev_sets]
        thresholds = choose_thresholds_multi([(d.gold, s) for d, s in scored])
        doc_thresholds = choose_document_thresholds(
            [(d.gold, s, d.doc_ids) for d, s in scored], thresholds
        )
        metrics = {
            d.name.removeprefix("corpus_"): evaluate_scores(
                d.gold,
                s,
                thresholds,
                d.doc_ids,
                [x.hard_negative for x in d.sentences],
                doc_thresholds,
            )
            for d, s in scored
        }
        score = sum(set_score(m, n) for n, m in metrics.items()) / len(metrics)
        log("  " + ", ".join(f"{n} {set_score(m, n):.3f}" for n, m in metrics.items()))
        if best is None or score > best[0]:
            best = (score, classifier, thresholds, doc_thresholds, metrics)
    _, classifier, thresholds, doc_thresholds, metrics = best
    meta = {
        "type": mtype.name,
        "seed": seed,
        "training_data": described,
        "metrics": metrics,
        "error_rates": document_error_rates(metrics),
        "training_seconds": round(time.perf_counter() - started, 1),
    }
    model = ThemeModel(classifier, thresholds, meta, document_thresholds=doc_thresholds)
    save_model(model, Path(out))
    return {
        "out": str(out),
        "type": mtype.registered_name,
        "config": model.meta["config"],
        "thresholds": model.meta["thresholds"],
        "document_thresholds": model.meta["document_thresholds"],
        "metrics": metrics,
        "training_seconds": meta["training_seconds"],
    }


def document_error_rates(metrics: dict) -> dict:
    """Per theme, document-level confusion counts for correcting prevalence: from real dev
    text where it has enough documents with the theme, else from the corpus dev split."""
    from scr_nlp.taxonomy import THEME_IDS

    out = {}
    for theme in THEME_IDS:
        for name in ("real_dev", "dev"):
            block = metrics.get(name, {}).get("document")
            if not block:
                continue
            entry = block["per_theme"][theme]
            if entry["support"] < MIN_DOCUMENTS_FOR_ERROR_RATES and name != "dev":
                continue
            tn = block["documents"] - entry["tp"] - entry["fp"] - entry["fn"]
            out[theme] = {
                "true_positives": entry["tp"],
                "false_negatives": entry["fn"],
                "true_negatives": tn,
                "false_positives": entry["fp"],
                "source": "real coroners' reports (dev)"
                if name == "real_dev"
                else "corpus dev split",
            }
            break
    return out

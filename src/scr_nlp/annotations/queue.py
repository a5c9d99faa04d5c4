"""`scr-nlp queue`: pick the sentences whose annotation would help the model most.

Strategies: ``uncertainty`` (a score closest to its theme's threshold),
``diversity`` (spread over the most uncertain sentences, greedy farthest-point in
TF-IDF space) and ``disagreement`` (largest gap between two models of different
types, e.g. linear and transformer). Each task carries the model's suggestion.
"""

from __future__ import annotations

from pathlib import Path

from scr_nlp.annotations.merge import sentence_key
from scr_nlp.errors import DataError, ModelError

STRATEGIES = ("uncertainty", "diversity", "disagreement")


def _candidates(inputs: list[Path], tagger, max_size_mb: float) -> list[dict]:
    from scr_nlp.batch import collect_files
    from scr_nlp.reading import read_document

    files, problems = collect_files(inputs)
    if not files:
        raise DataError(
            "no documents found in the inputs" + (f" ({problems[0]['error']})" if problems else "")
        )
    items, seen = [], set()
    raws = (read_document(f, max_size_mb) for f in files)
    for f, result in zip(files, tagger.tag_many(raws), strict=True):
        for i, s in enumerate(result.sentences):
            key = sentence_key(s.text)
            if len(key.split()) < 4 or key in seen:
                continue
            seen.add(key)
            items.append(
                {
                    "doc_id": f.stem,
                    "path": str(f),
                    "index": i,
                    "start": s.start,
                    "end": s.end,
                    "text": s.text,
                    "scores": s.scores,
                    "suggested": list(s.labels),
                    "model": tagger.model.name,
                }
            )
    return items


def _margin(item: dict, thresholds: dict) -> float:
    return min(abs(item["scores"][t] - thresholds[t]) for t in thresholds)


def build_queue(
    inputs: list[Path],
    n: int,
    strategy: str = "uncertainty",
    model: str | None = None,
    second_model: str | None = None,
    max_size_mb: float = 50.0,
) -> list[dict]:
    import numpy as np

    from scr_nlp.models.base import SentenceInput
    from scr_nlp.tagging import Tagger

    if strategy not in STRATEGIES:
        raise DataError(f"unknown strategy {strategy!r}; choose from {list(STRATEGIES)}")
    tagger = Tagger.load(model)
    items = _candidates(inputs, tagger, max_size_mb)
    thresholds = tagger.model.thresholds
    for item in items:
        item["priority"] = round(1 - _margin(item, thresholds), 4)
        item["reason"] = f"closest to a threshold ({_margin(item, thresholds):.3f} away)"
    if strategy == "uncertainty":
        chosen = sorted(items, key=lambda x: (-x["priority"], x["path"], x["index"]))[:n]
    elif strategy == "diversity":
        pool = sorted(items, key=lambda x: (-x["priority"], x["path"], x["index"]))[: max(n * 5, n)]
        chosen = _farthest_points(pool, n)
        for item in chosen:
            item["reason"] = "diverse among uncertain sentences"
    else:
        other = _second_model(tagger.model, second_model)
        texts = [SentenceInput(x["text"]) for x in items]
        a = (
            np.array([[x["scores"][t] for t in thresholds] for x in items])
            if items
            else np.zeros((0, 5))
        )
        b = other.predict_proba(texts) if items else np.zeros((0, 5))
        gap = np.abs(a - b).max(axis=1) if items else np.zeros(0)
        for item, g in zip(items, gap, strict=True):
            item["priority"] = round(float(g), 4)
            item["reason"] = f"{tagger.model.name} and {other.name} differ by {g:.2f}"
        chosen = sorted(items, key=lambda x: (-x["priority"], x["path"], x["index"]))[:n]
    return chosen


def _second_model(first, name: str | None):
    from scr_nlp.models.catalog import list_models
    from scr_nlp.models.store import load_model

    if name:
        return load_model(name)
    for entry in list_models():
        if entry["type"] not in (first.type_name, "keyword"):
            return load_model(entry["path"])
    raise ModelError(
        f"disagreement needs a second model of another type than {first.type_name}; "
        "train one (make models) or pass --second-model PATH"
    )


def _farthest_points(pool: list[dict], n: int) -> list[dict]:
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    if len(pool) <= n:
        return pool
    X = TfidfVectorizer(sublinear_tf=True).fit_transform([x["text"] for x in pool])
    X = X.toarray()
    chosen = [0]  # start from the most uncertain
    distance = 1 - X @ X[0]
    while len(chosen) < n:
        nxt = int(np.argmax(distance))
        chosen.append(nxt)
        distance = np.minimum(distance, 1 - X @ X[nxt])
        distance[chosen] = -1
    return [pool[i] for i in chosen]

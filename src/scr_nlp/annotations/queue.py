"""`scr-nlp queue`: pick the sentences whose annotation would help the model most.

Strategies: ``uncertainty`` (a score closest to its theme's threshold),
``diversity`` (spread over the most uncertain sentences, greedy farthest-point in
TF-IDF space) and ``disagreement`` (largest gap between two learned models of
different types). Each task carries the model's suggestion and the sentence's
neighbours, so annotators read it in context.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from pathlib import Path

from scr_nlp.errors import DataError, InputNotFoundError, ModelError
from scr_nlp.taxonomy import THEME_IDS
from scr_nlp.textkeys import sentence_key
from scr_nlp.settings import MAX_SIZE_MB

STRATEGIES = ("uncertainty", "diversity", "disagreement")


@dataclass(frozen=True)
class QueueItem:
    doc_id: str
    path: str
    index: int
    start: int
    end: int
    text: str
    before: str
    after: str
    scores: dict[str, float]
    suggested: tuple[str, ...]
    model: str
    priority: float = 0.0
    reason: str = ""

    def to_dict(self) -> dict:
        return asdict(self) | {"suggested": list(self.suggested)}

    @classmethod
    def from_dict(cls, data: dict) -> QueueItem:
        return cls(**{**data, "suggested": tuple(data["suggested"])})


def _candidates(inputs: list[Path], tagger, max_size_mb: float) -> list[QueueItem]:
    from scr_nlp.batch.plan import collect_files

    files, problems = collect_files(inputs)
    if not files:
        if problems and all(p.exit_code == InputNotFoundError.exit_code for p in problems):
            raise InputNotFoundError(problems[0].error)
        raise DataError(
            "no documents found in the inputs" + (f" ({problems[0].error})" if problems else "")
        )
    items, seen = [], set()
    for f, result in zip(files, tagger.tag_many(files, max_size_mb=max_size_mb), strict=True):
        sentences = result.sentences
        for i, s in enumerate(sentences):
            key = sentence_key(s.text)
            if len(key.split()) < 4 or key in seen:
                continue
            seen.add(key)
            items.append(
                QueueItem(
                    doc_id=Path(str(f)).stem,
                    path=str(f),
                    index=i,
                    start=s.start,
                    end=s.end,
                    text=s.text,
                    before=sentences[i - 1].text if i else "",
                    after=sentences[i + 1].text if i + 1 < len(sentences) else "",
                    scores=s.scores,
                    suggested=s.labels,
                    model=tagger.model.name,
                )
            )
    return items


def _by_priority(items: list[QueueItem]) -> list[QueueItem]:
    return sorted(items, key=lambda x: (-x.priority, x.path, x.index))


def build_queue(
    inputs: list[Path],
    n: int,
    strategy: str = "uncertainty",
    model: str | None = None,
    second_model: str | None = None,
    max_size_mb: float = MAX_SIZE_MB,
) -> list[QueueItem]:
    import numpy as np

    from scr_nlp.models.base import SentenceInput
    from scr_nlp.tagging import Tagger

    if strategy not in STRATEGIES:
        raise DataError(f"unknown strategy {strategy!r}; choose from {list(STRATEGIES)}")
    tagger = Tagger.load(model)
    items = _candidates(inputs, tagger, max_size_mb)
    thresholds = dict(zip(THEME_IDS, tagger.decision.sentence, strict=True))

    def margin(item: QueueItem) -> float:
        return min(abs(item.scores[t] - thresholds[t]) for t in THEME_IDS)

    items = [
        replace(
            x,
            priority=round(1 - margin(x), 4),
            reason=f"closest to a threshold ({margin(x):.3f} away)",
        )
        for x in items
    ]
    if strategy == "uncertainty":
        return _by_priority(items)[:n]
    if strategy == "diversity":
        pool = _by_priority(items)[: max(n * 5, n)]
        return [
            replace(x, reason="diverse among uncertain sentences")
            for x in _farthest_points(pool, n)
        ]
    other = _second_model(tagger.model, second_model)
    if not items:
        return []
    a = np.array([[x.scores[t] for t in THEME_IDS] for x in items])
    # Each sentence with its own document's neighbours, as the first model scored it.
    b = other.predict_proba([SentenceInput(x.text, x.before, x.after) for x in items])
    gap = np.abs(a - b).max(axis=1)
    items = [
        replace(
            x,
            priority=round(float(g), 4),
            reason=f"{tagger.model.name} and {other.name} differ by {g:.2f}",
        )
        for x, g in zip(items, gap, strict=True)
    ]
    return _by_priority(items)[:n]


def _second_model(first, name: str | None):
    from scr_nlp.models.catalog import list_models
    from scr_nlp.models.registry import get_model_type
    from scr_nlp.models.store import load_model

    if name:
        return load_model(name)
    for entry in list_models():
        model_type = get_model_type(entry["type"])
        if model_type.kind == "learned" and model_type.name != first.type_name:
            return load_model(entry["path"])
    raise ModelError(
        f"disagreement needs a second learned model of another type than {first.type_name}; "
        "train one (make models) or pass --second-model MODEL"
    )


def _farthest_points(pool: list[QueueItem], n: int) -> list[QueueItem]:
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    if len(pool) <= n:
        return pool
    X = TfidfVectorizer(sublinear_tf=True).fit_transform([x.text for x in pool]).toarray()
    chosen = [0]  # start from the most uncertain
    distance = 1 - X @ X[0]
    while len(chosen) < n:
        nxt = int(np.argmax(distance))
        chosen.append(nxt)
        distance = np.minimum(distance, 1 - X @ X[nxt])
        distance[chosen] = -1
    return [pool[i] for i in chosen]

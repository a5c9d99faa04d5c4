"""Merge imported annotations with the corpus into a new, versioned annotation set.

The shipped corpus is never edited. A set directory holds:

- ``corpus.jsonl``: the corpus (its train/dev/test splits untouched) plus the new
  annotations that are kept for training, as one-sentence documents in ``train``;
- ``heldout.jsonl``: a fixed, seeded share of the new annotations, never trained on;
- ``conflicts.csv``: the same sentence labelled differently (by two annotators, or
  against the corpus), left out until an annotator fills the ``resolution`` column
  and imports the file again;
- ``manifest.json``: sources, counts and hashes.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from scr_nlp.annotations.formats import Annotation, ReadResult
from scr_nlp.corpus.schema import ANNOTATION_GENRE
from scr_nlp.corpus.io import CorpusDocument, labelled_sentences, load_documents, write_documents
from scr_nlp.textkeys import NearDuplicateIndex, sentence_key
from scr_nlp.settings import SEED

HOLDOUT_SHARE = 0.2


@dataclass
class AnnotationSet:
    directory: Path
    kept: list[Annotation] = field(default_factory=list)
    heldout: list[Annotation] = field(default_factory=list)
    conflicts: list[dict] = field(default_factory=list)
    counts: dict = field(default_factory=dict)

    @property
    def corpus_path(self) -> Path:
        return self.directory / "corpus.jsonl"

    @property
    def heldout_path(self) -> Path:
        return self.directory / "heldout.jsonl"


def _is_heldout(key: str, seed: int) -> bool:
    digest = hashlib.sha256(f"{seed}:{key}".encode()).hexdigest()
    return int(digest[:8], 16) / 0xFFFFFFFF < HOLDOUT_SHARE


def next_set_dir(root: Path | None = None) -> Path:
    from scr_nlp.settings import get_settings

    root = root or get_settings().annotations_dir
    root.mkdir(parents=True, exist_ok=True)
    numbers = [
        int(p.name.split("-")[1]) for p in root.glob("set-*") if p.name.split("-")[1].isdigit()
    ]
    return root / f"set-{max(numbers, default=0) + 1:04d}"


def _sentence_doc(annotation: Annotation, split: str) -> CorpusDocument:
    key = hashlib.sha256(annotation.text.encode()).hexdigest()[:12]
    return CorpusDocument(
        doc_id=f"ann-{key}",
        genre=ANNOTATION_GENRE,
        text=annotation.text,
        meta={
            "source": Path(annotation.source).name,
            "line": annotation.line,
            "annotator": annotation.annotator,
        },
        spans=({"start": 0, "end": len(annotation.text), "labels": list(annotation.labels)},),
        split=split,
    )


def build_annotation_set(
    results: list[ReadResult],
    corpus: Path | None = None,
    directory: Path | None = None,
    seed: int = SEED,
) -> AnnotationSet:
    directory = directory or next_set_dir()
    directory.mkdir(parents=True, exist_ok=False)
    out = AnnotationSet(directory)
    counts = {
        "imported": sum(len(r.annotations) for r in results),
        "exact_duplicates": 0,
        "near_duplicates": 0,
        "near_copies_of_dev_or_test": 0,
        "same_as_corpus": 0,
        "conflicts": 0,
        "skipped_problems": sum(len(r.problems) for r in results),
    }

    # 1. Group by normalised text: agreeing copies collapse, disagreeing ones conflict.
    by_key: dict[str, list[Annotation]] = {}
    for result in results:
        for a in result.annotations:
            by_key.setdefault(sentence_key(a.text), []).append(a)
    candidates: dict[str, Annotation] = {}
    for key, group in by_key.items():
        resolved = [a for a in group if a.resolved]
        if resolved:
            candidates[key] = resolved[-1]
            continue
        label_sets = {a.labels for a in group}
        if len(label_sets) > 1:
            out.conflicts.append(_conflict(group[0], group[1:], "annotators disagree"))
            continue
        counts["exact_duplicates"] += len(group) - 1
        candidates[key] = group[0]

    # 2. Against the corpus: test/dev sentences must never enter training.
    docs = load_documents(corpus)
    corpus_labels: dict[str, tuple[tuple[str, ...], str]] = {}
    for s, split in (
        (s, split)
        for split in ("train", "dev", "test")
        for s in labelled_sentences([d for d in docs if d.split == split])
    ):
        corpus_labels.setdefault(sentence_key(s.text), (s.labels, split))
    # Near copies of dev or test sentences would leak them into training just as exact ones.
    held_back = NearDuplicateIndex()
    for key, (_, split) in corpus_labels.items():
        if split != "train":
            held_back.add(key)
    for key in list(candidates):
        if key not in corpus_labels and held_back.matches(key):
            del candidates[key]
            counts["near_copies_of_dev_or_test"] += 1
    for key in list(candidates):
        if key in corpus_labels:
            labels, split = corpus_labels[key]
            a = candidates.pop(key)
            if labels == a.labels:
                counts["same_as_corpus"] += 1
            elif a.resolved and split == "train":
                candidates[key] = a  # the annotator's resolution is added beside the corpus copy
            else:
                out.conflicts.append(
                    _conflict(a, [], f"corpus ({split}) labels {','.join(labels) or 'none'}")
                )

    # 3. Near duplicates among the new annotations: keep the first when the labels agree;
    # when they differ, neither is kept and both go to the conflicts file.
    kept = NearDuplicateIndex()
    kept_keys: list[str] = []
    dropped: set[str] = set()
    for key in sorted(candidates):
        a = candidates[key]
        near = [kept_keys[i] for i, _ in kept.matches(key)]
        if near:
            differing = [k for k in near if candidates[k].labels != a.labels]
            resolved_before = any(candidates[k].resolved for k in differing)
            if differing and a.resolved and not resolved_before:
                dropped.update(differing)  # a filled-in resolution settles the conflict
                counts["near_duplicates"] += len(differing)
                kept.add(key)
                kept_keys.append(key)
            elif differing and not resolved_before:
                out.conflicts.append(
                    _conflict(a, [candidates[k] for k in differing], "a near duplicate")
                )
                dropped.update(differing)
            else:
                counts["near_duplicates"] += 1
            continue
        kept.add(key)
        kept_keys.append(key)
    for key in kept_keys:
        if key not in dropped:
            (out.heldout if _is_heldout(key, seed) else out.kept).append(candidates[key])
    counts["conflicts"] = len(out.conflicts)
    counts["train_added"] = len(out.kept)
    counts["heldout"] = len(out.heldout)
    out.counts = counts

    write_documents([*docs, *(_sentence_doc(a, "train") for a in out.kept)], out.corpus_path)
    write_documents([_sentence_doc(a, "heldout") for a in out.heldout], out.heldout_path)
    _write_conflicts(out.conflicts, directory / "conflicts.csv")
    manifest = {
        "sources": sorted({Path(a.source).name for r in results for a in r.annotations}),
        "formats": sorted({r.format for r in results}),
        "seed": seed,
        "holdout_share": HOLDOUT_SHARE,
        "counts": counts,
        "corpus_sha256": hashlib.sha256(out.corpus_path.read_bytes()).hexdigest(),
    }
    (directory / "manifest.json").write_text(
        json.dumps(manifest, indent=1) + "\n", encoding="utf-8"
    )
    return out


def _conflict(first: Annotation, others: list[Annotation], against: str) -> dict:
    return {
        "text": first.text,
        "labels": ";".join(first.labels) or "none",
        "source": f"{Path(first.source).name}:{first.line}",
        "other_labels": " | ".join(
            f"{';'.join(o.labels) or 'none'} ({Path(o.source).name}:{o.line})" for o in others
        )
        or against,
        "resolution": "",
    }


def _write_conflicts(conflicts: list[dict], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=["text", "labels", "source", "other_labels", "resolution"]
        )
        writer.writeheader()
        writer.writerows(conflicts)

"""Corpus statistics: what the data card and the content targets are checked against."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

from scr_nlp.corpus.io import SPLITS, labelled_sentences, load_documents
from scr_nlp.taxonomy import THEME_IDS

COHORT_FIELDS = ("year", "region", "outcome", "child_age_band", "review_type", "board")


def corpus_stats(path: str | Path | None = None) -> dict:
    docs = load_documents(path)
    sentences = labelled_sentences(docs)
    split_of = {d.doc_id: d.split or "none" for d in docs}
    positives: dict[str, Counter] = {t: Counter() for t in THEME_IDS}
    docs_with: dict[str, set[str]] = defaultdict(set)
    hard = Counter()
    sent_count = Counter()
    for s in sentences:
        split = split_of[s.doc_id]
        sent_count[split] += 1
        for label in s.labels:
            positives[label][split] += 1
            docs_with[label].add(s.doc_id)
        if s.hard_negative:
            hard[split] += 1
    themed_docs = set().union(*docs_with.values()) if docs_with else set()
    cohorts = {
        field: dict(sorted(Counter(str(d.meta.get(field)) for d in docs).items()))
        for field in COHORT_FIELDS
    }
    multi = sum(1 for d in docs if len({lab for sp in d.spans for lab in sp["labels"]}) >= 2)
    return {
        "documents": len(docs),
        "documents_per_split": dict(Counter(d.split or "none" for d in docs)),
        "sentences": len(sentences),
        "sentences_per_split": dict(sent_count),
        "words": sum(len(d.text.split()) for d in docs),
        "positives": {
            t: {**dict(positives[t]), "total": sum(positives[t].values())} for t in THEME_IDS
        },
        "documents_with_theme": {t: len(docs_with[t]) for t in THEME_IDS},
        "hard_negatives": {**dict(hard), "total": sum(hard.values())},
        "no_theme_documents": len(docs) - len(themed_docs),
        "no_theme_share": round((len(docs) - len(themed_docs)) / max(1, len(docs)), 3),
        "multi_theme_documents": multi,
        "genres": dict(sorted(Counter(d.genre for d in docs).items())),
        "layouts": dict(Counter(d.meta.get("layout", "clean") for d in docs)),
        "cohorts": cohorts,
    }


def format_stats(stats: dict) -> str:
    lines = [
        f"documents {stats['documents']}  sentences {stats['sentences']}  words {stats['words']}",
        "per split: "
        + "  ".join(
            f"{s}: {stats['documents_per_split'].get(s, 0)} docs / {stats['sentences_per_split'].get(s, 0)} sents"
            for s in SPLITS
        ),
        "",
        f"{'theme':<30}{'train':>7}{'dev':>7}{'test':>7}{'total':>7}{'docs':>7}",
    ]
    for t in THEME_IDS:
        p = stats["positives"][t]
        lines.append(
            f"{t:<30}{p.get('train', 0):>7}{p.get('dev', 0):>7}{p.get('test', 0):>7}{p['total']:>7}"
            f"{stats['documents_with_theme'][t]:>7}"
        )
    h = stats["hard_negatives"]
    lines.append(
        f"{'hard negatives':<30}{h.get('train', 0):>7}{h.get('dev', 0):>7}{h.get('test', 0):>7}{h['total']:>7}"
    )
    lines.append("")
    lines.append(
        f"no-theme documents {stats['no_theme_documents']} ({stats['no_theme_share']:.0%}); "
        f"multi-theme documents {stats['multi_theme_documents']}; layouts {stats['layouts']}"
    )
    lines.append("genres: " + ", ".join(f"{g} {n}" for g, n in stats["genres"].items()))
    for field, counts in stats["cohorts"].items():
        lines.append(f"{field}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return "\n".join(lines)
